// Where the credential sends a request, with which Authorization, and where never.
const { authenticateRequest } = require('../../../dist/nodes/shared/authenticateRequest');

const credentials = {
	dataCenter: 'https://us2.api.concursolutions.com',
	geolocation: 'https://eu2.api.concursolutions.com',
	calloutHost: 'legacy',
	calloutAuthScheme: 'OAuth',
	accessToken: 'T',
};

test.each([
	['/notifications/v4/messages/u/session', 'https://eu2.api.concursolutions.com', 'Bearer T'],
	['/api/platform/notifications/v1.0/notification', 'https://www.concursolutions.com', 'OAuth T'],
	[
		'https://eu2.api.concursolutions.com/api/platform/notifications/v1.0/notification/a',
		undefined,
		'OAuth T',
	],
	['https://www-eu2.api.concursolutions.com/api/v3.0/expense/reports', undefined, 'Bearer T'],
])('%s goes to %s with %s, never through a redirect', (url, baseURL, authorization) => {
	const options = authenticateRequest(credentials, { url });
	expect(options.baseURL).toBe(baseURL);
	expect(options.headers.Authorization).toBe(authorization);
	expect(options.disableFollowRedirect).toBe(true);
});

test.each([
	['an absolute URL on another host', { url: 'https://evil.example.com/x' }],
	['a relative URL on a base URL elsewhere', { url: '/x', baseURL: 'https://evil.example.com' }],
	['a Concur data centre the token is not for', { uri: 'https://apj1.api.concursolutions.com/x' }],
])('refused: %s', (_, options) => {
	expect(() => authenticateRequest(credentials, options)).toThrow(
		/^Refused to send the SAP Concur token to https:\/\/(evil\.example\.com|apj1\.api\.concursolutions\.com): /,
	);
});
