const crypto = require('node:crypto');
const { useSimulatorUnderTest, call, token } = require('./client');
const { startReceiver } = require('./essReceiver');

const ctx = useSimulatorUnderTest();
let receiver;
beforeEach(async () => {
	receiver = await startReceiver();
});
afterEach(() => receiver.close());

const appGrant = (sim) => ({
	client_id: sim.credentials.clientId,
	client_secret: sim.credentials.clientSecret,
	grant_type: 'client_credentials',
});
const appToken = async (sim) => (await token(sim, appGrant(sim))).json.access_token;
const companyToken = async (sim) =>
	(
		await token(sim, {
			...appGrant(sim),
			grant_type: 'refresh_token',
			refresh_token: sim.credentials.refreshToken,
		})
	).json.access_token;

const ess = (sim, t, method, path, body) =>
	call(`${sim.url}/events/v4${path}`, {
		method,
		headers: { authorization: `Bearer ${t}` },
		body,
	});
const subscribe = (sim, t, id, extra = {}) =>
	ess(sim, t, 'PUT', '/subscriptions/webhook', {
		id,
		topic: 'public.concur.expense.report',
		filter: '.*',
		webHookConfig: { endpoint: receiver.url },
		...extra,
	});
const control = (sim, method, route, body) =>
	call(`${sim.url}/_sim${route}`, { method, body: body ?? {} });

/** An app subscribed for the receiver's http URL, with the company connected. */
async function subscribed(sim, filter = '.*') {
	sim.state.setConfig({ ess: { allowHttpEndpoints: true, retryScheduleMs: [20] } });
	const t = await appToken(sim);
	expect((await subscribe(sim, t, 'n8n-test', { filter })).status).toBe(200);
	await companyToken(sim);
	return t;
}

const verifies = (publicKey, body, signature) =>
	crypto.verify(
		'sha256',
		Buffer.from(body),
		{
			key: publicKey,
			padding: crypto.constants.RSA_PKCS1_PSS_PADDING,
			saltLength: crypto.constants.RSA_PSS_SALTLEN_AUTO,
		},
		Buffer.from(signature, 'base64'),
	);

test('subscriptions: PUT creates and updates, GET one is an array, GET all, DELETE', async () => {
	const { sim } = ctx;
	sim.state.setConfig({ ess: { allowHttpEndpoints: true } });
	const t = await appToken(sim);
	expect((await ess(sim, t, 'GET', '/topics')).json).toContain('public.concur.expense.report');
	const saved = await subscribe(sim, t, 'my.sub-1');
	expect(saved.json.message).toBe("Subscription 'my.sub-1' saved successfully");
	await subscribe(sim, t, 'my.sub-1', { filter: 'statusChanged' });
	const one = await ess(sim, t, 'GET', '/subscriptions/my.sub-1');
	expect(one.json).toEqual([
		expect.objectContaining({ id: 'my.sub-1', filter: 'statusChanged', companyIds: [] }),
	]);
	expect((await ess(sim, t, 'GET', '/subscriptions')).json).toHaveLength(1);
	const deleted = await ess(sim, t, 'DELETE', '/subscriptions/my.sub-1');
	expect(deleted.json.message).toBe("Subscription 'my.sub-1' marked for deletion");
	expect((await ess(sim, t, 'GET', '/subscriptions/my.sub-1')).status).toBe(404);
});

test('the API takes only an App token holding events.topic.read', async () => {
	const { sim } = ctx;
	expect((await ess(sim, await companyToken(sim), 'GET', '/topics')).status).toBe(403);
	expect((await ess(sim, 'nonsense', 'GET', '/topics')).status).toBe(401);
	sim.state.setConfig({ ess: { scopes: ['expense.report.read'] } });
	expect((await ess(sim, await appToken(sim), 'GET', '/topics')).status).toBe(403);
});

test("without a topic's scope the topic list lacks it and subscribing to it is refused", async () => {
	const { sim } = ctx;
	sim.state.setConfig({ ess: { scopes: ['events.topic.read'], allowHttpEndpoints: true } });
	const t = await appToken(sim);
	expect((await ess(sim, t, 'GET', '/topics')).json).toEqual(['public.test']);
	expect((await subscribe(sim, t, 'a')).status).toBe(403);
});

test('ids: the format, taken by another app; the 5-per-app cap; HTTPS endpoints', async () => {
	const { sim } = ctx;
	const t = await appToken(sim);
	const https = { webHookConfig: { endpoint: 'https://example.com/hook' } };
	expect((await subscribe(sim, t, 'Upper_Case', https)).status).toBe(400);
	expect((await subscribe(sim, t, 'taken-by-another-app', https)).status).toBe(409);
	const http = await subscribe(sim, t, 'plain');
	expect(http.status).toBe(400);
	expect(http.json.message).toMatch(/HTTPS/);
	for (let i = 1; i <= 5; i++) expect((await subscribe(sim, t, `s${i}`, https)).status).toBe(200);
	const sixth = await subscribe(sim, t, 's6', https);
	expect(sixth.status).toBe(400);
	expect(sixth.json.message).toMatch(/maximum is 5/);
	expect((await subscribe(sim, t, 's5', https)).status).toBe(200);
});

