// The pack installed the way users install it: published with `npm publish` to a real registry
// (Verdaccio on loopback answering as registry.npmjs.org, see installRegistry.js), installed by the
// owner from Settings → Community Nodes in Chromium, a workflow with the installed nodes run against
// the simulator; then 0.1.1 published, the package updated from the same screen, and the saved
// workflow run again. Screenshots go to .tmp/screenshots (`npm run screenshots`: docs/screenshots).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startSimulator } = require('../../simulator');
const { freePortPair, itemsOf, runtime } = require('../../rig/n8nInstance');
const { openBrowser } = require('./browser');
const registry = require('./installRegistry');

const PACKAGE = 'n8n-nodes-sap-concur';
const VERSION = require('../../package.json').version;
const UPDATE = '0.1.1';
const shots = path.resolve(runtime.root, process.env.CONCUR_SCREENSHOTS || '.tmp/screenshots');
const committed = path.join(runtime.root, 'docs/screenshots');
const fingerprint = () =>
	fs
		.readdirSync(committed)
		.map((name) => [name, fs.readFileSync(path.join(committed, name)).toString('base64')]);
const before = fingerprint();

let work;
let npmCache;
let verdaccio;
let proxy;
let sim;
let userFolder;
let server;
let cookie;
let api;
let workflowId;

beforeAll(async () => {
	runtime.ensureN8n();
	registry.ensureVerdaccio();
	work = fs.mkdtempSync(path.join(os.tmpdir(), 'concur-registry-'));
	// Its own npm cache: the fake registry.npmjs.org's answers stay out of the machine's ~/.npm.
	npmCache = path.join(work, 'npm-cache');
	const certificates = registry.makeCertificates(work);
	verdaccio = await registry.startVerdaccio(work);
	registry.publish(verdaccio, runtime.root, npmCache);
	proxy = await registry.startRegistryProxy(verdaccio.url, certificates);
	sim = await startSimulator({ port: 0, seed: 1, failedNotifications: 3 });
	userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'concur-e2e-'));
	fs.mkdirSync(shots, { recursive: true });
	const port = await freePortPair(5874);
	server = await runtime.startN8n(userFolder, port, {
		quiet: true,
		env: {
			// n8n and the npm it runs reach "registry.npmjs.org" only through the proxy; loopback
			// (the simulator, n8n's task broker) stays direct.
			HTTPS_PROXY: proxy.url,
			HTTP_PROXY: proxy.url,
			NO_PROXY: '127.0.0.1,localhost',
			NODE_EXTRA_CA_CERTS: certificates.ca,
			// npm's own settings win over the variables above when set (`npx` sets npm_config_cafile
			// to the machine's CA bundle and an empty npm_config_noproxy): name them for npm too.
			npm_config_https_proxy: proxy.url,
			npm_config_proxy: proxy.url,
			npm_config_noproxy: '127.0.0.1,localhost',
			npm_config_cafile: certificates.ca,
			npm_config_cache: npmCache,
		},
	});
	cookie = await runtime.ownerSession(server.url);
	const key = await runtime.apiKey(server.url, cookie);
	api = runtime.publicApi(server.url, key);
}, 600_000);
afterAll(async () => {
	await server?.stop();
	await proxy?.close();
	await verdaccio?.stop();
	await sim?.close();
	for (const folder of [work, userFolder])
		if (folder) fs.rmSync(folder, { recursive: true, force: true });
}, 60_000);

const installed = async () => {
	const response = await fetch(`${server.url}/rest/community-packages`, { headers: { cookie } });
	return (await response.json()).data.find((p) => p.packageName === PACKAGE);
};

/** Clicks `button` on the page and returns n8n's answer to the community-packages request it sends. */
async function answerTo(page, method, click) {
	const [response] = await Promise.all([
		page.waitForResponse(
			(r) => r.url().endsWith('/rest/community-packages') && r.request().method() === method,
			// npm pack + npm install on a busy 2-core machine.
			{ timeout: 240_000 },
		),
		click(),
	]);
	if (response.status() !== 200)
		throw new Error(
			`${method} /rest/community-packages: ${response.status()} ${await response.text()}`,
		);
	return await response.json();
}

