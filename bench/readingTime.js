// node bench/readingTime.js [--items 1000] [--runs 5]: how long Concur Notify → Send reads and
// checks its items before the first request, through real n8n-core, and how that time splits
// between n8n (getNodeParameter, its expression engine; getCredentials) and the pack's own work
// (everything else in the window: validation, object building, the batch's bookkeeping).
// Measured by wrapping the node's execute context, not by changing the node.
const { parseArgs } = require('node:util');
const { startSimulatorProcess } = require('../rig/simulatorProcess');
const { runNode } = require('../rig/n8nCore');
const { ConcurNotify } = require('../dist/nodes/ConcurNotify/ConcurNotify.node');
const { credentialFor } = require('../rig/concurCredential');
const { sendParameters } = require('../rig/sendParameters');

const { values: args } = parseArgs({
	options: { items: { type: 'string', default: '1000' }, runs: { type: 'string', default: '5' } },
});
const ITEMS = Number(args.items);
const RUNS = Number(args.runs);

const now = () => Number(process.hrtime.bigint()) / 1e6;

/** Times the context's calls into n8n from execute's start until the first request. */
function instrument(ctx, record) {
	const started = now();
	let reading = true;
	const timed = (object, name, bucket) => {
		const original = object[name];
		object[name] = function (...callArgs) {
			if (!reading) return original.apply(this, callArgs);
			const at = now();
			const key = bucket(callArgs);
			const done = () => (record.calls[key] = (record.calls[key] ?? 0) + now() - at);
			const result = original.apply(this, callArgs);
			if (result instanceof Promise) return result.finally(done);
			done();
			return result;
		};
	};
	timed(ctx, 'getNodeParameter', ([name]) => `getNodeParameter ${name}`);
	timed(ctx, 'getCredentials', () => 'getCredentials');
	const request = ctx.helpers.httpRequestWithAuthentication;
	ctx.helpers.httpRequestWithAuthentication = function (...callArgs) {
		if (reading) {
			reading = false;
			record.readingMs = now() - started;
		}
		return request.apply(this, callArgs);
	};
}

async function measure(sim, seed) {
	const record = { calls: {} };
	const execute = ConcurNotify.prototype.execute;
	ConcurNotify.prototype.execute = function () {
		instrument(this, record);
		return execute.call(this);
	};
	try {
		// A new seed is a new company: each run starts without a token, as in the other benchmarks.
		await sim.reset(seed, { latency: { fixedMs: 0, jitterMs: 0 }, rateLimit: null });
		const items = Array.from({ length: ITEMS }, (_, i) => ({
			json: {
				userId: sim.credentials.userIds[i % 3],
				sessionId: `bench-${i}`,
				url: `https://www.example.com/trips/${i}`,
			},
		}));
		// The parameters of bench/n8nThroughput.js: three expressions, one fixed template.
		const { error } = await runNode({
			nodeClass: ConcurNotify,
			parameters: sendParameters({ templateId: 'bench' }),
			items,
			credentials: credentialFor(sim),
			nodeName: 'Concur Notify',
		});
		if (error) throw error;
	} finally {
		ConcurNotify.prototype.execute = execute;
	}
	const n8nMs = Object.values(record.calls).reduce((sum, ms) => sum + ms, 0);
	return { ...record, n8nMs, packMs: record.readingMs - n8nMs };
}

async function main() {
	const sim = await startSimulatorProcess();
	try {
		await measure(sim, 1); // warm-up: module loading and JIT
		const runs = [];
		for (let run = 0; run < RUNS; run++) runs.push(await measure(sim, run + 2));
		const median = (pick) => runs.map(pick).sort((a, b) => a - b)[Math.floor(RUNS / 2)];
		console.log(
			`\nConcur Notify → Send, ${ITEMS} items, reading before the first request (median of ${RUNS} runs, n8n-core)`,
		);
		console.log('| part | ms |\n|---|---|');
		console.log(`| whole reading window | ${median((r) => r.readingMs).toFixed(0)} |`);
		console.log(
			`| n8n: getNodeParameter and getCredentials | ${median((r) => r.n8nMs).toFixed(0)} |`,
		);
		console.log(`| the pack's own work | ${median((r) => r.packMs).toFixed(0)} |`);
		for (const key of Object.keys(runs[0].calls).sort())
			console.log(`| of n8n's: ${key} | ${median((r) => r.calls[key] ?? 0).toFixed(1)} |`);
	} finally {
		await sim.close();
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
