// npm run bench:n8n: 1,000 messages to the simulator at 50 ms latency inside a real n8n, in one
// run: Concur Notify at its defaults against n8n's HTTP Request node set up for this API (a
// Header Auth credential holding a bearer token), at its defaults and with its batching option.
const fs = require('node:fs');
const path = require('node:path');
const { createInstance, itemsOf, runtime } = require('../test/e2e/instance');

const MESSAGES = 1000;
const LATENCY_MS = 50;

function workflow(id, name, sender, credentials) {
	return {
		id,
		name,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{ id: `${id}-1`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: `${id}-2`,
				name: 'Rows',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [200, 0],
				parameters: {
					jsCode: `const users = ${JSON.stringify(credentials.userIds)};\nreturn Array.from({ length: ${MESSAGES} }, (_, i) => ({ json: { userId: users[i % 3], sessionId: 'bench-' + i, url: 'https://www.example.com/trips/' + i } }));`,
				},
			},
			{ id: `${id}-3`, name: 'Send', position: [400, 0], ...sender },
		],
		connections: { Start: { main: [[{ node: 'Rows', type: 'main', index: 0 }]] }, Rows: { main: [[{ node: 'Send', type: 'main', index: 0 }]] } },
	};
}

const concurNotify = {
	type: 'n8n-nodes-sap-concur.concurNotify',
	typeVersion: 1,
	parameters: { resource: 'message', operation: 'send', userId: '={{ $json.userId }}', sessionId: '={{ $json.sessionId }}', templateId: 'bench', contextUrl: '={{ $json.url }}', options: {} },
	credentials: { sapConcurApi: { id: 'concurSimulator', name: 'SAP Concur (simulator)' } },
};

const httpRequest = (simUrl, options) => ({
	type: 'n8n-nodes-base.httpRequest',
	typeVersion: 4.2,
	parameters: {
		method: 'POST',
		url: `={{ '${simUrl}/notifications/v4/messages/' + $json.userId + '/session' }}`,
		authentication: 'genericCredentialType',
		genericAuthType: 'httpHeaderAuth',
		sendBody: true,
		specifyBody: 'json',
		jsonBody: "={{ JSON.stringify({ sessionId: $json.sessionId, templateId: 'bench', context: { url: $json.url } }) }}",
		options,
	},
	credentials: { httpHeaderAuth: { id: 'concurBearer', name: 'Concur bearer token (bench)' } },
});

async function main() {
	const n8n = await createInstance({ port: 5740 });
	try {
		const { sim } = n8n;
		// What a user of the HTTP Request node does by hand: fetch a token, paste it into Header Auth.
		const form = new URLSearchParams({ client_id: sim.credentials.clientId, client_secret: sim.credentials.clientSecret, grant_type: 'refresh_token', refresh_token: sim.credentials.refreshToken });
		const { access_token: token } = await (await fetch(`${sim.url}/oauth2/v0/token`, { method: 'POST', body: form })).json();
		const variants = [
			{ id: 'benchConcurNotify', label: 'Concur Notify (defaults)', sender: concurNotify },
			{ id: 'benchHttpDefault', label: 'HTTP Request (defaults)', sender: httpRequest(sim.url, {}) },
			{ id: 'benchHttpBatched', label: 'HTTP Request (batching: 10 per 50 ms)', sender: httpRequest(sim.url, { batching: { batch: { batchSize: 10, batchInterval: LATENCY_MS } } }) },
		];
		const files = variants.map((v) => {
			const file = path.join(n8n.userFolder, `${v.id}.json`);
			fs.writeFileSync(file, JSON.stringify(workflow(v.id, v.label, v.sender, sim.credentials)));
			return file;
		});
		const bearer = { id: 'concurBearer', name: 'Concur bearer token (bench)', type: 'httpHeaderAuth', data: { name: 'Authorization', value: `Bearer ${token}` } };
		await runtime.importIntoN8n(n8n.userFolder, n8n.port, [runtime.simulatorCredential(sim), bearer], files);
		sim.state.setConfig({ latency: { fixedMs: LATENCY_MS, jitterMs: 0 } });

		const results = [];
		for (const variant of variants) {
			sim.state.resetStats();
			const { runData } = await n8n.execute(variant.id);
			const ms = runData.Send[0].executionTime;
			const stats = sim.state.stats();
			results.push({ ...variant, ms, ok: itemsOf(runData, 'Send').length, delivered: stats.deliveries.unique, tokens: stats.requests.token + (variant.id === 'benchConcurNotify' ? 0 : 1) });
		}
		const [notify] = results;
		console.log(`\nInside n8n ${runtime.N8N_VERSION}: ${MESSAGES} messages, simulator latency ${LATENCY_MS} ms (time of the sending node)`);
		console.log('| node | time | messages/s | delivered | token requests | Concur Notify is |');
		console.log('|---|---|---|---|---|---|');
		for (const r of results) {
			const ratio = r.ms / notify.ms;
			console.log(`| ${r.label} | ${(r.ms / 1000).toFixed(1)} s | ${(MESSAGES / (r.ms / 1000)).toFixed(0)} | ${r.delivered} | ${r.tokens} | ${r === notify ? '—' : ratio >= 1 ? `${ratio.toFixed(1)}× faster` : `${(1 / ratio).toFixed(1)}× slower`} |`);
		}
	} finally {
		await n8n.close();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