/** Waits until the workflow has `count` finished executions; returns the newest. */
async function nthExecution(count) {
	for (const deadline = Date.now() + 180_000; Date.now() < deadline; ) {
		const { data } = await api('GET', `/executions?workflowId=${workflowId}&includeData=true`);
		if (data.length >= count && data.every((e) => e.finished || e.status !== 'running'))
			return data.sort((a, b) => Number(b.id) - Number(a.id))[0];
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	throw new Error(`workflow ${workflowId} did not reach ${count} executions`);
}

/**
 * Activates the saved alert example (the trigger polls at activation), waits for that run and
 * returns what it acknowledged: the IDs of the notifications it deleted in the simulator.
 */
async function runAlertWorkflow(count) {
	const queued = sim.state
		.listNotifications()
		.map((n) => n.id)
		.sort();
	expect(queued.length).toBeGreaterThan(0);
	await api('POST', `/workflows/${workflowId}/activate`);
	const run = await nthExecution(count);
	await api('POST', `/workflows/${workflowId}/deactivate`);
	expect(run.status).toBe('success');
	expect(
		itemsOf(run.data.resultData.runData, 'Acknowledge in Concur').every((i) => i.json.deleted),
	).toBe(true);
	expect(sim.state.listNotifications()).toEqual([]);
	return itemsOf(run.data.resultData.runData, 'Concur Trigger')
		.map((item) => item.json.id)
		.sort();
}

test('the owner installs the pack from Settings → Community Nodes; a workflow with its nodes runs', async () => {
	expect(await installed()).toBeUndefined();
	const { browser, page } = await openBrowser(server.url, cookie);
	try {
		await page.goto(`${server.url}/settings/community-nodes`);
		await page.getByRole('button', { name: 'Install a community node' }).click();
		await page
			.locator(
				'input[data-test-id="package-name-input"], [data-test-id="package-name-input"] input',
			)
			.fill(PACKAGE);
		await page.getByTestId('user-agreement-checkbox').click();
		await page.screenshot({ path: path.join(shots, 'install-dialog.png'), animations: 'disabled' });
		const answer = await answerTo(page, 'POST', () =>
			page.getByTestId('install-community-package-button').click(),
		);
		expect(answer.data).toMatchObject({ packageName: PACKAGE, installedVersion: VERSION });
		const card = page.getByTestId('community-package-card').filter({ hasText: PACKAGE });
		await card.filter({ hasText: `v${VERSION}` }).waitFor();
		await page.getByTestId('install-community-package-button').waitFor({ state: 'hidden' });
		await page.getByText('Package installed').waitFor();
		await page.screenshot({
			path: path.join(shots, 'installed-package.png'),
			animations: 'disabled',
		});
	} finally {
		await browser.close();
	}
	expect(await installed()).toMatchObject({
		installedVersion: VERSION,
		failedLoading: false,
		installedNodes: expect.arrayContaining([
			expect.objectContaining({ type: `${PACKAGE}.concurNotify` }),
			expect.objectContaining({ type: `${PACKAGE}.concurTrigger` }),
		]),
	});
	// n8n fetched the published tarball from this registry; nothing was fetched from the internet.
	expect(proxy.seen).toContain(`GET /${PACKAGE}/-/${PACKAGE}-${VERSION}.tgz`);

	// The alert example with the installed nodes (trigger and Concur Notify), saved through the API.
	const credential = await fetch(`${server.url}/rest/credentials`, {
		method: 'POST',
		headers: { cookie, 'content-type': 'application/json' },
		body: JSON.stringify({ ...runtime.simulatorCredential(sim), id: undefined }),
	});
	expect(credential.status).toBe(200);
	const { id, name } = (await credential.json()).data;
	const example = JSON.parse(
		fs.readFileSync(path.join(runtime.root, 'examples/failed-callout-alert.json'), 'utf8'),
	);
	const created = await api('POST', '/workflows', {
		name: example.name,
		settings: example.settings,
		connections: example.connections,
		nodes: example.nodes.map((node) =>
			node.credentials ? { ...node, credentials: { sapConcurApi: { id, name } } } : node,
		),
	});
	workflowId = created.id;
	const queued = sim.state
		.listNotifications()
		.map((n) => n.id)
		.sort();
	expect(await runAlertWorkflow(1)).toEqual(queued);
}, 600_000);

test(`${UPDATE} is published and updated from the same screen; the saved workflow still runs`, async () => {
	expect(workflowId).toBeDefined();
	registry.publish(verdaccio, registry.packWithVersion(work, UPDATE), npmCache);
	const { browser, page } = await openBrowser(server.url, cookie);
	try {
		// The page asks n8n for its packages; n8n runs `npm outdated`, which now sees 0.1.1.
		await page.goto(`${server.url}/settings/community-nodes`);
		const card = page.getByTestId('community-package-card').filter({ hasText: PACKAGE });
		await card.getByRole('button', { name: 'Update' }).click();
		const answer = await answerTo(page, 'PATCH', () =>
			page.getByRole('button', { name: 'Confirm update' }).click(),
		);
		expect(answer.data).toMatchObject({ packageName: PACKAGE, installedVersion: UPDATE });
		await card.filter({ hasText: `v${UPDATE}` }).waitFor();
	} finally {
		await browser.close();
	}
	expect(await installed()).toMatchObject({ installedVersion: UPDATE, failedLoading: false });
	expect(proxy.seen).toContain(`GET /${PACKAGE}/-/${PACKAGE}-${UPDATE}.tgz`);
	expect(
		JSON.parse(
			fs.readFileSync(
				path.join(userFolder, '.n8n/nodes/node_modules', PACKAGE, 'package.json'),
				'utf8',
			),
		).version,
	).toBe(UPDATE);

	const added = sim.state
		.addNotifications(2)
		.map((n) => n.id)
		.sort();
	expect(await runAlertWorkflow(2)).toEqual(added);
}, 600_000);

test("the README's screenshots are rewritten only when asked for (npm run screenshots)", () => {
	expect(fs.readdirSync(shots)).toEqual(
		expect.arrayContaining(['install-dialog.png', 'installed-package.png']),
	);
	if (!process.env.CONCUR_SCREENSHOTS) expect(fingerprint()).toEqual(before);
});
