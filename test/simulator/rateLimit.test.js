const { spawn } = require('node:child_process');
const path = require('node:path');
const readline = require('node:readline');
const {
	createRateLimiter,
	normalizeRateLimit,
	retryAfterHeader,
} = require('../../simulator/rateLimit');
const { useSimulatorUnderTest, call, accessToken, token, companyGrant } = require('./client');

// 2026-01-01T00:00:00.300Z: a third of a second past a whole second, to see the 'date' form round up.
const START = Date.UTC(2026, 0, 1, 0, 0, 0, 300);
const clock = { ms: START, now: () => clock.ms };

describe('the token bucket, on a fake clock', () => {
	beforeEach(() => {
		clock.ms = START;
	});
	const limiter = (fields) => createRateLimiter(normalizeRateLimit(fields), clock.now);
	const admittedCount = (bucket, attempts) =>
		Array.from({ length: attempts }, () => bucket.take().admitted).filter(Boolean).length;

	test('a full bucket admits the burst, then refuses with the time to the next token', () => {
		const bucket = limiter({ ratePerSecond: 50, burst: 10 });
		expect(admittedCount(bucket, 10)).toBe(10);
		expect(bucket.take()).toEqual({ admitted: false, waitMs: 20 });
		clock.ms += 5;
		expect(bucket.take()).toEqual({ admitted: false, waitMs: 15 });
		clock.ms += 15;
		expect(admittedCount(bucket, 3)).toBe(1);
	});

	test('it refills at the rate and never beyond the burst', () => {
		const bucket = limiter({ ratePerSecond: 50, burst: 10 });
		admittedCount(bucket, 10);
		clock.ms += 100;
		expect(admittedCount(bucket, 20)).toBe(5);
		clock.ms += 60_000;
		expect(admittedCount(bucket, 20)).toBe(10);
	});

	test('a refused request takes no token', () => {
		const bucket = limiter({ ratePerSecond: 1, burst: 1 });
		bucket.take();
		for (let i = 0; i < 5; i++) expect(bucket.take().admitted).toBe(false);
		clock.ms += 1000;
		expect(bucket.take().admitted).toBe(true);
	});

	test('maxConcurrent refuses while that many are in flight, tokens or not', () => {
		const bucket = limiter({ ratePerSecond: 50, burst: 10, maxConcurrent: 2 });
		expect(admittedCount(bucket, 3)).toBe(2);
		expect(bucket.take()).toEqual({ admitted: false, waitMs: 0 });
		bucket.release();
		expect(bucket.inFlight).toBe(1);
		expect(bucket.take().admitted).toBe(true);
	});

	test('Retry-After: seconds as given, absent, or the next whole second a token is there', () => {
		expect(retryAfterHeader(0, START, 20)).toEqual({ 'Retry-After': '0' });
		expect(retryAfterHeader(1, START, 20)).toEqual({ 'Retry-After': '1' });
		expect(retryAfterHeader('absent', START, 20)).toEqual({});
		expect(retryAfterHeader('date', START, 20)).toEqual({
			'Retry-After': 'Thu, 01 Jan 2026 00:00:01 GMT',
		});
		expect(retryAfterHeader('date', START, 700)).toEqual({
			'Retry-After': 'Thu, 01 Jan 2026 00:00:01 GMT',
		});
		expect(retryAfterHeader('date', START, 701)).toEqual({
			'Retry-After': 'Thu, 01 Jan 2026 00:00:02 GMT',
		});
	});

	test('omitted fields take the defaults; values it cannot play are refused', () => {
		expect(normalizeRateLimit({})).toEqual({
			ratePerSecond: 50,
			burst: 10,
			maxConcurrent: null,
			endpoints: ['messages', 'calloutList', 'calloutDelete'],
			retryAfter: 0,
			status: 429,
		});
		expect(normalizeRateLimit(null)).toBeNull();
		for (const bad of [
			{ ratePerSecond: 0 },
			{ burst: 0.5 },
			{ maxConcurrent: 0 },
			{ endpoints: ['nowhere'] },
			{ retryAfter: -1 },
			{ retryAfter: 'soon' },
			{ status: 500 },
		]) {
			expect(() => normalizeRateLimit(bad)).toThrow(/rateLimit\./);
		}
	});
});

