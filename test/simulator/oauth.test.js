const { useSimulatorUnderTest, token, companyGrant, call } = require('./client');

const ctx = useSimulatorUnderTest();
const refreshGrant = (sim, refresh_token) => ({
	client_id: sim.credentials.clientId,
	client_secret: sim.credentials.clientSecret,
	grant_type: 'refresh_token',
	refresh_token,
});

test('company request token: a JWT-looking token, a refresh token, string expires_in, epoch refresh_expires_in, geolocation', async () => {
	const { sim } = ctx;
	const { status, json, headers } = await token(sim, companyGrant(sim));
	expect(status).toBe(200);
	expect(headers['concur-correlationid']).toMatch(/^[0-9a-f-]{36}$/);
	expect(json.access_token.split('.')).toHaveLength(3);
	expect(json).toMatchObject({
		token_type: 'Bearer',
		expires_in: '3600',
		geolocation: sim.url,
		refresh_token: expect.any(String),
	});
	expect(Number(json.refresh_expires_in)).toBeGreaterThan(Date.now() / 1000 + 3600 * 24 * 100);
	expect(json.scope.split(' ')).toContain('notifications.messages.writeonly');
	expect(sim.state.stats().grants.password_authtoken).toBe(1);
});

test('a request token is single use', async () => {
	const { sim } = ctx;
	await token(sim, companyGrant(sim));
	const again = await token(sim, companyGrant(sim));
	expect(again.status).toBe(400);
	expect(again.json).toMatchObject({ error: 'invalid_grant', code: 108 });
	expect((await token(sim, companyGrant(sim, { password: 'never-issued' }))).json.code).toBe(136);
	expect(
		(await token(sim, companyGrant(sim, { password: sim.state.issueRequestToken() }))).status,
	).toBe(200);
});

test('refresh token, client credentials and user password grants', async () => {
	const { sim } = ctx;
	expect(
		(await token(sim, refreshGrant(sim, sim.credentials.refreshToken))).json.refresh_token,
	).toBe(sim.credentials.refreshToken);
	const app = await token(sim, {
		client_id: sim.credentials.clientId,
		client_secret: sim.credentials.clientSecret,
		grant_type: 'client_credentials',
	});
	expect(app.status).toBe(200);
	expect(app.json.refresh_token).toBeUndefined();
	const user = await token(sim, {
		client_id: sim.credentials.clientId,
		client_secret: sim.credentials.clientSecret,
		grant_type: 'password',
		username: 'someone',
		password: 'sim-user-password',
	});
	expect(user.status).toBe(200);
	expect(sim.state.stats().grants).toMatchObject({
		refresh_token: 1,
		client_credentials: 1,
		password: 1,
	});
});

test.each([
	['always', false, [true, true], false],
	['always', true, [true, true], true],
	['never', false, [false, false], true],
	['sometimes', false, [false, true], false],
])(
	'rotation %s, old token valid %s',
	async (rotation, oldRefreshTokenValid, rotatedPerRefresh, oldStillWorks) => {
		const { sim } = ctx;
		sim.state.setConfig({ rotation, oldRefreshTokenValid });
		let current = sim.credentials.refreshToken;
		const first = current;
		for (const rotated of rotatedPerRefresh) {
			const { json } = await token(sim, refreshGrant(sim, current));
			expect(json.refresh_token !== current).toBe(rotated);
			current = json.refresh_token;
		}
		if (current !== first)
			expect((await token(sim, refreshGrant(sim, first))).status === 200).toBe(oldStillWorks);
	},
);

test.each([
	['plain', (url) => url],
	['withPath', (url) => `${url}/oauth2/v0/token`],
	['trailingSlash', (url) => `${url}/`],
])('geolocation %s', async (geolocation, expected) => {
	const { sim } = ctx;
	sim.state.setConfig({ geolocation });
	expect((await token(sim, companyGrant(sim))).json.geolocation).toBe(expected(sim.url));
});

test('expires_in as a number, shortened lifetimes, and tokens expired on demand', async () => {
	const { sim } = ctx;
	sim.state.setConfig({ expiresInType: 'number', accessTokenTtlSeconds: 60 });
	const { json } = await token(sim, companyGrant(sim));
	expect(json.expires_in).toBe(60);
	expect(typeof json.refresh_expires_in).toBe('number');
	const list = () =>
		call(`${sim.url}/api/platform/notifications/v1.0/notification?status=FAILED`, {
			headers: { authorization: `Bearer ${json.access_token}` },
		});
	expect((await list()).status).toBe(200);
	sim.state.expireAccessTokens();
	expect((await list()).status).toBe(401);
	sim.state.expireRefreshTokens();
	expect((await token(sim, refreshGrant(sim, json.refresh_token))).json.code).toBe(108);
});

test('wrong data centre: code 16 with the geolocation of the company', async () => {
	const { sim } = ctx;
	const wrong = await token(sim, companyGrant(sim), sim.secondaryUrl);
	expect(wrong.json).toMatchObject({ code: 16, geolocation: sim.url });
	sim.state.setConfig({ companyDataCentre: 'secondary' });
	expect((await token(sim, companyGrant(sim))).json).toMatchObject({
		code: 16,
		geolocation: sim.secondaryUrl,
	});
	expect((await token(sim, companyGrant(sim), sim.secondaryUrl)).json.geolocation).toBe(
		sim.secondaryUrl,
	);
});

test.each([
	[{ client_id: undefined }, 62],
	[{ client_secret: undefined }, 63],
	[{ grant_type: undefined }, 65],
	[{ client_secret: 'wrong' }, 5],
	[{ grant_type: 'refresh_token', refresh_token: undefined }, 106],
	[{ grant_type: 'refresh_token', refresh_token: 'unknown' }, 108],
])('error %p gives code %i', async (change, code) => {
	const { sim } = ctx;
	const form = Object.fromEntries(
		Object.entries({ ...companyGrant(sim), ...change }).filter(([, v]) => v !== undefined),
	);
	const { status, json } = await token(sim, form);
	expect(status).toBe(400);
	expect(json).toMatchObject({
		code,
		error: expect.any(String),
		error_description: expect.any(String),
	});
});

test('an app without the scope gets code 54', async () => {
	const { sim } = ctx;
	sim.state.setConfig({ scopeMissing: true });
	expect((await token(sim, companyGrant(sim))).json.code).toBe(54);
});

test('maintenance (134) and the 403 variant of token errors', async () => {
	const { sim } = ctx;
	sim.state.setConfig({ maintenance: true, tokenErrorStatus: 403 });
	const { status, json } = await token(sim, companyGrant(sim));
	expect(status).toBe(403);
	expect(json.code).toBe(134);
});

test('tokenErrorCode off: OAuth errors carry only error and error_description', async () => {
	const { sim } = ctx;
	sim.state.setConfig({ tokenErrorCode: false });
	await token(sim, companyGrant(sim));
	const { status, json } = await token(sim, companyGrant(sim));
	expect(status).toBe(400);
	expect(json).toEqual({
		error: 'invalid_grant',
		error_description: 'The request token is expired or was already used',
	});
});
