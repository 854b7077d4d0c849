// Which hosts a credential's requests go to, and the only ones its token may be sent to.
const {
	toOrigin,
	apiOrigin,
	calloutOrigin,
	trustedOrigins,
	isTrustedUrl,
} = require('../../../dist/nodes/shared/concurHosts');

const US2 = 'https://us2.api.concursolutions.com';
const EU2 = 'https://eu2.api.concursolutions.com';
const LEGACY = 'https://www.concursolutions.com';
const SIMULATOR = 'http://127.0.0.1:8777';

test.each([
	['https://eu2.api.concursolutions.com/', EU2],
	['  https://eu2.api.concursolutions.com/some/path?x=1 ', EU2],
	['http://127.0.0.1:8777/x', SIMULATOR],
	['eu2.api.concursolutions.com', ''],
	['', ''],
])('the origin of %j is %j', (url, origin) => expect(toOrigin(url)).toBe(origin));

test.each([
	['before the first token: the data centre', { dataCenter: US2 }, US2, US2],
	['after it: the token geolocation', { dataCenter: US2, geolocation: `${EU2}/` }, EU2, EU2],
	['a custom base URL', { dataCenter: 'custom', baseUrl: `${SIMULATOR}/` }, SIMULATOR, SIMULATOR],
	[
		'the legacy callout host, when chosen',
		{ dataCenter: US2, geolocation: EU2, calloutHost: 'legacy' },
		EU2,
		LEGACY,
	],
])('%s', (_, credentials, api, callout) => {
	expect(apiOrigin(credentials)).toBe(api);
	expect(calloutOrigin(credentials)).toBe(callout);
});

test.each([
	[
		'the data centre, its www- twin and the legacy host',
		{ dataCenter: US2 },
		[US2, 'https://www-us2.api.concursolutions.com', LEGACY],
	],
	[
		'a www- data centre and its plain twin',
		{ dataCenter: 'https://www-us2.api.concursolutions.com' },
		['https://www-us2.api.concursolutions.com', US2, LEGACY],
	],
	[
		'the geolocation and its twin as well',
		{ dataCenter: US2, geolocation: EU2 },
		[
			US2,
			'https://www-us2.api.concursolutions.com',
			EU2,
			'https://www-eu2.api.concursolutions.com',
			LEGACY,
		],
	],
	['a custom base URL: no twin', { dataCenter: 'custom', baseUrl: SIMULATOR }, [SIMULATOR, LEGACY]],
	['no valid base URL: only the legacy host', { dataCenter: 'custom', baseUrl: 'nope' }, [LEGACY]],
])('trusted: %s', (_, credentials, origins) => {
	expect([...trustedOrigins(credentials)].sort()).toEqual([...origins].sort());
});

const credentials = { dataCenter: US2, geolocation: EU2 };
test.each([
	[`${EU2}/api/v3.0/expense/reports`, true],
	['https://www-eu2.api.concursolutions.com/x', true],
	[`${LEGACY}/api/platform/notifications/v1.0/notification/a`, true],
	['http://eu2.api.concursolutions.com/x', false],
	['https://eu2.api.concursolutions.com:8443/x', false],
	['https://apj1.api.concursolutions.com/x', false],
	['https://evil.example.com/https://eu2.api.concursolutions.com', false],
	['https://eu2.api.concursolutions.com.evil.example.com/x', false],
	['/api/platform/notifications/v1.0/notification', false],
])('%s may get the token: %s', (url, trusted) => {
	expect(isTrustedUrl(credentials, url)).toBe(trusted);
});
