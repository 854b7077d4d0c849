// The trigger in a real n8n server: activated through the public API, polled at activation and
// after a restart, with its state kept the way n8n keeps it.
const { createInstance, itemsOf, runtime } = require('../../rig/n8nInstance');

let n8n;
let server;
let api;

beforeAll(async () => {
	n8n = await createInstance({ port: 5720 });
	await n8n.importAll([runtime.simulatorCredential(n8n.sim)]);
}, 600_000);
afterAll(async () => {
	await server?.stop();
	await n8n?.close();
});

async function startServer() {
	server = await n8n.start();
	const cookie = await runtime.ownerSession(server.url);
	const key = api?.key ?? (await runtime.apiKey(server.url, cookie));
	api = { key, call: runtime.publicApi(server.url, key) };
}

/**
 * Waits until the workflow has `count` finished executions; returns them, oldest first, with their
 * data. Activation runs the first poll within seconds on a quiet machine; 3 minutes allows for a busy one.
 */
async function executions(workflowId, count) {
	for (const deadline = Date.now() + 180_000; Date.now() < deadline; ) {
		const { data } = await api.call(
			'GET',
			`/executions?workflowId=${workflowId}&includeData=true&limit=50`,
		);
		if (
			data.length >= count &&
			data.every((e) => e.finished || e.status === 'success' || e.status === 'error')
		) {
			return data.sort((a, b) => Number(a.id) - Number(b.id));
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	throw new Error(`workflow ${workflowId} did not reach ${count} executions`);
}

const credentials = { sapConcurApi: { id: 'concurSimulator', name: 'SAP Concur (simulator)' } };

test('activation emits one item per queued notification; after a restart only new ones come', async () => {
	await startServer();
	const created = await api.call('POST', '/workflows', {
		name: 'Concur trigger (e2e)',
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: 'e2e-trigger',
				name: 'Concur Trigger',
				type: 'n8n-nodes-sap-concur.concurTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: { pollTimes: { item: [{ mode: 'everyHour' }] } },
				credentials,
			},
			{
				id: 'e2e-noop',
				name: 'Handle',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [220, 0],
				parameters: {},
			},
		],
		connections: { 'Concur Trigger': { main: [[{ node: 'Handle', type: 'main', index: 0 }]] } },
	});
	await api.call('POST', `/workflows/${created.id}/activate`);
	const [first] = await executions(created.id, 1);
	const queued = n8n.sim.state.listNotifications().map((n) => n.id);
	expect(
		itemsOf(first.data.resultData.runData, 'Concur Trigger')
			.map((item) => item.json.id)
			.sort(),
	).toEqual([...queued].sort());

	const added = n8n.sim.state.addNotifications(2).map((n) => n.id);
	await server.stop();
	await startServer();
	const runs = await executions(created.id, 2);
	expect(
		itemsOf(runs[1].data.resultData.runData, 'Concur Trigger')
			.map((item) => item.json.id)
			.sort(),
	).toEqual([...added].sort());
	await api.call('POST', `/workflows/${created.id}/deactivate`);
}, 900_000);

test('the alert example acknowledges what it handled: the queue ends empty', async () => {
	const queued = n8n.sim.state.listNotifications().length;
	n8n.sim.state.resetStats();
	await api.call('POST', '/workflows/concurFailedCalloutAlert/activate');
	const [run] = await executions('concurFailedCalloutAlert', 1);
	expect(itemsOf(run.data.resultData.runData, 'Alert the team')).toHaveLength(queued);
	expect(
		itemsOf(run.data.resultData.runData, 'Acknowledge in Concur').every(
			(item) => item.json.deleted,
		),
	).toBe(true);
	expect(n8n.sim.state.listNotifications()).toEqual([]);
	expect(n8n.sim.state.stats().requests.calloutDelete).toBe(queued);
	await api.call('POST', '/workflows/concurFailedCalloutAlert/deactivate');
}, 300_000);

test('the editor is given the trigger panel texts and the AI builder hints (an older n8n passes them through)', async () => {
	const cookie = await runtime.ownerSession(server.url);
	const response = await fetch(`${server.url}/types/nodes.json`, { headers: { cookie } });
	const types = await response.json();
	const type = (name) => types.find((t) => t.name === `n8n-nodes-sap-concur.${name}`);
	expect(type('concurTrigger').triggerPanel).toMatchObject({
		header: expect.stringContaining('FAILED callout queue'),
		executionsHelp: { inactive: expect.stringContaining('Fetch Test Event') },
	});
	const field = (name) => type('concurNotify').properties.find((p) => p.name === name);
	expect(field('userId').builderHint.propertyHint).toContain('Concur user UUID');
});
