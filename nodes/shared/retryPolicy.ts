export interface RetryOptions {
	/** Attempts in all, the first included. */
	maxAttempts: number;
	timeoutMs: number;
	/** Whether 500/502/504 and timeouts, after which Concur may have acted, are repeated too. */
	retryAmbiguous: boolean;
	/**
	 * How long a throttled request (see verdictForStatus) keeps being retried, from its first attempt. A throttled
	 * request was not processed, so only time limits it; 0 counts it against `maxAttempts` instead.
	 */
	throttleBudgetMs: number;
}

/** Concur Notify's options default to these too; n8n's lint wants a plain name or literal there. */
export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_TIMEOUT_SECONDS = 30;

/** For one request at a time (a trigger poll, its acknowledgements): throttles count as attempts too. */
export const DEFAULT_RETRY: RetryOptions = {
	maxAttempts: DEFAULT_MAX_ATTEMPTS,
	timeoutMs: DEFAULT_TIMEOUT_SECONDS * 1000,
	retryAmbiguous: false,
	throttleBudgetMs: 0,
};

/** How a failed attempt may be repeated. */
export type Verdict =
	/** Concur is limiting the rate and did not act on the request. */
	| 'throttled'
	/**
	 * Concur did not act on the request, and the failure says nothing about the rate: a connection
	 * failure before a response, or a 503 with no sign of a rate limit (a gateway's page).
	 */
	| 'retry'
	/** Concur may have acted on it (500, 502, 504, timeout): repeating could send it twice. */
	| 'ambiguous'
	| 'final';

/**
 * A 429 is a throttle. A 503 is one only with evidence that a rate limiter sent it: a Retry-After,
 * or Concur's rate-limit body (`rateLimited`). Without either it is a server or a gateway in front
 * of Concur that is unavailable (an nginx page, a load balancer without a healthy backend): the
 * request was not processed, so repeating it is safe, but it tells nothing about the rate. It is
 * then repeated with backoff up to Max Attempts, and never slows the other requests down: a
 * gateway that is down stays down however slowly the node sends.
 */
export function verdictForStatus(status: number, rateLimited: boolean): Verdict {
	if (status === 429 || (status === 503 && rateLimited)) return 'throttled';
	if (status === 503) return 'retry';
	if (status === 500 || status === 502 || status === 504) return 'ambiguous';
	return 'final';
}

/** Socket failures in which the request never reached Concur's application. */
const NOT_SENT_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'EPIPE',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
]);
/** Failures after the request went out: Concur may have processed it. */
const AFTER_SEND_CODES = new Set(['ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT']);

export function verdictForNetworkCode(code: string | undefined): Verdict {
	if (code && NOT_SENT_CODES.has(code)) return 'retry';
	if (code && AFTER_SEND_CODES.has(code)) return 'ambiguous';
	return 'final';
}

const BASE_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 30_000;

/** Backoff before repeating a request that never reached Concur: exponential, with jitter. */
export function retryDelayMs(attempt: number): number {
	const ceiling = Math.min(BASE_BACKOFF_MS * 2 ** (attempt - 1), MAX_BACKOFF_MS);
	return ceiling / 2 + Math.random() * (ceiling / 2);
}

/** Concur's `Retry-After` (seconds or an HTTP date) in ms from `now`; undefined when absent or unreadable. */
export function retryAfterMs(retryAfter: unknown, now: number): number | undefined {
	const header = Array.isArray(retryAfter) ? retryAfter[0] : retryAfter;
	if (header === undefined || header === null || String(header).trim() === '') return undefined;
	const seconds = Number(header);
	const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(String(header)) - now;
	return Number.isFinite(ms) ? Math.max(ms, 0) : undefined;
}

const NETWORK_FAILURES: Record<string, string> = {
	ECONNREFUSED: 'the connection was refused',
	ECONNRESET: 'the connection was closed before an answer came',
	EPIPE: 'the connection was closed while sending',
	ENOTFOUND: 'the host name was not found',
	EAI_AGAIN: 'the host name could not be looked up',
	EHOSTUNREACH: 'the host is unreachable',
	ENETUNREACH: 'the network is unreachable',
	ETIMEDOUT: 'no answer came in time',
	ECONNABORTED: 'no answer came in time',
	ESOCKETTIMEDOUT: 'no answer came in time',
};

/**
 * Words for a socket failure. The code itself stays out of messages: n8n replaces any message
 * that contains one with its own generic sentence.
 */
export function describeNetworkFailure(code: string | undefined): string {
	return NETWORK_FAILURES[code ?? ''] ?? 'the request failed before an answer came';
}

/** The socket error code under n8n's and axios's wrapping, if the failure was a network one. */
export function networkCode(error: unknown): string | undefined {
	let current = error as { code?: unknown; cause?: unknown } | undefined;
	for (let depth = 0; current && depth < 4; depth++) {
		if (typeof current.code === 'string' && /^E[A-Z_]+$/.test(current.code)) return current.code;
		current = current.cause as typeof current;
	}
	return undefined;
}
