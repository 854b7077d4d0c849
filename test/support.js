// What the node tests share: a simulator per test file, and credentials pointing at it.
const { startSimulator } = require('../simulator');
const { CredentialStore } = require('./n8n');
const { SapConcurApi } = require('../dist/credentials/SapConcurApi.credentials');
const { simulatorCredential } = require('../scripts/n8nRuntime');

/**
 * Starts a simulator before the file's tests and closes it after. Before each test it starts over
 * with a new seed: a new company, so no test inherits another's tokens.
 */
function useSimulator(options = {}) {
	const holder = {};
	let seed = 7;
	beforeAll(async () => {
		holder.sim = await startSimulator({ port: 0, seed, failedNotifications: 3, ...options });
	});
	beforeEach(() => holder.sim.state.reset({ seed: ++seed }));
	afterAll(async () => holder.sim?.close());
	return holder;
}

/** A credential as an ops user would fill it in for the simulator (the one `npm start` imports). */
function credentialFor(sim, fields = {}) {
	return new CredentialStore({
		credentialClass: SapConcurApi,
		data: { ...simulatorCredential(sim, fields).data, accessToken: '' },
	});
}

/** Every secret the credential holds now or held before, to look for in outputs and errors. */
function secretsOf(store, sim) {
	return [
		sim.credentials.clientSecret,
		sim.credentials.requestToken,
		sim.credentials.refreshToken,
		store.data.accessToken,
		store.data.issuedRefreshToken,
		...store.history.flatMap((data) => [data.accessToken, data.issuedRefreshToken]),
	].filter((secret) => typeof secret === 'string' && secret.length > 8);
}

function expectNoSecrets(value, secrets) {
	const text = JSON.stringify(value, (key, v) =>
		v instanceof Error ? { message: v.message, description: v.description, context: v.context } : v,
	);
	for (const secret of secrets) expect(text).not.toContain(secret);
}

module.exports = { useSimulator, credentialFor, secretsOf, expectNoSecrets };
