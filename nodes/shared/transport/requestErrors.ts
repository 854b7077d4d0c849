import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { parseConcurError, withResponseBody } from '../concurErrors';
import { factLine } from '../factLine';
import { describeNetworkFailure, type RetryOptions, type Verdict } from '../retryPolicy';
import { ADVICE, adviceForNetworkFailure, throttledTooLong } from './advice';

/** What to tell the user, per operation, when Concur answers 404. */
export interface RequestContext {
	itemIndex?: number;
	action: string;
	notFound?: string;
}

/** An error answer from Concur (or a gateway in front of it), as the final error quotes it. */
export interface ErrorAnswer {
	status: number;
	body: unknown;
	correlationId: string;
	/** Its Retry-After, when it had a readable one. */
	retryAfterMs?: number;
}

/** Everything a request's final error says: the message, the advice, then the facts. */
interface ErrorFacts {
	message: string;
	advice: string;
	status?: number;
	concurCode?: string;
	correlationId: string;
	attempts: number;
	context: RequestContext;
}

/** A 2xx answer whose body could not be read. */
export function unreadableBodyError(
	node: INode,
	message: string,
	correlationId: string,
	itemIndex?: number,
): NodeApiError {
	return nodeError(node, {
		message,
		advice: ADVICE.unreadableBody,
		correlationId,
		attempts: 1,
		context: { itemIndex, action: '' },
	});
}

/** The message quotes what Concur answered: its message, or the status and the page's title. */
export function apiError(
	node: INode,
	answer: ErrorAnswer,
	attempts: number,
	advice: string,
	context: RequestContext,
): NodeApiError {
	const details = parseConcurError(answer.body, answer.status);
	const message = `${context.action} failed: ${details.message ?? `HTTP ${answer.status}`}`;
	return withResponseBody(
		nodeError(node, {
			message,
			advice,
			status: answer.status,
			concurCode: details.code,
			correlationId: answer.correlationId,
			attempts,
			context,
		}),
		details,
	);
}

/**
 * The pause before the next try outlasts the item's Throttled Retry Time. The answer quoted is
 * the run's last throttling one: this item's own, or (before its first try) another item's that
 * paused the run; the correlation id is this item's own.
 */
export function throttleTooLongError(
	node: INode,
	throttle: ErrorAnswer,
	pauseMs: number,
	retry: RetryOptions,
	facts: { correlationId: string; attempts: number; context: RequestContext },
): NodeApiError {
	const advice = throttledTooLong(pauseMs, retry.throttleBudgetMs, throttle.retryAfterMs);
	const answer = { ...throttle, correlationId: facts.correlationId };
	return apiError(node, answer, facts.attempts, advice, facts.context);
}

/** No answer (or no usable one) from Concur: the network failure, and whether it was repeated. */
export function networkError(
	node: INode,
	failure: { code: string | undefined; verdict: Verdict; timeoutMs: number },
	facts: { correlationId: string; attempts: number; context: RequestContext },
): NodeApiError {
	return nodeError(node, {
		message: `${facts.context.action} failed: ${describeNetworkFailure(failure.code)}`,
		advice: adviceForNetworkFailure(failure.verdict, failure.code, failure.timeoutMs),
		...facts,
	});
}

/** An error n8n raised itself (a token request that failed, say), now naming the item. */
export function withItem(node: INode, error: NodeApiError, context: RequestContext): NodeApiError {
	const wrapped = new NodeApiError(node, error as unknown as JsonObject);
	if (context.itemIndex !== undefined) wrapped.context.itemIndex = context.itemIndex;
	return wrapped;
}

function nodeError(node: INode, facts: ErrorFacts): NodeApiError {
	const { message, status, concurCode, correlationId, attempts, context } = facts;
	const line = factLine([
		status ? `HTTP ${status}` : undefined,
		concurCode && `Concur error code ${concurCode}`,
		`correlation id ${correlationId}`,
		`${attempts} attempt${attempts === 1 ? '' : 's'}`,
		context.itemIndex !== undefined && `item ${context.itemIndex}`,
	]);
	const error = new NodeApiError(
		node,
		{ message, status, concurCode, correlationId } as JsonObject,
		{
			message,
			description: `${facts.advice} ${line}`,
			httpCode: status ? String(status) : undefined,
			itemIndex: context.itemIndex,
		},
	);
	Object.assign(error.context, { correlationId, attempts, concurCode });
	return error;
}
