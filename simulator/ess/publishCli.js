// npm run sim -- publish [--url http://127.0.0.1:8777] [--preset submitted] [--topic T] [--event-type E]
//   [--count 1] [--every N]: publishes events through a running simulator's control API.
const { parseArgs } = require('node:util');

const { values } = parseArgs({
	args: process.argv.slice(3),
	options: {
		url: { type: 'string', default: 'http://127.0.0.1:8777' },
		preset: { type: 'string' },
		topic: { type: 'string' },
		'event-type': { type: 'string' },
		count: { type: 'string', default: '1' },
		every: { type: 'string' },
	},
});

const spec = Object.fromEntries(
	Object.entries({
		preset: values.preset,
		topic: values.topic,
		eventType: values['event-type'],
	}).filter(([, value]) => value !== undefined),
);
const [route, body] = values.every
	? ['publish-every', { ...spec, seconds: Number(values.every) }]
	: ['events', { ...spec, count: Number(values.count) }];

fetch(`${values.url}/_sim/ess/${route}`, {
	method: 'POST',
	headers: { 'content-type': 'application/json' },
	body: JSON.stringify(body),
})
	.then(async (response) => {
		console.log(await response.text());
		process.exitCode = response.ok ? 0 : 1;
	})
	.catch((error) => {
		console.error(`Could not reach the simulator at ${values.url}: ${error.message}`);
		process.exitCode = 1;
	});
