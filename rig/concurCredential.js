// The pack's credential filled in for a simulator, in the n8n-core harness's credential store: what
// the node tests and the node-level benchmark run with.
const { CredentialStore } = require('./n8nCore');
const { SapConcurApi } = require('../dist/credentials/SapConcurApi.credentials');
const { simulatorCredential } = require('./n8nRuntime');

/** A credential as an ops user would fill it in for the simulator (the one `npm start` imports). */
function credentialFor(sim, fields = {}) {
	return new CredentialStore({
		credentialClass: SapConcurApi,
		data: { ...simulatorCredential(sim, fields).data, accessToken: '' },
	});
}

module.exports = { credentialFor };
