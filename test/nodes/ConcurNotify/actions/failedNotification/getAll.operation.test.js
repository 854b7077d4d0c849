// Concur Notify → Failed Notification → Get Many through real n8n-core, against the simulator and
// against a fake Concur answering what a real one or a gateway may send.
const { runNode } = require('../../../../../rig/n8nCore');
const { ConcurNotify } = require('../../../../../dist/nodes/ConcurNotify/ConcurNotify.node');
const { useSimulatedConcur } = require('../../../../simulatedConcur');
const { credentialFor } = require('../../../../../rig/concurCredential');
const { startFakeConcur, JSON_HEADERS, XML_HEADERS } = require('../../../../fakeConcur');

const ctx = useSimulatedConcur({ failedNotifications: 0 });

const getMany = (credentials, parameters = {}, items = [{ json: {} }]) =>
	runNode({
		nodeClass: ConcurNotify,
		parameters: { resource: 'failedNotification', operation: 'getAll', ...parameters },
		items,
		credentials,
		nodeName: 'Concur Notify',
	});

const normalizedKeys = [
	'id',
	'uri',
	'eventType',
	'eventTime',
	'eventTimeRaw',
	'objectType',
	'objectUri',
	'objectId',
	'context',
].sort();

describe('Get Many', () => {
	test.each(['xml', 'json'])(
		'returns each notification once, normalized, from %s',
		async (responseFormat) => {
			const { sim } = ctx;
			const added = sim.state.addNotifications(60);
			const { outputs, error } = await getMany(credentialFor(sim), {
				returnAll: true,
				responseFormat,
			});
			expect(error).toBeUndefined();
			expect(outputs[0]).toHaveLength(60);
			expect(Object.keys(outputs[0][0].json).sort()).toEqual(normalizedKeys);
			expect(outputs[0].map((item) => item.json.id).sort()).toEqual(added.map((n) => n.id).sort());
			expect(outputs[0].every((item) => item.pairedItem.item === 0)).toBe(true);
			const times = outputs[0].map((item) => item.json.eventTime);
			expect([...times].sort()).toEqual(times);
		},
	);

	test('Limit defaults to 50, and Simplify off keeps the notification as Concur sent it', async () => {
		const { sim } = ctx;
		sim.state.addNotifications(60);
		const limited = await getMany(credentialFor(sim), { returnAll: false });
		expect(limited.outputs[0]).toHaveLength(50);
		const full = await getMany(credentialFor(sim), {
			returnAll: false,
			limit: 2,
			simplify: false,
			responseFormat: 'json',
		});
		expect(full.outputs[0]).toHaveLength(2);
		expect(full.outputs[0][0].json.raw).toEqual(
			expect.objectContaining({
				EventType: expect.any(String),
				ObjectType: expect.any(String),
				EventDateTime: expect.any(String),
			}),
		);
	});

	test.each([
		{
			rootName: 'NotificationsList',
			uriField: 'NotificationURL',
			dateFormat: 'colon',
			failureWrapper: true,
		},
		{
			rootName: 'NotificationList',
			uriField: 'NotificationUrl',
			dateFormat: 'date',
			failureWrapper: false,
		},
	])('every documented XML variant reads the same: %p', async (variant) => {
		const { sim } = ctx;
		sim.state.addNotifications(3);
		const plain = await getMany(credentialFor(sim), { returnAll: true });
		sim.state.setConfig(variant);
		const varied = await getMany(credentialFor(sim), { returnAll: true });
		expect(varied.outputs[0].map((i) => [i.json.id, i.json.uri, i.json.objectType])).toEqual(
			plain.outputs[0].map((i) => [i.json.id, i.json.uri, i.json.objectType]),
		);
		expect(
			varied.outputs[0].every((i) =>
				/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/.test(i.json.eventTime),
			),
		).toBe(true);
	});

	test('an empty queue gives no items and no error', async () => {
		const { outputs, error } = await getMany(credentialFor(ctx.sim), { returnAll: true });
		expect(error).toBeUndefined();
		expect(outputs[0]).toEqual([]);
	});

	test('the legacy OAuth scheme is used when the credential asks for it', async () => {
		const { sim } = ctx;
		sim.state.addNotifications(1);
		const { outputs } = await getMany(credentialFor(sim, { calloutAuthScheme: 'OAuth' }), {
			returnAll: true,
		});
		expect(outputs[0]).toHaveLength(1);
		expect(sim.state.stats().authSchemes).toMatchObject({ OAuth: 1 });
	});

	test.each(['xml', 'json', 'content'])(
		"a legacy %s error body gives Concur's message",
		async (legacyErrorFormat) => {
			const { sim } = ctx;
			sim.state.setConfig({ legacyErrorFormat });
			const { error } = await getMany(
				credentialFor(sim, {
					authentication: 'accessToken',
					pastedAccessToken: 'unknown-token-1234567',
				}),
				{ returnAll: true },
			);
			expect(error.message).toMatch(/^Reading the failed notifications failed: \S/);
			expect(error.message).not.toMatch(/HTTP \d+$/);
		},
	);

	test('a malformed body is a clear error, and reading is retried after a 504 (it changes nothing)', async () => {
		const { sim } = ctx;
		sim.state.addNotifications(2);
		sim.state.addFault({ endpoint: 'calloutList', kind: '504', next: 1 });
		const retried = await getMany(credentialFor(sim), { returnAll: true });
		expect(retried.outputs[0]).toHaveLength(2);
		sim.state.addFault({ endpoint: 'calloutList', kind: 'malformed', next: 1 });
		const { error } = await getMany(credentialFor(sim), { returnAll: true });
		expect(error.message).toMatch(/failed-notification list could not be read/);
		expect(error.description).toMatch(/correlation id/);
	});

	test("a gateway that keeps answering a 503 page is tried Max Attempts times, and the error quotes the status and the page's title", async () => {
		const { sim } = ctx;
		sim.state.addFault({ endpoint: 'calloutList', kind: '503-page', rate: 1 });
		const { error } = await getMany(credentialFor(sim), {
			returnAll: true,
			options: { maxAttempts: 2 },
		});
		expect(error.message).toBe(
			'Reading the failed notifications failed: HTTP 503, an HTML page: 503 Service Temporarily Unavailable',
		);
		expect(error.description).toMatch(
			/did not process the request.*"Max Attempts".*\(HTTP 503, correlation id [\w-]+, 2 attempts, item 0\)$/,
		);
		expect(error.description).not.toMatch(/429|Retry-After|throttl/i);
		expect(sim.state.stats().requests.calloutList).toBe(2);
	});
});

