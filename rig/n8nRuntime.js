// A real n8n for `npm start`, the end-to-end tests and the n8n benchmark: installed once into a
// cache folder outside this package (it needs an `overrides` field the pack may not have), on the
// Node 24 this project provisions, with the pack installed exactly as a community package.
const { execFile, execFileSync, spawn } = require('node:child_process');
const { promisify } = require('node:util');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { root, node24, withNode24, cacheFolder, ensureInstalled } = require('./cacheInstall');

/** The newest n8n this project's CI machine can install: 2.41.3's dependencies are not all published on its registry. */
const N8N_VERSION = process.env.CONCUR_N8N_VERSION || '2.41.1';
const cacheDir = cacheFolder(`n8n-${N8N_VERSION}`);
const n8nBin = path.join(cacheDir, 'node_modules/n8n/bin/n8n');

/** Installs n8n into the cache unless a finished install is there; its two native modules built for Node 24. */
function ensureN8n() {
	ensureInstalled({
		folder: cacheDir,
		bin: n8nBin,
		label: 'n8n',
		dependencies: { n8n: N8N_VERSION },
		overrides: { xlsx: '0.18.5' },
		rebuild: ['sqlite3', 'isolated-vm'],
	});
}

/** `npm pack`, unpacked where n8n keeps community packages: node types `n8n-nodes-sap-concur.*`. */
function installPack(userFolder) {
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'concur-pack-'));
	try {
		const [{ filename }] = JSON.parse(
			execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
				cwd: root,
				encoding: 'utf8',
				stdio: ['ignore', 'pipe', 'ignore'],
			}),
		);
		const target = path.join(userFolder, '.n8n/nodes/node_modules/n8n-nodes-sap-concur');
		fs.rmSync(target, { recursive: true, force: true });
		fs.mkdirSync(target, { recursive: true });
		execFileSync('tar', ['-xzf', path.join(work, filename), '-C', target, '--strip-components=1']);
		fs.writeFileSync(
			path.join(userFolder, '.n8n/nodes/package.json'),
			JSON.stringify(
				{
					name: 'installed-nodes',
					private: true,
					dependencies: { 'n8n-nodes-sap-concur': `file:${filename}` },
				},
				null,
				2,
			),
		);
	} finally {
		fs.rmSync(work, { recursive: true, force: true });
	}
}

function n8nEnv(userFolder, port, extra = {}) {
	return withNode24({
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: 'concur-local-development-key',
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: 'localhost',
		N8N_RUNNERS_BROKER_PORT: String(port + 1),
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_PUBLIC_API_SWAGGERUI_DISABLED: 'true',
		N8N_LOG_LEVEL: 'warn',
		// Under jest NODE_ENV is 'test', which silences n8n's logger and with it `execute --rawOutput`.
		NODE_ENV: 'production',
		...extra,
	});
}

/** Runs an n8n CLI command to completion; resolves with what it printed, `{ stdout, stderr }`. */
async function n8nCli(userFolder, port, args, logLevel = 'info') {
	return await promisify(execFile)(node24, [n8nBin, ...args], {
		env: n8nEnv(userFolder, port, { N8N_LOG_LEVEL: logLevel }),
		encoding: 'utf8',
		maxBuffer: 256 * 1024 * 1024,
	});
}

/** Imports credentials (given as objects) and workflow files: two n8n CLI runs, ~5 s each. */
async function importIntoN8n(userFolder, port, credentials, workflowFiles) {
	const work = fs.mkdtempSync(path.join(userFolder, 'import-'));
	try {
		fs.writeFileSync(path.join(work, 'credentials.json'), JSON.stringify(credentials));
		await n8nCli(userFolder, port, [
			'import:credentials',
			`--input=${path.join(work, 'credentials.json')}`,
		]);
		if (!workflowFiles.length) return;
		fs.mkdirSync(path.join(work, 'workflows'));
		for (const file of workflowFiles)
			fs.copyFileSync(file, path.join(work, 'workflows', path.basename(file)));
		await n8nCli(userFolder, port, [
			'import:workflow',
			'--separate',
			`--input=${path.join(work, 'workflows')}`,
		]);
	} finally {
		fs.rmSync(work, { recursive: true, force: true });
	}
}

/** The credential the examples use ("SAP Concur (simulator)"), pointing at a simulator. */
function simulatorCredential(sim, fields = {}) {
	return {
		id: 'concurSimulator',
		name: 'SAP Concur (simulator)',
		type: 'sapConcurApi',
		data: {
			authentication: 'companyRequestToken',
			clientId: sim.credentials.clientId,
			clientSecret: sim.credentials.clientSecret,
			companyUuid: sim.credentials.companyUuid,
			requestToken: sim.credentials.requestToken,
			dataCenter: 'custom',
			baseUrl: sim.url,
			calloutAuthScheme: 'Bearer',
			calloutHost: 'geolocation',
			...fields,
		},
	};
}

