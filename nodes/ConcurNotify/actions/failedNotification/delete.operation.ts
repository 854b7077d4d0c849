import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	deleteNotification,
	notificationNamed,
	type NotificationTarget,
} from '../../../shared/calloutApi';
import type { ConcurClient } from '../../../shared/transport';
import type { BatchPlan } from '../../helpers/itemBatch';
import { batchOptionsCollection, type BatchOptions } from '../batchOptions';

const showOnlyForFailedNotificationDelete = {
	resource: ['failedNotification'],
	operation: ['delete'],
};

/** One request per item: sent in parallel. */
export const inParallel = true;

export const description: INodeProperties[] = [
	{
		displayName: 'Notification URI or ID',
		name: 'notification',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. {{ $json.uri }}',
		description: 'The NotificationURI from Get Many or the trigger (field "uri"), or just its ID',
		builderHint: {
			propertyHint:
				'Usually the expression {{ $json.uri }} on items from Concur Trigger or Failed Notification → Get Many, after the workflow handled them',
		},
		displayOptions: { show: showOnlyForFailedNotificationDelete },
	},
	batchOptionsCollection({ show: showOnlyForFailedNotificationDelete }, inParallel),
];

/** What the operation does with each item; the router runs it (helpers/itemBatch.ts). */
export function plan(
	ctx: IExecuteFunctions,
	client: ConcurClient,
	options: BatchOptions,
): BatchPlan<NotificationTarget> {
	return {
		completionPhrase: 'were deleted',
		prepare: (i) => prepareDelete(ctx, client, i),
		perform: async (target, i) => await deleteOne(client, target, options, i),
	};
}

/** Refuses, before any request, a URI whose host is not one of the credential's Concur hosts. */
function prepareDelete(
	ctx: IExecuteFunctions,
	client: ConcurClient,
	itemIndex: number,
): NotificationTarget {
	const value: unknown = ctx.getNodeParameter('notification', itemIndex, '');
	const text = typeof value === 'string' ? value.trim() : '';
	if (!text) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Notification URI or ID is empty or not text (item ${itemIndex})`,
			{
				itemIndex,
				description: 'Map the "uri" field of a failed notification, e.g. {{ $json.uri }}.',
			},
		);
	}
	const target = notificationNamed(client, text);
	if (!target) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Refused to delete ${text.slice(0, 120)}: its host is not one of this credential's Concur hosts (item ${itemIndex})`,
			{
				itemIndex,
				description:
					"Only notifications on the credential's Concur hosts are deleted, so the token is never sent elsewhere. Check the URI, or the credential's data centre.",
			},
		);
	}
	return target;
}

async function deleteOne(
	client: ConcurClient,
	target: NotificationTarget,
	options: BatchOptions,
	itemIndex: number,
): Promise<IDataObject> {
	const response = await deleteNotification(client, target, options, {
		itemIndex,
		notFound: 'Concur has no failed notification with this ID: it may have been deleted already.',
	});
	return { deleted: true, id: target.id, uri: target.url, correlationId: response.correlationId };
}
