// A real npm registry for the install test: Verdaccio (installed once into the cache folder, like
// n8n) with its storage in a temp folder, answering as registry.npmjs.org. n8n 2.41.1 installs
// from a registry other than npmjs.org only with an Enterprise licence
// (feat:communityNodes:customRegistry), so the test leaves n8n on its default registry and gives it
// a proxy (HTTPS_PROXY) that answers for registry.npmjs.org with Verdaccio, under a certificate from
// a throwaway CA that only that n8n trusts. Every other host is refused.
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const runtime = require('../../scripts/n8nRuntime');

const VERDACCIO_VERSION = '6.10.4';
const REGISTRY_HOST = 'registry.npmjs.org';
const cacheDir = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'n8n-nodes-sap-concur', `verdaccio-${VERDACCIO_VERSION}`);
const nodeBinDir = path.dirname(runtime.node24);
const withNode24 = { ...process.env, PATH: `${nodeBinDir}${path.delimiter}${process.env.PATH}` };

/** Installs Verdaccio into the cache unless a finished install is there (outside the pack's package.json). */
function ensureVerdaccio() {
	const ready = path.join(cacheDir, '.ready');
	if (fs.existsSync(ready)) return;
	fs.mkdirSync(cacheDir, { recursive: true });
	// node-fetch@cjs is a dist-tag that registry mirrors do not always carry; it names 2.7.0.
	fs.writeFileSync(path.join(cacheDir, 'package.json'), JSON.stringify({ name: 'concur-verdaccio-runtime', private: true, dependencies: { verdaccio: VERDACCIO_VERSION }, overrides: { 'node-fetch@cjs': '2.7.0' } }));
	execFileSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: cacheDir, env: withNode24, stdio: 'inherit' });
	fs.writeFileSync(ready, new Date().toISOString());
}

/** A CA and a certificate for registry.npmjs.org signed by it; returns the files. */
function makeCertificates(dir) {
	const file = (name) => path.join(dir, name);
	const openssl = (...args) => execFileSync('openssl', args, { stdio: 'ignore' });
	openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '2', '-subj', '/CN=concur-e2e-ca');
	openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('registry.key'), '-out', file('registry.csr'), '-subj', `/CN=${REGISTRY_HOST}`);
	fs.writeFileSync(file('san.ext'), `subjectAltName=DNS:${REGISTRY_HOST}\n`);
	openssl('x509', '-req', '-in', file('registry.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file('registry.pem'), '-days', '2', '-extfile', file('san.ext'));
	// n8n and the npm it runs trust the machine's CAs and this one.
	const system = process.env.NODE_EXTRA_CA_CERTS && fs.existsSync(process.env.NODE_EXTRA_CA_CERTS) ? fs.readFileSync(process.env.NODE_EXTRA_CA_CERTS, 'utf8') : '';
	fs.writeFileSync(file('trusted.pem'), `${system}\n${fs.readFileSync(file('ca.pem'), 'utf8')}`);
	return { key: fs.readFileSync(file('registry.key')), cert: fs.readFileSync(file('registry.pem')), trusted: file('trusted.pem') };
}

function listen(server) {
	return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

async function waitFor(url, child) {
	for (let waited = 0; waited < 60_000; waited += 250) {
		if (child.exitCode !== null) throw new Error(`Verdaccio exited with code ${child.exitCode}`);
		try {
			if ((await fetch(url)).ok) return;
		} catch {
			// not listening yet
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	throw new Error('Verdaccio did not answer within a minute');
}

/**
 * Verdaccio with this pack's name served only from its own storage (anyone may publish it there),
 * every other package proxied from the public registry: n8n's installer also installs the pack's
 * peer dependency, n8n-workflow.
 */
async function startVerdaccio(dir) {
	const config = path.join(dir, 'verdaccio.yaml');
	const listenPort = await new Promise((resolve) => {
		// A free port: Verdaccio takes its port from the command line.
		const probe = net.createServer().listen(0, '127.0.0.1', () => {
			const { port } = probe.address();
			probe.close(() => resolve(port));
		});
	});
	fs.writeFileSync(
		config,
		[
			`storage: ${path.join(dir, 'storage')}`,
			'auth:',
			`  htpasswd: { file: ${path.join(dir, 'htpasswd')}, max_users: 1 }`,
			'uplinks:',
			'  npmjs: { url: https://registry.npmjs.org/ }',
			'packages:',
			"  'n8n-nodes-sap-concur': { access: $all, publish: $authenticated }",
			"  '**': { access: $all, proxy: npmjs }",
			'log: { type: stdout, format: pretty, level: error }',
			'',
		].join('\n'),
	);
	const child = spawn(runtime.node24, [path.join(cacheDir, 'node_modules/verdaccio/bin/verdaccio'), '--config', config, '--listen', `127.0.0.1:${listenPort}`], {
		env: { ...withNode24, VERDACCIO_PUBLIC_URL: `https://${REGISTRY_HOST}` },
		stdio: 'ignore',
	});
	const url = `http://127.0.0.1:${listenPort}`;
	await waitFor(`${url}/-/ping`, child);
	// The one user, who publishes: a release publishes with a token too.
	const user = await fetch(`${url}/-/user/org.couchdb.user:release`, {
		method: 'PUT',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ name: 'release', password: 'release-e2e-password' }),
	});
	const { token } = await user.json();
	return { url, token, stop: () => new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve).kill('SIGTERM'))) };
}

