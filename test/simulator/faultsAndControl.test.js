const { request } = require('undici');
const { useSimulatorUnderTest, call, accessToken, token, companyGrant } = require('./client');

const ctx = useSimulatorUnderTest();
const LIST = '/api/platform/notifications/v1.0/notification?status=FAILED';
const send = async (sim, tokenValue) =>
	call(`${sim.url}/notifications/v4/messages/${sim.credentials.userIds[0]}/session`, {
		method: 'POST',
		headers: { authorization: `Bearer ${tokenValue}` },
		body: { sessionId: 's', templateId: 't', context: { url: 'https://www.example.com' } },
	});

test.each(['500', '502', '503', '504'])(
	'fault %s answers that status without processing',
	async (kind) => {
		const { sim } = ctx;
		const t = await accessToken(sim);
		sim.state.addFault({ endpoint: 'messages', kind, next: 1 });
		expect((await send(sim, t)).status).toBe(Number(kind));
		expect(sim.state.stats().deliveries.total).toBe(0);
		expect((await send(sim, t)).status).toBe(200);
	},
);

test('429 carries Retry-After and the rate-limit error shape', async () => {
	const { sim } = ctx;
	const t = await accessToken(sim);
	sim.state.addFault({ endpoint: 'messages', kind: '429', next: 1, retryAfter: 2 });
	const response = await send(sim, t);
	expect(response.status).toBe(429);
	expect(response.headers['retry-after']).toBe('2');
	expect(response.json.error.message).toBe('Rate limit exceeded');
});

test('503 kinds: a gateway page without Retry-After, Retry-After when the rule has one, the rate-limit body', async () => {
	const { sim } = ctx;
	const t = await accessToken(sim);
	sim.state.addFault({ endpoint: 'messages', kind: '503-page', next: 1 });
	const page = await send(sim, t);
	expect(page.status).toBe(503);
	expect(page.headers['content-type']).toBe('text/html');
	expect(page.text).toMatch(/<title>503 Service Temporarily Unavailable<\/title>/);
	expect(page.headers['retry-after']).toBeUndefined();
	sim.state.addFault({ endpoint: 'messages', kind: '503', next: 1, retryAfter: 3 });
	expect((await send(sim, t)).headers['retry-after']).toBe('3');
	sim.state.addFault({ endpoint: 'messages', kind: '503-rate-limit', next: 1 });
	const limited = await send(sim, t);
	expect([limited.status, limited.json.error.message]).toEqual([503, 'Rate limit exceeded']);
	expect(limited.headers['retry-after']).toBeUndefined();
	expect(sim.state.stats().deliveries.total).toBe(0);
});

test('"processed, then 504" delivers the message and answers 504', async () => {
	const { sim } = ctx;
	const t = await accessToken(sim);
	sim.state.addFault({ endpoint: 'messages', kind: 'processed-504', next: 1 });
	expect((await send(sim, t)).status).toBe(504);
	expect(sim.state.stats().deliveries.total).toBe(1);
});

test('reset closes the connection before any answer, nothing processed', async () => {
	const { sim } = ctx;
	const t = await accessToken(sim);
	sim.state.addFault({ endpoint: 'messages', kind: 'reset', next: 1 });
	await expect(send(sim, t)).rejects.toThrow(/other side closed|socket|reset/i);
	expect(sim.state.stats().deliveries.total).toBe(0);
});

test('hang never answers', async () => {
	const { sim } = ctx;
	const t = await accessToken(sim);
	sim.state.addFault({ endpoint: 'calloutList', kind: 'hang', next: 1 });
	await expect(
		request(`${sim.url}${LIST}`, {
			headers: { authorization: `Bearer ${t}` },
			headersTimeout: 300,
		}),
	).rejects.toThrow(/timeout/i);
});

test('malformed bodies are 200s that do not parse', async () => {
	const { sim } = ctx;
	const t = await accessToken(sim);
	sim.state.addFault({ endpoint: 'calloutList', kind: 'malformed', next: 1 });
	sim.state.addFault({ endpoint: 'token', kind: 'malformed', next: 1 });
	const listed = await call(`${sim.url}${LIST}`, { headers: { authorization: `Bearer ${t}` } });
	expect(listed.status).toBe(200);
	expect(listed.text).not.toMatch(/<\/NotificationList>$/);
	const tokenAnswer = await token(sim, companyGrant(sim));
	expect(tokenAnswer.status).toBe(200);
	expect(tokenAnswer.json).toBeUndefined();
});

