// npm run sim -- [--port 8777] [--secondary-port 8778] [--seed 1] [--failed 5] [--latency 0]
const { parseArgs } = require('node:util');
const { startSimulator } = require('.');

const { values } = parseArgs({
	options: {
		port: { type: 'string', default: '8777' },
		'secondary-port': { type: 'string', default: '8778' },
		seed: { type: 'string', default: '1' },
		failed: { type: 'string', default: '5' },
		latency: { type: 'string', default: '0' },
	},
});

startSimulator({
	port: Number(values.port),
	secondaryPort: Number(values['secondary-port']),
	seed: Number(values.seed),
	failedNotifications: Number(values.failed),
}).then((sim) => {
	sim.state.setConfig({ latency: { fixedMs: Number(values.latency), jitterMs: 0 } });
	console.log(JSON.stringify({ url: sim.url, secondaryUrl: sim.secondaryUrl, credentials: sim.credentials }));
	const stop = () => sim.close().then(() => process.exit(0));
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
});
