// npm run bench:n8n: 1,000 messages to the simulator at 50 ms latency inside a real n8n, in one
// run, in five conditions (unthrottled; throttled to R 50/s, burst B 10, with each form of
// Retry-After: 0, 1, absent, an HTTP date) and four senders: Concur Notify at its defaults, and n8n's HTTP Request
// node set up for this API (a Header Auth credential holding a bearer token pasted by hand) at its
// defaults, with n8n's Retry On Fail, and with its batching tuned to the limit.
const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { deliveryOutcome } = require('./deliveries');
const { createInstance, runtime } = require('../rig/n8nInstance');
const { sendParameters } = require('../rig/sendParameters');

const MESSAGES = 1000;
const LATENCY_MS = 50;
const THROTTLE = { ratePerSecond: 50, burst: 10 };
const throttled = (retryAfter) => ({
	key: String(retryAfter),
	label: `throttled (R ${THROTTLE.ratePerSecond}/s, B ${THROTTLE.burst}), Retry-After: ${retryAfter}`,
	rateLimit: { ...THROTTLE, retryAfter },
});
// The rate sweep's (bench/rateSweep.js) worst three cells on the final code: R, B, Retry-After,
// each with its N of 15 s of sending at R, sent by Concur Notify alone.
const GRID_CELLS = [
	[250, 1, 2],
	[250, 1, 1],
	[250, 1, 'date'],
];
const gridCell = ([rate, burst, retryAfter]) => {
	const messages = Math.max(50, rate * 15);
	const wait = typeof retryAfter === 'number' ? retryAfter : retryAfter === 'date' ? 0.5 : 0;
	return {
		key: `R${rate}-B${burst}-${retryAfter}`,
		label: `sweep cell R ${rate}/s, B ${burst}, Retry-After: ${retryAfter}, ${messages} messages`,
		rateLimit: { ratePerSecond: rate, burst, retryAfter },
		messages,
		best: Math.max(0, messages - burst) / rate + wait + LATENCY_MS / 1000,
	};
};
const CONDITIONS = [
	{ key: 'unthrottled', label: 'unthrottled', rateLimit: null },
	throttled(0),
	throttled(1),
	throttled('absent'),
	throttled('date'),
	...GRID_CELLS.map(gridCell),
];
// `npm run bench:n8n -- --help`: run a part of it while iterating.
const { values: options } = parseArgs({
	options: {
		conditions: { type: 'string', default: CONDITIONS.map((c) => c.key).join(',') },
		'notify-only': { type: 'boolean', default: false },
		repeat: { type: 'string', default: '1' },
		help: { type: 'boolean', default: false },
	},
});
// Batching tuned to the limit: a full burst per batch, as often as the rate refills one.
const BATCH = {
	batchSize: THROTTLE.burst,
	batchInterval: (THROTTLE.burst / THROTTLE.ratePerSecond) * 1000,
};

function workflow(id, name, sender, credentials, messages = MESSAGES) {
	return {
		id,
		name,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: `${id}-1`,
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: `${id}-2`,
				name: 'Rows',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [200, 0],
				parameters: {
					// A unique sessionId per message: the simulator's deliveries tell lost and duplicated apart.
					jsCode: `const users = ${JSON.stringify(credentials.userIds)};\nreturn Array.from({ length: ${messages} }, (_, i) => ({ json: { userId: users[i % 3], sessionId: 'bench-' + i, url: 'https://www.example.com/trips/' + i } }));`,
				},
			},
			{ id: `${id}-3`, name: 'Send', position: [400, 0], ...sender },
		],
		connections: {
			Start: { main: [[{ node: 'Rows', type: 'main', index: 0 }]] },
			Rows: { main: [[{ node: 'Send', type: 'main', index: 0 }]] },
		},
	};
}

const concurNotify = {
	type: 'n8n-nodes-sap-concur.concurNotify',
	typeVersion: 1,
	parameters: sendParameters({ templateId: 'bench', options: {} }),
	credentials: { sapConcurApi: { id: 'concurSimulator', name: 'SAP Concur (simulator)' } },
};

const httpRequest = (simUrl, options, settings = {}) => ({
	type: 'n8n-nodes-base.httpRequest',
	typeVersion: 4.2,
	parameters: {
		method: 'POST',
		url: `={{ '${simUrl}/notifications/v4/messages/' + $json.userId + '/session' }}`,
		authentication: 'genericCredentialType',
		genericAuthType: 'httpHeaderAuth',
		sendBody: true,
		specifyBody: 'json',
		jsonBody:
			"={{ JSON.stringify({ sessionId: $json.sessionId, templateId: 'bench', context: { url: $json.url } }) }}",
		options,
	},
	credentials: { httpHeaderAuth: { id: 'concurBearer', name: 'Concur bearer token (bench)' } },
	...settings,
});