test('the company is connected by a company-token exchange, not by the App token', async () => {
	const { sim } = ctx;
	sim.state.setConfig({ ess: { allowHttpEndpoints: true } });
	const t = await appToken(sim);
	await subscribe(sim, t, 'c');
	await control(sim, 'POST', '/ess/events', { preset: 'submitted' });
	expect(sim.state.ess.pending.size).toBe(0);
	await companyToken(sim);
	const [{ companyIds }] = (await ess(sim, t, 'GET', '/subscriptions/c')).json;
	expect(companyIds).toEqual([sim.credentials.companyUuid]);
});

test('a delivery is signed over the raw body with the key the control API publishes', async () => {
	const { sim } = ctx;
	await subscribed(sim);
	const [event] = (await control(sim, 'POST', '/ess/events', { preset: 'submitted' })).json;
	const [delivery] = await receiver.until(1);
	expect(JSON.parse(delivery.body)).toEqual(expect.objectContaining({ id: event.id }));
	expect(JSON.parse(delivery.body).facts).toEqual(
		expect.objectContaining({ previousApprovalStatus: 'A_NOTF', currentApprovalStatus: 'A_PEND' }),
	);
	const { publicKey } = (await control(sim, 'GET', '/ess/public-key')).json;
	expect(verifies(publicKey, delivery.body, delivery.headers['concur-signature'])).toBe(true);
	expect(verifies(publicKey, `${delivery.body} `, delivery.headers['concur-signature'])).toBe(
		false,
	);
	expect(delivery.headers['concur-correlationid']).toBe(event.correlationId);
});

test('the filter is a regular expression over eventType', async () => {
	const { sim } = ctx;
	await subscribed(sim, '^statusChanged$');
	await control(sim, 'POST', '/ess/events', {
		events: [{ preset: 'created' }, { preset: 'paid' }],
	});
	const [delivery] = await receiver.until(1);
	expect(JSON.parse(delivery.body).eventType).toBe('statusChanged');
	expect(sim.state.ess.stats().published).toBe(2);
});

test.each([500, 503, 401, 403, 429, 'reset'])('%s is retried until delivered', async (answer) => {
	const { sim } = ctx;
	await subscribed(sim);
	receiver.plan.push(answer, answer);
	await control(sim, 'POST', '/ess/events', { preset: 'paid' });
	const received = await receiver.until(3);
	expect(new Set(received.map((r) => r.body)).size).toBe(1);
	await waitFor(() => sim.state.ess.pending.size === 0);
	expect(sim.state.ess.stats().delivered).toBe(1);
});

test.each([400, 404, 410])('%s is not retried', async (status) => {
	const { sim } = ctx;
	await subscribed(sim);
	receiver.plan.push(status);
	await control(sim, 'POST', '/ess/events', { preset: 'paid' });
	await waitFor(() => sim.state.ess.pending.size === 0);
	expect(receiver.received).toHaveLength(1);
	expect(sim.state.ess.stats().answers).toEqual({ [status]: 1 });
});

test('retries stop at the end of the retention', async () => {
	const { sim } = ctx;
	await subscribed(sim);
	sim.state.setConfig({ ess: { retentionMs: 250, retryScheduleMs: [100] } });
	receiver.plan.push(...Array(100).fill(503));
	await control(sim, 'POST', '/ess/events', { preset: 'paid' });
	await waitFor(() => sim.state.ess.pending.size === 0);
	// Attempts at 0, 100 and 200 ms at most: the next would start after the retention.
	expect(receiver.received.length).toBeLessThanOrEqual(3);
});

test('faults: a duplicate delivery, a bad and a missing signature on the first attempt', async () => {
	const { sim } = ctx;
	await subscribed(sim);
	const { publicKey } = (await control(sim, 'GET', '/ess/public-key')).json;
	sim.state.setConfig({ ess: { duplicateNext: 1 } });
	await control(sim, 'POST', '/ess/events', { preset: 'paid' });
	const twice = await receiver.until(2);
	expect(twice[0].body).toBe(twice[1].body);
	sim.state.setConfig({ ess: { badSignatureNext: 1 } });
	receiver.plan.push(401);
	await control(sim, 'POST', '/ess/events', { preset: 'paid' });
	const [, , bad, good] = await receiver.until(4);
	expect(verifies(publicKey, bad.body, bad.headers['concur-signature'])).toBe(false);
	expect(verifies(publicKey, good.body, good.headers['concur-signature'])).toBe(true);
	sim.state.setConfig({ ess: { missingSignatureNext: 1 } });
	await control(sim, 'POST', '/ess/events', { preset: 'paid' });
	const [, , , , missing] = await receiver.until(5);
	expect(missing.headers['concur-signature']).toBeUndefined();
});

test('a receiver that refuses the connection is an I/O error, retried', async () => {
	const { sim } = ctx;
	await subscribed(sim);
	await receiver.close();
	await control(sim, 'POST', '/ess/events', { preset: 'paid' });
	await waitFor(() => sim.state.ess.attempts.length >= 2);
	expect(sim.state.ess.stats().answers.io).toBeGreaterThanOrEqual(2);
	receiver = await startReceiver();
	sim.state.ess.stop();
});

test('publish every N seconds', async () => {
	const { sim } = ctx;
	await subscribed(sim);
	await control(sim, 'POST', '/ess/publish-every', { seconds: 0.05, preset: 'submitted' });
	await receiver.until(2);
	await control(sim, 'DELETE', '/ess/publish-every');
	expect(sim.state.ess.publisher).toBeNull();
});

async function waitFor(condition) {
	while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}
