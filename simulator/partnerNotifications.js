// POST /notifications/v4/messages/{userId}/session (SAP Concur's Partner Notifications v4 page; the
// answers it documents are checked in test/simulator/partnerNotifications.test.js).
const { json, reply } = require('./http');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The page's flat-and-nestable error schema, the swagger's nested one, or both at once. */
function v4Error(state, status, errorCode, errorMessage) {
	const entry = { errorId: state.random.uuid(), errorCode, errorMessage };
	const shape = state.config.errorShape;
	const body =
		shape === 'flat'
			? entry
			: shape === 'both'
				? { ...entry, errors: [{ ...entry }] }
				: { errors: [entry] };
	return json(status, body);
}

function domainAllowed(state, hostname) {
	return state.config.allowedContextDomains.some(
		(domain) => hostname === domain || hostname.endsWith(`.${domain}`),
	);
}

/** Validates and delivers; `deliver` is false for a request a fault answers instead. */
function handleMessage(state, userId, headers, rawBody, correlationId) {
	if (!state.authorize(headers.authorization, ['Bearer'])) {
		return v4Error(
			state,
			state.config.expiredTokenStatus,
			'INVALID_TOKEN',
			'The access token is missing, invalid or expired',
		);
	}
	if (!UUID.test(userId))
		return v4Error(state, 400, 'INVALID_USER_ID', `userId ${userId} is not a UUID`);
	let body;
	try {
		body = JSON.parse(rawBody);
	} catch {
		return v4Error(state, 400, 'INVALID_BODY', 'The body is not valid JSON');
	}
	for (const field of ['sessionId', 'templateId']) {
		if (typeof body?.[field] !== 'string' || !body[field].trim())
			return v4Error(state, 400, 'MISSING_FIELD', `${field} is required`);
	}
	if (body.context === undefined) {
		if (state.config.contextRequired)
			return v4Error(state, 400, 'MISSING_FIELD', 'context is required');
	} else {
		let url;
		try {
			url = new URL(body.context?.url);
		} catch {
			return v4Error(state, 400, 'INVALID_CONTEXT_URL', 'context.url is not a valid URL');
		}
		if (!['http:', 'https:'].includes(url.protocol))
			return v4Error(state, 400, 'INVALID_CONTEXT_URL', 'context.url must be http or https');
		if (!domainAllowed(state, url.hostname)) {
			return v4Error(
				state,
				400,
				'DOMAIN_NOT_ALLOWED',
				`The domain ${url.hostname} of context.url is not on the approved list`,
			);
		}
	}
	if (!state.credentials.userIds.some((id) => id.toLowerCase() === userId.toLowerCase())) {
		return v4Error(state, 404, 'USER_NOT_FOUND', `User ${userId} was not found`);
	}
	state.recordDelivery(userId, body, correlationId);
	return reply(200, '');
}

module.exports = { handleMessage, v4Error };
