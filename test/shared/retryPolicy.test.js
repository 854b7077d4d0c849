// Which failures may be repeated, and how long Concur asks to wait.
const {
	verdictForStatus,
	verdictForNetworkCode,
	retryAfterMs,
} = require('../../dist/nodes/shared/retryPolicy');

test.each([
	[429, 'throttled'],
	[503, 'throttled'],
	[500, 'ambiguous'],
	[502, 'ambiguous'],
	[504, 'ambiguous'],
	[400, 'final'],
	[404, 'final'],
])('HTTP %s is %s', (status, verdict) => expect(verdictForStatus(status)).toBe(verdict));

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
