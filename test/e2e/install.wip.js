// WORK IN PROGRESS (not run by test:e2e; rename to install.test.js when green): the UI install passes,
// the headless run after it (runExample) and the 0.1.1 update (PATCH answered 400) do not yet.
// The pack installed the way users install it: published with `npm publish` to a real registry
// (Verdaccio, answering as registry.npmjs.org, see installRegistry.js), installed by the owner from
// Settings → Community Nodes in Chromium, a workflow run with the installed nodes, then 0.1.1
// published and the package updated; the saved workflow keeps working.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startSimulator } = require('../../simulator');
const { itemsOf, runtime } = require('./instance');
const { openBrowser } = require('./browser');
const registry = require('./installRegistry');

const PORT = 5872;
const PACKAGE = 'n8n-nodes-sap-concur';
const shots = process.env.CONCUR_SCREENSHOTS || fs.mkdtempSync(path.join(os.tmpdir(), 'concur-shots-'));
let work;
let verdaccio;
let proxy;
let sim;
let userFolder;
let server;
const savedEnv = { ...process.env };

beforeAll(async () => {
	runtime.ensureN8n();
	registry.ensureVerdaccio();
	work = fs.mkdtempSync(path.join(os.tmpdir(), 'concur-registry-'));
	const certificates = registry.makeCertificates(work);
	verdaccio = await registry.startVerdaccio(work);
	registry.publish(verdaccio, runtime.root);
	proxy = await registry.startRegistryProxy(verdaccio.url, certificates);
	// n8n (and the npm it runs) reach "registry.npmjs.org" through the proxy; loopback stays direct.
	Object.assign(process.env, { HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1,localhost', NODE_EXTRA_CA_CERTS: certificates.trusted });
	sim = await startSimulator({ port: 0, seed: 1 });
	userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'concur-e2e-'));
	server = await runtime.startN8n(userFolder, PORT, { quiet: true });
}, 600_000);
afterAll(async () => {
	await server?.stop();
	process.env = savedEnv;
	await proxy?.close();
	await verdaccio?.stop();
	await sim?.close();
	for (const folder of [work, userFolder]) if (folder) fs.rmSync(folder, { recursive: true, force: true });
});

/** The owner's session; n8n answers "starting up" for a while after its REST API first answers. */
async function session() {
	for (let waited = 0; ; waited += 500) {
		try {
			return await runtime.ownerSession(server.url);
		} catch (error) {
			if (waited > 60_000) throw error;
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
	}
}

const installed = async (cookie) => {
	const response = await fetch(`${server.url}/rest/community-packages`, { headers: { cookie } });
	return (await response.json()).data.find((p) => p.packageName === PACKAGE);
};

/** The send-notifications example with the installed nodes, headless: the names it delivered to. */
async function runExample() {
	await server.stop();
	sim.state.resetStats();
	const example = runtime.exampleFiles().filter((file) => file.endsWith('send-notifications.json'));
	await runtime.importIntoN8n(userFolder, PORT, [runtime.simulatorCredential(sim)], example);
	const { stdout } = await runtime.n8nCli(userFolder, PORT, ['execute', '--id=concurSendNotifications', '--rawOutput']);
	server = await runtime.startN8n(userFolder, PORT, { quiet: true });
	const run = JSON.parse(stdout.slice(stdout.indexOf('{\n  "data"'), stdout.indexOf('\n}', stdout.indexOf('{\n  "data"')) + 2));
	return itemsOf(run.data.resultData.runData, 'Sent').map((item) => item.json.sessionId);
}

test('the owner installs the pack from Settings → Community Nodes; a workflow with its nodes runs', async () => {
	const cookie = await session();
	const { browser, page } = await openBrowser(server.url, cookie);
	try {
		await page.goto(`${server.url}/settings/community-nodes`);
		await page.getByRole('button', { name: 'Install a community node' }).click();
		await page.locator('input[data-test-id="package-name-input"], [data-test-id="package-name-input"] input').fill(PACKAGE);
		await page.getByTestId('user-agreement-checkbox').click();
		await page.screenshot({ path: path.join(shots, 'install-dialog.png') });
		await page.getByTestId('install-community-package-button').click();
		await page.getByTestId('community-package-card').filter({ hasText: PACKAGE }).waitFor({ timeout: 180_000 });
		await page.screenshot({ path: path.join(shots, 'installed-package.png') });
	} finally {
		await browser.close();
	}
	expect(await installed(cookie)).toMatchObject({ installedVersion: '0.1.0', installedNodes: expect.arrayContaining([expect.objectContaining({ type: `${PACKAGE}.concurNotify` })]) });
	// n8n fetched the pack from this registry, and nothing else from anywhere.
	expect(proxy.seen).toContain(`GET /${PACKAGE}/-/${PACKAGE}-0.1.0.tgz`);
	expect(await runExample()).toEqual(['trip-1001', 'trip-1002', 'trip-1003']);
}, 420_000);

test('0.1.1 is published and the package updated; the saved workflow keeps working', async () => {
	const release = registry.packWithVersion(work, '0.1.1');
	registry.publish(verdaccio, release);
	const cookie = await session();
	// What the Update button of the package card sends.
	const update = await fetch(`${server.url}/rest/community-packages`, {
		method: 'PATCH',
		headers: { cookie, 'content-type': 'application/json' },
		body: JSON.stringify({ name: PACKAGE, version: '0.1.1' }),
	});
	expect(update.status).toBe(200);
	expect(await installed(cookie)).toMatchObject({ installedVersion: '0.1.1' });
	expect(await runExample()).toEqual(['trip-1001', 'trip-1002', 'trip-1003']);
}, 420_000);
