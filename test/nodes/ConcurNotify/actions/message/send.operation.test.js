const { useSimulatedConcur } = require('../../../../simulatedConcur');
const { credentialFor } = require('../../../../../rig/concurCredential');
const { secretsOf, expectNoSecrets } = require('../../../../secrets');
const { sendParameters, rows, send } = require('../../../../sending');

const ctx = useSimulatedConcur();

test('sends one message per item, in input order, and keeps the token it bootstrapped', async () => {
	const { sim } = ctx;
	const credentials = credentialFor(sim);
	const { outputs, error } = await send({ items: rows(5, sim), credentials });
	expect(error).toBeUndefined();
	expect(outputs[0].map((item) => [item.json.sessionId, item.pairedItem])).toEqual(
		[0, 1, 2, 3, 4].map((i) => [`session-${i}`, { item: i }]),
	);
	expect(outputs[0][0].json).toEqual({
		sent: true,
		userId: sim.credentials.userIds[0],
		sessionId: 'session-0',
		templateId: 'visa-required',
		context: { url: 'https://www.example.com/trips/0' },
		statusCode: 200,
		correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/i),
		attempts: 1,
	});
	const stats = sim.state.stats();
	expect(stats.deliveries).toMatchObject({ total: 5, unique: 5 });
	expect(stats.grants.password_authtoken).toBe(1);
	expect(stats.grants.refresh_token).toBe(0);
	expect(credentials.data.accessToken).toEqual(expect.any(String));
	expect(credentials.data.issuedRefreshToken).toEqual(expect.any(String));
	expect(credentials.data.geolocation).toBe(sim.url);

	// A second run uses the saved token: no token request at all.
	await send({ items: rows(2, sim), credentials });
	expect(sim.state.stats().grants).toMatchObject({ password_authtoken: 1, refresh_token: 0 });
});

test('additional context fields go into the message context beside the URL', async () => {
	const { sim } = ctx;
	const parameters = sendParameters({
		additionalContext: {
			field: [
				{ name: 'destination', value: 'Lisbon' },
				{ name: 'nights', value: '={{ 2 + 1 }}' },
			],
		},
	});
	const { outputs } = await send({
		items: rows(1, sim),
		parameters,
		credentials: credentialFor(sim),
	});
	expect(outputs[0][0].json.context).toEqual({
		url: 'https://www.example.com/trips/0',
		destination: 'Lisbon',
		nights: 3,
	});
	expect(sim.state.stats().messages[0].context).toEqual({
		url: 'https://www.example.com/trips/0',
		destination: 'Lisbon',
		nights: 3,
	});
});

describe('bad input is reported per item before any request', () => {
	const bad = (sim) => [
		{ json: { userId: 'not-a-uuid', sessionId: 's', url: 'https://www.example.com' } },
		{ json: { userId: sim.credentials.userIds[0], sessionId: '', url: 'https://www.example.com' } },
		{
			json: {
				userId: sim.credentials.userIds[0],
				sessionId: 's',
				url: 'http://www.example.com/plain',
			},
		},
		{ json: { userId: { id: 1 }, sessionId: 's', url: 'https://www.example.com' } },
		{ json: { userId: sim.credentials.userIds[0], sessionId: 's', url: 'not a url' } },
		{
			json: {
				userId: sim.credentials.userIds[1],
				sessionId: 'fine',
				url: 'https://www.example.com/ok',
			},
		},
	];

	test('without Continue On Fail the first bad item stops the node and nothing is sent', async () => {
		const { sim } = ctx;
		const { error } = await send({ items: bad(sim), credentials: credentialFor(sim) });
		expect(error.message).toMatch(/User ID "not-a-uuid" is not a Concur user UUID \(item 0\)/);
		expect(sim.state.stats().requests).toMatchObject({ messages: 0, token: 0 });
	});

	test('with Continue On Fail each bad item becomes an error item naming the fix, the good one is sent', async () => {
		const { sim } = ctx;
		const { outputs, error } = await send({
			items: bad(sim),
			credentials: credentialFor(sim),
			continueOnFail: true,
		});
		expect(error).toBeUndefined();
		const messages = outputs[0].map((item) => item.json.error ?? 'sent');
		expect(messages).toEqual([
			expect.stringMatching(/not a Concur user UUID \(item 0\)/),
			expect.stringMatching(/Session ID is empty \(item 1\)/),
			expect.stringMatching(/not a valid https URL \(item 2\)/),
			expect.stringMatching(/User ID must be text, but the expression gave a object \(item 3\)/),
			expect.stringMatching(/not a valid https URL \(item 4\)/),
			'sent',
		]);
		expect(outputs[0].map((item) => item.pairedItem)).toEqual(
			[0, 1, 2, 3, 4, 5].map((item) => ({ item })),
		);
		expect(sim.state.stats().deliveries.total).toBe(1);
	});

	test('an empty Template ID is named', async () => {
		const { sim } = ctx;
		const { error } = await send({
			items: rows(1, sim),
			parameters: sendParameters({ templateId: '  ' }),
			credentials: credentialFor(sim),
		});
		expect(error.message).toMatch(/Template ID is empty \(item 0\)/);
	});
});

