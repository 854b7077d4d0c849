// Issue #20: the nginx recipe of docs/event-trigger.md, run as written (the test reads the doc's
// nginx block; only addresses and file paths are swapped for the test's own) by Debian's nginx on
// loopback, with a CA and client certificates made here by openssl. Behind it a tiny loopback
// upstream stands in for n8n (its readiness endpoint, its 200 "starting up" and its 404): what is
// tested is what nginx lets through, not n8n (the e2e event test runs n8n behind a proxy that
// answers as this recipe does).
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { setTimeout: pause } = require('node:timers/promises');
const { Agent, request } = require('undici');

const NGINX = '/usr/sbin/nginx';
const CONCUR_SUBJECT =
	'/C=DE/ST=Baden-Württemberg/L=Walldorf/O=SAP SE/CN=webhook.api.concursolutions.com';
const WEBHOOK_PATH = '/webhook/0c9d7a4e-8f1b-4c3a-9e2d-5b6a7c8d9e0f/concur-events';

let tmp;
let nginx;
let upstream;
let port;
const passedThrough = [];
let n8nReady = true;

const file = (name) => path.join(tmp, name);
const openssl = (...args) => execFileSync('openssl', args, { cwd: tmp, stdio: 'pipe' });

/** A key and a certificate for `subject`, signed by `ca` (a name made here) or self-signed. */
function certificate(name, subject, { ca, extensions } = {}) {
	openssl('genrsa', '-out', `${name}.key`, '2048');
	if (!ca) {
		openssl(
			'req',
			'-x509',
			'-new',
			'-utf8',
			'-key',
			`${name}.key`,
			'-subj',
			subject,
			'-days',
			'2',
			'-out',
			`${name}.crt`,
		);
		return;
	}
	openssl('req', '-new', '-utf8', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`);
	const extfile = `${name}.ext`;
	fs.writeFileSync(file(extfile), extensions ?? 'extendedKeyUsage=clientAuth\n');
	openssl(
		'x509',
		'-req',
		'-in',
		`${name}.csr`,
		'-CA',
		`${ca}.crt`,
		'-CAkey',
		`${ca}.key`,
		'-CAcreateserial',
		'-days',
		'2',
		'-extfile',
		extfile,
		'-out',
		`${name}.crt`,
	);
}

/** The ```nginx block of docs/event-trigger.md. */
function documentedServerBlock() {
	const doc = fs.readFileSync(path.join(__dirname, '../../docs/event-trigger.md'), 'utf8');
	const [, block] = doc.match(/```nginx\n([\s\S]*?)```/);
	return block;
}

/** Replaces every `from` (which must be there) with `to`. */
function swap(text, from, to) {
	if (!text.includes(from)) throw new Error(`docs/event-trigger.md's nginx block lacks "${from}"`);
	return text.replaceAll(from, to);
}

async function freePort() {
	const server = net.createServer().listen(0, '127.0.0.1');
	await new Promise((resolve) => server.once('listening', resolve));
	const { port } = server.address();
	await new Promise((resolve) => server.close(resolve));
	return port;
}

beforeAll(async () => {
	if (!fs.existsSync(NGINX))
		throw new Error(`${NGINX} is missing: apt-get install nginx (.ci/run installs it)`);
	tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'concur-nginx-'));
	// nginx's workers (as root: the user nobody) read and write below it.
	fs.chmodSync(tmp, 0o755);

	certificate('ca', '/CN=Test client CA');
	certificate('concur', CONCUR_SUBJECT, { ca: 'ca' });
	certificate('other', '/C=DE/O=Someone Else/CN=webhook.api.concursolutions.com.example.net', {
		ca: 'ca',
	});
	certificate('unknownCa', CONCUR_SUBJECT);
	certificate('server', '/CN=n8n.example.com', {
		ca: 'ca',
		extensions: 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n',
	});

	// n8n's stand-in: while starting, 503 on /healthz/readiness and 200 "starting up" to anything
	// else (n8n 2.41's abstract-server.js); once ready, 404 for a webhook it does not know, else 200.
	upstream = http.createServer((req, res) => {
		if (req.url === '/healthz/readiness') return res.writeHead(n8nReady ? 200 : 503).end();
		passedThrough.push(req.url);
		if (!n8nReady) return res.writeHead(200).end('n8n is starting up. Please wait');
		res.writeHead(req.url.includes('not-registered') ? 404 : 200).end('upstream');
	});
	await new Promise((resolve) => upstream.listen(0, '127.0.0.1', resolve));

	port = await freePort();
	let server = documentedServerBlock();
	server = swap(server, 'listen 443 ssl;', `listen 127.0.0.1:${port} ssl;`);
	server = swap(server, '/etc/nginx/tls/n8n.example.com.crt', file('server.crt'));
	server = swap(server, '/etc/nginx/tls/n8n.example.com.key', file('server.key'));
	server = swap(server, '/etc/nginx/tls/concur-client-ca.pem', file('ca.crt'));
	server = swap(server, 'http://127.0.0.1:5678', `http://127.0.0.1:${upstream.address().port}`);
	const temp = (name) => `${name}_temp_path ${file(`${name}-temp`)};`;
	fs.writeFileSync(
		file('nginx.conf'),
		[
			`pid ${file('nginx.pid')};`,
			`error_log ${file('error.log')} info;`,
			'events {}',
			'http {',
			`access_log ${file('access.log')};`,
			...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp),
			server,
			'}',
		].join('\n'),
	);
	nginx = spawn(NGINX, ['-p', tmp, '-c', file('nginx.conf'), '-g', 'daemon off;'], {
		stdio: ['ignore', 'ignore', 'pipe'],
	});
	let stderr = '';
	nginx.stderr.on('data', (chunk) => (stderr += chunk));
	// Ready once it accepts connections.
	for (const deadline = Date.now() + 60_000; ; await pause(100)) {
		if (nginx.exitCode !== null) throw new Error(`nginx exited: ${stderr}`);
		const open = await new Promise((resolve) =>
			net
				.connect(port, '127.0.0.1', function () {
					this.end();
					resolve(true);
				})
				.once('error', () => resolve(false)),
		);
		if (open) break;
		if (Date.now() > deadline) throw new Error(`nginx did not listen within 60 s: ${stderr}`);
	}
}, 120_000);

