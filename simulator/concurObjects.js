// GET the object a failed callout names (its ObjectURI): a small expense report or travel request
// document, enough for a workflow to say what failed. The same id always gives the same document.
const { json } = require('./http');

const OBJECT_PATH =
	/^\/api\/(?:expense\/expensereport\/v1\.1\/reportfulldetails|travelrequest\/v1\.0\/requests)\/([^/]+)$/;

const isObjectPath = (pathname) => OBJECT_PATH.test(pathname);

function handleObject(state, headers, pathname) {
	if (!state.authorize(headers.authorization, ['Bearer', 'OAuth']))
		return json(401, { Message: 'Invalid or expired token' });
	const id = decodeURIComponent(OBJECT_PATH.exec(pathname)[1]);
	if (pathname.includes('/travelrequest/')) {
		return json(200, {
			ID: id,
			Name: `Customer visit ${id.slice(0, 4)}`,
			OwnerName: 'Ana Silva',
			ApprovalStatus: 'Submitted',
			TotalApprovedAmount: 1250,
			CurrencyCode: 'EUR',
		});
	}
	return json(200, {
		ReportID: id,
		ReportName: `Lisbon trip ${id.slice(0, 4)}`,
		OwnerName: 'Ana Silva',
		Total: 842.5,
		CurrencyCode: 'EUR',
		ApprovalStatusName: 'Submitted & Pending Approval',
		SubmitDate: '2024-01-02T09:30:00',
	});
}

module.exports = { isObjectPath, handleObject };
