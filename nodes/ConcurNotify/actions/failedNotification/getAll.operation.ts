import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { fetchFailedNotifications, type ResponseFormat } from '../../../shared/calloutApi';
import { responseFormatProperty } from '../../../shared/descriptions';
import type { ConcurClient } from '../../../shared/transport';
import type { BatchPlan } from '../../helpers/itemBatch';
import { batchOptionsCollection, type BatchOptions } from '../batchOptions';

const showOnlyForFailedNotificationGetAll = {
	resource: ['failedNotification'],
	operation: ['getAll'],
};

/** Each input item reads the whole queue, one after another: nothing to send in parallel. */
export const inParallel = false;

export const description: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions: { show: showOnlyForFailedNotificationGetAll },
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { ...showOnlyForFailedNotificationGetAll, returnAll: [false] } },
	},
	{
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description:
			'Whether to return only the normalized fields instead of also the notification as Concur sent it',
		displayOptions: { show: showOnlyForFailedNotificationGetAll },
	},
	{ ...responseFormatProperty, displayOptions: { show: showOnlyForFailedNotificationGetAll } },
	batchOptionsCollection({ show: showOnlyForFailedNotificationGetAll }, inParallel),
];

/** What the operation does with each item; the router runs it (helpers/itemBatch.ts). */
export function plan(
	ctx: IExecuteFunctions,
	client: ConcurClient,
	options: BatchOptions,
): BatchPlan<undefined> {
	return {
		// Each input item reads the whole queue; "were read" would sound like notifications.
		completionPhrase: 'were answered with the queue',
		prepare: () => undefined,
		perform: async (_, i) => await getMany(ctx, client, options, i),
	};
}

async function getMany(
	ctx: IExecuteFunctions,
	client: ConcurClient,
	options: BatchOptions,
	itemIndex: number,
): Promise<IDataObject[]> {
	const returnAll = ctx.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : (ctx.getNodeParameter('limit', itemIndex, 50) as number);
	const simplify = ctx.getNodeParameter('simplify', itemIndex, true) as boolean;
	const format = ctx.getNodeParameter('responseFormat', itemIndex, 'xml') as ResponseFormat;
	const notifications = await fetchFailedNotifications(client, format, options, itemIndex);
	return notifications
		.slice(0, limit)
		.map(({ raw, ...normalized }) => (simplify ? normalized : { ...normalized, raw }));
}
