// The simulator in a process of its own (simulator/cli.js), driven through its control API: for
// `npm start`, and for benchmarks and tests whose measured code must not share an event loop with it.
const { spawn } = require('node:child_process');
const path = require('node:path');
const readline = require('node:readline');
const { request } = require('undici');

/**
 * Starts `simulator/cli.js` and resolves once it prints its first line: URL and credential values.
 * Port 0 takes any free port; `failed` is how many failed notifications the queue starts with.
 */
async function startSimulatorProcess({ port = 0, secondaryPort = 0, failed = 0 } = {}) {
	const child = spawn(
		process.execPath,
		[
			path.join(__dirname, '../simulator/cli.js'),
			'--port',
			String(port),
			'--secondary-port',
			String(secondaryPort),
			'--failed',
			String(failed),
		],
		{ stdio: ['ignore', 'pipe', 'inherit'] },
	);
	const { value: line } = await readline
		.createInterface({ input: child.stdout })
		[Symbol.asyncIterator]()
		.next();
	if (!line) throw new Error(`the simulator did not start (is port ${port} free?)`);
	const { url, credentials } = JSON.parse(line);
	const control = async (method, route, body) => {
		const response = await request(`${url}/_sim${route}`, {
			method,
			body: body && JSON.stringify(body),
			headers: { 'content-type': 'application/json' },
		});
		return await response.body.json();
	};
	const remote = {
		url,
		child,
		pid: child.pid,
		control,
		credentials,
		async reset(seed, config) {
			remote.credentials = (await control('POST', '/reset', { seed })).credentials;
			await control('PUT', '/config', config);
		},
		stats: () => control('GET', '/stats'),
		close: () => new Promise((resolve) => child.once('exit', resolve).kill('SIGTERM')),
	};
	return remote;
}

module.exports = { startSimulatorProcess };