/** `n8n execute`; a failed execution exits non-zero but prints its run too. Returns the Send node's run. */
async function execute(n8n, workflowId) {
	let stdout;
	try {
		({ stdout } = await runtime.n8nCli(
			n8n.userFolder,
			n8n.port,
			['execute', `--id=${workflowId}`, '--rawOutput'],
			'info',
		));
	} catch (failure) {
		stdout = failure.stdout ?? '';
	}
	// The run is the JSON document from a "{" line followed by a "data" key to the next "}" line.
	const start = stdout.search(/^\{\n\s*"data"/m);
	if (start === -1) throw new Error(`no run in the output of n8n execute: ${stdout.slice(-2000)}`);
	const end = stdout.indexOf('\n}', start) + 2;
	const run = JSON.parse(stdout.slice(start, end));
	return { send: run.data.resultData.runData.Send[0], error: run.data.resultData.error };
}

async function main() {
	if (options.help) {
		console.log(`npm run bench:n8n -- [options]
  --conditions unthrottled,0,1,absent,date,R15-B10-2   which conditions (default all; the numbers and words are Retry-After forms, R…-B…-… the sweep's worst cells)
  --notify-only   only Concur Notify, not the HTTP Request node (whose comparison lines then say nothing)
  --repeat N      run each sender N times per condition (the machine is noisy)`);
		return;
	}
	const wanted = options.conditions.split(',');
	const conditions = CONDITIONS.filter((c) => wanted.includes(c.key));
	const n8n = await createInstance({ port: 5740 });
	try {
		const { sim } = n8n;
		// What a user of the HTTP Request node does by hand: fetch a token, paste it into Header Auth.
		const form = new URLSearchParams({
			client_id: sim.credentials.clientId,
			client_secret: sim.credentials.clientSecret,
			grant_type: 'refresh_token',
			refresh_token: sim.credentials.refreshToken,
		});
		const { access_token: token } = await (
			await fetch(`${sim.url}/oauth2/v0/token`, { method: 'POST', body: form })
		).json();
		const senders = [
			{ id: 'benchConcurNotify', label: 'Concur Notify (defaults)', sender: concurNotify },
			{
				id: 'benchHttpDefault',
				label: 'HTTP Request (defaults)',
				sender: httpRequest(sim.url, {}),
			},
			{
				id: 'benchHttpRetry',
				label: 'HTTP Request (Retry On Fail: 3 tries, 1 s)',
				sender: httpRequest(
					sim.url,
					{},
					{ retryOnFail: true, maxTries: 3, waitBetweenTries: 1000 },
				),
			},
			{
				id: 'benchHttpBatched',
				label: `HTTP Request (batching: ${BATCH.batchSize} per ${BATCH.batchInterval} ms = B per B/R)`,
				sender: httpRequest(sim.url, { batching: { batch: BATCH } }),
			},
		];
		// A sweep cell has its own number of messages: a workflow of its own, Concur Notify only.
		const cellSenders = new Map(
			conditions
				.filter((c) => c.messages)
				.map((c) => [c, { ...senders[0], id: `benchConcurNotify${c.key.replace(/\W/g, '')}` }]),
		);
		const files = [...senders, ...cellSenders.values()].map((s) => {
			const file = path.join(n8n.userFolder, `${s.id}.json`);
			const cell = [...cellSenders].find(([, sender]) => sender === s)?.[0];
			fs.writeFileSync(
				file,
				JSON.stringify(workflow(s.id, s.label, s.sender, sim.credentials, cell?.messages)),
			);
			return file;
		});
		const bearer = {
			id: 'concurBearer',
			name: 'Concur bearer token (bench)',
			type: 'httpHeaderAuth',
			data: { name: 'Authorization', value: `Bearer ${token}` },
		};
		await runtime.importIntoN8n(
			n8n.userFolder,
			n8n.port,
			[runtime.simulatorCredential(sim), bearer],
			files,
		);

		console.log(
			`\nInside n8n ${runtime.N8N_VERSION}: ${MESSAGES} messages (a sweep cell: its own), simulator latency ${LATENCY_MS} ms, wall time = time of the sending node`,
		);
		console.log(
			'| condition | sender | wall time | before the first delivery | messages/s | goodput/R | goodput/R while sending | delivered once | lost | duplicated | requests sent | 429s | token requests |',
		);
		console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
		const comparisons = [];
		for (const condition of conditions) {
			const results = [];
			const cellSender = cellSenders.get(condition);
			const chosen = cellSender
				? [cellSender]
				: options['notify-only']
					? senders.slice(0, 1)
					: senders;
			const runs = chosen.flatMap((sender) =>
				Array.from({ length: Number(options.repeat) }, () => sender),
			);
			for (const sender of runs) {
				// A full bucket and zero counters for every run.
				sim.state.setConfig({
					latency: { fixedMs: LATENCY_MS, jitterMs: 0 },
					rateLimit: condition.rateLimit,
				});
				sim.state.resetStats();
				const { send, error } = await execute(n8n, sender.id);
				const stats = sim.state.stats();
				const seconds = send.executionTime / 1000;
				const outcome = deliveryOutcome(stats, condition.messages ?? MESSAGES);
				const r = {
					...sender,
					seconds,
					...outcome,
					perSecond: outcome.deliveredOnce / seconds,
					requests: stats.requests.messages,
					throttled: stats.throttled.messages,
					error: error?.message,
					// What the node did before its first message arrived: reading its items, the token.
					beforeFirstSeconds: (outcome.firstDeliveryAt - send.startTime) / 1000,
				};
				// The HTTP Request node's token was fetched once, by hand, before the runs.
				r.tokens = stats.requests.token + (sender.sender === concurNotify ? 0 : 1);
				const share = (perSecond) =>
					condition.rateLimit
						? `${((perSecond / condition.rateLimit.ratePerSecond) * 100).toFixed(0)} %`
						: '—';
				const whileSending = r.sendingSeconds > 0 ? share(r.deliveredOnce / r.sendingSeconds) : '—';
				console.log(
					`| ${condition.label} | ${r.label} | ${seconds.toFixed(1)} s | ${r.beforeFirstSeconds.toFixed(1)} s | ${r.perSecond.toFixed(0)} | ${share(r.perSecond)} | ${whileSending} | ${r.deliveredOnce} | ${r.lost} | ${r.duplicated} | ${r.requests} | ${r.throttled} | ${r.tokens} |`,
				);
				results.push(r);
			}
			for (const notify of results.filter((r) => r.sender === concurNotify))
				comparisons.push(
					compare(
						condition,
						notify,
						results.find((r) => r.sender !== concurNotify),
					),
				);
		}
		console.log('');
		for (const line of comparisons) console.log(line);
	} finally {
		await n8n.close();
	}
}

/** One line per condition: Concur Notify against its goal and the HTTP Request node at its defaults. */
function compare(condition, notify, httpDefault) {
	if (condition.best) {
		const efficiency = condition.best / notify.seconds;
		const once = notify.deliveredOnce === condition.messages;
		const extra = notify.requests / condition.messages - 1;
		// n8n's expression engine reads the items before the first request (bench/n8nReadingProfile.js).
		const sending = condition.best / (notify.seconds - notify.beforeFirstSeconds);
		return `${condition.label}: Concur Notify took ${notify.seconds.toFixed(1)} s, reading included, for a best of ${condition.best.toFixed(1)} s: efficiency ${efficiency.toFixed(2)} (goal >= 0.85: ${efficiency >= 0.85 ? 'met' : 'not met'}), ${sending.toFixed(2)} from the first delivery; ${notify.deliveredOnce} of ${condition.messages} delivered once, ${(extra * 100).toFixed(0)} % extra requests (goal <= 10 %: ${once && extra <= 0.1 ? 'met' : 'not met'}).`;
	}
	if (!httpDefault && !condition.rateLimit)
		return `${condition.label}: Concur Notify took ${notify.seconds.toFixed(1)} s (no HTTP Request run to compare).`;
	if (!condition.rateLimit) {
		const ratio = httpDefault.seconds / notify.seconds;
		const verdict =
			ratio >= 1 ? `${ratio.toFixed(1)}× faster than` : `${(1 / ratio).toFixed(1)}× slower than`;
		return `${condition.label}: Concur Notify is ${verdict} HTTP Request (defaults); goal (no slower) ${ratio >= 1 ? 'met' : 'not met'}.`;
	}
	const share = notify.perSecond / THROTTLE.ratePerSecond;
	const extra = notify.requests / Math.max(notify.deliveredOnce, 1) - 1;
	const met = notify.deliveredOnce === MESSAGES && share >= 0.9 && extra <= 0.1;
	const whileSending = notify.deliveredOnce / notify.sendingSeconds / THROTTLE.ratePerSecond;
	return `${condition.label}: Concur Notify delivered ${notify.deliveredOnce} once at ${(share * 100).toFixed(0)} % of R over the node's time (${(whileSending * 100).toFixed(0)} % from first to last delivery) with ${(extra * 100).toFixed(0)} % extra requests (goal: all once, >= 90 %, <= 10 %: ${met ? 'met' : 'not met'})${httpDefault ? `; HTTP Request (defaults) delivered ${httpDefault.deliveredOnce} once${httpDefault.error ? ' and failed' : ''}` : ''}.`;
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
