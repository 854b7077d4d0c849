// The throttling switch: a token bucket (rate, burst) and an optional cap on requests in flight;
// `ratePerSecond: null` leaves only the cap (a company limited by concurrency, not by rate).
// Concur throttles per company; the simulator serves one company, so it holds one limiter, shared
// by every endpoint in scope (the company's budget, not one per endpoint).
const ENDPOINTS = ['token', 'messages', 'calloutList', 'calloutDelete'];

// Omitted fields: the example limit; the APIs but not the OAuth2 token service
// (`endpoints: 'all'` includes it); Concur's one documented 429, `Retry-After: 0`.
const DEFAULTS = {
	ratePerSecond: 50,
	burst: 10,
	maxConcurrent: null,
	endpoints: ['messages', 'calloutList', 'calloutDelete'],
	retryAfter: 0,
	status: 429,
};

/** The `rateLimit` config value with its defaults filled in; throws on a value it cannot play. */
function normalizeRateLimit(input) {
	if (input === null) return null;
	const limit = { ...DEFAULTS, ...input };
	const positive = (n) => typeof n === 'number' && n > 0;
	if (!positive(limit.ratePerSecond) && !(limit.ratePerSecond === null && limit.maxConcurrent))
		throw new Error(
			'rateLimit.ratePerSecond must be a positive number (or null with maxConcurrent)',
		);
	if (!Number.isInteger(limit.burst) || limit.burst < 1)
		throw new Error('rateLimit.burst must be an integer >= 1');
	if (
		limit.maxConcurrent !== null &&
		!(Number.isInteger(limit.maxConcurrent) && limit.maxConcurrent > 0)
	)
		throw new Error('rateLimit.maxConcurrent must be null or an integer >= 1');
	if (
		limit.endpoints !== 'all' &&
		!(Array.isArray(limit.endpoints) && limit.endpoints.every((e) => ENDPOINTS.includes(e)))
	) {
		throw new Error(`rateLimit.endpoints must be 'all' or a list of ${ENDPOINTS.join(', ')}`);
	}
	if (
		!['date', 'absent'].includes(limit.retryAfter) &&
		!(Number.isInteger(limit.retryAfter) && limit.retryAfter >= 0)
	) {
		throw new Error("rateLimit.retryAfter must be whole seconds, 'date' or 'absent'");
	}
	if (![429, 503].includes(limit.status)) throw new Error('rateLimit.status must be 429 or 503');
	return limit;
}

/** `now()` in milliseconds: the simulator passes `Date.now`, tests a fake clock. */
function createRateLimiter({ ratePerSecond, burst, maxConcurrent, endpoints }, now) {
	let tokens = ratePerSecond === null ? Infinity : burst;
	let refilledAt = now();
	let inFlight = 0;
	const refill = () => {
		const at = now();
		if (ratePerSecond === null) return;
		tokens = Math.min(burst, tokens + ((at - refilledAt) * ratePerSecond) / 1000);
		refilledAt = at;
	};
	return {
		get inFlight() {
			return inFlight;
		},
		covers: (endpoint) => endpoints === 'all' || endpoints.includes(endpoint),
		/**
		 * Admits a request (`{ admitted: true }`, call `release` when it is answered) or refuses it
		 * with the milliseconds until a token is there. A refused request takes no token.
		 */
		take() {
			refill();
			const waitMs = tokens >= 1 ? 0 : ((1 - tokens) * 1000) / ratePerSecond;
			if (waitMs > 0 || (maxConcurrent !== null && inFlight >= maxConcurrent))
				return { admitted: false, waitMs };
			tokens -= 1;
			inFlight++;
			return { admitted: true };
		},
		release() {
			inFlight--;
		},
	};
}

/** The Retry-After header for a refusal at `nowMs`: seconds, or the next whole second a token is there. */
function retryAfterHeader(retryAfter, nowMs, waitMs) {
	if (retryAfter === 'absent') return {};
	if (retryAfter === 'date')
		return { 'Retry-After': new Date(Math.ceil((nowMs + waitMs) / 1000) * 1000).toUTCString() };
	return { 'Retry-After': String(retryAfter) };
}

module.exports = { normalizeRateLimit, createRateLimiter, retryAfterHeader };
