// GET the Expense v4 report an event's `href` names: needs a company token (not the App token).
const { json } = require('../http');

const REPORT_PATH = /^\/expensereports\/v4\/users\/([^/]+)\/context\/([^/]+)\/reports\/([^/]+)$/;

const isReportPath = (path) => REPORT_PATH.test(path);

function handleReport(state, headers, path) {
	const match = /^Bearer\s+(\S+)$/.exec(headers.authorization ?? '');
	const entry = match && state.accessTokens.get(match[1]);
	if (!entry || entry.expiresAt <= Date.now())
		return json(401, { message: 'Invalid or expired token' });
	if (entry.subject !== state.credentials.companyUuid)
		return json(403, { message: 'A company token is required' });
	const [, userId, , reportId] = REPORT_PATH.exec(path);
	return json(200, {
		reportId,
		name: `Lisbon trip ${reportId.slice(0, 4)}`,
		ownerId: userId,
		ownerName: 'Ana Silva',
		reportTotal: { value: 842.5, currencyCode: 'EUR' },
		approvalStatus: 'Submitted & Pending Approval',
		submitDate: '2024-01-02T09:30:00Z',
	});
}

module.exports = { isReportPath, handleReport };
