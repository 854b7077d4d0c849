// The ESS subscription API (/events/v4, concur-ess.md "Subscription API"): an App token from the
// client-credentials grant, events.topic.read plus the topic's scope, ids of lowercase letters,
// digits, '.' and '-' that are unique across apps, at most 5 subscriptions per app, an HTTPS
// endpoint, and companyIds filled once the company is connected.
const { json } = require('../http');
const { TOPIC_SCOPES } = require('./events');

const ESS_PREFIX = '/events/v4/';
const ID_PATTERN = /^[a-z0-9.-]+$/;

const isEssPath = (path) => path.startsWith(ESS_PREFIX);
const message = (status, text) => json(status, { message: text });

function visibleTopics(config) {
	return Object.entries(TOPIC_SCOPES)
		.filter(([, scope]) => config.scopes.includes(scope))
		.map(([topic]) => topic);
}

function describe(state, subscription) {
	return {
		...subscription,
		scope: '',
		groups: [],
		companyIds: state.ess.companyConnected ? [state.credentials.companyUuid] : [],
	};
}

function validationError(state, input) {
	const config = state.config.ess;
	if (typeof input.id !== 'string' || !ID_PATTERN.test(input.id))
		return message(400, 'id must consist of lowercase letters, digits, "." and "-"');
	if (config.takenIds.includes(input.id))
		return message(409, `Subscription '${input.id}' belongs to another application`);
	if (!visibleTopics(config).includes(input.topic))
		return message(403, `Not authorized for topic '${input.topic}'`);
	try {
		new RegExp(input.filter ?? '');
	} catch {
		return message(400, 'filter is not a valid regular expression');
	}
	const endpoint = input.webHookConfig?.endpoint ?? '';
	let url;
	try {
		url = new URL(endpoint);
	} catch {
		return message(400, 'webHookConfig.endpoint is not a valid URL');
	}
	if (url.protocol !== 'https:' && !(config.allowHttpEndpoints && url.protocol === 'http:'))
		return message(400, 'webHookConfig.endpoint must be a public HTTPS URL');
	return undefined;
}

function save(state, appId, input) {
	const invalid = validationError(state, input);
	if (invalid) return invalid;
	const own = [...state.ess.subscriptions.values()].filter((s) => s.applicationId === appId);
	if (!state.ess.subscriptions.has(input.id) && own.length >= state.config.ess.maxSubscriptions)
		return message(
			400,
			`Application already has ${own.length} subscriptions, the maximum is ${state.config.ess.maxSubscriptions}`,
		);
	state.ess.subscriptions.set(input.id, {
		id: input.id,
		topic: input.topic,
		filter: input.filter ?? '.*',
		webHookConfig: { endpoint: input.webHookConfig.endpoint },
		applicationId: appId,
	});
	return message(200, `Subscription '${input.id}' saved successfully`);
}

/** The app the request's token was issued to, or the refusal. */
function appOf(state, headers) {
	const match = /^Bearer\s+(\S+)$/.exec(headers.authorization ?? '');
	const entry = match && state.accessTokens.get(match[1]);
	if (!entry || entry.expiresAt <= Date.now()) return { refusal: message(401, 'Invalid token') };
	if (entry.subject !== state.credentials.clientId)
		return { refusal: message(403, 'An App token (client_credentials grant) is required') };
	if (!state.config.ess.scopes.includes('events.topic.read'))
		return { refusal: message(403, 'The application lacks the scope events.topic.read') };
	return { appId: entry.subject };
}

function handleEss(state, method, path, headers, body) {
	const { appId, refusal } = appOf(state, headers);
	if (refusal) return refusal;
	const rest = path.slice(ESS_PREFIX.length);
	if (method === 'GET' && rest === 'topics') return json(200, visibleTopics(state.config.ess));
	if (method === 'PUT' && rest === 'subscriptions/webhook') {
		let input;
		try {
			input = JSON.parse(body || '{}');
		} catch {
			return message(400, 'The body is not JSON');
		}
		return save(state, appId, input);
	}
	const own = [...state.ess.subscriptions.values()].filter((s) => s.applicationId === appId);
	if (method === 'GET' && rest === 'subscriptions')
		return json(
			200,
			own.map((s) => describe(state, s)),
		);
	const id = decodeURIComponent(rest.slice('subscriptions/'.length));
	const subscription = own.find((s) => s.id === id);
	if (!rest.startsWith('subscriptions/') || !['GET', 'DELETE'].includes(method))
		return message(404, `No route ${method} ${path}`);
	if (!subscription) return message(404, `Subscription '${id}' not found`);
	if (method === 'GET') return json(200, [describe(state, subscription)]);
	state.ess.subscriptions.delete(id);
	return message(200, `Subscription '${id}' marked for deletion`);
}

module.exports = { isEssPath, handleEss, describe };
