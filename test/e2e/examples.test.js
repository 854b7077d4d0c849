// The example workflows, run headless in a real n8n with the packed pack (`n8n execute`).
const { createInstance, itemsOf, runtime } = require('../../rig/n8nInstance');

let n8n;
const logs = [];
const execute = async (workflowId) => {
	const result = await n8n.execute(workflowId);
	logs.push(result.logs);
	return result;
};
beforeAll(async () => {
	n8n = await createInstance({ port: 5710 });
	await n8n.importAll([runtime.simulatorCredential(n8n.sim)]);
}, 600_000);
afterAll(() => n8n?.close());

test('send a notification for each row: three delivered, the bad row on the error branch', async () => {
	const { runData, error } = await execute('concurSendNotifications');
	expect(error).toBeUndefined();
	expect(itemsOf(runData, 'Sent').map((item) => item.json.sessionId)).toEqual([
		'trip-1001',
		'trip-1002',
		'trip-1003',
	]);
	const failed = itemsOf(runData, 'Not sent: fix the row');
	expect(failed).toHaveLength(1);
	expect(failed[0].json.error).toMatch(
		/User ID "not-a-user-id" is not a Concur user UUID \(item 3\)/,
	);
	const stats = n8n.sim.state.stats();
	expect(stats.deliveries).toEqual({ total: 3, unique: 3, duplicates: 0 });
	expect(stats.grants.password_authtoken).toBe(1);
	expect(stats.messages.map((m) => m.context)).toEqual(
		Array(3).fill(expect.objectContaining({ destination: 'Lisbon' })),
	);
}, 300_000);

test('nightly clean-up: every failed notification older than 30 days is deleted, nothing else is called', async () => {
	n8n.sim.state.resetStats();
	const queued = n8n.sim.state.listNotifications().length;
	const { runData, error } = await execute('concurNightlyCleanup');
	expect(error).toBeUndefined();
	expect(itemsOf(runData, 'Get failed notifications')).toHaveLength(queued);
	expect(itemsOf(runData, 'Delete in Concur').every((item) => item.json.deleted === true)).toBe(
		true,
	);
	expect(n8n.sim.state.listNotifications()).toEqual([]);
	expect(n8n.sim.state.stats().requests).toMatchObject({
		calloutList: 1,
		calloutDelete: queued,
		messages: 0,
	});
}, 300_000);

test('a credential with a wrong client secret fails with the readable error', async () => {
	await n8n.importCredential(
		runtime.simulatorCredential(n8n.sim, { clientSecret: 'not-the-secret' }),
	);
	const { runData } = await execute('concurSendNotifications');
	const failed = itemsOf(runData, 'Not sent: fix the row');
	expect(failed).toHaveLength(4);
	expect(failed[0].json.error).toMatch(
		/SAP Concur refused the token request\. The Client ID or Client Secret is wrong\..*Concur code 5/,
	);
	expect(JSON.stringify(runData)).not.toContain('not-the-secret');
	await n8n.importCredential(runtime.simulatorCredential(n8n.sim));
}, 300_000);

test('no secret in any log line n8n wrote at debug level during these runs', () => {
	const { sim } = n8n;
	const secrets = [
		sim.credentials.clientSecret,
		sim.credentials.requestToken,
		...sim.state.accessTokens.keys(),
		...sim.state.refreshTokens.keys(),
	];
	expect(logs.join('\n').length).toBeGreaterThan(1000);
	for (const secret of secrets) expect(logs.join('\n')).not.toContain(secret);
});
