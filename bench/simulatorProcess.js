// The simulator in a process of its own, driven through its control API, so that its work does
// not share the event loop of the code being measured.
const { spawn } = require('node:child_process');
const path = require('node:path');
const readline = require('node:readline');
const { request } = require('undici');

async function startSimulatorProcess() {
	const child = spawn(
		process.execPath,
		[
			path.join(__dirname, '../simulator/cli.js'),
			'--port',
			'0',
			'--secondary-port',
			'0',
			'--failed',
			'0',
		],
		{ stdio: ['ignore', 'pipe', 'inherit'] },
	);
	const [line] = await readline
		.createInterface({ input: child.stdout })
		[Symbol.asyncIterator]()
		.next()
		.then(({ value }) => [value]);
	const { url } = JSON.parse(line);
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
		pid: child.pid,
		control,
		credentials: undefined,
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
