// node bench/n8nReadingProfile.js: where Concur Notify → Send's reading of 1,000 items goes inside
// a real n8n 2.41.1, from a CPU profile of the `n8n execute` process (bench/readingTime.js says the
// same through n8n-core, whose expression engine is not n8n's). Run once with n8n's default
// expression engine and once with its in-process one (N8N_EXPRESSION_ENGINE=legacy), each a
// `bench/n8nThroughput.js --notify-only --conditions unthrottled` run under `--cpu-prof`.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { N8N_VERSION } = require('../rig/n8nRuntime');

const PACK = 'n8n-nodes-sap-concur';
/** The packages of n8n that a node calls into (getNodeParameter and the expression engine). */
const N8N_URL = /node_modules\/(n8n-core|n8n-workflow|@n8n\/)/;

/** Runs the throughput bench under the profiler; its output and the profile of `n8n execute`. */
function profiledRun(engine) {
	const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'concur-profile-'));
	try {
		const output = execFileSync(
			process.execPath,
			[path.join(__dirname, 'n8nThroughput.js'), '--notify-only', '--conditions', 'unthrottled'],
			{
				encoding: 'utf8',
				env: {
					...process.env,
					NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${folder}`,
					...(engine ? { N8N_EXPRESSION_ENGINE: engine } : {}),
				},
			},
		);
		// Every node process of the run wrote one; `n8n execute` ran the pack's batch.
		const profile = fs
			.readdirSync(folder)
			.map((file) => fs.readFileSync(path.join(folder, file), 'utf8'))
			.find((text) => text.includes('"runItemBatch"') && text.includes(PACK));
		if (!profile) throw new Error(`no profile ran the pack's batch:\n${output}`);
		return { output, profile: JSON.parse(profile) };
	} finally {
		fs.rmSync(folder, { recursive: true, force: true });
	}
}

/**
 * The reading: samples under the plan's `prepare` (the pack's reading and checking of one item).
 * Of those, n8n's share: samples with an n8n frame between the leaf and `prepare`.
 */
function readingSplit(profile) {
	const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
	const parent = new Map();
	for (const node of profile.nodes)
		for (const child of node.children ?? []) parent.set(child, node.id);
	let readingUs = 0;
	let n8nUs = 0;
	profile.samples.forEach((id, i) => {
		const delta = profile.timeDeltas[i] ?? 0;
		let inN8n = false;
		for (let at = id; at !== undefined; at = parent.get(at)) {
			const { functionName, url } = nodes.get(at).callFrame;
			if (functionName === 'prepare' && url.includes(PACK)) {
				readingUs += delta;
				if (inN8n) n8nUs += delta;
				return;
			}
			if (N8N_URL.test(url)) inN8n = true;
		}
	});
	if (readingUs === 0) throw new Error("no sample under the pack's prepare: was it renamed?");
	return { readingMs: readingUs / 1000, n8nMs: n8nUs / 1000 };
}

function main() {
	console.log(
		`\nConcur Notify → Send, 1000 items inside n8n ${N8N_VERSION}: the reading, from a CPU profile of \`n8n execute\` (sampled every ms)`,
	);
	console.log(
		"| n8n's expression engine | reading | n8n: getNodeParameter, expressions | the pack's own work | before the first delivery (the bench's row) |",
	);
	console.log('|---|---|---|---|---|');
	for (const engine of [undefined, 'legacy']) {
		const { output, profile } = profiledRun(engine);
		const { readingMs, n8nMs } = readingSplit(profile);
		const row = output.split('\n').find((line) => line.startsWith('| unthrottled |'));
		const beforeFirst = row?.split('|')[4]?.trim() ?? '?';
		console.log(
			`| ${engine ?? 'default (vm)'} | ${readingMs.toFixed(0)} ms | ${n8nMs.toFixed(0)} ms | ${(readingMs - n8nMs).toFixed(0)} ms | ${beforeFirst} |`,
		);
	}
}

main();
