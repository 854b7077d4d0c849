// Concur Notify → Send against the simulator at 50 ms latency, run through real n8n-core, in one
// run: sequential (Requests in Parallel = 1) against the default (Auto), unthrottled. Throttled
// sending is the rate sweep's (rateSweep.js).
const { startSimulatorProcess } = require('../rig/simulatorProcess');
const { deliveryOutcome } = require('./deliveries');
const { runNode } = require('../rig/n8nCore');
const { ConcurNotify } = require('../dist/nodes/ConcurNotify/ConcurNotify.node');
const { credentialFor } = require('../rig/concurCredential');
const { sendParameters } = require('../rig/sendParameters');

const MESSAGES = 1000;
const LATENCY_MS = 50;

async function sendAll(sim, { parallel, seed }) {
	// A new seed is a new company: each run starts without a token, like a first run in n8n.
	await sim.reset(seed, { latency: { fixedMs: LATENCY_MS, jitterMs: 0 }, rateLimit: null });
	const items = Array.from({ length: MESSAGES }, (_, i) => ({
		json: {
			userId: sim.credentials.userIds[i % 3],
			sessionId: `bench-${i}`,
			url: `https://www.example.com/trips/${i}`,
		},
	}));
	const parameters = sendParameters({
		templateId: 'bench',
		...(parallel === undefined ? {} : { options: { requestsInParallel: parallel } }),
	});
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
	if (error || outcome.deliveredOnce !== MESSAGES)
		throw new Error(`benchmark run failed: ${error?.message ?? JSON.stringify(outcome)}`);
	// The ceiling is C / L (C requests in flight, L latency); Auto may reach 50 requests in flight.
	const limit = (parallel ?? 50) / (LATENCY_MS / 1000);
	return {
		mode: parallel === undefined ? 'default (Auto)' : `${parallel} in parallel`,
		seconds,
		perSecond: outcome.deliveredOnce / seconds,
		shareOfLimit: outcome.deliveredOnce / seconds / limit,
		...outcome,
		requests: stats.requests.messages,
		tokenRequests: stats.requests.token,
		error: error?.message,
	};
}

async function main() {
	const sim = await startSimulatorProcess();
	try {
		const sequential = await sendAll(sim, { parallel: 1, seed: 1 });
		const parallel = await sendAll(sim, { seed: 2 });
		const row = (r) =>
			`| ${r.mode} | ${r.seconds.toFixed(1)} s | ${r.perSecond.toFixed(1)} | ${(r.shareOfLimit * 100).toFixed(0)} % | ${r.deliveredOnce} | ${r.lost} | ${r.duplicated} | ${r.requests} | ${r.tokenRequests} |`;
		console.log(
			`\nConcur Notify → Send, ${MESSAGES} messages, simulator latency ${LATENCY_MS} ms, unthrottled; limit: C / L`,
		);
		console.log(
			'| mode | wall time | messages/s | share of the limit | delivered once | lost | duplicated | requests sent | token requests |',
		);
		console.log('|---|---|---|---|---|---|---|---|---|');
		for (const r of [sequential, parallel]) console.log(row(r));
		console.log(
			`default vs sequential: ${(parallel.perSecond / sequential.perSecond).toFixed(1)}× faster`,
		);
	} finally {
		await sim.close();
	}
}

module.exports = main;
