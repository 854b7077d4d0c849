// What a real Concur sends, through real n8n-core against the simulator: one notification listed
// twice, DataContract JSON, an entry without a URI, and ids URL-encoded in URIs or pasted so.
const { runNode } = require('../../../rig/n8nCore');
const { ConcurNotify } = require('../../../dist/nodes/ConcurNotify/ConcurNotify.node');
const { useSimulatedConcur } = require('../../simulatedConcur');
const { credentialFor } = require('../../../rig/concurCredential');
const { installation } = require('../../triggerInstallation');

const ctx = useSimulatedConcur({ failedNotifications: 3 });

const getMany = (credentials, parameters = {}) =>
	runNode({
		nodeClass: ConcurNotify,
		parameters: {
			resource: 'failedNotification',
			operation: 'getAll',
			returnAll: true,
			...parameters,
		},
		items: [{ json: {} }],
		credentials,
		nodeName: 'Concur Notify',
	});

const remove = (credentials, targets) =>
	runNode({
		nodeClass: ConcurNotify,
		parameters: {
			resource: 'failedNotification',
			operation: 'delete',
			notification: '={{ $json.target }}',
		},
		items: targets.map((target) => ({ json: { target } })),
		credentials,
		nodeName: 'Concur Notify',
	});

const queueIds = (sim) => sim.state.listNotifications().map((n) => n.id);

describe('one notification listed twice in one answer', () => {
	test.each(['xml', 'json'])('Get Many (%s) gives each once', async (responseFormat) => {
		const { sim } = ctx;
		sim.state.setConfig({ duplicateEntries: true });
		const { outputs, error } = await getMany(credentialFor(sim), { responseFormat });
		expect(error).toBeUndefined();
		expect(outputs[0].map((item) => item.json.id).sort()).toEqual(queueIds(sim).sort());
	});

	test.each(['none', 'delete'])(
		'the trigger (Acknowledge %s) emits each once, and deletes each once',
		async (acknowledge) => {
			const { sim } = ctx;
			sim.state.setConfig({ duplicateEntries: true });
			const ids = queueIds(sim);
			const n8n = installation(sim, { acknowledge, options: { responseFormat: 'json' } });
			const items = await n8n.poll();
			expect(items.map((item) => item.json.id).sort()).toEqual(ids.sort());
			expect(sim.state.stats().requests.calloutDelete).toBe(acknowledge === 'delete' ? 3 : 0);
			expect(await n8n.poll()).toBeNull();
		},
	);
});

describe("JSON the way .NET's DataContract serializer writes it", () => {
	test.each([
		{ failureWrapper: true },
		{ jsonWrapper: 'NotificationList', dateFormat: 'dataContract' },
		{ jsonWrapper: 'd', failureWrapper: true, dateFormat: 'dataContractOffset' },
		{ jsonWrapper: 'result', dateFormat: 'dataContractOffset' },
	])('%p reads like the documented JSON', async (variant) => {
		const { sim } = ctx;
		const fields = (items) =>
			items.map(({ json }) => [json.id, json.uri, json.eventType, json.objectType, json.eventTime]);
		const plain = await getMany(credentialFor(sim), { responseFormat: 'json' });
		sim.state.setConfig(variant);
		const varied = await getMany(credentialFor(sim), { responseFormat: 'json' });
		expect(varied.error).toBeUndefined();
		expect(fields(varied.outputs[0])).toEqual(fields(plain.outputs[0]));
		expect(varied.outputs[0].every(({ json }) => json.id && /Z$/.test(json.eventTime))).toBe(true);
	});

	test.each(['xml', 'json'])(
		'an entry without a URI (%s) is an error saying what Concur sent, in Get Many and the trigger',
		async (responseFormat) => {
			const { sim } = ctx;
			sim.state.setConfig({ nullUri: true, dateFormat: 'dataContract' });
			const { error } = await getMany(credentialFor(sim), { responseFormat });
			expect(error.message).toMatch(
				/^Concur's failed-notification list could not be read: entry 1 of 3 has an empty NotificationURI .*It holds: Context, EventDateTime "[^"]+", EventType "Report/,
			);
			const n8n = installation(sim, { options: { responseFormat } });
			await expect(n8n.poll()).rejects.toThrow(/entry 1 of 3 has an empty NotificationURI/);
		},
	);
});

describe('ids in any encoding', () => {
	test('NotificationURIs with `%24`: output ids are decoded, and Delete When Emitted deletes them', async () => {
		const { sim } = ctx;
		sim.state.setConfig({ idEncoding: 'percent' });
		const ids = queueIds(sim);
		const { outputs } = await getMany(credentialFor(sim));
		expect(outputs[0].map((item) => item.json.id).sort()).toEqual([...ids].sort());
		expect(outputs[0][0].json.uri).toMatch(/%24/);
		const items = await installation(sim, { acknowledge: 'delete' }).poll();
		expect(items.map((item) => [item.json.id.includes('$'), item.json.acknowledged])).toEqual([
			[true, true],
			[true, true],
			[true, true],
		]);
		expect(queueIds(sim)).toEqual([]);
	});

	test('Delete takes a bare id decoded or URL-encoded, and a URI encoded as a whole; the output id is decoded', async () => {
		const { sim } = ctx;
		const [raw, encoded, whole] = sim.state.listNotifications();
		const { outputs, error } = await remove(credentialFor(sim), [
			raw.id,
			encodeURIComponent(encoded.id),
			encodeURIComponent(whole.uri),
		]);
		expect(error).toBeUndefined();
		expect(outputs[0].map((item) => item.json.id)).toEqual([raw.id, encoded.id, whole.id]);
		expect(queueIds(sim)).toEqual([]);
	});

	test('a Custom Base URL pasted URL-encoded works', async () => {
		const { sim } = ctx;
		const { outputs, error } = await getMany(
			credentialFor(sim, { baseUrl: encodeURIComponent(sim.url) }),
		);
		expect(error).toBeUndefined();
		expect(outputs[0]).toHaveLength(3);
	});
});