/** An HTTPS proxy that answers CONNECTs to registry.npmjs.org with Verdaccio, and refuses any other host. */
async function startRegistryProxy(verdaccioUrl, { key, cert }) {
	const seen = [];
	const target = new URL(verdaccioUrl);
	const registry = https.createServer({ key, cert }, (req, res) => {
		seen.push(`${req.method} ${req.url}`);
		const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
			res.writeHead(answer.statusCode, answer.headers);
			answer.pipe(res);
		});
		upstream.on('error', () => res.destroy());
		req.pipe(upstream);
	});
	const registryPort = await listen(registry);
	const refused = [];
	const proxy = http.createServer((req, res) => res.writeHead(403).end());
	proxy.on('connect', (req, socket) => {
		if (req.url !== `${REGISTRY_HOST}:443`) {
			refused.push(req.url);
			return socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
		}
		const tunnel = net.connect(registryPort, '127.0.0.1', () => {
			socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
			tunnel.pipe(socket).pipe(tunnel);
		});
		tunnel.on('error', () => socket.destroy());
		socket.on('error', () => tunnel.destroy());
	});
	const url = `http://127.0.0.1:${await listen(proxy)}`;
	return {
		url,
		seen,
		refused,
		close: async () => {
			proxy.closeAllConnections?.();
			registry.closeAllConnections();
			await Promise.all([proxy, registry].map((server) => new Promise((resolve) => server.close(resolve))));
		},
	};
}

/** `npm publish` (of the folder `cwd`) to Verdaccio, as a release would be published. */
function publish({ url, token }, cwd) {
	const auth = `--${url.replace(/^https?:/, '')}/:_authToken=${token}`;
	execFileSync('npm', ['publish', `--registry=${url}`, auth, '--loglevel=error'], { cwd, env: withNode24, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** The pack as `npm pack` makes it, unpacked into `dir` with another version (for an update). */
function packWithVersion(dir, version) {
	const [{ filename }] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: runtime.root, env: withNode24, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
	const folder = path.join(dir, `package-${version}`);
	fs.mkdirSync(folder);
	execFileSync('tar', ['-xzf', path.join(dir, filename), '-C', folder, '--strip-components=1']);
	const manifest = JSON.parse(fs.readFileSync(path.join(folder, 'package.json'), 'utf8'));
	fs.writeFileSync(path.join(folder, 'package.json'), JSON.stringify({ ...manifest, version }, null, 2));
	return folder;
}

module.exports = { REGISTRY_HOST, ensureVerdaccio, makeCertificates, startVerdaccio, startRegistryProxy, publish, packWithVersion };
