// The scheduler's turn: every request waits for the pacing, on the real event loop (the pool's
// slots are in workerPool.test.js).
const { SendScheduler } = require('../../../dist/nodes/shared/sendScheduler');

/** Holds the event loop for `ms`, as a long garbage collection does; returns when it let go. */
function stall(ms) {
	const end = performance.now() + ms;
	while (performance.now() < end);
	return performance.now();
}

test("a wake later than the timers allow is a stall: with a burst of one the next start waits a spacing from the stall's end", async () => {
	const scheduler = new SendScheduler({
		parallel: 'auto',
		maxParallel: 50,
		firstRequestAlone: false,
	});
	const { control } = scheduler;
	// A first window of one accepted request and one refused, its pause over: a burst of one, paced.
	const from = performance.now() - 3_000;
	control.started(from);
	control.succeeded(from + 1, from);
	control.started(from + 100);
	control.throttled(from + 101, from + 100, 2_000);

	scheduler.succeeded(await scheduler.turn());
	const spacing = control.delayBeforeStart(performance.now());
	expect(spacing).toBeGreaterThan(5);
	const next = scheduler.turn();
	// The loop stalls from half a spacing until well past the next request's time.
	const stallEnd = await new Promise((resolve) =>
		setTimeout(() => resolve(stall(spacing * 2)), spacing / 2),
	);
	const startedAt = await next;
	expect(startedAt - stallEnd).toBeGreaterThanOrEqual(spacing * 0.99);
});
