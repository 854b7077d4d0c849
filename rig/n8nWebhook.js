// Runs a webhook trigger through real n8n-core: its webhookMethods through HookContext (as n8n's
// activation does) and its webhook() through WebhookContext with a request as n8n's express layer
// hands it over (the parsed body, the raw body, lowercase headers) and a response that records
// what the node answered itself. `workflowState.staticData` is what n8n keeps in its database: for a
// production webhook n8n saves the workflow's static data when it answers (live-webhooks.js).
const { EventEmitter } = require('node:events');
const { HookContext, WebhookContext } = require('n8n-core');
const { Workflow, deepCopy } = require('n8n-workflow');

const { NodeTypes, additionalDataFor, nodeUnderTest } = require('./n8nCore');

const WORKFLOW_ID = 'test-workflow';

function workflowFor(nodeClass, node, staticData, active) {
	return new Workflow({
		id: WORKFLOW_ID,
		name: 'Test',
		nodes: [node],
		connections: {},
		active,
		nodeTypes: new NodeTypes([nodeClass]),
		staticData: { [`node:${node.name}`]: staticData },
		settings: {},
	});
}

function triggerNode(nodeClass, { parameters, credentials, nodeId }) {
	return {
		...nodeUnderTest(nodeClass, { parameters, credentials }),
		id: nodeId ?? 'node-under-test',
		webhookId: 'hook-id',
	};
}

/**
 * Calls `webhookMethods.default[method]` ('checkExists' | 'create' | 'delete'); `mode` 'manual' is
 * "Listen for test event", 'trigger' an active workflow. Returns its result or the error it threw.
 */
async function runWebhookMethod({
	nodeClass,
	parameters,
	credentials,
	method,
	mode = 'trigger',
	nodeId,
	webhookBaseUrl,
}) {
	const node = triggerNode(nodeClass, { parameters, credentials, nodeId });
	const workflow = workflowFor(nodeClass, node, {}, mode === 'trigger');
	const additionalData = {
		...additionalDataFor(credentials, undefined),
		...(webhookBaseUrl ? { webhookBaseUrl, webhookTestBaseUrl: `${webhookBaseUrl}-test` } : {}),
	};
	const webhookData = { isTest: mode === 'manual', webhookDescription: { name: 'default' } };
	const context = new HookContext(
		workflow,
		node,
		additionalData,
		mode,
		mode === 'manual' ? 'manual' : 'activate',
		webhookData,
	);
	try {
		return { result: await new nodeClass().webhookMethods.default[method].call(context) };
	} catch (error) {
		return { error };
	}
}

/**
 * A response as express gives it to n8n, recording what the node answered; 'finish' when the
 * answer is written, as n8n 2.x writes its own 200 only after it stored the run.
 */
function recordingResponse() {
	return Object.assign(new EventEmitter(), {
		statusCode: 200,
		body: undefined,
		status(code) {
			this.statusCode = code;
			return this;
		},
		json(value) {
			this.body = value;
			this.emit('finish');
			return this;
		},
	});
}

/**
 * One POST into webhook(): `body` is the raw text. Returns n8n's answer as it would go out (the
 * node's own, or n8n's 200 when the node leaves the answer to n8n), the run's items, if any, and
 * saves the static data the way n8n does. `memory.staticData` survives between requests only when
 * a test keeps it (n8n reloads static data from the database for each request: pass none).
 */
async function postWebhook({
	nodeClass,
	parameters,
	credentials,
	body,
	headers = {},
	mode = 'webhook',
	workflowState,
	nodeId,
}) {
	const node = triggerNode(nodeClass, { parameters, credentials, nodeId });
	const staticData = deepCopy(workflowState.staticData ?? {});
	const workflow = workflowFor(nodeClass, node, staticData, mode !== 'manual');
	let parsed;
	try {
		parsed = JSON.parse(body);
	} catch {
		parsed = {};
	}
	const res = recordingResponse();
	const additionalData = {
		...additionalDataFor(credentials, undefined),
		httpRequest: {
			body: parsed,
			rawBody: Buffer.from(body),
			headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
			params: {},
			query: {},
		},
		httpResponse: res,
	};
	const context = new WebhookContext(workflow, node, additionalData, mode, {
		isTest: mode === 'manual',
		webhookDescription: { name: 'default' },
	});
	const result = await nodeClass.prototype.webhook.call(context);
	if (!result.noWebhookResponse) res.emit('finish');
	if (mode !== 'manual')
		workflowState.staticData = deepCopy(workflow.staticData[`node:${node.name}`]);
	const items = result.workflowData?.[0]?.map((item) => item.json);
	return {
		status: result.noWebhookResponse ? res.statusCode : 200,
		answer: result.noWebhookResponse
			? res.body
			: (result.webhookResponse ?? { message: 'Workflow was started' }),
		items,
	};
}

module.exports = { runWebhookMethod, postWebhook };
