// The control API under /_sim/: a thin JSON layer over the state, for tests and demos in another process.
const { json } = require('./http');
const { handleEssControl } = require('./ess/control');

function handleControl(state, method, path, body) {
	const input = body ? JSON.parse(body) : {};
	if (path.startsWith('/_sim/ess')) return handleEssControl(state, method, path, input);
	const route = `${method} ${path}`;
	switch (route) {
		case 'GET /_sim/state':
			return json(200, {
				config: state.config,
				credentials: state.credentials,
				urls: state.urls,
				queue: state.queue.length,
				faults: state.faults,
			});
		case 'PUT /_sim/config':
			try {
				return json(200, state.setConfig(input));
			} catch (error) {
				return json(400, { error: error.message });
			}
		case 'POST /_sim/reset':
			state.reset(input);
			return json(200, { credentials: state.credentials });
		case 'POST /_sim/notifications':
			return json(
				200,
				state.addNotifications(input.notifications ? input : { count: input.count ?? 1 }),
			);
		case 'GET /_sim/notifications':
			return json(200, state.listNotifications());
		case 'DELETE /_sim/notifications':
			state.clearNotifications();
			return json(200, { cleared: true });
		case 'POST /_sim/request-tokens':
			return json(200, { requestToken: state.issueRequestToken() });
		case 'POST /_sim/faults':
			for (const rule of input.rules ?? [input]) state.addFault(rule);
			return json(200, state.faults);
		case 'DELETE /_sim/faults':
			state.clearFaults();
			return json(200, []);
		case 'POST /_sim/tokens/expire':
			state.expireAccessTokens();
			return json(200, { expired: true });
		case 'POST /_sim/refresh-tokens/expire':
			state.expireRefreshTokens();
			return json(200, { expired: true });
		case 'GET /_sim/secrets':
			return json(200, { secrets: state.secrets() });
		case 'GET /_sim/stats':
			return json(200, state.stats());
		case 'POST /_sim/stats/reset':
			state.resetStats();
			return json(200, state.stats());
		default:
			return json(404, { error: `No control route ${route}` });
	}
}

module.exports = { handleControl };
