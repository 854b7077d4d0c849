// undici helpers for the simulator's own tests: a simulator per test file, reset before each test.
const { request } = require('undici');
const { startSimulator } = require('../../simulator');

function useSimulatorUnderTest(options = {}) {
	const holder = {};
	beforeAll(async () => {
		holder.sim = await startSimulator({ port: 0, seed: 3, failedNotifications: 2, ...options });
	});
	beforeEach(() => holder.sim.state.reset());
	afterAll(async () => holder.sim?.close());
	return holder;
}

async function call(url, { method = 'GET', headers = {}, body, form } = {}) {
	const payload = form
		? new URLSearchParams(form).toString()
		: body === undefined
			? undefined
			: typeof body === 'string'
				? body
				: JSON.stringify(body);
	const contentType = form
		? { 'content-type': 'application/x-www-form-urlencoded' }
		: body === undefined
			? {}
			: { 'content-type': 'application/json' };
	const response = await request(url, {
		method,
		headers: { ...contentType, ...headers },
		body: payload,
	});
	const text = await response.body.text();
	let json;
	try {
		json = text ? JSON.parse(text) : undefined;
	} catch {
		json = undefined;
	}
	return { status: response.statusCode, headers: response.headers, text, json };
}

const companyGrant = (sim, extra = {}) => ({
	client_id: sim.credentials.clientId,
	client_secret: sim.credentials.clientSecret,
	grant_type: 'password',
	username: sim.credentials.companyUuid,
	password: sim.credentials.requestToken,
	credtype: 'authtoken',
	...extra,
});

const token = (sim, form, base = sim.url) =>
	call(`${base}/oauth2/v0/token`, { method: 'POST', form });

/** A fresh company access token, through the refresh grant (the request token is single use). */
async function accessToken(sim) {
	const form = {
		client_id: sim.credentials.clientId,
		client_secret: sim.credentials.clientSecret,
		grant_type: 'refresh_token',
		refresh_token: sim.credentials.refreshToken,
	};
	const { json } = await token(sim, form);
	return json.access_token;
}

module.exports = { useSimulatorUnderTest, call, token, companyGrant, accessToken };
