// npm run sim -- publish ...: see ess/publishCli.js
// npm run sim -- [--port 8777] [--secondary-port 8778] [--seed 1] [--failed 5] [--latency 0]
//   [--rate 50 [--burst 10] [--retry-after 0|1|date|absent] [--max-concurrent N] [--throttle-status 503]]
//   [--ess-allow-http] [--ess-every N [--ess-preset submitted]] [--ess-connected]
const { parseArgs } = require('node:util');
const { startSimulator } = require('.');
const { publishEvery } = require('./ess/delivery');

const OPTIONS = {
	options: {
		port: { type: 'string', default: '8777' },
		'secondary-port': { type: 'string', default: '8778' },
		seed: { type: 'string', default: '1' },
		failed: { type: 'string', default: '5' },
		latency: { type: 'string', default: '0' },
		rate: { type: 'string' },
		burst: { type: 'string' },
		'retry-after': { type: 'string' },
		'max-concurrent': { type: 'string' },
		'throttle-status': { type: 'string' },
		'ess-allow-http': { type: 'boolean', default: false },
		'ess-connected': { type: 'boolean', default: false },
		'ess-every': { type: 'string' },
		'ess-preset': { type: 'string', default: 'submitted' },
	},
};

/** The throttling options as a `rateLimit` config value (omitted ones take its defaults), or null. */
function rateLimitOf(options) {
	const given = ['rate', 'burst', 'retry-after', 'max-concurrent', 'throttle-status'].filter(
		(name) => options[name] !== undefined,
	);
	if (!given.length) return null;
	const retryAfter = options['retry-after'];
	const entries = {
		ratePerSecond: options.rate && Number(options.rate),
		burst: options.burst && Number(options.burst),
		maxConcurrent: options['max-concurrent'] && Number(options['max-concurrent']),
		retryAfter: retryAfter && (/^\d+$/.test(retryAfter) ? Number(retryAfter) : retryAfter),
		status: options['throttle-status'] && Number(options['throttle-status']),
	};
	return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));
}

function start() {
	const { values } = parseArgs(OPTIONS);
	startSimulator({
		port: Number(values.port),
		secondaryPort: Number(values['secondary-port']),
		seed: Number(values.seed),
		failedNotifications: Number(values.failed),
	}).then((sim) => {
		sim.state.setConfig({
			latency: { fixedMs: Number(values.latency), jitterMs: 0 },
			rateLimit: rateLimitOf(values),
			ess: { allowHttpEndpoints: values['ess-allow-http'] },
		});
		if (values['ess-connected']) sim.state.ess.companyConnected = true;
		if (values['ess-every'])
			publishEvery(sim.state, Number(values['ess-every']), { preset: values['ess-preset'] });
		console.log(
			JSON.stringify({
				url: sim.url,
				secondaryUrl: sim.secondaryUrl,
				credentials: sim.credentials,
				rateLimit: sim.state.config.rateLimit,
			}),
		);
		const stop = () => sim.close().then(() => process.exit(0));
		process.on('SIGINT', stop);
		process.on('SIGTERM', stop);
	});
}

if (process.argv[2] === 'publish') require('./ess/publishCli');
else start();
