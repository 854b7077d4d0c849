// A real npm registry for the install test: Verdaccio (installed once into the cache folder from
// npm, like n8n) with its storage in a temp folder, answering as registry.npmjs.org.
//
// Why not N8N_COMMUNITY_PACKAGES_REGISTRY: n8n 2.41.1 refuses any registry other than
// https://registry.npmjs.org without an Enterprise licence (CommunityPackagesService.getNpmRegistry
// throws FeatureNotLicensedError for feat:communityNodes:customRegistry), and it passes
// `--registry=<that registry>` on every `npm pack`/`npm install`/`npm view` it runs, which beats
// npm_config_registry and any .npmrc. So the test leaves n8n on its default registry and gives that
// one n8n (and the npm it runs) an HTTPS proxy that answers CONNECTs to registry.npmjs.org with
// Verdaccio, under a certificate from a throwaway CA only that n8n trusts (NODE_EXTRA_CA_CERTS).
// Every other host is refused, so nothing is fetched from the internet.
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');
const net = require('node:net');
const path = require('node:path');
const {
	root,
	node24,
	withNode24,
	cacheFolder,
	ensureInstalled,
} = require('../../rig/cacheInstall');

const VERDACCIO_VERSION = '6.10.4';
const REGISTRY_HOST = 'registry.npmjs.org';
const cacheDir = cacheFolder(`verdaccio-${VERDACCIO_VERSION}`);
const verdaccioBin = path.join(cacheDir, 'node_modules/verdaccio/bin/verdaccio');

/** Installs Verdaccio into the cache from npm unless a finished install is there (as n8n is). */
function ensureVerdaccio() {
	ensureInstalled({
		folder: cacheDir,
		bin: verdaccioBin,
		label: 'verdaccio',
		dependencies: { verdaccio: VERDACCIO_VERSION },
		// A dependency asks for node-fetch's `cjs` dist-tag, which registry mirrors do not always
		// carry; on npmjs it names 2.7.0.
		overrides: { 'node-fetch@cjs': '2.7.0' },
	});
}

/** A CA and a certificate for registry.npmjs.org signed by it; returns the key, cert and CA file. */
function makeCertificates(dir) {
	const file = (name) => path.join(dir, name);
	const openssl = (...args) => execFileSync('openssl', args, { stdio: 'ignore' });
	openssl(
		'req',
		'-x509',
		'-newkey',
		'rsa:2048',
		'-nodes',
		'-keyout',
		file('ca.key'),
		'-out',
		file('ca.pem'),
		'-days',
		'2',
		'-subj',
		'/CN=concur-e2e-ca',
	);
	openssl(
		'req',
		'-newkey',
		'rsa:2048',
		'-nodes',
		'-keyout',
		file('registry.key'),
		'-out',
		file('registry.csr'),
		'-subj',
		`/CN=${REGISTRY_HOST}`,
	);
	fs.writeFileSync(file('san.ext'), `subjectAltName=DNS:${REGISTRY_HOST}\n`);
	openssl(
		'x509',
		'-req',
		'-in',
		file('registry.csr'),
		'-CA',
		file('ca.pem'),
		'-CAkey',
		file('ca.key'),
		'-CAcreateserial',
		'-out',
		file('registry.pem'),
		'-days',
		'2',
		'-extfile',
		file('san.ext'),
	);
	return {
		key: fs.readFileSync(file('registry.key')),
		cert: fs.readFileSync(file('registry.pem')),
		ca: file('ca.pem'),
	};
}

const listen = (server) =>
	new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve(server.address().port));
	});

const freePort = () =>
	new Promise((resolve) => {
		const probe = net.createServer().listen(0, '127.0.0.1', () => {
			const { port } = probe.address();
			probe.close(() => resolve(port));
		});
	});

