// The local SAP Concur simulator: two data centres (two loopback listeners) sharing one state.
const http = require('node:http');
const { randomUUID } = require('node:crypto');

const { handleDelete, handleList } = require('./calloutNotifications');
const { reportAnswers } = require('./answers');
const { handleObject, isObjectPath } = require('./concurObjects');
const { handleControl } = require('./control');
const { playFault, rateLimited } = require('./faults');
const { json, readBody, send, sleep } = require('./http');
const { handleToken } = require('./oauth');
const { handleMessage, v4Error } = require('./partnerNotifications');
const { retryAfterHeader } = require('./rateLimit');
const { SimulatorState } = require('./state');
const { handleEss, isEssPath } = require('./ess/subscriptions');
const { handleReport, isReportPath } = require('./ess/reports');

const MESSAGE_PATH = /^\/notifications\/v4\/messages\/([^/]+)\/session$/;
const CALLOUT_PATH = '/api/platform/notifications/v1.0/notification';

function endpointOf(method, path) {
	if (method === 'POST' && path === '/oauth2/v0/token') return 'token';
	if (method === 'POST' && MESSAGE_PATH.test(path)) return 'messages';
	if (method === 'GET' && path === CALLOUT_PATH) return 'calloutList';
	if (method === 'DELETE' && path.startsWith(`${CALLOUT_PATH}/`)) return 'calloutDelete';
	if (method === 'GET' && isObjectPath(path)) return 'object';
	if (isEssPath(path)) return 'ess';
	if (method === 'GET' && isReportPath(path)) return 'report';
	return undefined;
}

function route(state, listener, endpoint, req, url, body, correlationId) {
	const base = state.urls[listener];
	switch (endpoint) {
		case 'token':
			return handleToken(state, listener, body);
		case 'messages':
			return handleMessage(
				state,
				decodeURIComponent(MESSAGE_PATH.exec(url.pathname)[1]),
				req.headers,
				body,
				correlationId,
			);
		case 'calloutList':
			return handleList(state, base, req.headers, url.searchParams);
		case 'object':
			return handleObject(state, req.headers, url.pathname);
		case 'ess':
			return handleEss(state, req.method, url.pathname, req.headers, body);
		case 'report':
			return handleReport(state, req.headers, url.pathname);
		default:
			return handleDelete(state, req.headers, url.pathname.slice(CALLOUT_PATH.length + 1));
	}
}

function createHandler(state, listener) {
	return async (req, res) => {
		const correlationId =
			req.headers['concur-correlationid'] || state.random.uuid?.() || randomUUID();
		try {
			const url = new URL(req.url, 'http://simulator');
			const body = await readBody(req);
			if (url.pathname.startsWith('/_sim/'))
				return send(res, handleControl(state, req.method, url.pathname, body), correlationId);
			const endpoint = endpointOf(req.method, url.pathname);
			if (!endpoint)
				return send(
					res,
					json(404, { error: `No route ${req.method} ${url.pathname}` }),
					correlationId,
				);
			state.counters.requests[endpoint]++;
			// The limiter decides on arrival; an admitted request stays in flight until it is answered.
			const limiter = state.limiter?.covers(endpoint) ? state.limiter : null;
			const admission = limiter?.take();
			if (admission && endpoint === 'messages')
				state.arrivals.push({
					correlationId,
					at: performance.timeOrigin + performance.now(),
					admitted: admission.admitted,
				});
			if (admission?.admitted) res.once('close', () => limiter.release());
			const { fixedMs, jitterMs } = state.config.latency;
			if (fixedMs || jitterMs) await sleep(fixedMs + state.random.next() * jitterMs);
			if (admission && !admission.admitted) {
				state.counters.throttled[endpoint]++;
				const { status, retryAfter } = state.config.rateLimit;
				return send(
					res,
					rateLimited(state, status, retryAfterHeader(retryAfter, state.now(), admission.waitMs)),
					correlationId,
				);
			}
			const fault = state.takeFault(endpoint);
			const early = fault ? playFault(state, fault, endpoint, req) : null;
			if (early === 'no-answer') return undefined;
			if (early) return send(res, early, correlationId);
			const answer = route(state, listener, endpoint, req, url, body, correlationId);
			// "Processed, then 504": the work above is done, the client only learns of a timeout.
			return send(
				res,
				fault ? v4Error(state, 504, 'GATEWAY_TIMEOUT', 'Gateway timeout') : answer,
				correlationId,
			);
		} catch (error) {
			return send(
				res,
				json(500, { errorMessage: `Simulator error: ${error.message}` }),
				correlationId,
			);
		}
	};
}

function listen(server, port, host) {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => resolve(server.address().port));
	});
}

/** Starts both data centres; `port: 0` picks free ports; `now` is the rate limiter's clock. */
async function startSimulator({
	port = 0,
	secondaryPort = 0,
	seed = 1,
	failedNotifications = 0,
	host = '127.0.0.1',
	now,
} = {}) {
	const state = new SimulatorState({ seed, now });
	const sockets = new Set();
	const servers = ['primary', 'secondary'].map((listener) => {
		const server = http.createServer(createHandler(state, listener));
		server.on('connection', (socket) => {
			sockets.add(socket);
			socket.on('close', () => sockets.delete(socket));
		});
		return server;
	});
	const events = reportAnswers(servers);
	state.urls.primary = `http://${host}:${await listen(servers[0], port, host)}`;
	state.urls.secondary = `http://${host}:${await listen(servers[1], secondaryPort, host)}`;
	// Seed the queue once the URLs are known, so the NotificationURIs point at this simulator.
	state.start.failedNotifications = failedNotifications;
	state.reset();
	return {
		url: state.urls.primary,
		secondaryUrl: state.urls.secondary,
		state,
		/** 'request' and 'answer' events, for tests in this process (simulator/answers.js). */
		events,
		get credentials() {
			return { ...state.credentials, allowedContextDomains: state.config.allowedContextDomains };
		},
		close: async () => {
			state.ess.stop();
			for (const socket of sockets) socket.destroy();
			await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
		},
	};
}

module.exports = { startSimulator };
