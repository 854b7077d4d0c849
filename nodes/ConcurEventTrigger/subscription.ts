import type { IHookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { EssClient, messageOf, type EssAnswer, type Subscription } from './essApi';
import { subscriptionId } from './subscriptionId';
import { ADVICE } from './subscriptionAdvice';
import { TOPICS } from './topics';

/** What the node asks Concur for: its id, topic, filter and n8n's webhook URL. */
export interface Wanted {
	id: string;
	topic: string;
	filter: string;
	endpoint: string;
}

export function wantedSubscription(ctx: IHookFunctions, topic: string, filter: string): Wanted {
	const node = ctx.getNode();
	return {
		id: subscriptionId({
			instanceId: ctx.getInstanceId(),
			workflowId: String(ctx.getWorkflow().id ?? ''),
			nodeId: node.id,
			test: ctx.getMode() === 'manual',
		}),
		topic,
		filter,
		endpoint: ctx.getNodeWebhookUrl('default') ?? '',
	};
}

const listOf = (answer: EssAnswer): Subscription[] =>
	Array.isArray(answer.body) ? (answer.body as Subscription[]) : [];

function fail(ctx: IHookFunctions, message: string, advice: string, answer?: EssAnswer): never {
	const facts = answer ? ` (HTTP ${answer.status}: ${messageOf(answer)})` : '';
	throw new NodeOperationError(ctx.getNode(), message, { description: `${advice}${facts}` });
}

/** The subscription Concur holds under the wanted id, if any. */
async function current(client: EssClient, id: string): Promise<Subscription | undefined> {
	const answer = await client.call('GET', `/subscriptions/${encodeURIComponent(id)}`);
	return listOf(answer).find((s) => s.id === id);
}

export async function subscriptionExists(ctx: IHookFunctions, wanted: Wanted): Promise<boolean> {
	const client = await EssClient.create(ctx);
	const found = await current(client, wanted.id);
	return (
		found?.topic === wanted.topic &&
		found.filter === wanted.filter &&
		found.webHookConfig?.endpoint === wanted.endpoint
	);
}

function scopeAdvice(topic: string): string {
	const scope = TOPICS.find((t) => t.value === topic)?.scope;
	return `${ADVICE.noTopicScope}${scope ? ` (${scope})` : ''}.`;
}

/** Why a PUT was refused, as advice; the app's subscriptions are listed when it holds the most. */
async function refusal(ctx: IHookFunctions, client: EssClient, wanted: Wanted, put: EssAnswer) {
	const text = messageOf(put).toLowerCase();
	const own = listOf(await client.call('GET', '/subscriptions'));
	if (own.length >= 5 && !own.some((s) => s.id === wanted.id))
		fail(
			ctx,
			'Concur refused a 6th subscription',
			`${ADVICE.maxSubscriptions} ${own.map((s) => s.id).join(', ')}.`,
			put,
		);
	if (put.status === 409 || /another app|already (in use|exists)|taken/.test(text))
		fail(ctx, `Subscription id ${wanted.id} is taken`, ADVICE.idTaken, put);
	if (/endpoint|https|url/.test(text) || !wanted.endpoint.startsWith('https://'))
		fail(ctx, `Concur refused the endpoint ${wanted.endpoint}`, ADVICE.endpoint, put);
	if (put.status === 403)
		fail(ctx, `Not allowed to subscribe to ${wanted.topic}`, scopeAdvice(wanted.topic), put);
	fail(ctx, 'Concur refused the subscription', ADVICE.other, put);
}

export async function createSubscription(ctx: IHookFunctions, wanted: Wanted): Promise<void> {
	const client = await EssClient.create(ctx);
	if (client.storedAuthentication === 'clientCredentials')
		fail(ctx, 'No company to receive events from', ADVICE.clientCredentialsOnly);
	const topics = await client.call('GET', '/topics');
	if (topics.status === 403 || topics.status === 401)
		fail(
			ctx,
			"The app may not use Concur's event subscriptions",
			scopeAdvice(wanted.topic),
			topics,
		);
	const listed = Array.isArray(topics.body) ? (topics.body as string[]) : [];
	if (!listed.includes(wanted.topic))
		fail(
			ctx,
			`Concur does not list the topic ${wanted.topic} for this app`,
			`${scopeAdvice(wanted.topic)} Topics the app sees: ${listed.join(', ') || 'none'}.`,
		);
	const put = await client.call('PUT', '/subscriptions/webhook', {
		id: wanted.id,
		filter: wanted.filter,
		topic: wanted.topic,
		webHookConfig: { endpoint: wanted.endpoint },
	});
	if (put.status < 200 || put.status >= 300) await refusal(ctx, client, wanted, put);
	const saved = await current(client, wanted.id);
	if (!saved?.companyIds?.length) {
		await client.call('DELETE', `/subscriptions/${encodeURIComponent(wanted.id)}`);
		fail(ctx, 'The subscription names no company yet', ADVICE.noCompany);
	}
	if (!wanted.endpoint.startsWith('https://'))
		ctx.logger.warn(
			`Concur Event Trigger: subscribed ${wanted.endpoint}, which is not HTTPS. Concur delivers only to a public HTTPS URL: set N8N_WEBHOOK_URL (WEBHOOK_URL on older n8n).`,
		);
}

export async function deleteSubscription(ctx: IHookFunctions, wanted: Wanted): Promise<void> {
	const client = await EssClient.create(ctx);
	const answer = await client.call('DELETE', `/subscriptions/${encodeURIComponent(wanted.id)}`);
	if (answer.status === 404 || (answer.status >= 200 && answer.status < 300)) return;
	fail(ctx, `Could not delete the subscription ${wanted.id}`, ADVICE.other, answer);
}
