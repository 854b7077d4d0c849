import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { CREDENTIAL_NAME } from '../shared/credentialName';
import { asEvent, eventItem } from './eventItem';
import { fetchObject } from './fetchObject';
import { firstSighting, forget, settle, type SeenState } from './seenEvents';
import { CONCUR_PUBLIC_KEYS, checkSignature, pemBlocks } from './signature';
import {
	createSubscription,
	deleteSubscription,
	subscriptionExists,
	wantedSubscription,
} from './subscription';
import { EXPENSE_EVENTS, TOPICS, essFilter, sameTopic, wanted } from './topics';

const EXPENSE_TOPIC = 'public.concur.expense.report';

interface Settings {
	topic: string;
	events: string[];
}

function settingsOf(ctx: IHookFunctions | IWebhookFunctions): Settings {
	const chosen = ctx.getNodeParameter('topic') as string;
	const topic =
		chosen === 'custom' ? (ctx.getNodeParameter('customTopic') as string).trim() : chosen;
	const events =
		chosen === EXPENSE_TOPIC
			? (ctx.getNodeParameter('events', []) as string[])
			: String(ctx.getNodeParameter('eventTypes', ''))
					.split(',')
					.map((type) => type.trim())
					.filter(Boolean);
	return { topic, events };
}

function wantedOf(ctx: IHookFunctions) {
	const { topic, events } = settingsOf(ctx);
	return wantedSubscription(ctx, topic, essFilter(events));
}

/** Answers the request itself, with no run. */
function answer(ctx: IWebhookFunctions, status: number, body: IDataObject): IWebhookResponseData {
	ctx.getResponseObject().status(status).json(body);
	return { noWebhookResponse: true };
}

const noRun = (reason: string): IWebhookResponseData => ({
	webhookResponse: { received: true, run: false, reason },
});

export class ConcurEventTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Concur Event Trigger',
		name: 'concurEventTrigger',
		icon: { light: 'file:../../icons/concur.svg', dark: 'file:../../icons/concur.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["topic"]}}',
		description:
			"Starts the workflow with each SAP Concur event as it happens (Concur's Event Subscription Service)",
		defaults: { name: 'Concur Event Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_NAME, required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				// n8n answers once the execution is stored (n8n 2.x): an event it answered is not lost.
				responseMode: 'onReceived',
				path: 'concur-events',
			},
		],
		properties: [
			{
				displayName: 'Topic',
				name: 'topic',
				type: 'options',
				default: EXPENSE_TOPIC,
				options: TOPICS.map(({ name, value, description }) => ({ name, value, description })),
			},
			{
				displayName: 'Topic Name',
				name: 'customTopic',
				type: 'string',
				default: '',
				required: true,
				placeholder: 'e.g. public.concur.expense.report',
				displayOptions: { show: { topic: ['custom'] } },
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				default: [],
				options: EXPENSE_EVENTS,
				description:
					'None chosen: every event of the topic. Concur filters by event type; the status moments are matched on the facts of each Status Changed event.',
				displayOptions: { show: { topic: [EXPENSE_TOPIC] } },
			},
			{
				displayName: 'Event Types',
				name: 'eventTypes',
				type: 'string',
				default: '',
				placeholder: 'e.g. requestSubmitted, requestApproved',
				description: 'Comma-separated event types of the topic; empty: every event',
				displayOptions: { hide: { topic: [EXPENSE_TOPIC] } },
			},
			{
				displayName: 'Signature Check',
				name: 'signatureCheck',
				type: 'options',
				default: 'concur',
				options: [
					{
						name: "Concur's Published Keys",
						value: 'concur',
						description: "Concur-Signature verified with Concur's two public keys",
					},
					{
						name: "Concur's Keys and My Own",
						value: 'withOwnKeys',
						description:
							'Also the public keys below: a key Concur announced before this node knows it, or the local simulator',
					},
					{
						name: 'Off (My Proxy Checks Concur’s Client Certificate)',
						value: 'off',
						description:
							"Only if the reverse proxy in front of n8n admits just Concur's client certificate (CN=webhook.api.concursolutions.com): otherwise anyone can start this workflow",
					},
				],
			},
			{
				displayName: 'Additional Public Keys',
				name: 'publicKeys',
				type: 'string',
				typeOptions: { rows: 6 },
				default: '',
				placeholder: 'e.g. -----BEGIN PUBLIC KEY----- ...',
				description: 'One or more PEM public keys',
				displayOptions: { show: { signatureCheck: ['withOwnKeys'] } },
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Fetch Object',
						name: 'fetchObject',
						type: 'boolean',
						default: false,
						description:
							"Whether to GET the object the event's href names with the credential's company token and add it as \"object\" (adds the call's time to the answer Concur waits for)",
					},
				],
			},
		],
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await subscriptionExists(this, wantedOf(this));
			},
			async create(this: IHookFunctions): Promise<boolean> {
				await createSubscription(this, wantedOf(this));
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				await deleteSubscription(this, wantedOf(this));
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const req = this.getRequestObject();
		const check = this.getNodeParameter('signatureCheck', 'concur') as string;
		if (check !== 'off') {
			const own =
				check === 'withOwnKeys' ? pemBlocks(String(this.getNodeParameter('publicKeys', ''))) : [];
			const raw = (req as { rawBody?: Buffer }).rawBody;
			const header = req.headers['concur-signature'];
			const result = raw
				? checkSignature(raw, Array.isArray(header) ? header[0] : header, [
						...CONCUR_PUBLIC_KEYS,
						...own,
					])
				: { valid: false as const, reason: 'n8n passed no raw body to verify' };
			if (!result.valid) {
				// Concur retries a 401 for 72 hours: a key or configuration mistake delays, never loses.
				this.logger.warn(`Concur Event Trigger: answered 401, ${result.reason}`);
				return answer(this, 401, { message: 'Signature not valid' });
			}
		}
		const event = asEvent(req.body);
		if (!event) return answer(this, 400, { message: 'The body is not an ESS event' });
		const { topic, events } = settingsOf(this);
		if (!sameTopic(event.topic, topic) || !wanted(events, event.eventType, event.facts))
			return noRun('filtered');
		const manual = this.getMode() === 'manual';
		const state = this.getWorkflowStaticData('node') as SeenState;
		const key = `${this.getWorkflow().id}:${this.getNode().id}`;
		if (!manual && !firstSighting(state, key, event.id, Date.now())) return noRun('duplicate');
		if (!manual) {
			const response = this.getResponseObject();
			response.once('finish', () => settle(key, event.id, response.statusCode < 300));
		}
		const item = eventItem(event);
		const { fetchObject: fetch } = this.getNodeParameter('options', {}) as {
			fetchObject?: boolean;
		};
		if (fetch && typeof item.href === 'string') {
			try {
				item.object = await fetchObject(this, item.href);
			} catch (error) {
				// 503: Concur retries, and the retry runs the event once the object can be read.
				if (!manual) forget(state, key, event.id);
				this.logger.warn(
					`Concur Event Trigger: event ${event.id} answered 503, ${(error as Error).message}`,
				);
				return answer(this, 503, { message: 'The object could not be fetched; retry later' });
			}
		}
		return { workflowData: [this.helpers.returnJsonArray([item])] };
	}
}
