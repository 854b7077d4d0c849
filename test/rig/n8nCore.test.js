// The harness must follow n8n's own rules for credentials that fetch their token, or the
// refresh tests prove nothing. A fixture credential and node, against a loopback server.
const http = require('node:http');
const { runNode, runPoll, CredentialStore } = require('../../rig/n8nCore');

let server;
let base;
const seen = { requests: 0, tokens: 0 };
const liveToken = 'token-1';
let rejectAll = false;

beforeAll(async () => {
	server = http.createServer((req, res) => {
		if (req.url === '/token') {
			seen.tokens++;
			return res.end(JSON.stringify({ token: liveToken }));
		}
		seen.requests++;
		res.statusCode = !rejectAll && req.headers.authorization === `Bearer ${liveToken}` ? 200 : 401;
		res.end(JSON.stringify({ ok: res.statusCode === 200 }));
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	base = `http://127.0.0.1:${server.address().port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => Object.assign(seen, { requests: 0, tokens: 0 }));

class FixtureApi {
	name = 'fixtureApi';
	displayName = 'Fixture';
	properties = [
		{
			displayName: 'Token',
			name: 'token',
			type: 'hidden',
			typeOptions: { expirable: true },
			default: '',
		},
	];
	async preAuthentication() {
		const { token } = await this.helpers.httpRequest({ url: `${base}/token`, json: true });
		return { token };
	}
	async authenticate(credentials, options) {
		return { ...options, headers: { Authorization: `Bearer ${credentials.token}` } };
	}
}

class FixtureNode {
	description = {
		displayName: 'Fixture',
		name: 'fixture',
		group: ['output'],
		version: 1,
		description: '',
		defaults: { name: 'Fixture' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'fixtureApi', required: true }],
		properties: [],
	};
	async execute() {
		const items = this.getInputData();
		const out = [];
		for (let i = 0; i < items.length; i++) {
			try {
				out.push({
					json: await this.helpers.httpRequestWithAuthentication.call(this, 'fixtureApi', {
						url: `${base}/api`,
						json: true,
					}),
					pairedItem: { item: i },
				});
			} catch (error) {
				if (!this.continueOnFail()) throw error;
				out.push({ json: {}, error, pairedItem: { item: i } });
			}
		}
		return [out];
	}
}

const store = (token) => new CredentialStore({ credentialClass: FixtureApi, data: { token } });
const run = (credentials, extra = {}) =>
	runNode({ nodeClass: FixtureNode, parameters: {}, items: [{ json: {} }], credentials, ...extra });

test('an empty expirable field makes n8n call preAuthentication once and save the result', async () => {
	const credentials = store('');
	const { outputs } = await run(credentials);
	expect(outputs[0][0].json).toEqual({ ok: true });
	expect({
		...seen,
		preAuth: credentials.preAuthCalls,
		updates: credentials.updates,
		token: credentials.data.token,
	}).toEqual({ requests: 1, tokens: 1, preAuth: 1, updates: 1, token: 'token-1' });
});

test('a stored token is used without preAuthentication', async () => {
	const credentials = store('token-1');
	await run(credentials);
	expect({ ...seen, preAuth: credentials.preAuthCalls }).toEqual({
		requests: 1,
		tokens: 0,
		preAuth: 0,
	});
});

test('a 401 makes n8n-core refresh once and resend once; a second 401 is an error, not a loop', async () => {
	const credentials = store('stale');
	await run(credentials);
	expect({ ...seen, preAuth: credentials.preAuthCalls, token: credentials.data.token }).toEqual({
		requests: 2,
		tokens: 1,
		preAuth: 1,
		token: 'token-1',
	});
	Object.assign(seen, { requests: 0, tokens: 0 });
	rejectAll = true;
	const { outputs } = await run(store('stale'), { continueOnFail: true });
	rejectAll = false;
	expect(outputs[0][0].error).toBeDefined();
	expect(seen).toEqual({ requests: 2, tokens: 1 });
});

test('the error output gets failed items; pairedItem is kept', async () => {
	rejectAll = true;
	const { outputs } = await run(store('stale'), { onError: 'continueErrorOutput' });
	rejectAll = false;
	expect(outputs[0]).toEqual([]);
	expect(outputs[1][0].pairedItem).toEqual({ item: 0 });
});

class FixtureTrigger {
	description = {
		displayName: 'Fixture Trigger',
		name: 'fixtureTrigger',
		group: ['trigger'],
		version: 1,
		description: '',
		defaults: { name: 'Fixture Trigger' },
		polling: true,
		inputs: [],
		outputs: ['main'],
		properties: [],
	};
	async poll() {
		const data = this.getWorkflowStaticData('node');
		data.polls = (data.polls ?? 0) + 1;
		return data.polls % 2 === 0 ? [[{ json: { polls: data.polls } }]] : null;
	}
}

test('static data is saved only by a scheduled poll that emits; memory lives until a restart', async () => {
	const workflowState = { staticData: {} };
	const memory = {};
	const poll = (mode = 'trigger', mem = memory) =>
		runPoll({ nodeClass: FixtureTrigger, parameters: {}, mode, workflowState, memory: mem });
	expect((await poll()).result).toBeNull();
	expect(workflowState.staticData).toEqual({});
	expect((await poll()).result).toEqual([[{ json: { polls: 2 } }]]);
	expect(workflowState.staticData).toEqual({ polls: 2 });
	expect((await poll()).result).toBeNull();
	// After a restart the process starts from what was saved: 2, not 3.
	expect((await poll('trigger', {})).result).toBeNull();
	expect(workflowState.staticData).toEqual({ polls: 2 });
	await poll('manual', {});
	expect(workflowState.staticData).toEqual({ polls: 2 });
});