describe("Concur's answers", () => {
	test.each(['flat', 'nested', 'both'])(
		"a 400 in the %s error shape shows Concur's own message",
		async (errorShape) => {
			const { sim } = ctx;
			sim.state.setConfig({ errorShape });
			const items = [
				{
					json: {
						userId: sim.credentials.userIds[0],
						sessionId: 's',
						url: 'https://not-approved.test/x',
					},
				},
			];
			const { error } = await send({ items, credentials: credentialFor(sim) });
			expect(error.message).toMatch(/^Sending the message failed: .*(domain|allow|approved)/i);
			expect(error.description).toMatch(/HTTP 400/);
			expect(error.description).toMatch(/correlation id [0-9a-f-]{36}/i);
			expect(error.description).toMatch(/item 0/);
		},
	);

	test('an unknown user (404) says what to check', async () => {
		const { sim } = ctx;
		const items = [
			{
				json: {
					userId: '11111111-2222-4333-8444-555555555555',
					sessionId: 's',
					url: 'https://www.example.com',
				},
			},
		];
		const { error } = await send({ items, credentials: credentialFor(sim) });
		expect(error.description).toMatch(/Concur does not know this user/);
		expect(error.description).toMatch(/HTTP 404/);
	});

	test.each([401, 403])(
		'an expired token answered %i is refreshed once and the message resent once',
		async (expiredTokenStatus) => {
			const { sim } = ctx;
			sim.state.setConfig({ expiredTokenStatus });
			const credentials = credentialFor(sim);
			await send({ items: rows(1, sim), credentials });
			sim.state.expireAccessTokens();
			sim.state.resetStats();
			const { outputs, error } = await send({
				items: rows(20, sim),
				credentials,
				parameters: sendParameters({ options: { requestsInParallel: 10 } }),
			});
			expect(error).toBeUndefined();
			expect(outputs[0]).toHaveLength(20);
			const stats = sim.state.stats();
			expect(stats.grants.refresh_token).toBe(1);
			expect(stats.deliveries).toMatchObject({ total: 20, unique: 20, duplicates: 0 });
		},
	);

	test('a token Concur keeps refusing after the refresh fails the item, with no loop', async () => {
		const { sim } = ctx;
		const credentials = credentialFor(sim, {
			authentication: 'accessToken',
			pastedAccessToken: 'a-pasted-token-that-concur-does-not-know',
		});
		const { error } = await send({ items: rows(1, sim), credentials });
		expect(error.message).toMatch(/Sending the message failed/);
		expect(error.description).toMatch(/refused the token even after a refresh/);
		expect(sim.state.stats().requests.messages).toBe(2);
	});

	test.each([
		['429', { retryAfter: 0 }],
		['503', {}],
		['reset', {}],
	])('a transient %s is retried and the message delivered once', async (kind, extra) => {
		const { sim } = ctx;
		sim.state.addFault({ endpoint: 'messages', kind, next: 2, ...extra });
		const { outputs, error } = await send({ items: rows(1, sim), credentials: credentialFor(sim) });
		expect(error).toBeUndefined();
		expect(outputs[0][0].json.attempts).toBe(3);
		expect(sim.state.stats().deliveries).toMatchObject({ total: 1, duplicates: 0 });
	});

	test('Retry-After is honoured', async () => {
		const { sim } = ctx;
		sim.state.addFault({ endpoint: 'messages', kind: '429', next: 1, retryAfter: 1 });
		const started = Date.now();
		const { outputs } = await send({ items: rows(1, sim), credentials: credentialFor(sim) });
		expect(outputs[0][0].json.attempts).toBe(2);
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
	});

	test.each([
		['a Retry-After', { kind: '503', retryAfter: 0 }],
		['the rate-limit body', { kind: '503-rate-limit' }],
	])('a 503 with %s is a throttle: retried past Max Attempts', async (_, fault) => {
		const { sim } = ctx;
		sim.state.addFault({ endpoint: 'messages', next: 2, ...fault });
		const { outputs, error } = await send({
			items: rows(1, sim),
			credentials: credentialFor(sim),
			parameters: sendParameters({ options: { maxAttempts: 2 } }),
		});
		expect(error).toBeUndefined();
		expect(outputs[0][0].json.attempts).toBe(3);
		expect(sim.state.stats().deliveries).toMatchObject({ total: 1, duplicates: 0 });
	});

	test("a 503 gateway page is no throttle: tried Max Attempts times, the error quotes the page's title", async () => {
		const { sim } = ctx;
		sim.state.addFault({ endpoint: 'messages', kind: '503-page', rate: 1 });
		const { error } = await send({
			items: rows(1, sim),
			credentials: credentialFor(sim),
			parameters: sendParameters({ options: { maxAttempts: 3 } }),
		});
		expect(error.message).toBe(
			'Sending the message failed: HTTP 503, an HTML page: 503 Service Temporarily Unavailable',
		);
		expect(error.description).toMatch(
			/"Max Attempts".*\(HTTP 503, correlation id [\w-]+, 3 attempts/,
		);
		expect(sim.state.stats().requests.messages).toBe(3);
	});

	test('with Throttled Retry Time 0, throttled retries stop at Max Attempts with an error that says what to do', async () => {
		const { sim } = ctx;
		sim.state.addFault({ endpoint: 'messages', kind: '503', rate: 1, retryAfter: 0 });
		const { error } = await send({
			items: rows(1, sim),
			credentials: credentialFor(sim),
			parameters: sendParameters({ options: { maxAttempts: 3, throttleRetrySeconds: 0 } }),
		});
		expect(error.description).toMatch(/HTTP 503.*3 attempts/);
		expect(sim.state.stats().requests.messages).toBe(3);
	});

	test.each(['500', '502', '504', 'processed-504'])(
		'an ambiguous %s is not repeated by default',
		async (kind) => {
			const { sim } = ctx;
			sim.state.addFault({ endpoint: 'messages', kind, next: 1 });
			const { error } = await send({ items: rows(1, sim), credentials: credentialFor(sim) });
			expect(error.description).toMatch(/Retry Ambiguous Failures/);
			expect(sim.state.stats().requests.messages).toBe(1);
		},
	);

	test('"processed, then 504" is repeated when the user asks, and the duplicate is theirs', async () => {
		const { sim } = ctx;
		sim.state.addFault({ endpoint: 'messages', kind: 'processed-504', next: 1 });
		const parameters = sendParameters({ options: { retryAmbiguous: true } });
		const { outputs, error } = await send({
			items: rows(1, sim),
			parameters,
			credentials: credentialFor(sim),
		});
		expect(error).toBeUndefined();
		expect(outputs[0][0].json.attempts).toBe(2);
		expect(sim.state.stats().deliveries).toMatchObject({ total: 2, unique: 1, duplicates: 1 });
	});

	test('a request with no answer times out and is not repeated by default', async () => {
		const { sim } = ctx;
		sim.state.addFault({ endpoint: 'messages', kind: 'hang', next: 1 });
		const { error } = await send({
			items: rows(1, sim),
			parameters: sendParameters({ options: { timeout: 1 } }),
			credentials: credentialFor(sim),
		});
		expect(error.description).toMatch(/No answer within 1000 ms/);
		expect(sim.state.stats().requests.messages).toBe(1);
	});
});

describe('Continue On Fail and the error output', () => {
	const mixed = (sim) => [
		...rows(2, sim),
		{
			json: {
				userId: '11111111-2222-4333-8444-555555555555',
				sessionId: 'ghost',
				url: 'https://www.example.com',
			},
		},
		...rows(2, sim, (i) => ({ sessionId: `later-${i}` })),
	];

	test('failed items become error items in place and the rest carry on', async () => {
		const { sim } = ctx;
		const { outputs } = await send({
			items: mixed(sim),
			credentials: credentialFor(sim),
			continueOnFail: true,
		});
		expect(outputs[0].map((item) => (item.json.error ? 'error' : item.json.sessionId))).toEqual([
			'session-0',
			'session-1',
			'error',
			'later-0',
			'later-1',
		]);
		expect(outputs[0][2].error).toMatchObject({
			httpCode: '404',
			context: { itemIndex: 2, correlationId: expect.any(String) },
		});
		expect(outputs[0][2].error.description).toMatch(/Concur does not know this user/);
	});

	test('with the error output, failures go to the second output', async () => {
		const { sim } = ctx;
		const { outputs } = await send({
			items: mixed(sim),
			credentials: credentialFor(sim),
			onError: 'continueErrorOutput',
		});
		expect(outputs[0].map((item) => item.json.sessionId)).toEqual([
			'session-0',
			'session-1',
			'later-0',
			'later-1',
		]);
		expect(outputs[1]).toHaveLength(1);
		expect(outputs[1][0].json.error).toMatch(/Sending the message failed/);
	});

	test('without it the node stops at the failure, after the items in flight, and says how far it got', async () => {
		const { sim } = ctx;
		const { error } = await send({
			items: mixed(sim),
			credentials: credentialFor(sim),
			parameters: sendParameters({ options: { requestsInParallel: 1 } }),
		});
		expect(error.description).toMatch(/item 2/);
		expect(error.description).toMatch(/2 of 5 items were sent before the node stopped/);
		expect(sim.state.stats().deliveries.total).toBe(2);
	});
});

test('a token that expires in the middle of a batch costs one refresh and no message', async () => {
	const { sim } = ctx;
	sim.state.setConfig({
		rotation: 'always',
		oldRefreshTokenValid: false,
		latency: { fixedMs: 5, jitterMs: 5 },
	});
	const credentials = credentialFor(sim);
	const run = send({
		items: rows(200, sim),
		credentials,
		parameters: sendParameters({ options: { requestsInParallel: 10 } }),
	});
	const expireWhenHalfway = setInterval(() => {
		if (sim.state.stats().deliveries.total >= 100) {
			sim.state.expireAccessTokens();
			clearInterval(expireWhenHalfway);
		}
	}, 2);
	const { outputs, error } = await run;
	clearInterval(expireWhenHalfway);
	expect(error).toBeUndefined();
	expect(outputs[0]).toHaveLength(200);
	const stats = sim.state.stats();
	expect(stats.grants).toMatchObject({ password_authtoken: 1, refresh_token: 1 });
	expect(stats.deliveries).toMatchObject({ total: 200, unique: 200, duplicates: 0 });
});

test('executions that start together without a token share one token request', async () => {
	const { sim } = ctx;
	// The request token is single use: a second exchange would fail with code 108. The latency
	// (the token endpoint's too) keeps all four runs waiting on the token at the same time.
	sim.state.setConfig({ latency: { fixedMs: 20, jitterMs: 0 } });
	const credentials = credentialFor(sim);
	const runs = await Promise.all(
		[0, 1, 2, 3].map((run) =>
			send({ items: rows(5, sim, (i) => ({ sessionId: `run-${run}-${i}` })), credentials }),
		),
	);
	for (const { outputs, error } of runs) {
		expect(error).toBeUndefined();
		expect(outputs[0]).toHaveLength(5);
	}
	const stats = sim.state.stats();
	expect(stats.grants).toMatchObject({ password_authtoken: 1, refresh_token: 0 });
	expect(stats.deliveries).toMatchObject({ total: 20, unique: 20, duplicates: 0 });
});

test('no secret appears in outputs or errors', async () => {
	const { sim } = ctx;
	const credentials = credentialFor(sim);
	const ok = await send({ items: rows(2, sim), credentials, continueOnFail: true });
	sim.state.setConfig({ expiredTokenStatus: 403 });
	sim.state.expireAccessTokens();
	sim.state.addFault({ endpoint: 'messages', kind: '503', rate: 1 });
	const failed = await send({
		items: rows(1, sim),
		credentials,
		parameters: sendParameters({ options: { maxAttempts: 2, throttleRetrySeconds: 0 } }),
	});
	const invalid = await send({
		items: rows(1, sim),
		credentials: credentialFor(sim, { clientSecret: 'wrong-secret-value' }),
	});
	expect(failed.error).toBeDefined();
	expect(invalid.error.message).toMatch(/Client ID or Client Secret is wrong/);
	expectNoSecrets(
		[ok.outputs, failed.error, invalid.error],
		[...secretsOf(credentials, sim), 'wrong-secret-value'],
	);
});
