// Concur Notify → Send, 1,000 messages against the simulator at 50 ms latency, run through real
// n8n-core: sequential (Requests in Parallel = 1) against the default, in one run.
const { startSimulatorProcess } = require('./simulatorProcess');
const { runNode } = require('../test/n8n');
const { ConcurNotify } = require('../dist/nodes/ConcurNotify/ConcurNotify.node');
const { credentialFor } = require('../test/support');

const MESSAGES = 1000;
const LATENCY_MS = 50;

async function sendAll(sim, parallel, seed) {
	// A new seed is a new company: each run starts without a token, like a first run in n8n.
	await sim.reset(seed, { latency: { fixedMs: LATENCY_MS, jitterMs: 0 } });
	const items = Array.from({ length: MESSAGES }, (_, i) => ({
		json: { userId: sim.credentials.userIds[i % 3], sessionId: `bench-${i}`, url: `https://www.example.com/trips/${i}` },
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
	const { outputs, error } = await runNode({ nodeClass: ConcurNotify, parameters, items, credentials: credentialFor(sim), nodeName: 'Concur Notify' });
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	if (error || outputs[0].length !== MESSAGES) throw new Error(`benchmark run failed: ${error?.message ?? outputs[0].length}`);
	const stats = await sim.stats();
	const concurrency = parallel ?? 10;
	const limit = concurrency / (LATENCY_MS / 1000);
	return {
		mode: parallel === undefined ? 'default (10 in parallel)' : `${parallel} in parallel`,
		seconds,
		perSecond: MESSAGES / seconds,
		shareOfLimit: MESSAGES / seconds / limit,
		tokenRequests: stats.requests.token,
		delivered: stats.deliveries.unique,
	};
}

async function main() {
	const sim = await startSimulatorProcess();
	try {
		const sequential = await sendAll(sim, 1, 1);
		const parallel = await sendAll(sim, undefined, 2);
		const row = (r) => `| ${r.mode} | ${MESSAGES} | ${r.seconds.toFixed(1)} s | ${r.perSecond.toFixed(1)} | ${(r.shareOfLimit * 100).toFixed(0)} % | ${r.tokenRequests} |`;
		console.log(`\nConcur Notify → Send, ${MESSAGES} messages, simulator latency ${LATENCY_MS} ms (limit N·L/C)`);
		console.log('| mode | messages | wall time | messages/s | share of the limit | token requests |');
		console.log('|---|---|---|---|---|---|');
		console.log(row(sequential));
		console.log(row(parallel));
		console.log(`default vs sequential: ${(parallel.perSecond / sequential.perSecond).toFixed(1)}× faster`);
	} finally {
		await sim.close();
	}
}

module.exports = main;
