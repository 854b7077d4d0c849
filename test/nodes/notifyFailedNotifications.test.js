const { runNode } = require('../n8n');
const { ConcurNotify } = require('../../dist/nodes/ConcurNotify/ConcurNotify.node');
const { useSimulator, credentialFor } = require('../support');

const ctx = useSimulator({ failedNotifications: 0 });

const getMany = (credentials, parameters = {}, items = [{ json: {} }]) =>
	runNode({
		nodeClass: ConcurNotify,
		parameters: { resource: 'failedNotification', operation: 'getAll', ...parameters },
		items,
		credentials,
		nodeName: 'Concur Notify',
	});

const remove = (credentials, notification, extra = {}) =>
	runNode({
		nodeClass: ConcurNotify,
		parameters: { resource: 'failedNotification', operation: 'delete', notification: '={{ $json.target }}' },
		items: [].concat(notification).map((target) => ({ json: { target } })),
		credentials,
		nodeName: 'Concur Notify',
		...extra,
	});

const normalizedKeys = ['id', 'uri', 'eventType', 'eventTime', 'eventTimeRaw', 'objectType', 'objectUri', 'objectId', 'context'].sort();

describe('Get Many', () => {
	test.each(['xml', 'json'])('returns each notification once, normalized, from %s', async (responseFormat) => {
		const { sim } = ctx;
		const added = sim.state.addNotifications(60);
		const { outputs, error } = await getMany(credentialFor(sim), { returnAll: true, responseFormat });
		expect(error).toBeUndefined();
		expect(outputs[0]).toHaveLength(60);
		expect(Object.keys(outputs[0][0].json).sort()).toEqual(normalizedKeys);
		expect(outputs[0].map((item) => item.json.id).sort()).toEqual(added.map((n) => n.id).sort());
		expect(outputs[0].every((item) => item.pairedItem.item === 0)).toBe(true);
		const times = outputs[0].map((item) => item.json.eventTime);
		expect([...times].sort()).toEqual(times);
	});

	test('Limit defaults to 50, and Simplify off keeps the notification as Concur sent it', async () => {
		const { sim } = ctx;
		sim.state.addNotifications(60);
		const limited = await getMany(credentialFor(sim), { returnAll: false });
		expect(limited.outputs[0]).toHaveLength(50);
		const full = await getMany(credentialFor(sim), { returnAll: false, limit: 2, simplify: false, responseFormat: 'json' });
		expect(full.outputs[0]).toHaveLength(2);
		expect(full.outputs[0][0].json.raw).toEqual(
			expect.objectContaining({ EventType: expect.any(String), ObjectType: expect.any(String), EventDateTime: expect.any(String) }),
		);
	});

	test.each([
		{ rootName: 'NotificationsList', uriField: 'NotificationURL', dateFormat: 'colon', failureWrapper: true },
		{ rootName: 'NotificationList', uriField: 'NotificationUrl', dateFormat: 'date', failureWrapper: false },
	])('every documented XML variant reads the same: %p', async (variant) => {
		const { sim } = ctx;
		sim.state.addNotifications(3);
		const plain = await getMany(credentialFor(sim), { returnAll: true });
		sim.state.setConfig(variant);
		const varied = await getMany(credentialFor(sim), { returnAll: true });
		expect(varied.outputs[0].map((i) => [i.json.id, i.json.uri, i.json.objectType])).toEqual(plain.outputs[0].map((i) => [i.json.id, i.json.uri, i.json.objectType]));
		expect(varied.outputs[0].every((i) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/.test(i.json.eventTime))).toBe(true);
	});

	test('an empty queue gives no items and no error', async () => {
		const { outputs, error } = await getMany(credentialFor(ctx.sim), { returnAll: true });
		expect(error).toBeUndefined();
		expect(outputs[0]).toEqual([]);
	});

	test('the legacy OAuth scheme is used when the credential asks for it', async () => {
		const { sim } = ctx;
		sim.state.addNotifications(1);
		const { outputs } = await getMany(credentialFor(sim, { calloutAuthScheme: 'OAuth' }), { returnAll: true });
		expect(outputs[0]).toHaveLength(1);
		expect(sim.state.stats().authSchemes).toMatchObject({ OAuth: 1 });
	});

	test.each(['xml', 'json', 'content'])('a legacy %s error body gives Concur\'s message', async (legacyErrorFormat) => {
		const { sim } = ctx;
		sim.state.setConfig({ legacyErrorFormat });
		const { error } = await getMany(credentialFor(sim, { authentication: 'accessToken', pastedAccessToken: 'unknown-token-1234567' }), { returnAll: true });
		expect(error.message).toMatch(/^Reading the failed notifications failed: \S/);
		expect(error.message).not.toMatch(/HTTP \d+$/);
	});

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
});

describe('Delete', () => {
	test('deletes by URI and by ID', async () => {
		const { sim } = ctx;
		const [a, b] = sim.state.addNotifications(2);
		const { outputs, error } = await remove(credentialFor(sim), [a.uri, b.id]);
		expect(error).toBeUndefined();
		expect(outputs[0].map((item) => item.json)).toEqual([
			{ deleted: true, id: a.id, uri: a.uri, correlationId: expect.any(String) },
			{ deleted: true, id: b.id, uri: expect.stringContaining(encodeURIComponent(b.id)), correlationId: expect.any(String) },
		]);
		expect(sim.state.listNotifications()).toHaveLength(0);
	});

	test('a URI on a foreign host is refused before any request', async () => {
		const { sim } = ctx;
		const { error } = await remove(credentialFor(sim), 'https://evil.example.com/api/platform/notifications/v1.0/notification/x$y');
		expect(error.message).toMatch(/Refused to delete https:\/\/evil.example.com.*not one of this credential's Concur hosts \(item 0\)/);
		expect(sim.state.stats().requests).toMatchObject({ calloutDelete: 0, token: 0 });
	});

	test('an unknown notification (404) says it may be gone already', async () => {
		const { sim } = ctx;
		const { outputs } = await remove(credentialFor(sim), 'does-not-exist$1', { continueOnFail: true });
		expect(outputs[0][0].json.error).toMatch(/Deleting the failed notification failed/);
		expect(outputs[0][0].error.description).toMatch(/may have been deleted already.*HTTP 404/);
	});
});
