import type { IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import {
	DEFAULT_MAX_ATTEMPTS,
	DEFAULT_RETRY,
	DEFAULT_TIMEOUT_SECONDS,
	type RetryOptions,
} from '../../shared/retryPolicy';
import { MAX_PARALLEL } from '../../shared/sendScheduler';
/** A throttled request was not processed, so only time limits its retries. */
export const DEFAULT_THROTTLE_RETRY_SECONDS = 300;

/**
 * The "Options" collection every operation has: how its items' requests are sent and repeated.
 * Only operations that send one request per item offer Requests in Parallel.
 */
export function batchOptionsCollection(
	displayOptions: IDisplayOptions,
	withParallel: boolean,
): INodeProperties {
	const options: INodeProperties[] = [
		{
			displayName: 'Max Attempts',
			name: 'maxAttempts',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 10 },
			default: DEFAULT_MAX_ATTEMPTS,
			description:
				'How often a request is tried in all when Concur cannot be reached or answers 503 without a sign of a rate limit (and when it throttles, if Throttled Retry Time is 0). Each item is retried on its own, so the rest of the batch is never sent again.',
		},
		{
			displayName: 'Throttled Retry Time (Seconds)',
			name: 'throttleRetrySeconds',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 3600 },
			default: DEFAULT_THROTTLE_RETRY_SECONDS,
			description:
				'How long a request that Concur throttles (429, or 503 with a Retry-After or its rate-limit error) keeps being retried, waiting as long as Concur asks. Concur did not process a throttled request, so retrying never sends twice. 0 limits these retries to Max Attempts instead.',
		},
		{
			displayName: 'Retry Ambiguous Failures',
			name: 'retryAmbiguous',
			type: 'boolean',
			// A literal, as n8n's lint requires for booleans: a test holds it to DEFAULT_RETRY.
			default: false,
			description:
				'Whether to repeat requests after a 500, 502, 504 or timeout. Concur may already have acted on them, so a message can arrive twice.',
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 300 },
			default: DEFAULT_TIMEOUT_SECONDS,
			description: 'How long to wait for each answer from Concur',
		},
	];
	if (withParallel) {
		options.unshift({
			displayName: 'Requests in Parallel',
			name: 'requestsInParallel',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: MAX_PARALLEL },
			default: 0,
			description: `How many items are sent to Concur at the same time. 0 (Auto) starts with a few and adapts: more while Concur answers quickly, fewer as soon as it throttles (up to ${MAX_PARALLEL}). Output order always follows input order.`,
		});
	}
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions,
		options,
	};
}

export interface BatchOptions extends RetryOptions {
	/** Requests in flight: the user's number, 'auto', or 1 for an operation without the option. */
	parallel: number | 'auto';
}

/** The options, read once per run; `inParallel` says whether the operation offers Requests in Parallel. */
export function readBatchOptions(ctx: IExecuteFunctions, inParallel: boolean): BatchOptions {
	const options = ctx.getNodeParameter('options', 0, {}) as {
		requestsInParallel?: number;
		maxAttempts?: number;
		retryAmbiguous?: boolean;
		timeout?: number;
		throttleRetrySeconds?: number;
	};
	const parallel = Math.min(Math.floor(options.requestsInParallel ?? 0), MAX_PARALLEL);
	return {
		parallel: !inParallel ? 1 : parallel >= 1 ? parallel : 'auto',
		throttleBudgetMs:
			Math.max(options.throttleRetrySeconds ?? DEFAULT_THROTTLE_RETRY_SECONDS, 0) * 1000,
		maxAttempts: Math.max(Math.floor(options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS), 1),
		retryAmbiguous: options.retryAmbiguous ?? DEFAULT_RETRY.retryAmbiguous,
		timeoutMs: (options.timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
	};
}