afterAll(async () => {
	if (nginx && nginx.exitCode === null) {
		const exited = new Promise((resolve) => nginx.once('exit', resolve));
		nginx.kill('SIGTERM');
		await exited;
	}
	await new Promise((resolve) => (upstream ? upstream.close(resolve) : resolve()));
	if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** POSTs to `route` through nginx, presenting the client certificate `name` (or none). */
async function post(route, name) {
	const read = (ext) => fs.readFileSync(file(`${name}.${ext}`));
	const dispatcher = new Agent({
		connect: {
			ca: fs.readFileSync(file('ca.crt')),
			...(name ? { cert: read('crt'), key: read('key') } : {}),
		},
	});
	try {
		const response = await request(`https://127.0.0.1:${port}${route}`, {
			method: 'POST',
			dispatcher,
			headers: { 'content-type': 'application/json' },
			body: '{}',
		});
		return { status: response.statusCode, body: await response.body.text() };
	} finally {
		await dispatcher.close();
	}
}

test("Concur's client certificate is passed through to n8n", async () => {
	expect(await post(WEBHOOK_PATH, 'concur')).toEqual({ status: 200, body: 'upstream' });
	expect(passedThrough).toContain(WEBHOOK_PATH);
});

test('without a client certificate the webhook is refused (403), n8n never sees it', async () => {
	const before = passedThrough.length;
	expect((await post(WEBHOOK_PATH)).status).toBe(403);
	expect(passedThrough.length).toBe(before);
});

test('a certificate of the trusted CA with another subject is refused (403)', async () => {
	const before = passedThrough.length;
	expect((await post(WEBHOOK_PATH, 'other')).status).toBe(403);
	expect(passedThrough.length).toBe(before);
});

test("Concur's subject from a CA not in ssl_client_certificate is refused", async () => {
	const before = passedThrough.length;
	// ssl_verify_client optional: a certificate that fails verification is answered 400 by nginx.
	expect((await post(WEBHOOK_PATH, 'unknownCa')).status).toBe(400);
	expect(passedThrough.length).toBe(before);
});

test("n8n's 404 for a webhook not registered yet becomes 503 (Concur retries it)", async () => {
	expect((await post('/webhook/not-registered/concur-events', 'concur')).status).toBe(503);
});

test("while n8n starts (not ready, answering 200 'starting up') the webhook gets 503, not n8n's 200", async () => {
	n8nReady = false;
	try {
		const before = passedThrough.length;
		expect((await post(WEBHOOK_PATH, 'concur')).status).toBe(503);
		expect(passedThrough.length).toBe(before);
	} finally {
		n8nReady = true;
	}
});

test("the editor and n8n's other routes need no client certificate", async () => {
	expect(await post('/rest/login')).toEqual({ status: 200, body: 'upstream' });
});
