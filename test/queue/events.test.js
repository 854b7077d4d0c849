// Issue #20 in queue mode: the Concur Event Trigger on n8n main receives the simulator's ESS
// deliveries (signature check, duplicate check, the answer), the runs go to the workers through
// Redis. Each event starts one run, a duplicate delivery none; a worker SIGKILLed while it runs
// events loses only the runs it had taken (n8n fails a stalled job, maxStalledCount 0, and never
// gives it to another worker), and no event runs twice.
const { randomUUID } = require('node:crypto');
const { startCluster, waitFor, workflowNode: node } = require('./cluster');
const { eventTriggerParameters } = require('../../rig/eventTriggerParameters');
const { createCredential, finishedExecutions } = require('./notifyScenario');

const EVENTS = 20;
const DUPLICATES = 3;
const AROUND_THE_KILL = 30;
const TRIGGER = 'Concur Event Trigger';

let cluster;
let workflowId;
beforeAll(async () => {
	cluster = await startCluster();
	// n8n's loopback http URL is accepted here only; retries come quickly so that the test is short.
	await cluster.sim.control('PUT', '/config', {
		ess: { allowHttpEndpoints: true, retryScheduleMs: [500, 2000] },
	});
	await cluster.sim.control('POST', '/ess/connect-company');
	const { publicKey } = await cluster.sim.control('GET', '/ess/public-key');
	const credentials = await createCredential(cluster, 'Concur (events)');
	({ id: workflowId } = await cluster.api('POST', '/workflows', {
		name: 'Queue: Concur events',
		settings: { executionOrder: 'v1' },
		nodes: [
			node(
				TRIGGER,
				'n8n-nodes-sap-concur.concurEventTrigger',
				1,
				0,
				eventTriggerParameters(publicKey),
				{ webhookId: randomUUID(), credentials },
			),
			// A run that takes a moment on its worker, so that a kill finds runs in progress.
			node('Wait', 'n8n-nodes-base.wait', 1.1, 220, {
				resume: 'timeInterval',
				amount: 2,
				unit: 'seconds',
			}),
		],
		connections: { [TRIGGER]: { main: [[{ node: 'Wait', type: 'main', index: 0 }]] } },
	}));
	await cluster.api('POST', `/workflows/${workflowId}/activate`);
	await waitFor('the subscription', async () => (await essStats()).subscriptions.length === 1);
}, 600_000);
afterAll(async () => {
	await cluster?.stop();
}, 120_000);

const essStats = () => cluster.sim.control('GET', '/ess');
const publish = (spec) => cluster.sim.control('POST', '/ess/events', spec);
const settled = () => waitFor('every delivery answered', async () => !(await essStats()).pending);

/** The event id each execution ran with: the trigger's output, or its input for a run not finished. */
async function eventIdOf(executionId) {
	const { data } = await cluster.api('GET', `/executions/${executionId}?includeData=true`);
	const output = data?.resultData?.runData?.[TRIGGER]?.[0]?.data?.main?.[0];
	const input = data?.executionData?.nodeExecutionStack?.[0]?.data?.main?.[0];
	return (output ?? input)?.[0]?.json?.id ?? `(no item in execution ${executionId})`;
}

/** The workflow's executions with their event ids and the worker each ran on. */
async function runs() {
	const byWorker = cluster.executionsByWorker();
	return await Promise.all(
		cluster.executions(workflowId).map(async ({ id, status }) => ({
			id,
			status,
			eventId: await eventIdOf(id),
			worker: byWorker.get(id) ?? 'no worker',
		})),
	);
}

const countBy = (values) =>
	values.reduce((counts, value) => ({ ...counts, [value]: (counts[value] ?? 0) + 1 }), {});

test(`${EVENTS} events received on main run on the workers, each once; ${DUPLICATES} delivered twice, 1 filtered out`, async () => {
	await cluster.sim.control('PUT', '/config', { ess: { duplicateNext: DUPLICATES } });
	const events = await publish({ preset: 'submitted', count: EVENTS });
	const [filtered] = await publish({ preset: 'paid' });
	await settled();
	const attempts = await cluster.sim.control('GET', '/ess/attempts');
	expect(countBy(attempts.map((a) => a.answer))).toEqual({ 200: EVENTS + DUPLICATES + 1 });
	expect(attempts.filter((a) => a.eventId === filtered.id)).toHaveLength(1);

	await finishedExecutions(cluster, workflowId, EVENTS);
	const all = await runs();
	process.stderr.write(
		`[queue events] ${all.length} runs for ${EVENTS} events: ${JSON.stringify(countBy(all.map((r) => r.worker)))}\n`,
	);
	expect(all.map((r) => r.eventId).sort()).toEqual(events.map((e) => e.id).sort());
	expect(all.filter((r) => r.status !== 'success' || r.worker === 'no worker')).toEqual([]);
});

test(`a worker SIGKILLed while ${AROUND_THE_KILL} events run: no event runs twice, only the runs it held are lost`, async () => {
	const before = new Set(cluster.executions(workflowId).map((e) => e.id));
	const [killed, survivor] = ['worker-1', 'worker-2'];
	const startedOn = (worker) => cluster.workerLog(worker).started.filter((id) => !before.has(id));
	const published = [];
	const publisher = setInterval(() => {
		if (published.length < AROUND_THE_KILL) published.push(publish({ preset: 'submitted' }));
	}, 100);
	try {
		// Killed while it runs 2 s waits: once it has started 3 of these events.
		await waitFor('runs on the worker to be killed', async () => startedOn(killed).length >= 3);
		await cluster.killWorker(killed);
		// Its jobs stay active in Bull (until their lock expires, then n8n fails them, not retries).
		expect(cluster.jobCounts().active).toBeGreaterThan(0);
		await waitFor('every event published', async () => published.length >= AROUND_THE_KILL);
		const events = (await Promise.all(published)).flat();
		const ids = new Set(events.map((e) => e.id));
		await settled();
		// Done when nothing waits in the queue, the survivor finished all it started, and every event has its execution.
		await waitFor('the surviving worker idle', async () => {
			const { started, finished } = cluster.workerLog(survivor);
			const stored = (await runs()).filter((r) => ids.has(r.eventId));
			return (
				cluster.jobCounts().waiting === 0 &&
				started.every((id) => finished.includes(id)) &&
				stored.length >= ids.size
			);
		});
		const mine = (await runs()).filter((r) => !before.has(r.id));
		const lost = mine.filter((r) => r.status !== 'success');
		process.stderr.write(
			`[queue events] killed ${killed} after it started ${startedOn(killed).length} runs; ${events.length} events: ` +
				`${JSON.stringify(countBy(mine.map((r) => `${r.worker} ${r.status}`)))}\n`,
		);
		expect(mine.map((r) => r.eventId).sort()).toEqual([...ids].sort());
		// What did not finish, the killed worker held ("no worker": taken before it logged the start).
		expect(lost.length).toBeGreaterThan(0);
		expect(lost.filter((r) => r.worker === survivor)).toEqual([]);
		expect(
			mine.filter((r) => r.worker === survivor && r.status === 'success').length,
		).toBeGreaterThan(0);
	} finally {
		clearInterval(publisher);
	}
});
