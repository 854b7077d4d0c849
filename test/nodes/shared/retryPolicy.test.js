// Which failures may be repeated, and how long Concur asks to wait.
const {
	verdictForStatus,
	verdictForNetworkCode,
	retryAfterMs,
} = require('../../../dist/nodes/shared/retryPolicy');

test.each([
	[429, false, 'throttled'],
	[429, true, 'throttled'],
	[503, true, 'throttled'],
	[503, false, 'retry'],
	[500, false, 'ambiguous'],
	[502, false, 'ambiguous'],
	[504, false, 'ambiguous'],
	[400, false, 'final'],
	[404, false, 'final'],
])('HTTP %s with a sign of a rate limit %s is %s', (status, rateLimited, verdict) =>
	expect(verdictForStatus(status, rateLimited)).toBe(verdict),
);

test.each([
	['ECONNREFUSED', 'retry'],
	['ECONNRESET', 'retry'],
	['ETIMEDOUT', 'ambiguous'],
	['ECONNABORTED', 'ambiguous'],
	[undefined, 'final'],
])('network error %s is %s', (code, verdict) => expect(verdictForNetworkCode(code)).toBe(verdict));

const now = Date.parse('2026-11-25T10:00:00Z');
test.each([
	['0', 0],
	['1', 1_000],
	['120', 120_000],
	[['2'], 2_000],
	['Wed, 25 Nov 2026 10:00:05 GMT', 5_000],
	['Wed, 25 Nov 2026 09:59:00 GMT', 0],
	[undefined, undefined],
	['', undefined],
	['soon', undefined],
])('Retry-After %j is %j ms', (header, ms) => expect(retryAfterMs(header, now)).toBe(ms));
