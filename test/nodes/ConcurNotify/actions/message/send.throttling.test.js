// Concur Notify against a throttling Concur (the simulator's token bucket), through real n8n-core.
const { useSimulatedConcur } = require('../../../../simulatedConcur');
const { credentialFor } = require('../../../../../rig/concurCredential');
const { sendParameters, rows, send } = require('../../../../sending');

const ctx = useSimulatedConcur();
jest.setTimeout(60_000);

const throttle = (sim, rateLimit) =>
	sim.state.setConfig({ rateLimit, latency: { fixedMs: 20, jitterMs: 0 } });

test.each([
	['Retry-After: 0', 0],
	['Retry-After: 1', 1],
	['no Retry-After', 'absent'],
	['an HTTP-date Retry-After', 'date'],
])(
	'throttled at 50/s with %s, every message is delivered exactly once with few extra requests',
	async (_, retryAfter) => {
		const { sim } = ctx;
		throttle(sim, { ratePerSecond: 50, burst: 10, retryAfter });
		const { outputs, error } = await send({
			items: rows(150, sim),
			credentials: credentialFor(sim),
		});
		expect(error).toBeUndefined();
		expect(
			outputs[0].every((item, i) => item.json.sent && item.json.sessionId === `session-${i}`),
		).toBe(true);
		const stats = sim.state.stats();
		expect(stats.deliveries).toMatchObject({ total: 150, unique: 150, duplicates: 0 });
		expect(stats.throttled.messages).toBeGreaterThan(0);
		// No retry storm: every throttle pauses all senders. How many extra requests finding the
		// limit costs depends on the machine's timing, so its share is measured by the benchmark
		// (npm run bench); a sender that ignored the pauses would make several times 150.
		expect(stats.requests.messages).toBeLessThanOrEqual(150 * 2);
	},
);

test('a 503 as the throttling answer is handled the same way', async () => {
	const { sim } = ctx;
	throttle(sim, { ratePerSecond: 50, burst: 10, status: 503 });
	const { error } = await send({ items: rows(100, sim), credentials: credentialFor(sim) });
	expect(error).toBeUndefined();
	expect(sim.state.stats().deliveries).toMatchObject({ total: 100, unique: 100, duplicates: 0 });
	expect(sim.state.stats().throttled.messages).toBeGreaterThan(0);
});

test('a cap on concurrent requests is found too: every message delivered once', async () => {
	const { sim } = ctx;
	throttle(sim, { ratePerSecond: 100_000, burst: 100_000, maxConcurrent: 3 });
	const { error } = await send({ items: rows(150, sim), credentials: credentialFor(sim) });
	expect(error).toBeUndefined();
	expect(sim.state.stats().deliveries).toMatchObject({ total: 150, unique: 150, duplicates: 0 });
	// No retry storm, as above: the share of extra requests depends on the machine's timing (on a
	// loaded machine 199 of 150 were seen), so the benchmark's cap rows measure it.
	expect(sim.state.stats().requests.messages).toBeLessThanOrEqual(150 * 2);
});

test('throttled requests are retried past Max Attempts while within Throttled Retry Time', async () => {
	const { sim } = ctx;
	sim.state.addFault({ endpoint: 'messages', kind: '429', next: 5, retryAfter: 0 });
	const { outputs, error } = await send({
		items: rows(1, sim),
		credentials: credentialFor(sim),
		parameters: sendParameters({ options: { maxAttempts: 2 } }),
	});
	expect(error).toBeUndefined();
	expect(outputs[0][0].json.attempts).toBe(6);
	expect(sim.state.stats().deliveries).toMatchObject({ total: 1, duplicates: 0 });
});

test('a Retry-After longer than Throttled Retry Time fails the items at once, quoting what Concur answered and how long it asked to wait', async () => {
	const { sim } = ctx;
	throttle(sim, { ratePerSecond: 0.001, burst: 1, retryAfter: 120 });
	const parameters = sendParameters({
		options: { throttleRetrySeconds: 60, requestsInParallel: 1 },
	});
	const { outputs } = await send({
		items: rows(3, sim),
		credentials: credentialFor(sim),
		parameters,
		continueOnFail: true,
	});
	expect(outputs[0][0].json.sent).toBe(true);
	for (const item of outputs[0].slice(1)) {
		expect(item.error.message).toBe('Sending the message failed: Rate limit exceeded');
		expect(item.error.description).toMatch(
			/Retry-After 120 s\), and the next try would wait 120 s.*"Throttled Retry Time" is 60 s.*Concur did not process it.*\(HTTP 429, /,
		);
	}
	// The third item never went out: the pause already exceeded what it could wait.
	expect(sim.state.stats().requests.messages).toBe(2);
	expect(sim.state.stats().deliveries.total).toBe(1);
});

test('without Continue On Fail, a wait beyond Throttled Retry Time stops the node and says how far it got', async () => {
	const { sim } = ctx;
	throttle(sim, { ratePerSecond: 0.001, burst: 2, retryAfter: 'date' });
	const parameters = sendParameters({ options: { throttleRetrySeconds: 10 } });
	const { error } = await send({
		items: rows(4, sim),
		credentials: credentialFor(sim),
		parameters,
	});
	expect(error.message).toBe('Sending the message failed: Rate limit exceeded');
	expect(error.description).toMatch(/the next try would wait \d+ s.*\(HTTP 429, /);
	expect(error.description).toMatch(/2 of 4 items were sent before the node stopped/);
	expect(sim.state.stats().deliveries.total).toBe(2);
});
