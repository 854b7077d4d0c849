// Load: a thousand messages through a flaky Concur, each delivered once. Kept apart from the
// behaviour tests in ../nodes because it runs for many seconds.
const { useSimulatedConcur } = require('../simulatedConcur');
const { credentialFor } = require('../../rig/concurCredential');
const { sendParameters, rows, send } = require('../sending');

const ctx = useSimulatedConcur();

test('1,000 items at concurrency 10 with 10 % transient faults: one output each, each delivered exactly once', async () => {
	const { sim } = ctx;
	// Every 429 pauses all senders for at least 250 ms and slows the pace, so they are the rarer
	// faults here (a 503 without Retry-After is retried by its item alone, with backoff); on a busy
	// machine the run takes up to two minutes (the timeout only guards a hang).
	sim.state.addFault({ endpoint: 'messages', kind: '429', rate: 0.02, retryAfter: 0 });
	sim.state.addFault({ endpoint: 'messages', kind: '503', rate: 0.02 });
	sim.state.addFault({ endpoint: 'messages', kind: 'reset', rate: 0.06 });
	const items = rows(1000, sim);
	const parameters = sendParameters({ options: { requestsInParallel: 10, maxAttempts: 10 } });
	const { outputs, error } = await send({ items, parameters, credentials: credentialFor(sim) });
	expect(error).toBeUndefined();
	expect(outputs[0]).toHaveLength(1000);
	expect(
		outputs[0].every(
			(item, i) =>
				item.pairedItem.item === i && item.json.sessionId === `session-${i}` && item.json.sent,
		),
	).toBe(true);
	const stats = sim.state.stats();
	expect(stats.deliveries).toMatchObject({ total: 1000, unique: 1000, duplicates: 0 });
	expect(stats.requests.messages).toBeGreaterThan(1050);
	expect(stats.grants.password_authtoken).toBe(1);
}, 300_000);
