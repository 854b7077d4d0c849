// Queue mode in miniature: two n8n processes share one stored credential, as queue-mode workers
// share n8n's database. Each process is its own copy of the pack's modules (so its own in-process
// token memory and single-flight); both run real n8n-core executions against the simulator.
const fs = require('node:fs');
const path = require('node:path');
const { runNode } = require('../../rig/n8nCore');
const { useSimulatedConcur } = require('../simulatedConcur');
const { credentialFor } = require('../../rig/concurCredential');
const { sendParameters, rows } = require('../sending');

const ctx = useSimulatedConcur();
jest.setTimeout(60_000);

/** The pack as a second process would load it: a copy of dist at another path is a separate module set. */
function loadProcess(name) {
	const dir = path.join(__dirname, '../../.tmp/processes', name);
	fs.rmSync(dir, { recursive: true, force: true });
	fs.cpSync(path.join(__dirname, '../../dist'), dir, { recursive: true });
	return {
		ConcurNotify: require(path.join(dir, 'nodes/ConcurNotify/ConcurNotify.node')).ConcurNotify,
		SapConcurApi: require(path.join(dir, 'credentials/SapConcurApi.credentials')).SapConcurApi,
	};
}

const processes = [loadProcess('worker-1'), loadProcess('worker-2')];

/**
 * One stored credential (the database), seen by each process through its own credential class.
 * The second process saves as n8n does, reading the stored fields and writing them back with the
 * new ones, and its write lands `saveDelayMs` later (at least a macrotask), as on a busy database:
 * the stored token can then be older than the one a process holds in memory, and a save can put
 * back a refresh token the other process's newer save had replaced.
 */
function sharedCredential(sim, saveDelayMs = 0) {
	const database = credentialFor(sim);
	return processes.map(({ SapConcurApi }, worker) => {
		const view = Object.create(database);
		view.type = new SapConcurApi();
		Object.defineProperty(view, 'data', {
			get: () => database.data,
			set: (data) => (database.data = data),
		});
		if (worker === 1) {
			view.saveOutput = (output) => {
				const stored = { ...database.data };
				setTimeout(() => database.save({ ...stored, ...output }), saveDelayMs);
			};
		}
		return view;
	});
}

let batch = 0;
/** One execution of 5 messages on process `worker`, with unique session ids. */
async function execute(sim, credentials, worker) {
	const first = batch++ * 5;
	const items = rows(5, sim, (i) => ({ sessionId: `session-${first + i}` }));
	const { ConcurNotify } = processes[worker];
	return await runNode({
		nodeClass: ConcurNotify,
		parameters: sendParameters(),
		items,
		credentials: credentials[worker],
		nodeName: 'Concur Notify',
	});
}

function expectAllDelivered(sim, runs) {
	expect(runs.map((run) => run.error?.message).filter(Boolean)).toEqual([]);
	expect(sim.state.stats().deliveries).toMatchObject({
		total: runs.length * 5,
		unique: runs.length * 5,
		duplicates: 0,
	});
}

beforeEach(() => {
	batch = 0;
});

test('rotating refresh tokens, one execution at a time on alternating processes, token expired before each', async () => {
	const { sim } = ctx;
	sim.state.setConfig({ rotation: 'always', oldRefreshTokenValid: false });
	const credentials = sharedCredential(sim);
	const runs = [];
	for (let i = 0; i < 8; i++) {
		sim.state.expireAccessTokens();
		runs.push(await execute(sim, credentials, i % 2));
	}
	expectAllDelivered(sim, runs);
	// One request-token exchange, then one refresh per expiry after the first.
	expect(sim.state.stats().grants).toMatchObject({ password_authtoken: 1, refresh_token: 7 });
});

test.each([
	['always', false],
	['sometimes', false],
	['always', true],
])(
	'rotation %s (old refresh token valid: %s): executions on both processes at once after each expiry',
	async (rotation, oldRefreshTokenValid) => {
		const { sim } = ctx;
		sim.state.setConfig({ rotation, oldRefreshTokenValid, latency: { fixedMs: 5, jitterMs: 5 } });
		const credentials = sharedCredential(sim, 10);
		const runs = [];
		for (let round = 0; round < 5; round++) {
			sim.state.expireAccessTokens();
			runs.push(
				...(await Promise.all(
					[0, 1, 0, 1, 0, 1].map((worker) => execute(sim, credentials, worker)),
				)),
			);
		}
		expectAllDelivered(sim, runs);
		// At most one token per process per expiry.
		expect(
			sim.state.stats().grants.refresh_token + sim.state.stats().grants.password_authtoken,
		).toBeLessThanOrEqual(5 * 2);
	},
);

test('cold start: a fresh credential, executions on both processes at once; one exchange of the single-use request token wins', async () => {
	const { sim } = ctx;
	sim.state.setConfig({ latency: { fixedMs: 20, jitterMs: 0 } });
	const credentials = sharedCredential(sim);
	const runs = await Promise.all(
		[0, 1, 0, 1, 0, 1].map((worker) => execute(sim, credentials, worker)),
	);
	expectAllDelivered(sim, runs);
	expect(sim.state.stats().grants.password_authtoken).toBe(1);
});

test('rotation never, tokens revoked early by the server: every process refreshes instead of resending the revoked token', async () => {
	const { sim } = ctx;
	// The late saves make the stored token older than the newest one a process holds in memory:
	// that one was revoked too, so it must not be handed back.
	sim.state.setConfig({ rotation: 'never', latency: { fixedMs: 2, jitterMs: 20 } });
	const credentials = sharedCredential(sim, 30);
	const runs = [await execute(sim, credentials, 0), await execute(sim, credentials, 1)];
	for (let round = 0; round < 8; round++) {
		sim.state.expireAccessTokens();
		runs.push(
			...(await Promise.all([0, 1, 0, 1].map((worker) => execute(sim, credentials, worker)))),
		);
	}
	expectAllDelivered(sim, runs);
});

test('a refresh token that is really dead still fails, after a short wait, with advice that is true', async () => {
	const { sim } = ctx;
	const credentials = sharedCredential(sim);
	await execute(sim, credentials, 0);
	sim.state.expireAccessTokens();
	sim.state.expireRefreshTokens();
	const { error } = await execute(sim, credentials, 1);
	expect(error.message).toMatch(
		/expired or was revoked, and no other n8n process saved a newer one/,
	);
});
