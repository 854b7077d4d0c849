import type { INodeProperties } from 'n8n-workflow';

import * as deleteOperation from './delete.operation';
import * as getAll from './getAll.operation';

// `delete` is a reserved word, so the module is imported under another name and exported as the
// operation's value.
export { getAll, deleteOperation as delete };

const showOnlyForFailedNotification = { resource: ['failedNotification'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'getAll',
		displayOptions: { show: showOnlyForFailedNotification },
		options: [
			{
				name: 'Delete',
				value: 'delete',
				action: 'Delete a failed notification',
				description: 'Remove a failed callout notification from the queue once handled',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many failed notifications',
				description: 'List the callout notifications that failed',
			},
		],
	},
	...getAll.description,
	...deleteOperation.description,
];
