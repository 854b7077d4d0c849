const { request } = require('undici');
const { runNode } = require('../../rig/n8nCore');
const { ConcurNotify } = require('../../dist/nodes/ConcurNotify/ConcurNotify.node');
const { SapConcurApi } = require('../../dist/credentials/SapConcurApi.credentials');
const { useSimulatedConcur } = require('../simulatedConcur');
const { credentialFor } = require('../../rig/concurCredential');
const { secretsOf, expectNoSecrets } = require('../secrets');

const ctx = useSimulatedConcur({ failedNotifications: 2 });
// A grant Concur refuses as used or expired waits up to 5 s for a newer token that another n8n
// process may be saving, before it fails.
jest.setTimeout(30_000);

const listQueue = (credentials) =>
	runNode({
		nodeClass: ConcurNotify,
		parameters: { resource: 'failedNotification', operation: 'getAll', returnAll: true },
		items: [{ json: {} }],
		credentials,
		nodeName: 'Concur Notify',
	});

describe('authentication types', () => {
	test('company request token: exchanged once, then refreshed with the refresh token it gave', async () => {
		const { sim } = ctx;
		const credentials = credentialFor(sim);
		expect((await listQueue(credentials)).outputs[0]).toHaveLength(2);
		credentials.data.accessToken = '';
		expect((await listQueue(credentials)).outputs[0]).toHaveLength(2);
		expect(sim.state.stats().grants).toMatchObject({ password_authtoken: 1, refresh_token: 1 });
	});

	test('refresh token', async () => {
		const { sim } = ctx;
		const credentials = credentialFor(sim, {
			authentication: 'refreshToken',
			refreshToken: sim.credentials.refreshToken,
		});
		expect((await listQueue(credentials)).outputs[0]).toHaveLength(2);
		expect(sim.state.stats().grants).toMatchObject({ refresh_token: 1, password_authtoken: 0 });
	});

	test('client credentials', async () => {
		const { sim } = ctx;
		const credentials = credentialFor(sim, { authentication: 'clientCredentials' });
		expect((await listQueue(credentials)).outputs[0]).toHaveLength(2);
		expect(sim.state.stats().grants).toMatchObject({ client_credentials: 1 });
		expect(credentials.data.issuedRefreshToken ?? '').toBe('');
	});

	test('a pasted access token is used as is', async () => {
		const { sim } = ctx;
		const token = await (async () => {
			const bootstrap = credentialFor(sim);
			await listQueue(bootstrap);
			return bootstrap.data.accessToken;
		})();
		sim.state.resetStats();
		const credentials = credentialFor(sim, {
			authentication: 'accessToken',
			pastedAccessToken: token,
		});
		expect((await listQueue(credentials)).outputs[0]).toHaveLength(2);
		expect(sim.state.stats().requests.token).toBe(0);
	});
});

describe('rotation, geolocation and lifetimes', () => {
	test.each([
		['always', false],
		['always', true],
		['sometimes', false],
	])(
		'rotation %s (old token still valid: %s): the newest refresh token is always kept and used',
		async (rotation, oldRefreshTokenValid) => {
			const { sim } = ctx;
			sim.state.setConfig({ rotation, oldRefreshTokenValid });
			const credentials = credentialFor(sim, {
				authentication: 'refreshToken',
				refreshToken: sim.credentials.refreshToken,
			});
			const seen = new Set();
			for (let run = 0; run < 4; run++) {
				credentials.data.accessToken = '';
				const { error } = await listQueue(credentials);
				expect(error).toBeUndefined();
				seen.add(credentials.data.issuedRefreshToken);
			}
			expect(sim.state.stats().grants.refresh_token).toBe(4);
			expect(seen.size).toBeGreaterThan(1);
		},
	);

	test.each(['plain', 'withPath', 'trailingSlash'])(
		'geolocation %s is kept as scheme and host only',
		async (geolocation) => {
			const { sim } = ctx;
			sim.state.setConfig({ geolocation });
			const credentials = credentialFor(sim);
			await listQueue(credentials);
			expect(credentials.data.geolocation).toBe(sim.url);
		},
	);

	test('a company in the other data centre: code 16 is followed once, and every call goes there', async () => {
		const { sim } = ctx;
		const credentials = credentialFor(sim, { baseUrl: sim.secondaryUrl });
		const { outputs, error } = await listQueue(credentials);
		expect(error).toBeUndefined();
		expect(outputs[0]).toHaveLength(2);
		expect(credentials.data.geolocation).toBe(sim.url);
		expect(outputs[0][0].json.uri.startsWith(sim.url)).toBe(true);
	});

	test.each(['string', 'number'])(
		'expires_in as a %s gives a future expiry',
		async (expiresInType) => {
			const { sim } = ctx;
			sim.state.setConfig({ expiresInType });
			const credentials = credentialFor(sim);
			await listQueue(credentials);
			expect(credentials.data.expiresAt).toBeGreaterThan(Date.now() + 3_000_000);
		},
	);
});

