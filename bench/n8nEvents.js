// The Concur Event Trigger's row of `npm run bench:n8n`: 1,000 ESS events, signed as the simulator
// signs them, POSTed 20 at a time into a real n8n with the trigger active. Measures the answer time
// (median, p99) and counts the runs n8n started: lost (no run) and duplicated (more than one run).
// Goal (issue #20): p99 ≤ 1 s, 0 lost, 0 twice.
const { createInstance, runtime } = require('../rig/n8nInstance');
const { buildEvent } = require('../simulator/ess/events');
const { sign } = require('../simulator/ess/signature');

const EVENTS = 1000;
const IN_FLIGHT = 20;
const WEBHOOK_ID = '5f0e3b1a-7c2d-4e8f-9a6b-1d2c3e4f5a6b';

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition, timeoutMs, what) {
	for (const start = Date.now(); !(await condition()); await pause(250))
		if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
}

const percentile = (sorted, p) =>
	sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];

async function main() {
	const n8n = await createInstance({ port: 5790 });
	const { sim } = n8n;
	sim.state.setConfig({ ess: { allowHttpEndpoints: true } });
	sim.state.ess.companyConnected = true;
	await n8n.importCredential(runtime.simulatorCredential(n8n.sim));
	const server = await n8n.start({ env: { N8N_WEBHOOK_URL: `http://127.0.0.1:${n8n.port}/` } });
	try {
		let cookie;
		await until(
			async () => (cookie = await runtime.ownerSession(server.url).catch(() => undefined)),
			60_000,
			'the owner login',
		);
		const api = runtime.publicApi(server.url, await runtime.apiKey(server.url, cookie));
		const { id: workflowId } = await api('POST', '/workflows', {
			name: 'Concur events (bench)',
			settings: { executionOrder: 'v1' },
			nodes: [
				{
					id: 'bench-event-trigger',
					name: 'Concur Event Trigger',
					type: 'n8n-nodes-sap-concur.concurEventTrigger',
					typeVersion: 1,
					position: [0, 0],
					webhookId: WEBHOOK_ID,
					parameters: {
						topic: 'public.concur.expense.report',
						events: ['submitted'],
						signatureCheck: 'withOwnKeys',
						publicKeys: sim.state.ess.keys.publicKeyPem,
						options: {},
					},
					credentials: { sapConcurApi: { id: 'concurSimulator', name: 'SAP Concur (simulator)' } },
				},
			],
			connections: {},
		});
		await api('POST', `/workflows/${workflowId}/activate`);
		await until(() => sim.state.ess.subscriptions.size === 1, 60_000, 'the subscription');
		const [{ webHookConfig }] = [...sim.state.ess.subscriptions.values()];

		const events = Array.from({ length: EVENTS }, () =>
			buildEvent(sim.state, { preset: 'submitted' }),
		);
		const times = [];
		const statuses = {};
		let next = 0;
		const started = Date.now();
		await Promise.all(
			Array.from({ length: IN_FLIGHT }, async () => {
				while (next < events.length) {
					const body = JSON.stringify(events[next++]);
					const sentAt = performance.now();
					const response = await fetch(webHookConfig.endpoint, {
						method: 'POST',
						headers: {
							'Content-Type': 'application/json',
							'Concur-Signature': sign(sim.state.ess.keys.privateKey, body),
						},
						body,
					});
					await response.arrayBuffer();
					times.push(performance.now() - sentAt);
					statuses[response.status] = (statuses[response.status] ?? 0) + 1;
				}
			}),
		);
		const sendingMs = Date.now() - started;

		const runIds = async () => {
			const ids = [];
			let cursor;
			do {
				const page = await api(
					'GET',
					`/executions?workflowId=${workflowId}&includeData=true&limit=250${cursor ? `&cursor=${cursor}` : ''}`,
				);
				for (const execution of page.data)
					ids.push(
						execution.data?.resultData?.runData?.['Concur Event Trigger']?.[0]?.data?.main?.[0]?.[0]
							?.json?.id,
					);
				cursor = page.nextCursor;
			} while (cursor);
			return ids;
		};
		let ids = [];
		// Every run is stored before its 200: count until the number holds still.
		for (let previous = -1; ids.length !== previous; await pause(2000)) {
			previous = ids.length;
			ids = await runIds();
		}
		const runs = new Map();
		for (const id of ids) runs.set(id, (runs.get(id) ?? 0) + 1);
		const sorted = times.sort((a, b) => a - b);
		const row = {
			events: EVENTS,
			inFlight: IN_FLIGHT,
			answers: statuses,
			medianMs: Math.round(percentile(sorted, 0.5)),
			p99Ms: Math.round(percentile(sorted, 0.99)),
			eventsPerSecond: Math.round((EVENTS / sendingMs) * 1000),
			runs: ids.length,
			lost: events.filter((e) => !runs.has(e.id)).length,
			duplicated: [...runs.values()].filter((n) => n > 1).length,
		};
		console.log(JSON.stringify(row));
		console.log(
			`| Concur Event Trigger: ${EVENTS} events, ${IN_FLIGHT} at a time | answer median ${row.medianMs} ms, p99 ${row.p99Ms} ms | ${row.runs} runs | ${row.lost} lost | ${row.duplicated} twice |`,
		);
	} finally {
		await server.stop();
		await n8n.close();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
