// Debian's Chromium driven by playwright-core, logged in to an n8n server as its owner.
const { chromium, selectors } = require('playwright-core');

const ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

async function openBrowser(url, cookie) {
	selectors.setTestIdAttribute('data-test-id');
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
		args: ARGS,
	});
	const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
	const [name, value] = cookie.split('=');
	await context.addCookies([{ name, value, url }]);
	// The editor loads in seconds on a quiet machine; a busy one may need minutes.
	context.setDefaultTimeout(120_000);
	const page = await context.newPage();
	return { browser, page };
}

module.exports = { openBrowser };
