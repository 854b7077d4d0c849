const { useSimulatorUnderTest, call, accessToken } = require('./client');

const ctx = useSimulatorUnderTest();
const send = async (sim, { userId = sim.credentials.userIds[0], body, token, headers = {} } = {}) =>
	call(`${sim.url}/notifications/v4/messages/${userId}/session`, {
		method: 'POST',
		headers: { authorization: `Bearer ${token ?? (await accessToken(sim))}`, ...headers },
		body: body ?? {
			sessionId: 's-1',
			templateId: 't-1',
			context: { url: 'https://www.example.com/a' },
		},
	});

test('200 with no body, correlation id echoed, the delivery recorded', async () => {
	const { sim } = ctx;
	const response = await send(sim, { headers: { 'concur-correlationid': 'my-id' } });
	expect(response).toMatchObject({ status: 200, text: '' });
	expect(response.headers['concur-correlationid']).toBe('my-id');
	expect(sim.state.stats().messages).toEqual([
		{
			userId: sim.credentials.userIds[0],
			sessionId: 's-1',
			templateId: 't-1',
			context: { url: 'https://www.example.com/a' },
			correlationId: 'my-id',
			receivedAt: expect.any(Number),
		},
	]);
});

test('the same message twice is counted as a duplicate', async () => {
	const { sim } = ctx;
	const token = await accessToken(sim);
	await send(sim, { token });
	await send(sim, { token });
	await send(sim, {
		token,
		body: { sessionId: 's-2', templateId: 't-1', context: { url: 'https://www.example.com/a' } },
	});
	expect(sim.state.stats().deliveries).toEqual({ total: 3, unique: 2, duplicates: 1 });
});

test.each([401, 403])('a missing or expired token is answered %i', async (expiredTokenStatus) => {
	const { sim } = ctx;
	sim.state.setConfig({ expiredTokenStatus });
	const token = await accessToken(sim);
	sim.state.expireAccessTokens();
	expect((await send(sim, { token })).status).toBe(expiredTokenStatus);
	expect((await send(sim, { token: 'nonsense' })).status).toBe(expiredTokenStatus);
});

test.each([
	['a userId that is no UUID', { userId: 'abc' }, 400],
	['an unknown user', { userId: '11111111-2222-4333-8444-555555555555' }, 404],
	['no sessionId', { body: { templateId: 't', context: { url: 'https://www.example.com' } } }, 400],
	[
		'an empty templateId',
		{ body: { sessionId: 's', templateId: ' ', context: { url: 'https://www.example.com' } } },
		400,
	],
	['no context (the swagger requires it)', { body: { sessionId: 's', templateId: 't' } }, 400],
	[
		'a context URL off the approved list',
		{ body: { sessionId: 's', templateId: 't', context: { url: 'https://evil.test' } } },
		400,
	],
	[
		'a context URL that is no URL',
		{ body: { sessionId: 's', templateId: 't', context: { url: 'nope' } } },
		400,
	],
	['a body that is no JSON', { body: '{' }, 400],
])('%s is refused', async (_, request, status) => {
	const { sim } = ctx;
	const response = await send(sim, request);
	expect(response.status).toBe(status);
	expect(sim.state.stats().deliveries.total).toBe(0);
});

test('context is optional when the page is followed instead of the swagger; subdomains of approved domains pass', async () => {
	const { sim } = ctx;
	sim.state.setConfig({ contextRequired: false });
	expect((await send(sim, { body: { sessionId: 's', templateId: 't' } })).status).toBe(200);
	expect(
		(
			await send(sim, {
				body: {
					sessionId: 's',
					templateId: 't',
					context: { url: 'https://deep.sub.concur.com/x' },
				},
			})
		).status,
	).toBe(200);
});

test.each([
	['flat', (b) => b.errorMessage && !b.errors],
	['nested', (b) => !b.errorMessage && b.errors[0].errorMessage],
	['both', (b) => b.errorMessage && b.errors[0].errorMessage],
])('error shape %s', async (errorShape, check) => {
	const { sim } = ctx;
	sim.state.setConfig({ errorShape });
	const { json } = await send(sim, { userId: 'abc' });
	expect(check(json)).toBeTruthy();
});
