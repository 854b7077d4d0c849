// What .NET's DataContract serializers make of the FAILED queue (the v1.0 API is a WCF service),
// one notification listed twice, and entries that name no notification.
const {
	parseCalloutNotifications,
	toIsoTime,
} = require('../../../dist/nodes/shared/calloutNotifications');
const { jsonExample } = require('../../fixtures/seeds');

const [seed] = JSON.parse(jsonExample);
const SEED_ID = 'nOB1KNTDSWUcJPMV6dPDjNc$scu6EDbt9s';
const uriOf = (id) =>
	`https://www.concursolutions.com/api/platform/notifications/v1.0/notification/${id}`;
const ok = (body) => {
	const result = parseCalloutNotifications(body);
	if (result.problem) throw new Error(result.problem);
	return result.notifications;
};
const problemOf = (body) => parseCalloutNotifications(body).problem;

describe('one notification listed twice in one answer', () => {
	test('comes once, as first listed', () => {
		const later = { ...seed, EventDateTime: '2013-01-01T00:00:00', Context: 'second' };
		const other = { ...seed, NotificationURI: uriOf('other$1') };
		const notifications = ok(JSON.stringify([seed, other, later]));
		expect(notifications.map((n) => [n.id, n.eventTimeRaw])).toEqual([
			[SEED_ID, '2012-11-14T19:45:25'],
			['other$1', '2012-11-14T19:45:25'],
		]);
	});

	test('written once with `$` and once with `%24`, it is still one', () => {
		const encoded = { ...seed, NotificationURI: uriOf(encodeURIComponent(SEED_ID)) };
		expect(ok([seed, encoded]).map((n) => n.id)).toEqual([SEED_ID]);
		expect(ok([encoded, seed]).map((n) => [n.id, n.uri])).toEqual([
			[SEED_ID, encoded.NotificationURI],
		]);
	});

	test('also in XML', () => {
		const entry = `<Notification><EventType>E</EventType><NotificationURI>${uriOf('x$1')}</NotificationURI></Notification>`;
		expect(ok(`<NotificationList>${entry}${entry}</NotificationList>`)).toHaveLength(1);
	});
});

describe('DataContract JSON', () => {
	const plain = ok(jsonExample);

	test.each([
		['entries each wrapped in a Failure object', [{ Failure: seed }]],
		['the root element as a wrapper', { NotificationList: [seed] }],
		['the NotificationsList spelling as a wrapper', { NotificationsList: [seed] }],
		['ASP.NET AJAX `d`', { d: [seed] }],
		["WCF's wrapped body style", { GetNotificationsByStatusResult: [seed] }],
		['both, Failure-wrapped', { d: { GetNotificationsByStatusResult: [{ Failure: seed }] } }],
		['the root over a lone entry', { NotificationList: { Failure: seed } }],
	])('%s reads like the documented list', (_, body) => {
		const [fromObject] = ok(body);
		const [fromText] = ok(JSON.stringify(body));
		const { raw, ...normalized } = plain[0];
		expect(fromObject).toMatchObject(normalized);
		expect(fromText).toEqual(fromObject);
		expect(fromObject.raw).toMatchObject(raw);
	});

	test.each([
		['{"NotificationList": null}'],
		['{"d": []}'],
		['{"GetNotificationsByStatusResult": null}'],
	])('%s is an empty queue', (body) => expect(ok(body)).toEqual([]));

	test.each([
		['"\\/Date(1352922325000)\\/"', '2012-11-14T19:45:25.000Z'],
		['"\\/Date(1352922325000-0800)\\/"', '2012-11-14T19:45:25.000Z'],
		['"\\/Date(1352922325123+0530)\\/"', '2012-11-14T19:45:25.123Z'],
		['"\\/Date(-62135596800000)\\/"', '0001-01-01T00:00:00.000Z'],
	])("the date %s is %j: the ms are UTC, the offset only the writer's zone", (written, iso) => {
		const body = JSON.stringify([seed]).replace('"2012-11-14T19:45:25"', written);
		const [n] = ok(body);
		expect(n.eventTime).toBe(iso);
		expect(n.eventTimeRaw).toBe(JSON.parse(written));
	});

	test('XML as DataContractSerializer writes a list: root ArrayOfNotification', () => {
		const body = `<ArrayOfNotification xmlns="http://www.concursolutions.com/api/notification/2012/06" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><Notification><Context i:nil="true"/><EventDateTime>2012-11-14T19:45:25</EventDateTime><NotificationURI>${seed.NotificationURI}</NotificationURI></Notification></ArrayOfNotification>`;
		expect(ok(body).map((n) => n.id)).toEqual([SEED_ID]);
	});
});

describe('an entry that names no notification is an error saying what Concur sent', () => {
	test.each([
		[
			[seed, { ...seed, NotificationURI: null }],
			/^entry 2 of 2 has an empty NotificationURI \(null\)/,
		],
		[[{ ...seed, NotificationURI: '' }], /^entry 1 of 1 has an empty NotificationURI \(""\)/],
		[[{ Failure: null }], /^entry 1 of 1 has no NotificationURI, .* It holds: nothing$/],
		[[seed, null], /^entry 2 of 2 is null, not a notification$/],
		[[{ EventType: 'E', ObjectType: 'EXPRPT' }], /^entry 1 of 1 has no NotificationURI/],
		[
			[{ ...seed, NotificationURI: 'https://www.concursolutions.com/' }],
			/^entry 1 of 1 has a NotificationURI without a notification id \("https:\/\/www\.concursolutions\.com\/"\)/,
		],
	])('%j', (body, message) => {
		expect(problemOf(JSON.stringify(body))).toMatch(message);
	});

	test('it quotes the documented fields, and names any other field without its value', () => {
		const problem = problemOf(
			JSON.stringify([
				{ EventType: 'Report Submitted', ObjectType: 'EXPRPT', Echo: 'Bearer secret-token-1' },
			]),
		);
		expect(problem).toBe(
			'entry 1 of 1 has no NotificationURI, so it cannot be acknowledged. It holds: EventType "Report Submitted", ObjectType "EXPRPT", Echo',
		);
	});

	test('an empty XML <Notification/> is one too', () => {
		expect(problemOf('<NotificationList><Notification /></NotificationList>')).toBe(
			'entry 1 of 1 is empty, not a notification',
		);
	});
});
