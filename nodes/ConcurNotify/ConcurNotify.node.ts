import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { CREDENTIAL_NAME } from '../shared/credentialName';
import * as failedNotification from './actions/failedNotification/FailedNotification.resource';
import * as message from './actions/message/Message.resource';
import { router } from './actions/router';

export class ConcurNotify implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Concur Notify',
		name: 'concurNotify',
		icon: { light: 'file:../../icons/concur.svg', dark: 'file:../../icons/concur.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle:
			'={{ { send: "Send", getAll: "Get Many", delete: "Delete" }[$parameter["operation"]] + ": " + { message: "Message", failedNotification: "Failed Notification" }[$parameter["resource"]] }}',
		description: 'Send SAP Concur partner notifications and manage failed callout notifications',
		defaults: { name: 'Concur Notify' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_NAME, required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				default: 'message',
				options: [
					{ name: 'Message', value: 'message' },
					{ name: 'Failed Notification', value: 'failedNotification' },
				],
			},
			...message.description,
			...failedNotification.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
