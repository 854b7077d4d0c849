const {
	parseCalloutNotifications,
	toIsoTime,
	oldestFirst,
} = require('../../../dist/nodes/shared/calloutNotifications');
const { xmlExample, jsonExample } = require('../../fixtures/seeds');

const NS =
	'xmlns="http://www.concursolutions.com/api/notification/2012/06" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"';
const entry = ({
	uriTag = 'NotificationURI',
	id = 'abc$def',
	date = '2012-11-14T19:45:25',
	context = '<Context i:nil="true" />',
} = {}) =>
	`<Notification>${context}<EventDateTime>${date}</EventDateTime><EventType>Report Entered Expense Report Workflow Step - REPORT SUBMITTED</EventType><${uriTag}>https://www.concursolutions.com/api/platform/notifications/v1.0/notification/${id}</${uriTag}><ObjectType>EXPRPT</ObjectType><ObjectURI>https://www.concursolutions.com/api/expense/expensereport/v1.1/reportfulldetails/R1$x</ObjectURI></Notification>`;
const list = (body, root = 'NotificationList') =>
	`<?xml version="1.0" encoding="utf-8"?><${root} ${NS}>${body}</${root}>`;
const ok = (body) => {
	const result = parseCalloutNotifications(body);
	if (result.problem) throw new Error(result.problem);
	return result.notifications;
};

const seedNotification = {
	id: 'nOB1KNTDSWUcJPMV6dPDjNc$scu6EDbt9s',
	uri: 'https://www.concursolutions.com/api/platform/notifications/v1.0/notification/nOB1KNTDSWUcJPMV6dPDjNc$scu6EDbt9s',
	eventType: 'Report Entered Expense Report Workflow Step - REPORT SUBMITTED',
	eventTime: '2012-11-14T19:45:25.000Z',
	eventTimeRaw: '2012-11-14T19:45:25',
	objectType: 'EXPRPT',
	objectUri:
		'https://www.concursolutions.com/api/expense/expensereport/v1.1/reportfulldetails/nxxKgLlnROzz$sHcpnRHQ$pALxamClaFfdC',
	objectId: 'nxxKgLlnROzz$sHcpnRHQ$pALxamClaFfdC',
	context: null,
};

test('the seed XML and JSON examples give the same normalized notification', () => {
	const [fromXml] = ok(xmlExample);
	const [fromJson] = ok(jsonExample);
	expect(fromXml).toMatchObject(seedNotification);
	expect(fromJson).toMatchObject(seedNotification);
	expect(fromXml.raw).toEqual(JSON.parse(jsonExample)[0]);
	expect(ok(JSON.parse(jsonExample))).toEqual([fromJson]);
});

test.each(['NotificationURI', 'NotificationURL', 'NotificationUrl'])(
	'the URI element may be called %s',
	(uriTag) => {
		expect(ok(list(entry({ uriTag })))[0]).toMatchObject({
			id: 'abc$def',
			uri: expect.stringMatching(/abc\$def$/),
		});
	},
);

test('the root may be NotificationsList, entries may be wrapped in <Failure>, ids may be URL-encoded', () => {
	const wrapped = `<Notification><Failure>${entry({ id: 'a%24b' }).replace(/<\/?Notification>/g, '')}</Failure></Notification>`;
	expect(ok(list(wrapped, 'NotificationsList'))[0]).toMatchObject({
		id: 'a$b',
		objectType: 'EXPRPT',
		context: null,
	});
});

test('a context with text is kept; many entries and an empty queue parse', () => {
	const notifications = ok(
		list(
			entry({ id: '1', context: '<Context>Report 42 &amp; more</Context>' }) + entry({ id: '2' }),
		),
	);
	expect(notifications.map((n) => [n.id, n.context])).toEqual([
		['1', 'Report 42 & more'],
		['2', null],
	]);
	expect(ok(list(''))).toEqual([]);
	expect(ok(`<NotificationList ${NS} />`)).toEqual([]);
	expect(ok('[]')).toEqual([]);
});

test('a JSON notification on its own, not in an array, is a queue of one', () => {
	const [alone] = JSON.parse(jsonExample);
	expect(ok(alone)).toEqual(ok(jsonExample));
	expect(ok(JSON.stringify(alone))).toEqual(ok(jsonExample));
	expect(
		ok({ ...alone, NotificationURI: undefined, NotificationUrl: alone.NotificationURI })[0].id,
	).toBe(seedNotification.id);
});

test('decimal and hexadecimal character references are decoded, once, in every field', () => {
	const [n] = ok(
		list(
			entry({
				id: 'a&#36;b',
				date: '2012-11-14T19:45:25',
				context:
					'<Context>One&#xD;&#xa;Two &#233;t&#xE9; &#38;&#39;&#x22; &amp;#38; &#x1F4B6;</Context>',
			}).replace('EXPRPT', 'EXP&#x52;PT'),
		),
	);
	expect([n.id, n.context, n.objectType, n.raw.Context]).toEqual([
		'a$b',
		'One\r\nTwo été &\'" &#38; 💶',
		'EXPRPT',
		'One\r\nTwo été &\'" &#38; 💶',
	]);
});

test('a reference to a character XML does not allow is kept as written', () => {
	expect(
		ok(list(entry({ context: '<Context>a&#0;b&#xD800;c&#x110000;d</Context>' })))[0].context,
	).toBe('a&#0;b&#xD800;c&#x110000;d');
});

test.each([
	['2012-11-14T19:45:25', '2012-11-14T19:45:25.000Z'],
	['2012-11-14:19:45:25', '2012-11-14T19:45:25.000Z'],
	['2012-05-01', '2012-05-01T00:00:00.000Z'],
	['2012-11-14T19:45:25+02:00', '2012-11-14T17:45:25.000Z'],
	['yesterday', ''],
])('event time %s is normalized to %s', (raw, iso) => {
	expect(toIsoTime(raw)).toBe(iso);
	expect(ok(list(entry({ date: raw })))[0]).toMatchObject({ eventTime: iso, eventTimeRaw: raw });
});

test('oldest first, undated last, ties in queue order', () => {
	const notifications = ok(
		list(
			entry({ id: 'late', date: '2020-01-02' }) +
				entry({ id: 'undated', date: 'n/a' }) +
				entry({ id: 'early', date: '2020-01-01' }) +
				entry({ id: 'early2', date: '2020-01-01' }),
		),
	);
	expect(oldestFirst(notifications).map((n) => n.id)).toEqual([
		'early',
		'early2',
		'late',
		'undated',
	]);
});

test.each([
	['malformed XML', '<NotificationList><Notification></NotificationList>'],
	[
		'a DOCTYPE with entities',
		`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><NotificationList ${NS}>&b;</NotificationList>`,
	],
	['another document', '<Error><Message>nope</Message></Error>'],
	['not XML or JSON', 'Service Unavailable'],
	['a JSON object that is no notification', '{"foo": 1}'],
	['a malformed character reference', list(entry({ context: '<Context>&#1f;</Context>' }))],
	[
		'an HTML page',
		'<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head></html>',
	],
])('%s is reported as a problem, never thrown', (_, body) => {
	const result = parseCalloutNotifications(body);
	expect(result.problem).toEqual(expect.any(String));
});
