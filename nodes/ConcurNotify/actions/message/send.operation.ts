import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ConcurClient } from '../../../shared/transport';
import type { BatchPlan } from '../../helpers/itemBatch';
import { batchOptionsCollection, type BatchOptions } from '../batchOptions';

const showOnlyForMessageSend = { resource: ['message'], operation: ['send'] };

/** One request per item: sent in parallel. */
export const inParallel = true;

export const description: INodeProperties[] = [
	{
		displayName: 'User ID',
		name: 'userId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 0E6BD8D8-A020-43C6-BBEC-B67A7021FF1C',
		description: "The Concur user's UUID, who receives the message",
		builderHint: {
			propertyHint:
				'A Concur user UUID, usually an expression reading it from the Concur event or data that started the workflow; never a name or an email address',
		},
		displayOptions: { show: showOnlyForMessageSend },
	},
	{
		displayName: 'Session ID',
		name: 'sessionId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. D5B80C53-A4D2-4949-8462-D41655F246E2',
		description: 'The session the message belongs to, from the travel booking event',
		builderHint: {
			propertyHint:
				'The session id of the travel booking event the message is about, as an expression from that event',
		},
		displayOptions: { show: showOnlyForMessageSend },
	},
	{
		displayName: 'Template ID',
		name: 'templateId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. visa-required',
		description: 'The message template configured with SAP Concur',
		builderHint: {
			propertyHint:
				'The id of a message template SAP Concur set up for this app; ask the user for it, do not invent one',
		},
		displayOptions: { show: showOnlyForMessageSend },
	},
	{
		displayName: 'Context URL',
		name: 'contextUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. https://www.example.com/trips/123',
		description:
			'The HTTPS link the template shows. Its domain must be on the list SAP Concur approved for your app.',
		builderHint: {
			propertyHint:
				'An https URL on a domain SAP Concur approved for this app (other domains are refused); ask the user for the domain',
		},
		displayOptions: { show: showOnlyForMessageSend },
	},
	{
		displayName: 'Additional Context Fields',
		name: 'additionalContext',
		type: 'fixedCollection',
		placeholder: 'Add Context Field',
		default: {},
		typeOptions: { multipleValues: true },
		description:
			'More values for templates that take them, sent beside the URL in the message context',
		displayOptions: { show: showOnlyForMessageSend },
		options: [
			{
				displayName: 'Field',
				name: 'field',
				values: [
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						placeholder: 'e.g. destination',
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						placeholder: 'e.g. Lisbon',
					},
				],
			},
		],
	},
	batchOptionsCollection({ show: showOnlyForMessageSend }, inParallel),
];

/** What the operation does with each item; the router runs it (helpers/itemBatch.ts). */
export function plan(
	ctx: IExecuteFunctions,
	client: ConcurClient,
	options: BatchOptions,
): BatchPlan<MessageInput> {
	return {
		completionPhrase: 'were sent',
		prepare: (i) => prepareMessage(ctx, i),
		perform: async (input, i) => await sendMessage(client, input, options, i),
	};
}

interface MessageInput {
	userId: string;
	body: { sessionId: string; templateId: string; context: IDataObject };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function prepareMessage(ctx: IExecuteFunctions, itemIndex: number): MessageInput {
	const fail = (message: string, description: string): never => {
		throw new NodeOperationError(ctx.getNode(), message, { itemIndex, description });
	};
	const text = (name: string, label: string): string => {
		const value: unknown = ctx.getNodeParameter(name, itemIndex, '');
		if (typeof value === 'number') return String(value);
		if (typeof value !== 'string') {
			fail(
				`${label} must be text, but the expression gave ${Array.isArray(value) ? 'a list' : `a ${typeof value}`} (item ${itemIndex})`,
				`Change the "${label}" expression so it gives a single text value, e.g. {{ $json.${name} }}.`,
			);
		}
		const trimmed = (value as string).trim();
		if (!trimmed)
			fail(
				`${label} is empty (item ${itemIndex})`,
				`Fill in "${label}" or map it from the input with an expression.`,
			);
		return trimmed;
	};
	const userId = text('userId', 'User ID');
	if (!UUID.test(userId)) {
		fail(
			`User ID "${userId.slice(0, 60)}" is not a Concur user UUID (item ${itemIndex})`,
			"Use the user's Concur UUID, e.g. 0E6BD8D8-A020-43C6-BBEC-B67A7021FF1C.",
		);
	}
	const sessionId = text('sessionId', 'Session ID');
	const templateId = text('templateId', 'Template ID');
	const url = text('contextUrl', 'Context URL');
	let parsed: URL | undefined;
	try {
		parsed = new URL(url);
	} catch {
		parsed = undefined;
	}
	if (!parsed || parsed.protocol !== 'https:' || !parsed.hostname.includes('.')) {
		fail(
			`Context URL "${url.slice(0, 100)}" is not a valid https URL (item ${itemIndex})`,
			'Use a full https link on a domain SAP Concur approved, e.g. https://www.example.com/trips/123.',
		);
	}
	const extra = ctx.getNodeParameter('additionalContext.field', itemIndex, []) as Array<{
		name: string;
		value: string;
	}>;
	const context: IDataObject = { url };
	for (const { name, value } of extra) {
		if (!name?.trim())
			fail(
				`An additional context field has no name (item ${itemIndex})`,
				'Give every additional context field a name, or remove it.',
			);
		if (name.trim() === 'url')
			fail(
				`The additional context field "url" would replace the Context URL (item ${itemIndex})`,
				'Use the Context URL field for the URL.',
			);
		context[name.trim()] = value;
	}
	return { userId, body: { sessionId, templateId, context } };
}

async function sendMessage(
	client: ConcurClient,
	input: MessageInput,
	options: BatchOptions,
	itemIndex: number,
): Promise<IDataObject> {
	const response = await client.request(
		{
			method: 'POST',
			url: `/notifications/v4/messages/${encodeURIComponent(input.userId)}/session`,
			headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
			body: input.body,
			json: true,
		},
		options,
		{
			itemIndex,
			action: 'Sending the message',
			notFound:
				'Concur does not know this user. Check that User ID is the Concur user UUID of an active user.',
		},
	);
	return {
		sent: true,
		userId: input.userId,
		...input.body,
		statusCode: response.statusCode,
		correlationId: response.correlationId,
		attempts: response.attempts,
	};
}
