// The rig's wait for a starting n8n, against a real HTTP server that answers as n8n 2.41 does while
// it starts: /rest/settings 200 "n8n is starting up" before its migrations, then 404 while routes
// are mounted in stages, /healthz/readiness 503 until every route is there.
const http = require('node:http');
const { OWNER, ownerSession, waitUntilReady } = require('../../rig/n8nRuntime');

let server;
let url;
let answer;
const calls = [];
beforeAll(async () => {
	server = http.createServer((req, res) => {
		let body = '';
		req.on('data', (chunk) => (body += chunk));
		req.on('end', () => {
			calls.push({ route: `${req.method} ${req.url}`, body });
			const {
				status = 200,
				headers = {},
				text = '',
			} = answer(
				`${req.method} ${req.url}`,
				calls.filter((c) => c.route === `${req.method} ${req.url}`).length,
				body,
			);
			res.writeHead(status, headers).end(text);
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	url = `http://127.0.0.1:${server.address().port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => calls.splice(0));

const count = (route) => calls.filter((c) => c.route === route).length;
const STARTING = { status: 200, text: 'n8n is starting up. Please wait' };
const NOT_MOUNTED = {
	status: 404,
	headers: { 'content-type': 'text/html' },
	text: '<!DOCTYPE html><html><head></head></html>',
};

test('ready means /healthz/readiness answers 200, not /rest/settings answering at all', async () => {
	answer = (route, n) =>
		route === 'GET /healthz/readiness'
			? n <= 3
				? { status: 503, text: '{"status":"error"}' }
				: { text: '{"status":"ok"}' }
			: STARTING;
	await waitUntilReady(url);
	expect(count('GET /healthz/readiness')).toBe(4);
});

test('a process that exits before it is ready is reported, and the wait is bounded', async () => {
	answer = () => ({ status: 503 });
	await expect(waitUntilReady(url, { child: { exitCode: 1 } })).rejects.toThrow(
		'n8n exited with code 1 before it was ready',
	);
	await expect(waitUntilReady(url, { timeoutMs: 200 })).rejects.toThrow(
		'n8n was not ready within 0.2 s',
	);
});

test('owner setup and login are repeated while n8n answers 404, 503 or 429, then give the session cookie', async () => {
	answer = (route, n) => {
		if (route === 'POST /rest/owner/setup')
			return n <= 2
				? NOT_MOUNTED
				: { status: 400, text: '{"message":"Instance owner already setup"}' };
		if (route === 'POST /rest/login') {
			if (n === 1) return NOT_MOUNTED;
			if (n === 2) return { status: 503, text: 'Database is not ready!' };
			if (n === 3)
				return { status: 429, headers: { 'retry-after': '0' }, text: 'Too many requests' };
			return {
				headers: { 'set-cookie': 'n8n-auth=session-1; Path=/; HttpOnly' },
				text: '{"data":{}}',
			};
		}
		return { status: 500 };
	};
	await expect(ownerSession(url)).resolves.toBe('n8n-auth=session-1');
	expect([count('POST /rest/owner/setup'), count('POST /rest/login')]).toEqual([3, 4]);
	expect(JSON.parse(calls.at(-1).body)).toEqual({
		emailOrLdapLoginId: OWNER.email,
		password: OWNER.password,
	});
});

test("a login n8n keeps refusing fails after the deadline, with n8n's answer; a wrong password is not repeated", async () => {
	answer = (route) => (route === 'POST /rest/login' ? NOT_MOUNTED : { status: 400 });
	await expect(ownerSession(url, { timeoutMs: 300 })).rejects.toThrow(
		/^owner login failed: 404 <!DOCTYPE html>/,
	);
	calls.splice(0);
	answer = (route) =>
		route === 'POST /rest/login'
			? { status: 401, text: '{"message":"Wrong username or password"}' }
			: { status: 400 };
	await expect(ownerSession(url)).rejects.toThrow(
		'owner login failed: 401 {"message":"Wrong username or password"}',
	);
	expect(count('POST /rest/login')).toBe(1);
});
