// One queue-mode scenario of the Concur Notify workflow: a fresh "Company Request Token"
// credential, Webhook → Split Out → Concur Notify Send at default options, executions started
// through the webhook, and what they did, read from n8n's executions and the simulator's counters.
// The webhook answers on receipt: in queue mode main answers a "last node" webhook when Bull's
// job.finished() resolves, which never happens for a job a worker completed (and n8n removed) before
// main started listening (a CI run once waited 300 s). Whether an execution finished is read from
// n8n's database (cluster.executions).
const { randomUUID } = require('node:crypto');
const { setTimeout: pause } = require('node:timers/promises');
const { request } = require('undici');
const { waitFor } = require('./cluster');

const MESSAGES_PER_EXECUTION = 5;

/** A credential of its own (a new request token from the simulator), so every scenario starts cold. */
async function createCredential(cluster, name) {
	const { requestToken } = await cluster.sim.control('POST', '/request-tokens');
	const c = cluster.sim.credentials;
	const data = {
		authentication: 'companyRequestToken',
		clientId: c.clientId,
		clientSecret: c.clientSecret,
		companyUuid: c.companyUuid,
		requestToken,
		dataCenter: 'custom',
		baseUrl: cluster.sim.url,
		calloutAuthScheme: 'Bearer',
		calloutHost: 'geolocation',
	};
	const { id } = await cluster.api('POST', '/credentials', { name, type: 'sapConcurApi', data });
	return { sapConcurApi: { id, name } };
}

function notifyWorkflow(name, path, credentials) {
	return {
		name,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: randomUUID(),
				webhookId: randomUUID(),
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
			},
			{
				id: randomUUID(),
				name: 'Split Out',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [220, 0],
				parameters: { fieldToSplitOut: 'body.messages', options: {} },
			},
			{
				id: randomUUID(),
				name: 'Concur Notify',
				type: 'n8n-nodes-sap-concur.concurNotify',
				typeVersion: 1,
				position: [440, 0],
				parameters: {
					resource: 'message',
					operation: 'send',
					userId: '={{ $json.userId }}',
					sessionId: '={{ $json.sessionId }}',
					templateId: 'queue',
					contextUrl: '={{ $json.url }}',
					options: {},
				},
				credentials,
			},
		],
		connections: {
			Webhook: { main: [[{ node: 'Split Out', type: 'main', index: 0 }]] },
			'Split Out': { main: [[{ node: 'Concur Notify', type: 'main', index: 0 }]] },
		},
	};
}

/** Every execution of a workflow, once all `count` of them have finished. */
async function finishedExecutions(cluster, workflowId, count) {
	const deadline = Date.now() + 120_000;
	for (;;) {
		const all = cluster.executions(workflowId);
		const unfinished = all.filter((e) => ['new', 'running', 'waiting'].includes(e.status));
		if (all.length >= count && unfinished.length === 0) return all;
		if (Date.now() > deadline) {
			const stuck = unfinished.map((e) => `${e.id} (${e.status})`).join(', ');
			throw new Error(
				`workflow ${workflowId}: ${all.length} of ${count} executions exist; not finished within 120 s: ${stuck || 'none'}`,
			);
		}
		await pause(200);
	}
}

/**
 * A scenario: `execute()` starts one execution of five messages and resolves when n8n has received
 * it; `settled()` resolves when every execution started so far has finished; `outcome()` compares
 * what was asked for with what n8n and the simulator saw.
 */
async function notifyScenario(cluster, label) {
	const credentials = await createCredential(cluster, `Concur (${label})`);
	const path = `queue-${randomUUID()}`;
	const workflow = await cluster.api(
		'POST',
		'/workflows',
		notifyWorkflow(`Queue: ${label}`, path, credentials),
	);
	await cluster.api('POST', `/workflows/${workflow.id}/activate`);
	// Main registers the webhook a moment after activation; until then a POST answers 404 and runs nothing.
	await waitFor('webhook registration', async () => {
		const response = await request(`${cluster.url}/webhook/${path}`);
		return (await response.body.text()).includes('Did you mean to make a POST request');
	});
	await cluster.sim.control('POST', '/stats/reset');
	const userIds = cluster.sim.credentials.userIds;
	const sent = [];
	const answers = {};
	let executions = 0;

	return {
		workflowId: workflow.id,
		async execute() {
			const n = executions++;
			const messages = Array.from({ length: MESSAGES_PER_EXECUTION }, (_, i) => ({
				userId: userIds[i % userIds.length],
				sessionId: `${path}-${n}-${i}`,
				url: `https://www.example.com/queue/${n}/${i}`,
			}));
			sent.push(...messages.map((m) => m.sessionId));
			const response = await request(`${cluster.url}/webhook/${path}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ messages }),
			});
			await response.body.dump();
			answers[response.statusCode] = (answers[response.statusCode] ?? 0) + 1;
		},
		settled: () => finishedExecutions(cluster, workflow.id, executions),
		async outcome() {
			const runs = await finishedExecutions(cluster, workflow.id, executions);
			const stats = await cluster.sim.control('GET', '/stats');
			const delivered = new Map();
			for (const { sessionId } of stats.messages)
				delivered.set(sessionId, (delivered.get(sessionId) ?? 0) + 1);
			const byWorker = cluster.executionsByWorker();
			const perWorker = {};
			for (const run of runs)
				perWorker[byWorker.get(String(run.id)) ?? 'no worker'] =
					(perWorker[byWorker.get(String(run.id)) ?? 'no worker'] ?? 0) + 1;
			return {
				executions: runs.length,
				failed: runs.filter((run) => run.status !== 'success').length,
				messages: sent.length,
				neverSent: sent.filter((id) => !delivered.has(id)).length,
				sentTwice: [...delivered.values()].filter((count) => count > 1).length,
				unexpected: [...delivered.keys()].filter((id) => !sent.includes(id)).length,
				grants: stats.grants.password_authtoken + stats.grants.refresh_token,
				webhookAnswers: answers,
				perWorker,
			};
		},
	};
}

module.exports = { notifyScenario, createCredential, finishedExecutions, MESSAGES_PER_EXECUTION };
