// The ESS part of the control API (/_sim/ess/...): publish events, publish every N seconds, read the
// public key a node verifies with, connect the company, and read the counters.
const { json } = require('../http');
const { publish, publishEvery } = require('./delivery');

function handleEssControl(state, method, path, input) {
	const route = `${method} ${path}`;
	switch (route) {
		case 'GET /_sim/ess':
			return json(200, state.ess.stats());
		case 'GET /_sim/ess/attempts':
			return json(200, state.ess.attempts);
		case 'GET /_sim/ess/public-key':
			return json(200, { publicKey: state.ess.keys.publicKeyPem });
		case 'POST /_sim/ess/events':
			try {
				return json(200, publish(state, input));
			} catch (error) {
				return json(400, { error: error.message });
			}
		case 'POST /_sim/ess/publish-every':
			publishEvery(state, Number(input.seconds) || 10, input);
			return json(200, { every: Number(input.seconds) || 10 });
		case 'DELETE /_sim/ess/publish-every':
			clearInterval(state.ess.publisher);
			state.ess.publisher = null;
			return json(200, { stopped: true });
		case 'POST /_sim/ess/connect-company':
			state.ess.companyConnected = true;
			return json(200, { companyConnected: true });
		default:
			return json(404, { error: `No control route ${route}` });
	}
}

module.exports = { handleEssControl };
