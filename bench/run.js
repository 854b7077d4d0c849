// npm run bench: every benchmark of the pack, each against its baseline measured in the same run.
// `npm run bench -- --help` lists the options for running a part of it while iterating.
const { parseArgs } = require('node:util');

const { values: options } = parseArgs({
	options: {
		only: { type: 'string' },
		'retry-after': { type: 'string' },
		'throttled-only': { type: 'boolean', default: false },
		repeat: { type: 'string', default: '1' },
		help: { type: 'boolean', default: false },
	},
});
if (options.help) {
	console.log(`npm run bench -- [options]
  --only trigger|notify   one benchmark
  --retry-after 0,1,absent,date   the throttled conditions of the notify benchmark (default all four)
  --throttled-only        skip the notify benchmark's unthrottled runs
  --repeat N              run each throttled condition N times (the machine is noisy)`);
	process.exit(0);
}
const benchmarks = [
	['trigger', require('./triggerParse')],
	['notify', require('./notifyThroughput')],
].filter(([name]) => !options.only || options.only === name);

(async () => {
	for (const [, benchmark] of benchmarks)
		await benchmark({
			retryAfter: options['retry-after']
				?.split(',')
				.map((form) => (/^\d+$/.test(form) ? Number(form) : form)),
			throttledOnly: options['throttled-only'],
			repeat: Number(options.repeat),
		});
	require('../rig/n8nCore').shutdown?.();
})().catch((error) => {
	console.error(error);
	process.exit(1);
});