describe('failures a user can act on', () => {
	const failureOf = async (credentials) => {
		const { error } = await listQueue(credentials);
		expect(error).toBeDefined();
		return `${error.message} ${error.description ?? ''}`;
	};

	test('wrong client secret', async () => {
		const { sim } = ctx;
		expect(await failureOf(credentialFor(sim, { clientSecret: 'not-the-secret' }))).toMatch(
			/Client ID or Client Secret is wrong.*Concur code 5/,
		);
	});

	/** Another tool exchanges the request token first, as happens when one is pasted in two places. */
	const spendRequestToken = async (sim) => {
		const form = {
			client_id: sim.credentials.clientId,
			client_secret: sim.credentials.clientSecret,
			grant_type: 'password',
			username: sim.credentials.companyUuid,
			password: sim.credentials.requestToken,
			credtype: 'authtoken',
		};
		const { statusCode } = await request(`${sim.url}/oauth2/v0/token`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams(form).toString(),
		});
		expect(statusCode).toBe(200);
	};

	test('a request token already used asks for a new one', async () => {
		const { sim } = ctx;
		await spendRequestToken(sim);
		expect(await failureOf(credentialFor(sim))).toMatch(
			/request token is invalid, expired .* or already used\. Generate a new company request token/,
		);
	});

	test('a dead refresh token asks for a new request token, and pasting one works', async () => {
		const { sim } = ctx;
		const credentials = credentialFor(sim);
		await listQueue(credentials);
		sim.state.expireRefreshTokens();
		credentials.data.accessToken = '';
		expect(await failureOf(credentials)).toMatch(
			/refresh token this credential got .* has expired or was revoked.*Generate a new company request token.*Concur code 108/,
		);
		credentials.data.requestToken = sim.state.issueRequestToken();
		credentials.data.accessToken = '';
		expect((await listQueue(credentials)).error).toBeUndefined();
	});

	test('an app without the notifications scope', async () => {
		const { sim } = ctx;
		sim.state.setConfig({ scopeMissing: true });
		expect(await failureOf(credentialFor(sim))).toMatch(
			/not allowed the scope.*notifications\.messages\.writeonly.*Concur code 54/,
		);
	});

	test('company under maintenance', async () => {
		const { sim } = ctx;
		sim.state.setConfig({ maintenance: true });
		expect(await failureOf(credentialFor(sim))).toMatch(/under maintenance.*Concur code 134/);
	});

	test('unreachable data centre', async () => {
		expect(await failureOf(credentialFor(ctx.sim, { baseUrl: 'http://127.0.0.1:9' }))).toMatch(
			/Could not reach SAP Concur at http:\/\/127.0.0.1:9 to get a token: the connection was refused/,
		);
	});

	test('no secret in any of these errors', async () => {
		const { sim } = ctx;
		const credentials = credentialFor(sim);
		await spendRequestToken(sim);
		const errors = [
			await failureOf(credentials),
			await failureOf(credentialFor(sim, { clientSecret: 'not-the-secret' })),
		];
		expectNoSecrets(errors, [...secretsOf(credentials, sim), 'not-the-secret']);
	});
});

test('a redirect is not followed: the other host never sees the token', async () => {
	const { sim } = ctx;
	const seen = [];
	const elsewhere = require('node:http').createServer((req, res) => {
		seen.push(req.headers.authorization);
		res.end('[]');
	});
	await new Promise((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
	try {
		sim.state.addFault({
			endpoint: 'calloutList',
			kind: 'redirect',
			next: 1,
			location: `http://127.0.0.1:${elsewhere.address().port}/steal`,
		});
		const { error } = await listQueue(credentialFor(sim));
		expect(error.description).toMatch(/redirect, which is not followed.*HTTP 302/);
		expect(seen).toEqual([]);
	} finally {
		elsewhere.close();
	}
});

describe('where the token goes', () => {
	const credential = new SapConcurApi();
	const data = {
		dataCenter: 'https://us2.api.concursolutions.com',
		geolocation: 'https://eu2.api.concursolutions.com',
		accessToken: 'T',
		calloutAuthScheme: 'OAuth',
	};

	test.each([
		'https://eu2.api.concursolutions.com/x',
		'https://www-eu2.api.concursolutions.com/x',
		'https://us2.api.concursolutions.com/x',
		'https://www.concursolutions.com/api/platform/notifications/v1.0/notification/a',
	])('to %s', async (url) => {
		const options = await credential.authenticate(data, { url });
		expect(options.headers.Authorization).toMatch(/^(Bearer|OAuth) T$/);
		expect(options.disableFollowRedirect).toBe(true);
	});

	test.each([
		'https://evil.example.com/x',
		'http://eu2.api.concursolutions.com/x',
		'https://eu2.api.concursolutions.com.evil.example/x',
	])('never to %s', async (url) => {
		await expect(credential.authenticate(data, { url })).rejects.toThrow(
			/Refused to send the SAP Concur token/,
		);
	});

	test('relative requests go to the geolocation; the callout API gets the chosen scheme and host', async () => {
		expect(
			await credential.authenticate(data, { url: '/notifications/v4/messages/u/session' }),
		).toMatchObject({
			baseURL: 'https://eu2.api.concursolutions.com',
			headers: { Authorization: 'Bearer T' },
		});
		expect(
			await credential.authenticate(
				{ ...data, calloutHost: 'legacy' },
				{ url: '/api/platform/notifications/v1.0/notification' },
			),
		).toMatchObject({
			baseURL: 'https://www.concursolutions.com',
			headers: { Authorization: 'OAuth T' },
		});
	});
});
