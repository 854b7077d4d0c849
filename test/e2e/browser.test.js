// A person's path through the editor, in Debian's Chromium: find the nodes, test the credential,
// fetch a test event. Screenshots go to .tmp/screenshots (ignored by git); `npm run screenshots`
// runs this file with CONCUR_SCREENSHOTS=docs/screenshots to refresh the README's on purpose.
const fs = require('node:fs');
const path = require('node:path');
const { createInstance, runtime } = require('../../rig/n8nInstance');
const { openBrowser } = require('./browser');

const shots = path.resolve(runtime.root, process.env.CONCUR_SCREENSHOTS || '.tmp/screenshots');
const committed = path.join(runtime.root, 'docs/screenshots');
const fingerprint = () =>
	fs
		.readdirSync(committed)
		.map((name) => [
			name,
			fs.statSync(path.join(committed, name)).mtimeMs,
			fs.readFileSync(path.join(committed, name)).toString('base64'),
		]);
const before = fingerprint();

let n8n;
let server;
let browser;
let page;

beforeAll(async () => {
	n8n = await createInstance({ port: 5730 });
	await n8n.importAll([runtime.simulatorCredential(n8n.sim)]);
	server = await n8n.start();
	({ browser, page } = await openBrowser(server.url, await runtime.ownerSession(server.url)));
	fs.mkdirSync(shots, { recursive: true });
}, 600_000);
afterAll(async () => {
	await browser?.close();
	await server?.stop();
	await n8n?.close();
});

const shot = (name) => page.screenshot({ path: path.join(shots, `${name}.png`) });
const openNode = async (workflowId, nodeName) => {
	await page.goto(`${server.url}/workflow/${workflowId}`);
	await page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`).dblclick();
	await page.getByTestId('ndv').waitFor();
};

test('searching "Concur" in the node creator finds the three nodes', async () => {
	await page.goto(`${server.url}/workflow/new`);
	await page.getByTestId('canvas-add-button').click();
	await page.getByTestId('node-creator-search-bar').fill('Concur');
	const items = page.getByTestId('node-creator-item-name');
	await items.filter({ hasText: 'Concur Trigger' }).waitFor();
	await items.filter({ hasText: 'Concur Event' }).waitFor();
	// n8n's node creator drops "Trigger" from the name of a trigger whose events it lists.
	const names = (await items.allTextContents()).map((name) => name.trim());
	expect(names.sort()).toEqual(['Concur Event', 'Concur Notify', 'Concur Trigger']);
	await shot('node-creator');
}, 300_000);

test('Concur Notify opens with its credential, and the credential test passes', async () => {
	await openNode('concurSendNotifications', 'Send visa reminder');
	await expect(page.getByTestId('node-credentials-select').textContent()).resolves.toBeDefined();
	await shot('concur-notify');
	n8n.sim.state.resetStats();
	await page.getByTestId('credential-edit-button').click();
	const success = page.getByTestId('credentials-config-container-test-success');
	await success.waitFor({ timeout: 120_000 });
	expect(await success.textContent()).toMatch(/Connection tested successfully/);
	// The test fetched a real token and called the callout API with it.
	expect(n8n.sim.state.stats().requests).toMatchObject({ token: 1, calloutList: 1 });
	await shot('credential-test');
	await page.keyboard.press('Escape');
}, 300_000);

test('the trigger\'s "Fetch Test Event" shows one real notification and changes nothing', async () => {
	const queued = n8n.sim.state.listNotifications().map((n) => n.id);
	await openNode('concurFailedCalloutAlert', 'Concur Trigger');
	await page.getByTestId('node-execute-button').click();
	const output = page.getByTestId('output-panel');
	await output.getByText('1 item').waitFor({ timeout: 120_000 });
	// The sample is the oldest notification in the queue.
	await output
		.getByText(queued[0], { exact: true })
		.first()
		.waitFor()
		.catch(async (error) => {
			await shot('trigger-test-event-failed');
			throw new Error(`${error.message}\nThe output panel shows: ${await output.innerText()}`);
		});
	expect(n8n.sim.state.listNotifications().map((n) => n.id)).toEqual(queued);
	await shot('trigger-test-event');
}, 300_000);

test("the README's screenshots are rewritten only when asked for (npm run screenshots)", () => {
	// Other suites (install.test.js) write theirs to the same folder.
	expect(fs.readdirSync(shots)).toEqual(
		expect.arrayContaining([
			'concur-notify.png',
			'credential-test.png',
			'node-creator.png',
			'trigger-test-event.png',
		]),
	);
	if (!process.env.CONCUR_SCREENSHOTS) expect(fingerprint()).toEqual(before);
});
