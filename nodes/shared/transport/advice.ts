import type { Verdict } from '../retryPolicy';

/*
 * What an error from a Concur request tells the user to do, kept as data beside the request loop
 * so that the wording can be read and reviewed in one place. The facts (status, Concur's code,
 * correlation id, attempts, item) are added after it by the transport.
 */

/** By the status Concur answered with, where the status alone says what to do. */
export const STATUS_ADVICE: Readonly<Record<number, string>> = {
	400: 'Check the fields Concur names above.',
	401: 'Concur refused the token even after a refresh. Open the credential and run its test.',
	403: 'Concur refused the token even after a refresh: the app or the Concur user lacks a scope or role (notifications.messages.writeonly to send; Company Administrator or Web Services Administrator for failed notifications).',
	429: 'Concur is limiting the request rate and kept doing so for as long as the node may retry. Raise "Throttled Retry Time", or send fewer items per run.',
};

export const ADVICE = {
	/** 500, 502, 504: not repeated unless the user asked for it. */
	ambiguousStatus:
		'Concur may have acted on the request before failing, so it was not repeated (that could do it twice). Turn on "Retry Ambiguous Failures" to repeat it anyway.',
	serverError: 'Concur could not process the request. Try again later.',
	/** A 503 with no sign of a rate limit, repeated up to Max Attempts. */
	unavailable:
		'Concur, or a gateway in front of it, was unavailable and did not process the request; it was tried as often as "Max Attempts" allows. Try again later, or raise "Max Attempts".',
	redirect:
		"Concur answered with a redirect, which is not followed so that the token stays on Concur's hosts. Check the credential's data centre or Custom Base URL.",
	otherStatus: 'Check the node fields.',
	unreadableBody:
		'Concur sent a body this node cannot read. Try again; if it persists, contact SAP Concur support with the correlation id.',
	unreachable: 'Concur could not be reached. Check the network and try again.',
} as const;

/** The advice for an error status; `notFound` is the operation's own for a 404. */
export function adviceForStatus(status: number, verdict: Verdict, notFound?: string): string {
	if (status === 404 && notFound) return notFound;
	if (verdict === 'ambiguous') return ADVICE.ambiguousStatus;
	if (verdict === 'retry') return ADVICE.unavailable;
	return (
		STATUS_ADVICE[status] ??
		(status >= 500 ? ADVICE.serverError : status < 400 ? ADVICE.redirect : ADVICE.otherStatus)
	);
}

/** The advice for a request that got no answer; the socket error code, if any, goes last. */
export function adviceForNetworkFailure(
	verdict: Verdict,
	code: string | undefined,
	timeoutMs: number,
): string {
	const advice =
		verdict === 'ambiguous'
			? `No answer within ${timeoutMs} ms; Concur may have acted on the request, so it was not repeated. Raise "Timeout" or turn on "Retry Ambiguous Failures".`
			: ADVICE.unreachable;
	return `${advice}${code ? ` Network error ${code}.` : ''}`;
}

const seconds = (ms: number) => `${Math.ceil(ms / 1000)} s`;

/**
 * When the pause before the next try is longer than an item may still be retried. The message
 * above it quotes Concur's last throttling answer; `retryAfterMs` is that answer's Retry-After,
 * if it had one (otherwise the pause is the node's own backoff).
 */
export function throttledTooLong(
	pauseMs: number,
	throttleBudgetMs: number,
	retryAfterMs: number | undefined,
): string {
	const asked =
		retryAfterMs === undefined
			? 'without a Retry-After'
			: `with Retry-After ${seconds(retryAfterMs)}`;
	return `Concur kept throttling (its last answer came ${asked}), and the next try would wait ${seconds(pauseMs)}: longer than this item may still be retried ("Throttled Retry Time" is ${seconds(throttleBudgetMs)}), so it was not sent again; Concur did not process it. Run it again later, or raise "Throttled Retry Time".`;
}
