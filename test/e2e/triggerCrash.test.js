// Issue #15: the trigger's at-least-once mode across n8n crashes. n8n saves a polling trigger's
// state before it stores the execution the poll starts, so n8n killed in between keeps the
// "emitted" mark and loses the items; the re-emit window brings them back. n8n is killed (SIGKILL)
// at several offsets after the simulator answered a poll, then restarted on the same database.
const { createInstance, runtime } = require('../../rig/n8nInstance');

/**
 * Offsets after the poll's answer; the issue measured losses at 21 and 81 ms. Three, because n8n
 * 2.41 restarted after a SIGKILL runs no poll, not even on activation, for about 2 minutes after the
 * kill (measured): each round costs that long.
 */
const KILL_OFFSETS_MS = [0, 20, 80];
/** Small, so the test does not wait hours; long enough for a run to delete what it got. */
const WINDOW_HOURS = 0.01;
const WINDOW_MS = WINDOW_HOURS * 3_600_000;
const PER_ROUND = 5;
const CALLOUT_PATH = '/api/platform/notifications/v1.0/notification';

let n8n;
let server;
let api;

beforeAll(async () => {
	n8n = await createInstance({ port: 5750 });
	await n8n.importCredential(runtime.simulatorCredential(n8n.sim));
}, 600_000);
afterAll(async () => {
	await server?.stop();
	await n8n?.close();
});

async function waitFor(condition, timeoutMs, what, attempt = async () => {}) {
	for (const start = Date.now(); await attempt(), !condition(); ) {
		if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

const started = Date.now();
const progress = (message) =>
	process.stderr.write(
		`[triggerCrash ${((Date.now() - started) / 1000).toFixed(0)} s] ${message}\n`,
	);

/** Each DELETE of a notification with when it arrived, and a hook on the next poll's answer. */
function watch(sim) {
	const seen = { deletes: new Map(), onList: null };
	sim.events.on('request', (method, url) => {
		if (method !== 'DELETE' || !url.startsWith(`${CALLOUT_PATH}/`)) return;
		const id = decodeURIComponent(url.slice(CALLOUT_PATH.length + 1));
		seen.deletes.set(id, [...(seen.deletes.get(id) ?? []), Date.now()]);
	});
	sim.events.on('answer', (method, url) => {
		if (method !== 'GET' || !url.startsWith(`${CALLOUT_PATH}?`)) return;
		seen.onList?.();
	});
	return seen;
}

async function startServer() {
	server = await n8n.start();
	// /rest/settings can answer while n8n still says "starting up" on every other route.
	let cookie;
	await waitFor(
		() => cookie,
		60_000,
		'the owner login',
		async () => {
			cookie = await runtime.ownerSession(server.url).catch(() => undefined);
		},
	);
	const key = api?.key ?? (await runtime.apiKey(server.url, cookie));
	api = { key, call: runtime.publicApi(server.url, key) };
}

let workflowId;
const credentials = { sapConcurApi: { id: 'concurSimulator', name: 'SAP Concur (simulator)' } };

/**
 * Deactivates and activates the workflow, which polls; with `killAfterMs`, kills n8n that long
 * after the next poll's answer (this one's, or the one n8n may run at startup).
 */
async function poll(seen, killAfterMs) {
	const child = server.child;
	if (killAfterMs !== undefined) {
		seen.onList = () => {
			seen.onList = null;
			setTimeout(() => child.kill('SIGKILL'), killAfterMs);
		};
	}
	try {
		await api.call('POST', `/workflows/${workflowId}/deactivate`);
		await api.call('POST', `/workflows/${workflowId}/activate`);
	} catch (error) {
		// Killed n8n may not answer.
		if (killAfterMs === undefined) throw error;
	}
	if (killAfterMs === undefined) return;
	if (child.exitCode === null && child.signalCode === null)
		await new Promise((resolve) => child.once('exit', resolve));
	expect(child.signalCode).toBe('SIGKILL');
}

test('n8n killed right after a poll, then restarted: every notification is handled, none twice within the re-emit window', async () => {
	const { sim } = n8n;
	const seen = watch(sim);
	const added = new Map(sim.state.listNotifications().map((n) => [n.id, Date.now()]));
	const add = () =>
		sim.state.addNotifications(PER_ROUND).forEach((n) => added.set(n.id, Date.now()));

	await startServer();
	workflowId = (
		await api.call('POST', '/workflows', {
			name: 'Concur trigger crash (e2e)',
			settings: { executionOrder: 'v1' },
			nodes: [
				{
					id: 'crash-trigger',
					name: 'Concur Trigger',
					type: 'n8n-nodes-sap-concur.concurTrigger',
					typeVersion: 1,
					position: [0, 0],
					parameters: {
						pollTimes: { item: [{ mode: 'everyHour' }] },
						acknowledge: 'none',
						options: { reEmitAfterHours: WINDOW_HOURS },
					},
					credentials,
				},
				{
					id: 'crash-handle',
					name: 'Handle',
					type: 'n8n-nodes-sap-concur.concurNotify',
					typeVersion: 1,
					position: [220, 0],
					parameters: {
						resource: 'failedNotification',
						operation: 'delete',
						notification: '={{ $json.uri }}',
						options: {},
					},
					credentials,
				},
			],
			connections: { 'Concur Trigger': { main: [[{ node: 'Handle', type: 'main', index: 0 }]] } },
		})
	).id;

	for (const [round, offset] of KILL_OFFSETS_MS.entries()) {
		if (round > 0) await startServer();
		add();
		await poll(seen, offset);
		progress(
			`killed ${offset} ms after a poll's answer; ${sim.state.listNotifications().length} notifications queued`,
		);
	}

	// Polls until the queue is empty: the re-emit window brings back what the kills lost.
	await startServer();
	progress('restarted; polling until the queue is empty');
	const deadline = Date.now() + 3 * WINDOW_MS + 180_000;
	while (sim.state.listNotifications().length && Date.now() < deadline) {
		await waitFor(
			() => !sim.state.listNotifications().length || Date.now() > deadline,
			WINDOW_MS / 3,
			'an empty queue',
		).catch(() => {});
		if (sim.state.listNotifications().length) await poll(seen);
	}

	const recovered = [...added].filter(
		([id, at]) => seen.deletes.get(id)?.[0] - at >= WINDOW_MS,
	).length;
	progress(
		`${added.size} notifications, ${KILL_OFFSETS_MS.length} kills, ${recovered} handled only after the re-emit window`,
	);
	const unhandled = [...added.keys()].filter((id) => !seen.deletes.has(id));
	expect(unhandled).toEqual([]);
	const twiceWithinWindow = [...seen.deletes].filter(([, times]) =>
		times.some((t, i) => i > 0 && t - times[i - 1] < WINDOW_MS),
	);
	expect(twiceWithinWindow).toEqual([]);
	expect(sim.state.listNotifications()).toEqual([]);
}, 600_000);
