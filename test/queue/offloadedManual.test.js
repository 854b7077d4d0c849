// What n8n 3.0 makes the rule in queue mode: manual executions run on the workers
// (OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS=true in n8n 2.x). Editor-style "Execute workflow" runs of
// Concur Notify, started through the REST route the editor calls (POST /rest/workflows/:id/run with
// the trigger to start from), after the access token expired, several at once so that the workers
// refresh the token among themselves: none may run on main, fail, lose or double a message.
const { startCluster, workflowNode: node } = require('./cluster');
const { createCredential, finishedExecutions } = require('./notifyScenario');

const ROUNDS = 4;
const AT_ONCE = 10;
const MESSAGES_PER_EXECUTION = 3;

let cluster;
beforeAll(async () => {
	cluster = await startCluster({ OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true' });
}, 600_000);
afterAll(async () => {
	await cluster?.stop();
}, 120_000);

/** Manual Trigger → rows (Edit Fields, raw JSON) → Split Out → Concur Notify Send; session ids name the execution. */
function manualWorkflow(credentials, userIds) {
	const messages = Array.from({ length: MESSAGES_PER_EXECUTION }, (_, n) => ({
		userId: userIds[n % userIds.length],
		n,
	}));
	return {
		name: 'Queue: manual executions on workers',
		settings: { executionOrder: 'v1' },
		nodes: [
			node('Manual Trigger', 'n8n-nodes-base.manualTrigger', 1, 0, {}),
			node('Rows', 'n8n-nodes-base.set', 3.4, 220, {
				mode: 'raw',
				jsonOutput: JSON.stringify({ messages }),
				options: {},
			}),
			node('Split Out', 'n8n-nodes-base.splitOut', 1, 440, {
				fieldToSplitOut: 'messages',
				options: {},
			}),
			node(
				'Concur Notify',
				'n8n-nodes-sap-concur.concurNotify',
				1,
				660,
				{
					resource: 'message',
					operation: 'send',
					userId: '={{ $json.userId }}',
					sessionId: '={{ $execution.id }}-{{ $json.n }}',
					templateId: 'manual',
					contextUrl: '=https://www.example.com/manual/{{ $execution.id }}/{{ $json.n }}',
					options: {},
				},
				{ credentials },
			),
		],
		connections: {
			'Manual Trigger': { main: [[{ node: 'Rows', type: 'main', index: 0 }]] },
			Rows: { main: [[{ node: 'Split Out', type: 'main', index: 0 }]] },
			'Split Out': { main: [[{ node: 'Concur Notify', type: 'main', index: 0 }]] },
		},
	};
}

test(`${ROUNDS} rounds of ${AT_ONCE} editor "Execute workflow" runs at once after expiry run on the workers`, async () => {
	await cluster.sim.control('PUT', '/config', {
		accessTokenTtlSeconds: 3600,
		rotation: 'always',
		oldRefreshTokenValid: false,
	});
	const credentials = await createCredential(cluster, 'Concur (manual on workers)');
	const workflow = await cluster.api(
		'POST',
		'/workflows',
		manualWorkflow(credentials, cluster.sim.credentials.userIds),
	);
	await cluster.sim.control('POST', '/stats/reset');

	const started = [];
	for (let round = 0; round < ROUNDS; round++) {
		await cluster.sim.control('POST', '/tokens/expire');
		// What the editor sends for "Execute workflow" on a saved workflow with a Manual Trigger.
		const runs = await Promise.all(
			Array.from({ length: AT_ONCE }, () =>
				cluster.rest('POST', `/workflows/${workflow.id}/run`, {
					triggerToStartFrom: { name: 'Manual Trigger' },
				}),
			),
		);
		started.push(...runs.map((run) => String(run.executionId)));
		await finishedExecutions(cluster, workflow.id, started.length);
	}

	const executions = await finishedExecutions(cluster, workflow.id, started.length);
	const byWorker = cluster.executionsByWorker();
	const perWorker = {};
	for (const { id } of executions) {
		const where = byWorker.get(String(id)) ?? 'main';
		perWorker[where] = (perWorker[where] ?? 0) + 1;
	}
	const stats = await cluster.sim.control('GET', '/stats');
	const delivered = new Map();
	for (const { sessionId } of stats.messages)
		delivered.set(sessionId, (delivered.get(sessionId) ?? 0) + 1);
	const expected = started.flatMap((id) =>
		Array.from({ length: MESSAGES_PER_EXECUTION }, (_, n) => `${id}-${n}`),
	);
	const outcome = {
		executions: executions.length,
		failed: executions.filter((e) => e.status !== 'success').length,
		onMain: perWorker.main ?? 0,
		neverSent: expected.filter((id) => !delivered.has(id)).length,
		sentTwice: [...delivered.values()].filter((count) => count > 1).length,
		unexpected: [...delivered.keys()].filter((id) => !expected.includes(id)).length,
		grants: stats.grants.password_authtoken + stats.grants.refresh_token,
	};
	process.stderr.write(
		`[queue] manual executions offloaded to workers: ${JSON.stringify({ ...outcome, perWorker, grantBound: ROUNDS * cluster.workers })}\n`,
	);
	expect(outcome).toEqual({
		executions: ROUNDS * AT_ONCE,
		failed: 0,
		onMain: 0,
		neverSent: 0,
		sentTwice: 0,
		unexpected: 0,
		grants: outcome.grants,
	});
	// One expiry per round: at most one grant per worker each.
	expect(outcome.grants).toBeLessThanOrEqual(ROUNDS * cluster.workers);
});
