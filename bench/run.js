// npm run bench: every benchmark of the pack, each against its baseline measured in the same run.
const benchmarks = [require('./triggerParse'), require('./notifyThroughput')];

(async () => {
	for (const benchmark of benchmarks) await benchmark();
	require('../rig/n8nCore').shutdown?.();
})().catch((error) => {
	console.error(error);
	process.exit(1);
});