const exampleFiles = () =>
	fs
		.readdirSync(path.join(root, 'examples'))
		.filter((name) => name.endsWith('.json'))
		.map((name) => path.join(root, 'examples', name));

/**
 * How long n8n may take to start, or to accept a request while it starts: 13 s on a quiet 2-core
 * machine, several times that on a busy one; past this something is wrong.
 */
const STARTUP_TIMEOUT_MS = 4 * 60_000;
/** n8n answers these while it mounts its routes in stages (404), is not ready (503), or limits a burst of logins (429). */
const WHILE_STARTING = new Set([404, 429, 503]);
const RETRY_INTERVAL_MS = 500;

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Resolves once n8n says it is ready: database connected and migrated, every route mounted. Before
 * that, /rest/settings answers 200 with "n8n is starting up", then 404 while routes are mounted.
 */
async function waitUntilReady(url, { child, timeoutMs = STARTUP_TIMEOUT_MS } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (child && child.exitCode !== null)
			throw new Error(`n8n exited with code ${child.exitCode} before it was ready`);
		try {
			const response = await fetch(`${url}/healthz/readiness`);
			await response.arrayBuffer();
			if (response.ok) return;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) throw new Error(`n8n was not ready within ${timeoutMs / 1000} s`);
		await pause(RETRY_INTERVAL_MS);
	}
}

/** A request repeated while n8n refuses it as a starting n8n does, until the deadline; the last answer. */
async function requestWhileStarting(url, init, { timeoutMs = STARTUP_TIMEOUT_MS } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		let response;
		try {
			response = await fetch(url, init);
		} catch (error) {
			if (Date.now() > deadline) throw error;
		}
		if (response && (!WHILE_STARTING.has(response.status) || Date.now() > deadline))
			return response;
		await response?.arrayBuffer();
		const retryAfterMs = Number(response?.headers.get('retry-after') || NaN) * 1000;
		const waitMs = retryAfterMs >= 0 ? retryAfterMs : RETRY_INTERVAL_MS;
		await pause(Math.min(waitMs, Math.max(deadline - Date.now(), 0)));
	}
}

/** Starts `n8n start` (with `env` added to its environment); resolves once n8n is ready. */
async function startN8n(userFolder, port, { quiet = false, env } = {}) {
	const child = spawn(node24, [n8nBin, 'start'], {
		env: n8nEnv(userFolder, port, env),
		stdio: ['ignore', quiet ? 'ignore' : 'inherit', quiet ? 'ignore' : 'inherit'],
	});
	const url = `http://localhost:${port}`;
	const stop = () =>
		new Promise((resolve) =>
			child.exitCode !== null ? resolve() : child.once('exit', resolve).kill('SIGTERM'),
		);
	try {
		await waitUntilReady(url, { child });
	} catch (error) {
		await stop();
		throw error;
	}
	return { url, child, stop };
}

const OWNER = {
	email: 'ops@example.com',
	password: 'Concur-Demo-1',
	firstName: 'Ops',
	lastName: 'Team',
};

/** Creates the owner account (once per user folder) and returns a logged-in session cookie. */
async function ownerSession(url, options) {
	const post = (route, body) =>
		requestWhileStarting(
			`${url}${route}`,
			{
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body),
			},
			options,
		);
	// Answers 400 once an owner exists; either way the login below gives the cookie.
	await (await post('/rest/owner/setup', OWNER)).arrayBuffer();
	const login = await post('/rest/login', {
		emailOrLdapLoginId: OWNER.email,
		password: OWNER.password,
	});
	const cookie = login.headers.get('set-cookie');
	if (!login.ok || !cookie)
		throw new Error(`owner login failed: ${login.status} ${(await login.text()).slice(0, 200)}`);
	return cookie.split(';')[0];
}

/** An API key for n8n's public API, created through the owner's session. */
async function apiKey(url, cookie) {
	const scopes = await (await fetch(`${url}/rest/api-keys/scopes`, { headers: { cookie } })).json();
	const response = await fetch(`${url}/rest/api-keys`, {
		method: 'POST',
		headers: { cookie, 'content-type': 'application/json' },
		body: JSON.stringify({ label: `concur-${Date.now()}`, scopes: scopes.data, expiresAt: null }),
	});
	return (await response.json()).data.rawApiKey;
}

/** A client of n8n's public API: `call(method, route, body)` answers the parsed JSON, throws on non-2xx. */
function publicApi(url, key) {
	return async (method, route, body) => {
		const response = await fetch(`${url}/api/v1${route}`, {
			method,
			headers: { 'X-N8N-API-KEY': key, 'content-type': 'application/json' },
			body: body && JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text}`);
		return text ? JSON.parse(text) : undefined;
	};
}

module.exports = {
	N8N_VERSION,
	OWNER,
	ensureN8n,
	installPack,
	n8nEnv,
	n8nBin,
	n8nCli,
	importIntoN8n,
	simulatorCredential,
	exampleFiles,
	startN8n,
	waitUntilReady,
	ownerSession,
	apiKey,
	publicApi,
	node24,
	root,
};
