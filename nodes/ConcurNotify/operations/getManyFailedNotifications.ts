import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import {
	calloutListPath,
	oldestFirst,
	parseCalloutNotifications,
	type CalloutNotification,
} from '../../shared/calloutNotifications';
import type { ConcurClient, RetryOptions } from '../../shared/transport';

const show = { resource: ['failedNotification'], operation: ['getAll'] };

export const responseFormatProperty = (
	displayOptions?: INodeProperties['displayOptions'],
): INodeProperties => ({
	displayName: 'Response Format',
	name: 'responseFormat',
	type: 'options',
	default: 'xml',
	options: [
		{ name: 'XML (Concur Default)', value: 'xml' },
		{ name: 'JSON', value: 'json' },
	],
	description: 'The format Concur is asked for. The output is the same either way.',
	displayOptions,
});

export const getManyFields: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions: { show },
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { ...show, returnAll: [false] } },
	},
	{
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description:
			'Whether to return only the normalized fields instead of also the notification as Concur sent it',
		displayOptions: { show },
	},
	responseFormatProperty({ show }),
];

export type ResponseFormat = 'xml' | 'json';

/** The whole FAILED queue, oldest first (Concur documents no paging). Shared with the trigger. */
export async function fetchFailedNotifications(
	client: ConcurClient,
	format: ResponseFormat,
	retry: RetryOptions,
	itemIndex?: number,
): Promise<CalloutNotification[]> {
	const response = await client.request(
		{
			method: 'GET',
			url: calloutListPath,
			qs: { status: 'FAILED' },
			headers: { Accept: format === 'json' ? 'application/json' : 'application/xml' },
			// Parsed here, whichever format Concur chose to answer in.
			json: false,
			encoding: 'text',
		},
		// Reading the queue changes nothing in Concur, so repeating it is always safe.
		{ ...retry, retryAmbiguous: true },
		{ itemIndex, action: 'Reading the failed notifications' },
	);
	const list = parseCalloutNotifications(response.body);
	if ('problem' in list) {
		throw client.formatError(
			`Concur's failed-notification list could not be read: ${list.problem}`,
			response.correlationId,
			itemIndex,
		);
	}
	return oldestFirst(list.notifications);
}

export async function getManyFailedNotifications(
	ctx: IExecuteFunctions,
	client: ConcurClient,
	retry: RetryOptions,
	itemIndex: number,
): Promise<IDataObject[]> {
	const returnAll = ctx.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : (ctx.getNodeParameter('limit', itemIndex, 50) as number);
	const simplify = ctx.getNodeParameter('simplify', itemIndex, true) as boolean;
	const format = ctx.getNodeParameter('responseFormat', itemIndex, 'xml') as ResponseFormat;
	const notifications = await fetchFailedNotifications(client, format, retry, itemIndex);
	return notifications
		.slice(0, limit)
		.map(({ raw, ...normalized }) => (simplify ? normalized : { ...normalized, raw }));
}
