// A real n8n for one e2e test file or the n8n benchmark: its own user folder with the packed pack
// installed as a community package, the simulator in this process (n8n runs in child processes).
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { startSimulator } = require('../simulator');
const runtime = require('./n8nRuntime');

const isFree = (port) =>
	new Promise((resolve) => {
		const probe = net.createServer().once('error', () => resolve(false));
		probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
	});

/**
 * `preferred` and the next port (n8n's task broker) when both are free, else another free pair:
 * on a shared machine another test run may hold the preferred ones.
 */
async function freePortPair(preferred) {
	for (let port = preferred; ; port = 20_000 + Math.floor(Math.random() * 20_000)) {
		if ((await isFree(port)) && (await isFree(port + 1))) return port;
	}
}

async function createInstance({ port: preferred }) {
	runtime.ensureN8n();
	const port = await freePortPair(preferred);
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'concur-e2e-'));
	runtime.installPack(userFolder);
	const sim = await startSimulator({ port: 0, seed: 1, failedNotifications: 5 });
	const instance = {
		sim,
		userFolder,
		port,
		importAll: (credentials) =>
			runtime.importIntoN8n(userFolder, port, credentials, runtime.exampleFiles()),
		importCredential: (credential) => runtime.importIntoN8n(userFolder, port, [credential], []),
		/** `n8n execute --id` at debug log level: each node's run data by name, and every log line. */
		async execute(workflowId) {
			const { stdout, stderr } = await runtime.n8nCli(
				userFolder,
				port,
				['execute', `--id=${workflowId}`, '--rawOutput'],
				'debug',
			);
			// The run is printed through n8n's logger between log lines, indented: it runs from a "{"
			// followed by a line with the "data" key to the next "}" at the start of a line.
			const start = stdout.indexOf('{\n  "data"');
			const end = stdout.indexOf('\n}', start) + 2;
			const run = JSON.parse(stdout.slice(start, end));
			return {
				runData: run.data.resultData.runData,
				error: run.data.resultData.error,
				logs: stdout.slice(0, start) + stdout.slice(end) + stderr,
			};
		},
		start: (options) => runtime.startN8n(userFolder, port, { quiet: true, ...options }),
		async close() {
			await sim.close();
			fs.rmSync(userFolder, { recursive: true, force: true });
		},
	};
	return instance;
}

/** The items a node emitted on output `index` in its first run. */
const itemsOf = (runData, node, index = 0) => runData[node]?.[0]?.data?.main?.[index] ?? [];

module.exports = { createInstance, freePortPair, itemsOf, runtime };
