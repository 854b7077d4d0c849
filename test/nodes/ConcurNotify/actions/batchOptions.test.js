// The Options collection's defaults are the ones the transport uses when an option is not set:
// n8n's lint wants literals in node parameters, so this holds the two together.
const { ConcurNotify } = require('../../../../dist/nodes/ConcurNotify/ConcurNotify.node');
const {
	DEFAULT_THROTTLE_RETRY_SECONDS,
} = require('../../../../dist/nodes/ConcurNotify/actions/batchOptions');
const { DEFAULT_RETRY } = require('../../../../dist/nodes/shared/retryPolicy');

const collections = new ConcurNotify().description.properties.filter((p) => p.name === 'options');

test('every operation has its Options collection', () => {
	expect(collections.map((c) => c.displayOptions.show.operation[0]).sort()).toEqual([
		'delete',
		'getAll',
		'send',
	]);
});

test.each(collections.map((c) => [c.displayOptions.show.operation[0], c]))(
	'%s: the UI defaults are the retry defaults',
	(_, collection) => {
		const defaults = Object.fromEntries(collection.options.map((o) => [o.name, o.default]));
		expect(defaults).toMatchObject({
			maxAttempts: DEFAULT_RETRY.maxAttempts,
			timeout: DEFAULT_RETRY.timeoutMs / 1000,
			retryAmbiguous: DEFAULT_RETRY.retryAmbiguous,
			throttleRetrySeconds: DEFAULT_THROTTLE_RETRY_SECONDS,
		});
	},
);
