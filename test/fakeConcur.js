// A real HTTP server standing in for Concur where the simulator has no switch for the answer a
// test needs (a bare JSON object, character references, a gateway's HTML page). The credential
// uses a pasted access token, so no token endpoint is involved.
const http = require('node:http');
const { CredentialStore } = require('../rig/n8nCore');
const { SapConcurApi } = require('../dist/credentials/SapConcurApi.credentials');

/** Starts the server; `answer(request, count)` returns `{ status, body, headers }` per request. */
async function startFakeConcur(answer) {
	const requests = [];
	const server = http.createServer((req, res) => {
		requests.push({ method: req.method, url: req.url, headers: req.headers });
		const { status = 200, body = '', headers = {} } = answer(req, requests.length);
		res.writeHead(status, headers).end(body);
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${server.address().port}`;
	return {
		url,
		requests,
		credentials: () =>
			new CredentialStore({
				credentialClass: SapConcurApi,
				data: {
					authentication: 'accessToken',
					pastedAccessToken: 'fake-concur-access-token',
					dataCenter: 'custom',
					baseUrl: url,
					calloutAuthScheme: 'Bearer',
					calloutHost: 'geolocation',
					accessToken: '',
				},
			}),
		close: () => new Promise((resolve) => server.close(resolve)),
	};
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };
const XML_HEADERS = { 'content-type': 'application/xml; charset=utf-8' };

module.exports = { startFakeConcur, JSON_HEADERS, XML_HEADERS };
