const { useSimulatorUnderTest, call, accessToken } = require('./client');

const ctx = useSimulatorUnderTest();
const LIST = '/api/platform/notifications/v1.0/notification';
const list = async (sim, { status = 'FAILED', accept, scheme = 'Bearer', token } = {}) =>
	call(`${sim.url}${LIST}${status === null ? '' : `?status=${status}`}`, {
		headers: {
			authorization: `${scheme} ${token ?? (await accessToken(sim))}`,
			...(accept ? { accept } : {}),
		},
	});

test('XML as in the seed: namespace, i:nil context, alphabetical children, URIs on this simulator', async () => {
	const { sim } = ctx;
	const { status, text, headers } = await list(sim);
	expect(status).toBe(200);
	expect(headers['content-type']).toMatch(/application\/xml/);
	expect(text).toMatch(
		/^<\?xml version="1.0" encoding="utf-8"\?>\n<NotificationList xmlns="http:\/\/www.concursolutions.com\/api\/notification\/2012\/06" xmlns:i="http:\/\/www.w3.org\/2001\/XMLSchema-instance">/,
	);
	expect(text.match(/<Notification>/g)).toHaveLength(2);
	expect(text).toMatch(
		/<Notification><Context i:nil="true" \/><EventDateTime>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d<\/EventDateTime><EventType>[^<]+<\/EventType><NotificationURI>http:\/\/127.0.0.1:\d+\/api\/platform\/notifications\/v1.0\/notification\/\w+\$\w+<\/NotificationURI><ObjectType>(EXPRPT|TRAVELREQ)<\/ObjectType><ObjectURI>/,
	);
});

test('JSON: a bare array with the six PascalCase keys and a null context; status is case-insensitive', async () => {
	const { sim } = ctx;
	const { json } = await list(sim, { accept: 'application/json', status: 'failed' });
	expect(json).toHaveLength(2);
	expect(Object.keys(json[0])).toEqual([
		'Context',
		'EventDateTime',
		'EventType',
		'NotificationURI',
		'ObjectType',
		'ObjectURI',
	]);
	expect(json[0].Context).toBeNull();
});

test('the OAuth scheme is accepted and counted', async () => {
	const { sim } = ctx;
	expect((await list(sim, { scheme: 'OAuth' })).status).toBe(200);
	expect(sim.state.stats().authSchemes).toMatchObject({ OAuth: 1 });
});

test.each([
	[{ rootName: 'NotificationsList' }, /<NotificationsList xmlns=/],
	[{ uriField: 'NotificationURL' }, /<NotificationURL>/],
	[{ uriField: 'NotificationUrl' }, /<NotificationUrl>/],
	[{ dateFormat: 'colon' }, /<EventDateTime>\d{4}-\d\d-\d\d:\d\d:\d\d:\d\d</],
	[{ dateFormat: 'date' }, /<EventDateTime>\d{4}-\d\d-\d\d</],
	[{ failureWrapper: true }, /<Notification><Failure><Context/],
	[{ calloutHost: 'legacy' }, /<NotificationURI>https:\/\/www.concursolutions.com\/api\//],
	[
		{ calloutHost: 'https://elsewhere.example.com' },
		/<NotificationURI>https:\/\/elsewhere.example.com\/api\//,
	],
	[
		{ dateFormat: 'dataContractOffset' },
		/<EventDateTime>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.0000000-08:00</,
	],
	[{ duplicateEntries: true }, /(<NotificationURI>[^<]+<\/NotificationURI>).*\1/],
	[{ idEncoding: 'percent' }, /notification\/\w+%24\w+<\/NotificationURI>/],
	[{ nullUri: true }, /^[^]*?<NotificationURI i:nil="true" \/>/],
])('variant %p', async (config, pattern) => {
	const { sim } = ctx;
	sim.state.setConfig(config);
	expect((await list(sim)).text).toMatch(pattern);
});

test.each([
	[{ failureWrapper: true }, /^\[\{"Failure":\{"Context":null,/],
	[{ jsonWrapper: 'NotificationList' }, /^\{"NotificationList":\[\{"Context"/],
	[{ jsonWrapper: 'd' }, /^\{"d":\[/],
	[{ jsonWrapper: 'result' }, /^\{"GetNotificationsByStatusResult":\[/],
	[{ dateFormat: 'dataContract' }, /"EventDateTime":"\\\/Date\(\d+\)\\\/"/],
	[{ dateFormat: 'dataContractOffset' }, /"EventDateTime":"\\\/Date\(\d+-0800\)\\\/"/],
	[{ nullUri: true }, /^\[\{[^}]*"NotificationURI":null/],
])("JSON variant %p, as .NET's DataContractJsonSerializer writes it", async (config, pattern) => {
	const { sim } = ctx;
	sim.state.setConfig(config);
	expect((await list(sim, { accept: 'application/json' })).text).toMatch(pattern);
});

test('a context with text, and an empty queue', async () => {
	const { sim } = ctx;
	sim.state.clearNotifications();
	expect((await list(sim)).text).toMatch(/<NotificationList [^>]+ \/>$/);
	sim.state.addNotifications({ notifications: [{ Context: 'Report <42>' }] });
	expect((await list(sim)).text).toMatch(/<Context>Report &lt;42&gt;<\/Context>/);
});

test.each([
	[
		'xml',
		/^<Error><Message>Invalid or expired token<\/Message><Server-Time>[^<]+<\/Server-Time><Id>\w+<\/Id><\/Error>$/,
	],
	['json', /^\{"Error":\{"Message":"Invalid or expired token"\}\}$/],
	['content', /^\{"Content":\{"Error":\{"Message":"Invalid or expired token"\}\}\}$/],
])('legacy %s error body', async (legacyErrorFormat, pattern) => {
	const { sim } = ctx;
	sim.state.setConfig({ legacyErrorFormat, expiredTokenStatus: 403 });
	const response = await list(sim, { token: 'expired' });
	expect(response.status).toBe(403);
	expect(response.text).toMatch(pattern);
});

test('a missing or unknown status is a 400', async () => {
	const { sim } = ctx;
	expect((await list(sim, { status: null })).status).toBe(400);
	expect((await list(sim, { status: 'SENT' })).status).toBe(400);
});

test('DELETE on a NotificationURI removes it (raw or encoded $), an unknown one is 404', async () => {
	const { sim } = ctx;
	const [a, b] = sim.state.listNotifications();
	const token = await accessToken(sim);
	const remove = (url) =>
		call(url, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
	expect(await remove(a.uri)).toMatchObject({ status: 200, text: '' });
	expect((await remove(b.uri.replace('$', '%24'))).status).toBe(200);
	expect((await remove(a.uri)).status).toBe(404);
	expect(sim.state.listNotifications()).toEqual([]);
	expect(sim.state.stats().deletes).toBe(2);
});