describe('What Concur or a gateway may send instead', () => {
	let fake;
	let answer;
	beforeAll(async () => {
		fake = await startFakeConcur((req, count) => answer(req, count));
	});
	afterAll(async () => fake?.close());
	beforeEach(() => fake.requests.splice(0));

	const listUri = (id) => `${fake.url}/api/platform/notifications/v1.0/notification/${id}`;
	const one = (id) => ({
		Context: null,
		EventDateTime: '2024-03-01T10:00:00',
		EventType: 'Report Entered Expense Report Workflow Step - REPORT SUBMITTED',
		NotificationURI: listUri(id),
		ObjectType: 'EXPRPT',
		ObjectURI:
			'https://www.concursolutions.com/api/expense/expensereport/v1.1/reportfulldetails/R1',
	});

	test('a JSON queue of one as a bare object, not wrapped in an array, is a list of one', async () => {
		answer = () => ({ body: JSON.stringify(one('only$1')), headers: JSON_HEADERS });
		const { outputs, error } = await getMany(fake.credentials(), {
			returnAll: true,
			responseFormat: 'json',
		});
		expect(error).toBeUndefined();
		expect(outputs[0].map((item) => [item.json.id, item.json.eventTime])).toEqual([
			['only$1', '2024-03-01T10:00:00.000Z'],
		]);
	});

	test('a JSON object that is no notification stays a clear error', async () => {
		answer = () => ({ body: JSON.stringify({ Message: 'maintenance' }), headers: JSON_HEADERS });
		const { error } = await getMany(fake.credentials(), {
			returnAll: true,
			responseFormat: 'json',
		});
		expect(error.message).toBe(
			"Concur's failed-notification list could not be read: the document is neither a notification nor a NotificationList",
		);
	});

	test('XML character references are decoded in every field (.NET writes &#xD; for each carriage return)', async () => {
		const body = `<?xml version="1.0" encoding="utf-8"?><NotificationList xmlns="http://www.concursolutions.com/api/notification/2012/06"><Notification><Context>Line 1&#xD;&#xA;Line 2: caf&#233; &#38; &#39;bar&#39; &amp;#38;</Context><EventDateTime>2024-03-01T10:00:00</EventDateTime><EventType>Approved &#x26; paid</EventType><NotificationURI>${listUri('a&#36;b')}</NotificationURI><ObjectType>EXP&#82;PT</ObjectType><ObjectURI>https://www.concursolutions.com/api/expense/expensereport/v1.1/reportfulldetails/R&#x24;1</ObjectURI></Notification></NotificationList>`;
		answer = () => ({ body, headers: XML_HEADERS });
		const { outputs, error } = await getMany(fake.credentials(), {
			returnAll: true,
			simplify: false,
		});
		expect(error).toBeUndefined();
		expect(outputs[0][0].json).toMatchObject({
			id: 'a$b',
			uri: listUri('a$b'),
			context: "Line 1\r\nLine 2: café & 'bar' &#38;",
			eventType: 'Approved & paid',
			objectType: 'EXPRPT',
			objectId: 'R$1',
			raw: expect.objectContaining({ EventType: 'Approved & paid', ObjectType: 'EXPRPT' }),
		});
	});

	test("a gateway's HTML page gives a short message; the cut page goes to the error's details", async () => {
		const page = `<!DOCTYPE html>\n<html><head><title>503 Service Temporarily Unavailable</title><style>${'body { color: red } '.repeat(100)}</style></head><body><center><h1>503 Service Temporarily Unavailable</h1></center><hr><center>nginx</center></body></html>`;
		answer = () => ({
			status: 503,
			body: page,
			headers: { 'content-type': 'text/html', 'retry-after': '0' },
		});
		const { error } = await getMany(fake.credentials(), {
			returnAll: true,
			options: { maxAttempts: 2, throttleRetrySeconds: 0 },
		});
		expect(error.message).toBe(
			'Reading the failed notifications failed: HTTP 503, an HTML page: 503 Service Temporarily Unavailable',
		);
		expect(error.description).toMatch(
			/^Concur could not process the request\. Try again later\. \(HTTP 503, correlation id [\w-]+, 2 attempts, item 0\)$/,
		);
		expect(error.context.data).toBe(`${page.slice(0, 1000)}…`);
		expect(fake.requests).toHaveLength(2);
		expect(JSON.stringify([error.message, error.description])).not.toContain(
			'fake-concur-access-token',
		);
	});

	test('one input item that fails gives no "0 of 1" count; several say how many had the queue', async () => {
		answer = (req, count) =>
			count === 1
				? { body: JSON.stringify([one('x$1')]), headers: JSON_HEADERS }
				: {
						status: 400,
						body: '<Error><Message>The status parameter is required</Message></Error>',
						headers: XML_HEADERS,
					};
		const two = await getMany(fake.credentials(), { returnAll: true, responseFormat: 'json' }, [
			{ json: {} },
			{ json: {} },
		]);
		expect(two.error.description).toMatch(
			/ 1 of 2 items were answered with the queue before the node stopped; the others were not\.$/,
		);
		answer = () => ({
			status: 400,
			body: '<Error><Message>The status parameter is required</Message></Error>',
			headers: XML_HEADERS,
		});
		const single = await getMany(fake.credentials(), { returnAll: true });
		expect(single.error.message).toBe(
			'Reading the failed notifications failed: The status parameter is required',
		);
		expect(single.error.description).toMatch(
			/\(HTTP 400, correlation id [\w-]+, 1 attempt, item 0\)$/,
		);
	});
});
