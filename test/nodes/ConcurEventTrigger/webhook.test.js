// The Concur Event Trigger through real n8n-core against the simulator: the webhook methods n8n
// calls on activation, test listening and deactivation, and the receiving function.
const { useSimulatedConcur } = require('../../simulatedConcur');
const { credentialFor } = require('../../../rig/concurCredential');
const { postWebhook, runWebhookMethod } = require('../../../rig/n8nWebhook');
const { shutdown } = require('../../../rig/n8nCore');
const { eventTriggerParameters } = require('../../../rig/eventTriggerParameters');
const { accessToken } = require('../../simulator/client');
const { sign } = require('../../../simulator/ess/signature');
const { buildEvent } = require('../../../simulator/ess/events');
const {
	ConcurEventTrigger,
} = require('../../../dist/nodes/ConcurEventTrigger/ConcurEventTrigger.node');

const ctx = useSimulatedConcur({ failedNotifications: 0 });
afterAll(shutdown);

const WEBHOOK_BASE = 'http://127.0.0.1:5678/webhook';
const ENDPOINT = `${WEBHOOK_BASE}/hook-id/concur-events`;

let nodes = 0;

/** One workflow's trigger node; a node of its own for each, as the duplicate memory is per node. */
function trigger(sim, parameters = {}, credentialFields = {}, nodeId = `node-${++nodes}`) {
	const credentials = credentialFor(sim, credentialFields);
	const all = eventTriggerParameters(sim.state.ess.keys.publicKeyPem, parameters);
	const workflowState = { staticData: {} };
	return {
		nodeId,
		credentials,
		workflowState,
		method: (method, mode) =>
			runWebhookMethod({
				nodeClass: ConcurEventTrigger,
				parameters: all,
				credentials,
				method,
				mode,
				nodeId,
				webhookBaseUrl: WEBHOOK_BASE,
			}),
		post: (body, headers, mode) =>
			postWebhook({
				nodeClass: ConcurEventTrigger,
				parameters: all,
				credentials,
				body,
				headers,
				mode,
				workflowState,
				nodeId,
			}),
	};
}

const subscriptions = (sim) => [...sim.state.ess.subscriptions.values()];

/** The simulator accepting n8n's loopback http URL, and the company connected. */
async function ready(sim) {
	sim.state.setConfig({ ess: { allowHttpEndpoints: true } });
	await accessToken(sim);
}