describe('the throttling switch over HTTP', () => {
	const ctx = useSimulatorUnderTest({ now: clock.now });
	beforeEach(() => {
		clock.ms = START;
	});
	const send = (sim, t, sessionId = 's') =>
		call(`${sim.url}/notifications/v4/messages/${sim.credentials.userIds[0]}/session`, {
			method: 'POST',
			headers: { authorization: `Bearer ${t}` },
			body: { sessionId, templateId: 't', context: { url: 'https://www.example.com' } },
		});
	const control = (sim, method, route, body) => call(`${sim.url}/_sim${route}`, { method, body });

	test.each([
		[0, '0'],
		[1, '1'],
		['date', 'Thu, 01 Jan 2026 00:00:02 GMT'],
		['absent', undefined],
	])(
		'over the burst: 429 with Retry-After %p, not processed, counted',
		async (retryAfter, header) => {
			const { sim } = ctx;
			const t = await accessToken(sim);
			await control(sim, 'PUT', '/config', {
				rateLimit: { ratePerSecond: 1, burst: 2, retryAfter },
			});
			expect((await send(sim, t, 'a')).status).toBe(200);
			expect((await send(sim, t, 'b')).status).toBe(200);
			const refused = await send(sim, t, 'c');
			expect(refused.status).toBe(429);
			expect(refused.headers['retry-after']).toBe(header);
			expect(refused.json.error).toEqual({
				id: expect.any(String),
				message: 'Rate limit exceeded',
			});
			const stats = (await control(sim, 'GET', '/stats')).json;
			expect(stats.deliveries.total).toBe(2);
			expect(stats.throttled).toEqual({ token: 0, messages: 1, calloutList: 0, calloutDelete: 0 });
			expect(stats.requests.messages).toBe(3);
			clock.ms += 1000;
			expect((await send(sim, t, 'c')).status).toBe(200);
		},
	);

	test('stats list when each throttled Send request reached the limiter, by correlation id', async () => {
		const { sim } = ctx;
		const t = await accessToken(sim);
		sim.state.setConfig({ rateLimit: { ratePerSecond: 1, burst: 1 } });
		const before = performance.timeOrigin + performance.now();
		await send(sim, t);
		await send(sim, t);
		const { arrivals } = (await control(sim, 'GET', '/stats')).json;
		expect(arrivals.map((a) => a.admitted)).toEqual([true, false]);
		expect(arrivals[0].correlationId).toEqual(expect.any(String));
		expect(arrivals[0].at).toBeGreaterThanOrEqual(before);
		expect(arrivals[1].at).toBeGreaterThanOrEqual(arrivals[0].at);
	});

	test('status 503 instead of 429, same body', async () => {
		const { sim } = ctx;
		const t = await accessToken(sim);
		sim.state.setConfig({ rateLimit: { ratePerSecond: 1, burst: 1, status: 503, retryAfter: 1 } });
		await send(sim, t);
		const refused = await send(sim, t);
		expect(refused.status).toBe(503);
		expect(refused.headers['retry-after']).toBe('1');
		expect(refused.json.error.message).toBe('Rate limit exceeded');
	});

	test('maxConcurrent refuses a request that arrives while that many are held by latency', async () => {
		const { sim } = ctx;
		const t = await accessToken(sim);
		sim.state.setConfig({ rateLimit: { burst: 100, maxConcurrent: 2 } });
		sim.state.setConfig({ latency: { fixedMs: 1000 } });
		const held = [send(sim, t, 'a'), send(sim, t, 'b')];
		while (sim.state.limiter.inFlight < 2) await new Promise((resolve) => setImmediate(resolve));
		expect((await send(sim, t, 'c')).status).toBe(429);
		expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
		expect(sim.state.limiter.inFlight).toBe(0);
		expect((await send(sim, t, 'd')).status).toBe(200);
		expect(sim.state.stats().throttled.messages).toBe(1);
	});

	test('endpoints: by default the APIs share one bucket and the token endpoint is not limited', async () => {
		const { sim } = ctx;
		const t = await accessToken(sim);
		sim.state.setConfig({ rateLimit: { ratePerSecond: 1, burst: 1 } });
		expect(
			(
				await call(`${sim.url}/api/platform/notifications/v1.0/notification?status=FAILED`, {
					headers: { authorization: `Bearer ${t}` },
				})
			).status,
		).toBe(200);
		expect((await send(sim, t)).status).toBe(429);
		for (let i = 0; i < 3; i++) expect((await token(sim, companyGrant(sim))).status).not.toBe(429);
		expect(sim.state.stats().throttled).toEqual({
			token: 0,
			messages: 1,
			calloutList: 0,
			calloutDelete: 0,
		});
	});

	test("endpoints: a list limits only those, 'all' takes the token endpoint in", async () => {
		const { sim } = ctx;
		const t = await accessToken(sim);
		sim.state.setConfig({ rateLimit: { ratePerSecond: 1, burst: 1, endpoints: ['token'] } });
		for (let i = 0; i < 3; i++) expect((await send(sim, t)).status).toBe(200);
		await accessToken(sim);
		expect((await token(sim, companyGrant(sim))).status).toBe(429);
		sim.state.setConfig({ rateLimit: { ratePerSecond: 1, burst: 1, endpoints: 'all' } });
		await accessToken(sim);
		expect((await send(sim, t)).status).toBe(429);
		expect(sim.state.stats().throttled).toEqual({
			token: 1,
			messages: 1,
			calloutList: 0,
			calloutDelete: 0,
		});
	});

	test('the control API shows the limit with its defaults, refuses a bad one, and reset turns it off', async () => {
		const { sim } = ctx;
		const t = await accessToken(sim);
		const set = await control(sim, 'PUT', '/config', {
			rateLimit: { ratePerSecond: 1, burst: 1, retryAfter: 'date' },
		});
		expect(set.json.rateLimit).toEqual({
			ratePerSecond: 1,
			burst: 1,
			maxConcurrent: null,
			endpoints: ['messages', 'calloutList', 'calloutDelete'],
			retryAfter: 'date',
			status: 429,
		});
		const bad = await control(sim, 'PUT', '/config', { rateLimit: { status: 418 } });
		expect(bad.status).toBe(400);
		expect(bad.json.error).toMatch(/rateLimit\.status/);
		expect((await control(sim, 'GET', '/state')).json.config.rateLimit.retryAfter).toBe('date');
		await send(sim, t);
		expect((await send(sim, t)).status).toBe(429);
		await control(sim, 'POST', '/reset', {});
		expect((await control(sim, 'GET', '/state')).json.config.rateLimit).toBeNull();
		const fresh = await accessToken(sim);
		for (let i = 0; i < 3; i++) expect((await send(sim, fresh)).status).toBe(200);
		expect((await control(sim, 'GET', '/stats')).json.throttled.messages).toBe(0);
	});

	test('rateLimit: null turns it off', async () => {
		const { sim } = ctx;
		const t = await accessToken(sim);
		sim.state.setConfig({ rateLimit: { ratePerSecond: 1, burst: 1 } });
		await send(sim, t);
		sim.state.setConfig({ rateLimit: null });
		expect((await send(sim, t)).status).toBe(200);
	});
});

test('the CLI sets the limit from its options', async () => {
	const cli = path.join(__dirname, '../../simulator/cli.js');
	const args = [
		'--port',
		'0',
		'--secondary-port',
		'0',
		'--rate',
		'5',
		'--burst',
		'2',
		'--retry-after',
		'date',
		'--max-concurrent',
		'3',
		'--throttle-status',
		'503',
	];
	const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
	try {
		const { value: line } = await readline
			.createInterface({ input: child.stdout })
			[Symbol.asyncIterator]()
			.next();
		const { url, rateLimit } = JSON.parse(line);
		expect(rateLimit).toEqual({
			ratePerSecond: 5,
			burst: 2,
			maxConcurrent: 3,
			endpoints: ['messages', 'calloutList', 'calloutDelete'],
			retryAfter: 'date',
			status: 503,
		});
		expect((await call(`${url}/_sim/state`)).json.config.rateLimit.status).toBe(503);
	} finally {
		await new Promise((resolve) => child.once('exit', resolve).kill('SIGTERM'));
	}
});
