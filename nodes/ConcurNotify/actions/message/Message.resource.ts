import type { INodeProperties } from 'n8n-workflow';

import * as send from './send.operation';

export { send };

const showOnlyForMessage = { resource: ['message'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'send',
		displayOptions: { show: showOnlyForMessage },
		options: [
			{
				name: 'Send',
				value: 'send',
				action: 'Send a message',
				description: 'Send a Partner Notifications message to a Concur user',
			},
		],
	},
	...send.description,
];