describe('webhook methods', () => {
	test('activation subscribes once for the production URL; checkExists compares; deactivation deletes', async () => {
		const { sim } = ctx;
		await ready(sim);
		const n8n = trigger(sim);
		expect(await n8n.method('checkExists')).toEqual({ result: false });
		expect(await n8n.method('create')).toEqual({ result: true });
		const [subscription] = subscriptions(sim);
		expect(subscriptions(sim)).toHaveLength(1);
		expect(subscription).toMatchObject({
			id: expect.stringMatching(/^n8n\.[0-9a-f]{24}$/),
			topic: 'public.concur.expense.report',
			filter: '^(statusChanged)$',
			webHookConfig: { endpoint: ENDPOINT },
		});
		expect(await n8n.method('checkExists')).toEqual({ result: true });
		const changed = trigger(sim, { events: ['reportCreated'] }, {}, n8n.nodeId);
		expect(await changed.method('checkExists')).toEqual({ result: false });
		await changed.method('create');
		expect(subscriptions(sim)).toEqual([
			expect.objectContaining({ id: subscription.id, filter: '^(reportCreated)$' }),
		]);
		expect(await n8n.method('delete')).toEqual({ result: true });
		expect(subscriptions(sim)).toHaveLength(0);
		expect(await n8n.method('delete')).toEqual({ result: true });
		expect(sim.state.counters.grants.client_credentials).toBeGreaterThan(0);
	});

	test('listening for a test event uses a subscription of its own', async () => {
		const { sim } = ctx;
		await ready(sim);
		const n8n = trigger(sim);
		await n8n.method('create');
		await n8n.method('create', 'manual');
		const ids = subscriptions(sim).map((s) => s.id);
		expect(ids).toEqual([ids[0], `${ids[0]}.test`]);
		expect(subscriptions(sim)[1].webHookConfig.endpoint).toBe(
			`${WEBHOOK_BASE}-test/hook-id/concur-events`,
		);
		await n8n.method('delete', 'manual');
		expect(subscriptions(sim).map((s) => s.id)).toEqual([ids[0]]);
	});

	test('no company yet: the advice says how to connect it, and no subscription is left', async () => {
		const { sim } = ctx;
		sim.state.setConfig({ ess: { allowHttpEndpoints: true } });
		const { error } = await trigger(sim).method('create');
		expect(error.message).toBe('The subscription names no company yet');
		expect(error.description).toMatch(/run the credential's test/);
		expect(subscriptions(sim)).toHaveLength(0);
	});

	test("the app lacks the topic's scope: the topic list is empty and the advice names the scope", async () => {
		const { sim } = ctx;
		await ready(sim);
		sim.state.setConfig({ ess: { scopes: ['events.topic.read'] } });
		const { error } = await trigger(sim).method('create');
		expect(error.message).toMatch(/does not list the topic public.concur.expense.report/);
		expect(error.description).toMatch(/expense\.report\.read.*Topics the app sees: public\.test/);
		sim.state.setConfig({ ess: { scopes: [] } });
		expect((await trigger(sim).method('create')).error.description).toMatch(/events\.topic\.read/);
	});

	test('5 subscriptions exist: the advice lists them by id', async () => {
		const { sim } = ctx;
		await ready(sim);
		for (let i = 1; i <= 5; i++)
			sim.state.ess.subscriptions.set(`other-${i}`, {
				id: `other-${i}`,
				topic: 'public.test',
				filter: '.*',
				webHookConfig: { endpoint: 'https://example.com' },
				applicationId: sim.credentials.clientId,
			});
		const { error } = await trigger(sim).method('create');
		expect(error.message).toBe('Concur refused a 6th subscription');
		expect(error.description).toMatch(/other-1, other-2, other-3, other-4, other-5/);
	});

	test('the id is taken by another app', async () => {
		const { sim } = ctx;
		await ready(sim);
		const n8n = trigger(sim);
		await n8n.method('create');
		const [{ id }] = subscriptions(sim);
		sim.state.ess.subscriptions.clear();
		sim.state.setConfig({ ess: { takenIds: [id] } });
		const { error } = await n8n.method('create');
		expect(error.message).toBe(`Subscription id ${id} is taken`);
	});

	test("an endpoint that is not HTTPS: the advice names n8n's WEBHOOK_URL", async () => {
		const { sim } = ctx;
		await accessToken(sim);
		const { error } = await trigger(sim).method('create');
		expect(error.message).toBe(`Concur refused the endpoint ${ENDPOINT}`);
		expect(error.description).toMatch(/WEBHOOK_URL/);
	});

	test('a pasted access token cannot subscribe; client credentials connect no company', async () => {
		const { sim } = ctx;
		await ready(sim);
		const pasted = await trigger(sim, {}, { authentication: 'accessToken' }).method('create');
		expect(pasted.error.description).toMatch(/only the client-credentials grant/);
		const app = await trigger(sim, {}, { authentication: 'clientCredentials' }).method('create');
		expect(app.error.message).toBe('No company to receive events from');
	});
});

describe('receiving', () => {
	const signed = (sim, event) => {
		const body = JSON.stringify(event);
		return [body, { 'Concur-Signature': sign(sim.state.ess.keys.privateKey, body) }];
	};

	test('a signed event starts one run with the envelope, href and facts; a redelivery none', async () => {
		const { sim } = ctx;
		const n8n = trigger(sim);
		const event = buildEvent(sim.state, { preset: 'submitted' });
		const first = await n8n.post(...signed(sim, event));
		expect(first.status).toBe(200);
		expect(first.items).toEqual([
			{
				id: event.id,
				topic: event.topic,
				eventType: 'statusChanged',
				timeStamp: event.timeStamp,
				correlationId: event.correlationId,
				href: event.facts.href,
				facts: event.facts,
			},
		]);
		const again = await n8n.post(...signed(sim, event));
		expect(again).toEqual({
			status: 200,
			answer: { received: true, run: false, reason: 'duplicate' },
			items: undefined,
		});
		expect(Object.keys(n8n.workflowState.staticData.seen)).toEqual([event.id]);
	});

	test('401 to a bad or missing signature; 400 to a body that is no event', async () => {
		const { sim } = ctx;
		const n8n = trigger(sim);
		const [body, headers] = signed(sim, buildEvent(sim.state, { preset: 'submitted' }));
		expect((await n8n.post(`${body} `, headers)).status).toBe(401);
		expect((await n8n.post(body, {})).status).toBe(401);
		expect((await trigger(sim, { signatureCheck: 'concur' }).post(body, headers)).status).toBe(401);
		expect(n8n.workflowState.staticData).toEqual({});
		const notEvent = JSON.stringify({ hello: 'world' });
		const answer = await n8n.post(notEvent, {
			'Concur-Signature': sign(sim.state.ess.keys.privateKey, notEvent),
		});
		expect(answer.status).toBe(400);
		const unsigned = await trigger(sim, { signatureCheck: 'off' }).post(body, {});
		expect(unsigned.items).toHaveLength(1);
	});

	test('an event the node filters out is answered 200 without a run', async () => {
		const { sim } = ctx;
		const n8n = trigger(sim);
		for (const spec of [{ preset: 'paid' }, { preset: 'created' }, { topic: 'public.test' }]) {
			const result = await n8n.post(...signed(sim, buildEvent(sim.state, spec)));
			expect(result).toEqual({
				status: 200,
				answer: { received: true, run: false, reason: 'filtered' },
				items: undefined,
			});
		}
	});

	test('a test event is emitted even when seen, and leaves the state alone', async () => {
		const { sim } = ctx;
		const n8n = trigger(sim);
		const delivery = signed(sim, buildEvent(sim.state, { preset: 'submitted' }));
		expect((await n8n.post(...delivery, 'manual')).items).toHaveLength(1);
		expect((await n8n.post(...delivery, 'manual')).items).toHaveLength(1);
		expect(n8n.workflowState.staticData).toEqual({});
	});

	test('Fetch Object adds the object href names, read with the company token', async () => {
		const { sim } = ctx;
		const n8n = trigger(sim, { options: { fetchObject: true } });
		const event = buildEvent(sim.state, { preset: 'submitted' });
		const { items } = await n8n.post(...signed(sim, event));
		expect(items[0].object).toMatchObject({
			reportId: event.facts.reportId,
			ownerName: 'Ana Silva',
		});
		expect(sim.state.counters.requests.report).toBe(1);
	});

	test('Fetch Object failing: 503 so that Concur retries, and the id is not kept', async () => {
		const { sim } = ctx;
		const n8n = trigger(sim, { options: { fetchObject: true } });
		const event = buildEvent(sim.state, {
			preset: 'submitted',
			facts: { href: 'https://elsewhere.example.com/report' },
		});
		const delivery = signed(sim, event);
		expect((await n8n.post(...delivery)).status).toBe(503);
		expect(n8n.workflowState.staticData.seen ?? {}).toEqual({});
	});
});
