// npm run bench: every benchmark of the pack, each against its baseline measured in the same run.
// `npm run bench -- --help` lists the options for running a part of it while iterating.
const { parseArgs } = require('node:util');

const { values: options } = parseArgs({
	options: {
		only: { type: 'string' },
		grid: { type: 'boolean', default: false },
		cells: { type: 'string' },
		help: { type: 'boolean', default: false },
	},
});
if (options.help) {
	console.log(`npm run bench -- [options]
  --only trigger|notify|sweep|fake   one benchmark (fake: the controller on a fake clock)
  --grid                             the rate sweep's full grid (about 25 min), not its quick subset
  --cells "R 15/s;cap of"            only the sweep's cells whose name contains one of these (; between)`);
	process.exit(0);
}
const benchmarks = [
	['trigger', require('./triggerParse')],
	['notify', require('./notifyThroughput')],
	['sweep', require('./rateSweep')],
	['fake', require('./fakeClockSweep')],
].filter(([name]) => !options.only || options.only === name);

(async () => {
	for (const [, benchmark] of benchmarks)
		await benchmark({ grid: options.grid, only: options.cells?.split(';') });
	require('../rig/n8nCore').shutdown?.();
})().catch((error) => {
	console.error(error);
	process.exit(1);
});