/** Resolves once Verdaccio answers its ping; rejects if it exits first. */
async function waitForPing(url, child, output) {
	for (const deadline = Date.now() + 120_000; ; ) {
		if (child.exitCode !== null)
			throw new Error(`Verdaccio exited with code ${child.exitCode}: ${output.join('')}`);
		try {
			const response = await fetch(`${url}/-/ping`);
			await response.arrayBuffer();
			if (response.ok) return;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) throw new Error(`Verdaccio did not answer: ${output.join('')}`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

/**
 * Verdaccio on a free loopback port, storage in `dir`, no uplink: it serves only what is published
 * to it (n8n strips the pack's peer dependency before its `npm install`, so nothing else is asked
 * for). Returns its URL and the token of its one user, who publishes.
 */
async function startVerdaccio(dir) {
	const config = path.join(dir, 'verdaccio.yaml');
	fs.writeFileSync(
		config,
		[
			`storage: ${path.join(dir, 'storage')}`,
			'auth:',
			`  htpasswd: { file: ${path.join(dir, 'htpasswd')}, max_users: 1 }`,
			'packages:',
			"  '**': { access: $all, publish: $authenticated }",
			'log: { type: stdout, format: pretty, level: warn }',
			'',
		].join('\n'),
	);
	for (let attempt = 1; ; attempt++) {
		// Verdaccio takes its port from the command line; another process may take it first.
		const port = await freePort();
		const output = [];
		const child = spawn(
			node24,
			[verdaccioBin, '--config', config, '--listen', `127.0.0.1:${port}`],
			{ env: withNode24({ VERDACCIO_PUBLIC_URL: `https://${REGISTRY_HOST}` }) },
		);
		child.stdout.on('data', (chunk) => output.push(String(chunk)));
		child.stderr.on('data', (chunk) => output.push(String(chunk)));
		const url = `http://127.0.0.1:${port}`;
		// SIGKILL: a registry of throwaway data; SIGTERM waits for idle keep-alive connections.
		const stop = () =>
			new Promise((resolve) =>
				child.exitCode !== null ? resolve() : child.once('exit', resolve).kill('SIGKILL'),
			);
		try {
			await waitForPing(url, child, output);
		} catch (error) {
			await stop();
			if (attempt < 3 && /EADDRINUSE/.test(error.message)) continue;
			throw error;
		}
		const user = await fetch(`${url}/-/user/org.couchdb.user:release`, {
			method: 'PUT',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ name: 'release', password: 'release-e2e-password' }),
		});
		const { token } = await user.json();
		if (!token) throw new Error(`Verdaccio gave no token: ${user.status}`);
		return { url, token, output, stop };
	}
}

/**
 * An HTTPS proxy (for HTTPS_PROXY) that answers CONNECTs to registry.npmjs.org with Verdaccio and
 * refuses every other host. `seen` lists the registry requests ("GET /name/-/name-0.1.0.tgz").
 */
async function startRegistryProxy(verdaccioUrl, { key, cert }) {
	const seen = [];
	const refused = [];
	const target = new URL(verdaccioUrl);
	const registry = https.createServer({ key, cert }, (req, res) => {
		seen.push(`${req.method} ${req.url}`);
		const upstream = http.request(
			{
				host: target.hostname,
				port: target.port,
				method: req.method,
				path: req.url,
				headers: req.headers,
			},
			(answer) => {
				res.writeHead(answer.statusCode, answer.headers);
				answer.pipe(res);
			},
		);
		upstream.on('error', () => res.destroy());
		req.pipe(upstream);
	});
	const registryPort = await listen(registry);
	const proxy = http.createServer((req, res) => {
		refused.push(`${req.method} ${req.url}`);
		res.writeHead(403).end();
	});
	// Tunnels leave the HTTP server's bookkeeping once connected; close() ends them here.
	const tunnels = new Set();
	proxy.on('connect', (req, socket) => {
		tunnels.add(socket);
		socket.on('close', () => tunnels.delete(socket));
		socket.on('error', () => socket.destroy());
		if (req.url !== `${REGISTRY_HOST}:443`) {
			refused.push(`CONNECT ${req.url}`);
			socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
			return;
		}
		const tunnel = net.connect(registryPort, '127.0.0.1', () => {
			socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
			tunnel.pipe(socket).pipe(tunnel);
		});
		tunnel.on('error', () => socket.destroy());
		socket.on('close', () => tunnel.destroy());
	});
	const url = `http://127.0.0.1:${await listen(proxy)}`;
	return {
		url,
		seen,
		refused,
		close: async () => {
			for (const socket of tunnels) socket.destroy();
			proxy.closeAllConnections();
			registry.closeAllConnections();
			await Promise.all(
				[proxy, registry].map((server) => new Promise((resolve) => server.close(resolve))),
			);
		},
	};
}

/** `npm publish` of the folder `cwd` to Verdaccio with the publisher's token, as a release is. */
function publish({ url, token }, cwd, npmCache) {
	const auth = `--${url.replace(/^https?:/, '')}/:_authToken=${token}`;
	execFileSync('npm', ['publish', `--registry=${url}`, auth, '--loglevel=error'], {
		cwd,
		env: withNode24({ npm_config_cache: npmCache }),
		stdio: ['ignore', 'ignore', 'inherit'],
	});
}

/** The pack as `npm pack` makes it, unpacked into `dir` with another version: the same code. */
function packWithVersion(dir, version) {
	const [{ filename }] = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--pack-destination', dir], {
			cwd: root,
			env: withNode24(),
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'ignore'],
		}),
	);
	const folder = path.join(dir, `package-${version}`);
	fs.mkdirSync(folder);
	execFileSync('tar', ['-xzf', path.join(dir, filename), '-C', folder, '--strip-components=1']);
	const manifest = JSON.parse(fs.readFileSync(path.join(folder, 'package.json'), 'utf8'));
	fs.writeFileSync(
		path.join(folder, 'package.json'),
		JSON.stringify({ ...manifest, version }, null, 2),
	);
	return folder;
}

module.exports = {
	REGISTRY_HOST,
	ensureVerdaccio,
	makeCertificates,
	startVerdaccio,
	startRegistryProxy,
	publish,
	packWithVersion,
};
