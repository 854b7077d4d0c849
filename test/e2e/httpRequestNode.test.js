// The SAP Concur credential in n8n's HTTP Request node, in a real n8n: the failed-callout example
// fetches the object a callout names, and no other host ever gets the token.
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { createInstance, itemsOf, runtime } = require('../../rig/n8nInstance');
const { openBrowser } = require('./browser');

const PORT = 5852;
const shots =
	process.env.CONCUR_SCREENSHOTS || fs.mkdtempSync(path.join(os.tmpdir(), 'concur-shots-'));
const credentials = { sapConcurApi: { id: 'concurSimulator', name: 'SAP Concur (simulator)' } };
let n8n;
let server;
let elsewhere;
const seenElsewhere = [];

/** Manual trigger → one item per URL → HTTP Request with the credential, errors as output items. */
const probeWorkflow = (urls) => ({
	id: 'concurHttpRequestProbe',
	name: 'HTTP Request probe (e2e)',
	active: false,
	settings: { executionOrder: 'v1' },
	nodes: [
		{
			id: 'p1',
			name: 'Start',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: 'p2',
			name: 'URLs',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			position: [220, 0],
			parameters: { jsCode: `return ${JSON.stringify(urls)}.map((url) => ({ json: { url } }));` },
		},
		{
			id: 'p3',
			name: 'HTTP Request',
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			position: [440, 0],
			onError: 'continueRegularOutput',
			parameters: {
				url: '={{ $json.url }}',
				authentication: 'predefinedCredentialType',
				nodeCredentialType: 'sapConcurApi',
				options: {},
			},
			credentials,
		},
	],
	connections: {
		Start: { main: [[{ node: 'URLs', type: 'main', index: 0 }]] },
		URLs: { main: [[{ node: 'HTTP Request', type: 'main', index: 0 }]] },
	},
});

beforeAll(async () => {
	elsewhere = http.createServer((req, res) => {
		seenElsewhere.push({ url: req.url, authorization: req.headers.authorization });
		res.end('{}');
	});
	await new Promise((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
	n8n = await createInstance({ port: PORT });
	const foreign = `http://127.0.0.1:${elsewhere.address().port}/api/expense/expensereport/v1.1/reportfulldetails/R1`;
	const redirected = `${n8n.sim.url}/api/expense/expensereport/v1.1/reportfulldetails/R2`;
	const probe = path.join(n8n.userFolder, 'probe.json');
	fs.writeFileSync(probe, JSON.stringify(probeWorkflow([foreign, redirected])));
	await runtime.importIntoN8n(
		n8n.userFolder,
		PORT,
		[runtime.simulatorCredential(n8n.sim)],
		[...runtime.exampleFiles(), probe],
	);
}, 600_000);
afterAll(async () => {
	await server?.stop();
	await n8n?.close();
	elsewhere?.close();
});

test("a host that is not the credential's gets no token, directly or through a redirect", async () => {
	// Two: after any error n8n renews the token and sends the request once more.
	n8n.sim.state.addFault({
		endpoint: 'object',
		kind: 'redirect',
		next: 2,
		location: `http://127.0.0.1:${elsewhere.address().port}/steal`,
	});
	const { runData } = await n8n.execute('concurHttpRequestProbe');
	const [direct, redirected] = itemsOf(runData, 'HTTP Request');
	expect(direct.json.error.message).toMatch(
		/Refused to send the SAP Concur token to http:\/\/127\.0\.0\.1:\d+: it is not one of this credential's Concur hosts/,
	);
	// The simulator got the request with the token and answered 302; n8n did not follow it.
	expect(n8n.sim.state.stats().requests.object).toBeGreaterThan(0);
	expect(seenElsewhere).toEqual([]);
	expect(JSON.stringify(redirected.json.error)).toMatch(/302/);
}, 120_000);

/** Waits until the workflow has `count` finished executions; returns them, oldest first, with their data. */
async function executions(api, workflowId, count) {
	for (let waited = 0; waited < 60_000; waited += 500) {
		const { data } = await api(
			'GET',
			`/executions?workflowId=${workflowId}&includeData=true&limit=50`,
		);
		if (data.length >= count && data.every((e) => e.status === 'success' || e.status === 'error'))
			return data.sort((a, b) => Number(a.id) - Number(b.id));
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	throw new Error(`workflow ${workflowId} did not reach ${count} executions`);
}

test('the example: a failed callout → the HTTP Request node fetches its expense report with the credential → alert', async () => {
	const { state } = n8n.sim;
	state.clearNotifications();
	const [callout] = state.addNotifications({ notifications: [{ ObjectType: 'EXPRPT' }] });
	state.resetStats();
	server = await n8n.start();
	const cookie = await runtime.ownerSession(server.url);
	const key = await runtime.apiKey(server.url, cookie);
	const api = runtime.publicApi(server.url, key);
	await api('POST', '/workflows/concurFailedCalloutFetchObject/activate');
	const [run] = await executions(api, 'concurFailedCalloutFetchObject', 1);
	await api('POST', '/workflows/concurFailedCalloutFetchObject/deactivate');
	expect(run.status).toBe('success');
	const [fetched] = itemsOf(run.data.resultData.runData, 'Fetch the object');
	expect(fetched.json).toMatchObject({
		ReportID: callout.objectUri.split('/').pop(),
		OwnerName: 'Ana Silva',
		Total: 842.5,
	});
	const [alert] = itemsOf(run.data.resultData.runData, 'Alert the team');
	expect(alert.json.alert).toBe(
		`Concur callout failed: ${callout.eventType} on "${fetched.json.ReportName}" by Ana Silva (842.5 EUR, Submitted & Pending Approval)`,
	);
	// The poll and the fetch, each with the credential's token.
	expect(state.stats().requests).toMatchObject({ calloutList: 1, object: 1 });
	expect(state.stats().authSchemes.Bearer).toBe(2);

	// The picture for the README: the credential among the node's predefined credential types.
	const { browser, page } = await openBrowser(server.url, cookie);
	try {
		await page.goto(`${server.url}/workflow/concurFailedCalloutFetchObject`);
		await page
			.locator('[data-test-id="canvas-node"][data-node-name="Fetch the object"]')
			.dblclick();
		await page.getByTestId('ndv').waitFor();
		// Offered when a user searches the predefined credential types.
		await page.getByTestId('credential-select').click();
		await page.keyboard.type('Concur');
		const offered = page.getByTestId('credential-select-option').filter({ visible: true });
		await offered.first().waitFor();
		await page.screenshot({ path: path.join(shots, 'http-request-credential-types.png') });
		expect(await offered.allTextContents()).toContain('SAP Concur API');
	} finally {
		await browser.close();
	}
}, 300_000);
