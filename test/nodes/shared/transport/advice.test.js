// What a failed Concur request tells the user to do, by what went wrong.
const {
	ADVICE,
	STATUS_ADVICE,
	adviceForStatus,
	adviceForNetworkFailure,
	throttledTooLong,
} = require('../../../../dist/nodes/shared/transport/advice');

const NOT_FOUND = "The operation's own words for a 404.";

test.each([
	['400', 400, 'final', undefined, STATUS_ADVICE[400]],
	['401 after a refresh', 401, 'final', undefined, STATUS_ADVICE[401]],
	['403 after a refresh', 403, 'final', undefined, STATUS_ADVICE[403]],
	['429 past the budget', 429, 'throttled', undefined, STATUS_ADVICE[429]],
	["404 with the operation's advice", 404, 'final', NOT_FOUND, NOT_FOUND],
	['404 without', 404, 'final', undefined, ADVICE.otherStatus],
	['a 500 not repeated', 500, 'ambiguous', undefined, ADVICE.ambiguousStatus],
	[
		'a 504 not repeated, even with a 404 advice',
		504,
		'ambiguous',
		NOT_FOUND,
		ADVICE.ambiguousStatus,
	],
	['a throttling 503 past the attempts', 503, 'throttled', undefined, ADVICE.serverError],
	['a gateway 503 past the attempts', 503, 'retry', undefined, ADVICE.unavailable],
	['501', 501, 'final', undefined, ADVICE.serverError],
	['a redirect', 302, 'final', undefined, ADVICE.redirect],
	['422', 422, 'final', undefined, ADVICE.otherStatus],
])('%s', (_, status, verdict, notFound, advice) => {
	expect(adviceForStatus(status, verdict, notFound)).toBe(advice);
});

test.each([
	['retry', 'ECONNREFUSED', `${ADVICE.unreachable} Network error ECONNREFUSED.`],
	['final', undefined, ADVICE.unreachable],
	[
		'ambiguous',
		'ETIMEDOUT',
		'No answer within 30000 ms; Concur may have acted on the request, so it was not repeated. Raise "Timeout" or turn on "Retry Ambiguous Failures". Network error ETIMEDOUT.',
	],
])('a network failure judged %s (%s)', (verdict, code, advice) => {
	expect(adviceForNetworkFailure(verdict, code, 30_000)).toBe(advice);
});

test('a wait longer than the item has left names both, and the Retry-After, in whole seconds', () => {
	expect(throttledTooLong(120_001, 60_000, 120_000)).toMatch(
		/^Concur kept throttling \(its last answer came with Retry-After 120 s\), and the next try would wait 121 s: longer than this item may still be retried \("Throttled Retry Time" is 60 s\)/,
	);
	expect(throttledTooLong(11_000, 300_000, undefined)).toMatch(
		/^Concur kept throttling \(its last answer came without a Retry-After\), and the next try would wait 11 s/,
	);
});
