import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { calloutItemPath, lastSegment } from '../../shared/calloutNotifications';
import type { ConcurClient, RetryOptions } from '../../shared/transport';

export const deleteFields: INodeProperties[] = [
	{
		displayName: 'Notification URI or ID',
		name: 'notification',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. {{ $json.uri }}',
		description: 'The NotificationURI from Get Many or the trigger (field "uri"), or just its ID',
		displayOptions: { show: { resource: ['failedNotification'], operation: ['delete'] } },
	},
];

export interface DeleteInput {
	id: string;
	/** Absolute URI as Concur gave it, or a path on the credential's callout host. */
	url: string;
}

/** Refuses, before any request, a URI whose host is not one of the credential's Concur hosts. */
export function prepareDelete(
	ctx: IExecuteFunctions,
	client: ConcurClient,
	itemIndex: number,
): DeleteInput {
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
	if (!/^https?:\/\//i.test(text)) return { id: text, url: calloutItemPath(text) };
	if (!client.isConcurUrl(text)) {
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
	return { id: lastSegment(text), url: text };
}

export async function deleteFailedNotification(
	client: ConcurClient,
	input: DeleteInput,
	retry: RetryOptions,
	itemIndex: number,
): Promise<IDataObject> {
	const response = await client.request({ method: 'DELETE', url: input.url }, retry, {
		itemIndex,
		action: 'Deleting the failed notification',
		notFound: 'Concur has no failed notification with this ID: it may have been deleted already.',
	});
	return { deleted: true, id: input.id, uri: input.url, correlationId: response.correlationId };
}
