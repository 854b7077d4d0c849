// The secret scans of the node and credential tests: nothing a credential holds may reach an
// output or an error.

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

module.exports = { secretsOf, expectNoSecrets };
