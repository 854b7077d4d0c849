// Concur Notify → Send against the simulator at 50 ms latency, run through real n8n-core, in one
// run: sequential (Requests in Parallel = 1) against the default (Auto), then the default against a
// company throttled to R messages/s (burst B) with each form of Retry-After.
const { startSimulatorProcess } = require('../rig/simulatorProcess');
const { deliveryOutcome } = require('./deliveries');
const { runNode } = require('../rig/n8nCore');
const { ConcurNotify } = require('../dist/nodes/ConcurNotify/ConcurNotify.node');
const { credentialFor } = require('../rig/concurCredential');

const MESSAGES = 1000;
const LATENCY_MS = 50;
const THROTTLE = { ratePerSecond: 50, burst: 10 };

async function sendAll(sim, { parallel, seed, retryAfter }) {
	// A new seed is a new company: each run starts without a token, like a first run in n8n.
	const rateLimit = retryAfter === undefined ? null : { ...THROTTLE, retryAfter };
	await sim.reset(seed, { latency: { fixedMs: LATENCY_MS, jitterMs: 0 }, rateLimit });
	const items = Array.from({ length: MESSAGES }, (_, i) => ({
		json: {
			userId: sim.credentials.userIds[i % 3],
			sessionId: `bench-${i}`,
			url: `https://www.example.com/trips/${i}`,
		},
	}));
	const parameters = {
		resource: 'message',
		operation: 'send',
		userId: '={{ $json.userId }}',
		sessionId: '={{ $json.sessionId }}',
		templateId: 'bench',
		contextUrl: '={{ $json.url }}',
		...(parallel === undefined ? {} : { options: { requestsInParallel: parallel } }),
	};
	const started = process.hrtime.bigint();
	// At its defaults the node stops at the first item that fails: the simulator counts what was lost.
	const { error } = await runNode({
		nodeClass: ConcurNotify,
		parameters,
		items,
		credentials: credentialFor(sim),
		nodeName: 'Concur Notify',
	});
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	const stats = await sim.stats();
	const outcome = deliveryOutcome(stats, MESSAGES);
	if (rateLimit === null && (error || outcome.deliveredOnce !== MESSAGES))
		throw new Error(`benchmark run failed: ${error?.message ?? JSON.stringify(outcome)}`);
	// Unthrottled, the ceiling is C / L (C requests in flight, L latency); throttled, it is R.
	// Auto may reach 50 requests in flight.
	const limit = rateLimit ? THROTTLE.ratePerSecond : (parallel ?? 50) / (LATENCY_MS / 1000);
	return {
		mode: `${parallel === undefined ? 'default (Auto)' : `${parallel} in parallel`}${rateLimit ? `, throttled, Retry-After ${retryAfter}` : ''}`,
		seconds,
		perSecond: outcome.deliveredOnce / seconds,
		shareOfLimit: outcome.deliveredOnce / seconds / limit,
		...outcome,
		requests: stats.requests.messages,
		throttled: stats.throttled.messages,
		tokenRequests: stats.requests.token,
		error: error?.message,
	};
}

async function main({
	retryAfter: forms = [0, 1, 'absent', 'date'],
	throttledOnly = false,
	repeat = 1,
} = {}) {
	const sim = await startSimulatorProcess();
	try {
		const sequential = throttledOnly ? undefined : await sendAll(sim, { parallel: 1, seed: 1 });
		const parallel = throttledOnly ? undefined : await sendAll(sim, { seed: 2 });
		const throttled = [];
		let seed = 3;
		for (const retryAfter of forms)
			for (let run = 0; run < repeat; run++)
				throttled.push(await sendAll(sim, { seed: seed++, retryAfter }));
		const row = (r) =>
			`| ${r.mode} | ${r.seconds.toFixed(1)} s | ${r.perSecond.toFixed(1)} | ${(r.shareOfLimit * 100).toFixed(0)} % | ${r.deliveredOnce} | ${r.lost} | ${r.duplicated} | ${r.requests} | ${r.throttled} | ${r.tokenRequests} |`;
		console.log(
			`\nConcur Notify → Send, ${MESSAGES} messages, simulator latency ${LATENCY_MS} ms; limit: C / L unthrottled, R throttled (R ${THROTTLE.ratePerSecond}/s, B ${THROTTLE.burst})`,
		);
		console.log(
			'| mode | wall time | messages/s | share of the limit | delivered once | lost | duplicated | requests sent | 429s | token requests |',
		);
		console.log('|---|---|---|---|---|---|---|---|---|---|');
		for (const r of [sequential, parallel, ...throttled]) if (r) console.log(row(r));
		if (sequential && parallel)
			console.log(
				`default vs sequential: ${(parallel.perSecond / sequential.perSecond).toFixed(1)}× faster`,
			);
		// The goal: every message exactly once, at >= 90 % of R, with at most 10 % extra requests.
		for (const r of throttled) {
			const extra = r.requests / Math.max(r.deliveredOnce, 1) - 1;
			const met = r.deliveredOnce === MESSAGES && r.shareOfLimit >= 0.9 && extra <= 0.1;
			console.log(
				`${r.mode}: ${(r.shareOfLimit * 100).toFixed(0)} % of R, ${(extra * 100).toFixed(0)} % extra requests per delivered message, goal ${met ? 'met' : 'not met'}${r.error ? `; the node stopped: ${r.error}` : ''}`,
			);
		}
	} finally {
		await sim.close();
	}
}

module.exports = main;
