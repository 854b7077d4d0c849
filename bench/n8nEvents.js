// The Concur Event Trigger's row of `npm run bench:n8n`: 1,000 ESS events, signed as the simulator
// signs them, POSTed 20 at a time into a real n8n with the trigger active. Measures the answer time
// (median, p99) and counts the runs n8n started: lost (no run) and duplicated (more than one run).
// Goal (issue #20): p99 ≤ 1 s, 0 lost, 0 twice. The baselines, in the same n8n and the same run: the
// same bodies POSTed to n8n's own Webhook node (On Received, no other node), n8n's own work per
// webhook without the pack. n8n 2.41 acquires an expression isolate (N8N_EXPRESSION_ENGINE=vm, a
// pool of 1; each request past it cold-starts one) for every webhook request except those of its
// Webhook node v2 with static parameters (live-webhooks.js, webhookPhaseNeedsIsolate): so the Webhook
// node v1, which n8n does not exempt, is the baseline a community trigger can be compared with.
// Last, n8n restarted with N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true (an isolate only for a request
// that evaluates an expression), the trigger again.
const { createInstance, runtime } = require('../rig/n8nInstance');
const { eventTriggerParameters } = require('../rig/eventTriggerParameters');
const { buildEvent } = require('../simulator/ess/events');
const { sign } = require('../simulator/ess/signature');

const EVENTS = 1000;
const IN_FLIGHT = 20;
const TRIGGER_WEBHOOK_ID = '5f0e3b1a-7c2d-4e8f-9a6b-1d2c3e4f5a6b';
const BASELINE_PATH = 'bench-baseline-events';

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition, timeoutMs, what) {
	for (const start = Date.now(); !(await condition()); await pause(250))
		if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
}

const percentile = (sorted, p) =>
	sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];

/** POSTs every event to `url`, `IN_FLIGHT` at a time; the answer times and statuses. */
async function postAll(url, events, signingKey) {
	const times = [];
	const answers = {};
	let next = 0;
	const started = Date.now();
	await Promise.all(
		Array.from({ length: IN_FLIGHT }, async () => {
			while (next < events.length) {
				const body = JSON.stringify(events[next++]);
				const sentAt = performance.now();
				const response = await fetch(url, {
					method: 'POST',
					headers: {
						'Content-Type': 'application/json',
						'Concur-Signature': sign(signingKey, body),
					},
					body,
				});
				await response.arrayBuffer();
				times.push(performance.now() - sentAt);
				answers[response.status] = (answers[response.status] ?? 0) + 1;
			}
		}),
	);
	return { times: times.sort((a, b) => a - b), answers, sendingMs: Date.now() - started };
}

