/** How a failed attempt may be repeated. */
export type Verdict =
	/** Concur did not act on the request (429, 503, connection failure before a response). */
	| 'retry'
	/** Concur may have acted on it (500, 502, 504, timeout): repeating could send it twice. */
	| 'ambiguous'
	| 'final';

export function verdictForStatus(status: number): Verdict {
	if (status === 429 || status === 503) return 'retry';
	if (status === 500 || status === 502 || status === 504) return 'ambiguous';
	return 'final';
}

/** Socket failures in which the request never reached Concur's application. */
const NOT_SENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** Failures after the request went out: Concur may have processed it. */
const AFTER_SEND_CODES = new Set(['ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT']);

export function verdictForNetworkCode(code: string | undefined): Verdict {
	if (code && NOT_SENT_CODES.has(code)) return 'retry';
	if (code && AFTER_SEND_CODES.has(code)) return 'ambiguous';
	return 'final';
}

export const MAX_RETRY_WAIT_MS = 30_000;
const BASE_BACKOFF_MS = 200;

/**
 * Waits Concur's `Retry-After` (seconds or an HTTP date) when it sent one, else backs off
 * exponentially with jitter; never longer than MAX_RETRY_WAIT_MS.
 */
export function retryDelayMs(attempt: number, retryAfter: unknown): number {
	const header = Array.isArray(retryAfter) ? retryAfter[0] : retryAfter;
	if (header !== undefined && header !== null && String(header).trim() !== '') {
		const seconds = Number(header);
		const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(String(header)) - Date.now();
		if (Number.isFinite(ms)) return Math.min(Math.max(ms, 0), MAX_RETRY_WAIT_MS);
	}
	const ceiling = Math.min(BASE_BACKOFF_MS * 2 ** (attempt - 1), MAX_RETRY_WAIT_MS);
	return ceiling / 2 + Math.random() * (ceiling / 2);
}
