import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { DEFAULT_RETRY, type RetryOptions } from '../shared/transport';

export const MAX_PARALLEL = 50;
export const DEFAULT_PARALLEL = 10;

/** The "Options" collection shared by every operation: how requests are sent and repeated. */
export function requestOptionsProperty(operations: Record<string, string[]>, withParallel: boolean): INodeProperties {
	const options: INodeProperties[] = [
		{
			displayName: 'Max Attempts',
			name: 'maxAttempts',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 10 },
			default: 5,
			description:
				'How often a request is tried in all when Concur is busy (429, 503) or unreachable. Each item is retried on its own, so the rest of the batch is never sent again.',
		},
		{
			displayName: 'Retry Ambiguous Failures',
			name: 'retryAmbiguous',
			type: 'boolean',
			default: false,
			description:
				'Whether to repeat requests after a 500, 502, 504 or timeout. Concur may already have acted on them, so a message can arrive twice.',
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 300 },
			default: 30,
			description: 'How long to wait for each answer from Concur',
		},
	];
	if (withParallel) {
		options.unshift({
			displayName: 'Requests in Parallel',
			name: 'requestsInParallel',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_PARALLEL },
			default: DEFAULT_PARALLEL,
			description: `How many items are sent to Concur at the same time (at most ${MAX_PARALLEL}). Output order always follows input order.`,
		});
	}
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: operations },
		options,
	};
}

export interface RequestSettings extends RetryOptions {
	parallel: number;
}

export function readRequestSettings(ctx: IExecuteFunctions): RequestSettings {
	const options = ctx.getNodeParameter('options', 0, {}) as {
		requestsInParallel?: number;
		maxAttempts?: number;
		retryAmbiguous?: boolean;
		timeout?: number;
	};
	return {
		parallel: Math.min(Math.max(Math.floor(options.requestsInParallel ?? DEFAULT_PARALLEL), 1), MAX_PARALLEL),
		maxAttempts: Math.max(Math.floor(options.maxAttempts ?? DEFAULT_RETRY.maxAttempts), 1),
		retryAmbiguous: options.retryAmbiguous ?? DEFAULT_RETRY.retryAmbiguous,
		timeoutMs: (options.timeout ?? DEFAULT_RETRY.timeoutMs / 1000) * 1000,
	};
}