async function main() {
	const n8n = await createInstance({ port: 5790 });
	const { sim } = n8n;
	sim.state.setConfig({ ess: { allowHttpEndpoints: true } });
	sim.state.ess.companyConnected = true;
	await n8n.importCredential(runtime.simulatorCredential(n8n.sim));
	const start = async (env = {}) => {
		const server = await n8n.start({
			env: { N8N_WEBHOOK_URL: `http://127.0.0.1:${n8n.port}/`, ...env },
		});
		let cookie;
		await until(
			async () => (cookie = await runtime.ownerSession(server.url).catch(() => undefined)),
			60_000,
			'the owner login',
		);
		return { server, cookie };
	};
	let { server, cookie } = await start();
	try {
		const key = await runtime.apiKey(server.url, cookie);
		const api = runtime.publicApi(server.url, key);
		const create = async (name, node) => {
			const { id } = await api('POST', '/workflows', {
				name,
				settings: { executionOrder: 'v1' },
				nodes: [{ id: `${node.name}-bench`, position: [0, 0], ...node }],
				connections: {},
			});
			await api('POST', `/workflows/${id}/activate`);
			return id;
		};
		const triggerWorkflow = await create('Concur events (bench)', {
			name: 'Concur Event Trigger',
			type: 'n8n-nodes-sap-concur.concurEventTrigger',
			typeVersion: 1,
			webhookId: TRIGGER_WEBHOOK_ID,
			parameters: eventTriggerParameters(sim.state.ess.keys.publicKeyPem),
			credentials: { sapConcurApi: { id: 'concurSimulator', name: 'SAP Concur (simulator)' } },
		});
		const baseline = async (typeVersion) => ({
			url: `${server.url}/webhook/${BASELINE_PATH}-v${typeVersion}`,
			workflowId: await create(`n8n Webhook node v${typeVersion} (bench baseline)`, {
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion,
				webhookId: `a1b2c3d4-0000-4000-8000-00000000000${typeVersion}`,
				parameters: {
					httpMethod: 'POST',
					path: `${BASELINE_PATH}-v${typeVersion}`,
					responseMode: 'onReceived',
					options: {},
				},
			}),
		});
		const baselines = [await baseline(2), await baseline(1)];
		await until(() => sim.state.ess.subscriptions.size === 1, 60_000, 'the subscription');
		const [{ webHookConfig }] = [...sim.state.ess.subscriptions.values()];
		for (const { url } of baselines)
			await until(
				async () => (await fetch(url, { method: 'POST' })).status === 200,
				60_000,
				'the baseline webhooks',
			);

		/** Each execution's event id, once the count holds still (every run is stored before its 200). */
		const runIds = async (workflowId, idOf) => {
			let ids = [];
			for (let previous = -1; ids.length !== previous; await pause(2000)) {
				previous = ids.length;
				ids = [];
				let cursor;
				do {
					const page = await api(
						'GET',
						`/executions?workflowId=${workflowId}&includeData=true&limit=250${cursor ? `&cursor=${cursor}` : ''}`,
					);
					ids.push(...page.data.map(idOf));
					cursor = page.nextCursor;
				} while (cursor);
			}
			return ids;
		};
		const firstItem = (execution, node) =>
			execution.data?.resultData?.runData?.[node]?.[0]?.data?.main?.[0]?.[0]?.json;

		const measure = async (label, url, workflowId, idOf) => {
			const events = Array.from({ length: EVENTS }, () =>
				buildEvent(sim.state, { preset: 'submitted' }),
			);
			const { times, answers, sendingMs } = await postAll(
				url,
				events,
				sim.state.ess.keys.privateKey,
			);
			const ids = (await runIds(workflowId, idOf)).filter((id) => id !== undefined);
			// This row's events only: the last row posts to a workflow that already ran the earlier ones.
			const sent = new Set(events.map((e) => e.id));
			const runs = new Map();
			for (const id of ids.filter((id) => sent.has(id))) runs.set(id, (runs.get(id) ?? 0) + 1);
			const row = {
				label,
				events: EVENTS,
				inFlight: IN_FLIGHT,
				answers,
				medianMs: Math.round(percentile(times, 0.5)),
				p99Ms: Math.round(percentile(times, 0.99)),
				eventsPerSecond: Math.round((EVENTS / sendingMs) * 1000),
				runs: [...runs.values()].reduce((sum, n) => sum + n, 0),
				lost: events.filter((e) => !runs.has(e.id)).length,
				duplicated: [...runs.values()].filter((n) => n > 1).length,
			};
			console.log(JSON.stringify(row));
			console.log(
				`| ${label}: ${EVENTS} events, ${IN_FLIGHT} at a time | answer median ${row.medianMs} ms, p99 ${row.p99Ms} ms | ${row.eventsPerSecond}/s | ${row.runs} runs | ${row.lost} lost | ${row.duplicated} twice |`,
			);
		};
		const webhookBody = (execution) => firstItem(execution, 'Webhook')?.body?.id;
		const eventOf = (execution) => firstItem(execution, 'Concur Event Trigger')?.id;
		await measure(
			"n8n's Webhook node v2 (no isolate)",
			baselines[0].url,
			baselines[0].workflowId,
			webhookBody,
		);
		await measure(
			"n8n's Webhook node v1 (an isolate per request)",
			baselines[1].url,
			baselines[1].workflowId,
			webhookBody,
		);
		await measure('Concur Event Trigger', webHookConfig.endpoint, triggerWorkflow, eventOf);
		await server.stop();
		({ server } = await start({ N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' }));
		// n8n answers 404 until it has registered the webhook again (the node then answers 401).
		await until(
			async () => (await fetch(webHookConfig.endpoint, { method: 'POST' })).status !== 404,
			60_000,
			'the webhook after the restart',
		);
		await measure(
			'Concur Event Trigger, N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true',
			webHookConfig.endpoint,
			triggerWorkflow,
			eventOf,
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
