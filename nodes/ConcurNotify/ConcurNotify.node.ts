import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { ConcurClient, CREDENTIAL_NAME } from '../shared/transport';
import { runItemBatch, type BatchPlan } from './itemBatch';
import {
	deleteFailedNotification,
	deleteFields,
	prepareDelete,
} from './operations/deleteFailedNotification';
import { getManyFailedNotifications, getManyFields } from './operations/getManyFailedNotifications';
import { prepareMessage, sendMessage, sendMessageFields } from './operations/sendMessage';
import { MAX_PARALLEL, readRequestSettings, requestOptionsProperty } from './requestOptions';

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
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'send',
				displayOptions: { show: { resource: ['message'] } },
				options: [
					{
						name: 'Send',
						value: 'send',
						action: 'Send a message',
						description: 'Send a Partner Notifications message to a Concur user',
					},
				],
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'getAll',
				displayOptions: { show: { resource: ['failedNotification'] } },
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
			...sendMessageFields,
			...getManyFields,
			...deleteFields,
			requestOptionsProperty({ resource: ['message'], operation: ['send'] }, true),
			requestOptionsProperty({ resource: ['failedNotification'], operation: ['delete'] }, true),
			requestOptionsProperty({ resource: ['failedNotification'], operation: ['getAll'] }, false),
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0) as string;
		const settings = readRequestSettings(this);
		const client = await ConcurClient.create(this, {
			parallel: settings.parallel,
			maxParallel: MAX_PARALLEL,
		});
		const common = {
			slots: client.scheduler,
			maxParallel: settings.parallel === 'auto' ? MAX_PARALLEL : settings.parallel,
		};
		const plans: Record<string, () => BatchPlan<unknown>> = {
			send: () => ({
				...common,
				doneVerb: 'were sent',
				prepare: (i) => prepareMessage(this, i),
				perform: async (input, i) =>
					await sendMessage(client, input as ReturnType<typeof prepareMessage>, settings, i),
			}),
			delete: () => ({
				...common,
				doneVerb: 'were deleted',
				prepare: (i) => prepareDelete(this, client, i),
				perform: async (input, i) =>
					await deleteFailedNotification(
						client,
						input as ReturnType<typeof prepareDelete>,
						settings,
						i,
					),
			}),
			getAll: () => ({
				...common,
				maxParallel: 1,
				// Each input item reads the whole queue; "were read" would sound like notifications.
				doneVerb: 'were answered with the queue',
				prepare: () => undefined,
				perform: async (_, i) => await getManyFailedNotifications(this, client, settings, i),
			}),
		};
		return [await runItemBatch(this, plans[operation]())];
	}
}
