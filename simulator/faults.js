// Plays a fault rule instead of (or, for 'processed-504', after) the real answer.
const { json, reply, xml } = require('./http');

/** Concur's rate-limit error shape (its documented 429 example), also used by the throttling switch. */
const rateLimited = (state, status, headers) =>
	json(status, { error: { id: state.random.uuid(), message: 'Rate limit exceeded' } }, headers);

/** A load balancer's own error page, as gateways send it: HTML, no Retry-After, nothing of Concur's. */
const GATEWAY_PAGE =
	'<html><head><title>503 Service Temporarily Unavailable</title></head><body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>';

const MALFORMED = {
	token: json(200, {}).headers,
	calloutList: xml(200, '').headers,
};

/**
 * Returns the answer for a fault that stops the request before it is processed, `null` when the
 * request goes on ('processed-504' is applied by the caller afterwards), or 'no-answer' when the
 * socket was dealt with (reset, hang).
 */
function playFault(state, fault, endpoint, req) {
	switch (fault.kind) {
		case '429':
			return rateLimited(state, 429, { 'Retry-After': String(fault.retryAfter ?? 0) });
		case '500':
		case '502':
		case '503':
		case '504':
			return json(Number(fault.kind), {
				errorId: state.random.uuid(),
				errorCode: `HTTP_${fault.kind}`,
				errorMessage: `Simulated ${fault.kind}`,
			});
		case '503-gateway':
			return reply(503, GATEWAY_PAGE, { 'Content-Type': 'text/html' });
		case 'reset':
			req.socket.destroy();
			return 'no-answer';
		case 'hang':
			return 'no-answer';
		case 'malformed':
			return endpoint === 'calloutList'
				? reply(
						200,
						'<NotificationList xmlns="x"><Notification><EventType>cut off',
						MALFORMED.calloutList,
					)
				: reply(200, '{"access_token": "cut', MALFORMED.token);
		case 'doctype':
			// A hostile document: entity declarations that expand a billion times ("billion laughs").
			return xml(
				200,
				'<?xml version="1.0"?><!DOCTYPE NotificationList [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><NotificationList><Notification><Context>&c;</Context></Notification></NotificationList>',
			);
		case 'redirect':
			// A redirect elsewhere: a client must not follow it with the token.
			return reply(302, '', { Location: fault.location ?? 'http://127.0.0.1:9/elsewhere' });
		case 'processed-504':
			return null;
		default:
			throw new Error(`Unknown fault kind ${fault.kind}`);
	}
}

module.exports = { playFault, rateLimited };