test('doctype serves an XML queue that declares entities', async () => {
	const { sim } = ctx;
	const t = await accessToken(sim);
	sim.state.addFault({ endpoint: 'calloutList', kind: 'doctype', next: 1 });
	expect(
		(await call(`${sim.url}${LIST}`, { headers: { authorization: `Bearer ${t}` } })).text,
	).toMatch(/<!DOCTYPE [^>]*\[<!ENTITY/);
});

test('redirect answers 302 to the given location', async () => {
	const { sim } = ctx;
	sim.state.addFault({
		endpoint: 'calloutList',
		kind: 'redirect',
		next: 1,
		location: 'http://127.0.0.1:1/x',
	});
	const response = await call(`${sim.url}${LIST}`, {
		headers: { authorization: `Bearer ${await accessToken(sim)}` },
	});
	expect(response.status).toBe(302);
	expect(response.headers.location).toBe('http://127.0.0.1:1/x');
});

test('rates are seeded: the same seed plays the same faults', async () => {
	const { sim } = ctx;
	const pattern = async () => {
		sim.state.reset({ seed: 11 });
		const t = await accessToken(sim);
		sim.state.addFault({ endpoint: '*', kind: '503', rate: 0.5 });
		const statuses = [];
		for (let i = 0; i < 20; i++) statuses.push((await send(sim, t)).status);
		return statuses.join();
	};
	const first = await pattern();
	expect(first).toMatch(/503/);
	expect(first).toMatch(/200/);
	expect(await pattern()).toBe(first);
});

test('latency: fixed plus jitter, on Concur endpoints only', async () => {
	const { sim } = ctx;
	sim.state.setConfig({ latency: { fixedMs: 150, jitterMs: 50 } });
	const started = Date.now();
	await call(`${sim.url}/_sim/state`);
	const control = Date.now() - started;
	await token(sim, companyGrant(sim));
	const concur = Date.now() - started - control;
	expect(concur).toBeGreaterThanOrEqual(145);
	expect(control).toBeLessThan(concur);
});

test('every response carries concur-correlationid, unknown routes included', async () => {
	const { sim } = ctx;
	for (const path of ['/nowhere', '/_sim/stats', '/oauth2/v0/token']) {
		expect((await call(`${sim.url}${path}`)).headers['concur-correlationid']).toEqual(
			expect.any(String),
		);
	}
});

test('the control API drives the same state over HTTP', async () => {
	const { sim } = ctx;
	const control = (method, path, body) => call(`${sim.url}/_sim${path}`, { method, body });
	expect(
		(await control('PUT', '/config', { rotation: 'always', latency: { fixedMs: 1 } })).json,
	).toMatchObject({ rotation: 'always', latency: { fixedMs: 1, jitterMs: 0 } });
	const added = (await control('POST', '/notifications', { count: 3 })).json;
	expect(added).toHaveLength(3);
	expect((await control('GET', '/notifications')).json).toHaveLength(5);
	const { requestToken } = (await control('POST', '/request-tokens')).json;
	expect((await token(sim, companyGrant(sim, { password: requestToken }))).status).toBe(200);
	await control('POST', '/faults', { rules: [{ endpoint: 'token', kind: '503', next: 1 }] });
	expect((await token(sim, companyGrant(sim))).status).toBe(503);
	await control('POST', '/faults', { endpoint: 'token', kind: '503', next: 5 });
	await control('DELETE', '/faults');
	expect((await control('GET', '/stats')).json).toMatchObject({
		requests: { token: 2 },
		grants: { password_authtoken: 1 },
	});
	const t = await accessToken(sim);
	await control('POST', '/tokens/expire');
	expect((await send(sim, t)).status).toBe(401);
	await control('POST', '/refresh-tokens/expire');
	expect(
		(
			await token(sim, {
				client_id: sim.credentials.clientId,
				client_secret: sim.credentials.clientSecret,
				grant_type: 'refresh_token',
				refresh_token: sim.credentials.refreshToken,
			})
		).json.code,
	).toBe(108);
	await control('DELETE', '/notifications');
	expect((await control('GET', '/state')).json.queue).toBe(0);
	await control('POST', '/stats/reset');
	expect((await control('GET', '/stats')).json.requests.token).toBe(0);
	await control('POST', '/reset', {});
	expect((await control('GET', '/state')).json).toMatchObject({
		queue: 2,
		config: { rotation: 'never' },
	});
});

test('the control API lists every secret handed out, for secret scans', async () => {
	const { sim } = ctx;
	const issued = await accessToken(sim);
	const { requestToken } = (await call(`${sim.url}/_sim/request-tokens`, { method: 'POST' })).json;
	const { secrets } = (await call(`${sim.url}/_sim/secrets`)).json;
	expect(secrets).toEqual(
		expect.arrayContaining([
			sim.credentials.clientSecret,
			sim.credentials.requestToken,
			sim.credentials.refreshToken,
			requestToken,
			issued,
		]),
	);
});

test("503-page: a gateway's own HTML page, with Retry-After when the rule gives one", async () => {
	const { sim } = ctx;
	sim.state.addFault({ endpoint: 'token', kind: '503-page', next: 1, retryAfter: 3 });
	const { status, headers, text } = await call(`${sim.url}/oauth2/v0/token`, {
		method: 'POST',
		body: '',
	});
	expect([status, headers['content-type'], headers['retry-after']]).toEqual([
		503,
		'text/html',
		'3',
	]);
	expect(text).toMatch(/<title>503 Service Temporarily Unavailable<\/title>/);
});
