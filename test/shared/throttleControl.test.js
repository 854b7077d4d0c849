// The throttling rules on a fake clock: the limiter's arithmetic, without a server.
const {
	ThrottleControl,
	AUTO_START_PARALLEL,
	MIN_THROTTLE_WAIT_MS,
} = require('../../dist/nodes/shared/throttleControl');

const noJitter = () => 0;
const auto = (firstRequestAlone = false) =>
	new ThrottleControl({ parallel: 'auto', maxParallel: 50, firstRequestAlone }, noJitter);

/** Completes `count` requests of `latency` ms each, one round trip after another, from `now`. */
function succeedRounds(control, now, rounds, latency = 50) {
	for (let round = 0; round < rounds; round++) {
		const startedAt = now;
		now += latency;
		const inRound = control.limit;
		for (let i = 0; i < inRound; i++) control.succeeded(now, startedAt);
	}
	return now;
}

describe('how many requests may be in flight', () => {
	test('Auto starts with a few, or with one when the first request fetches the token', () => {
		expect(auto().limit).toBe(AUTO_START_PARALLEL);
		const control = auto(true);
		expect(control.limit).toBe(1);
		control.succeeded(50, 0);
		expect(control.limit).toBe(AUTO_START_PARALLEL);
	});

	test('Auto doubles every round trip while answers are quick, up to the maximum', () => {
		const control = auto();
		const limits = [];
		let now = 0;
		for (let i = 0; i < 6; i++) {
			now = succeedRounds(control, now, 1);
			limits.push(control.limit);
		}
		expect(limits).toEqual([8, 16, 32, 50, 50, 50]);
	});

	test('growth stops while latency climbs, and is one per round trip after a throttle', () => {
		const control = auto();
		let now = succeedRounds(control, 0, 1, 50);
		expect(control.limit).toBe(8);
		now = succeedRounds(control, now, 1, 500);
		expect(control.limit).toBe(8);
		control.throttled(now, now - 50, 0);
		expect(control.limit).toBe(4);
		now = succeedRounds(control, control.pausedUntil, 2, 50);
		expect(control.limit).toBe(6);
	});

	test('a fixed number stays fixed, throttled or not', () => {
		const control = new ThrottleControl(
			{ parallel: 10, maxParallel: 50, firstRequestAlone: false },
			noJitter,
		);
		let now = succeedRounds(control, 0, 3);
		control.throttled(now, now - 50, 0);
		now = succeedRounds(control, control.pausedUntil, 3);
		expect(control.limit).toBe(10);
	});
});

describe('the pause every sender shares after a throttle', () => {
	test("it lasts Concur's Retry-After, for every request that wants to start", () => {
		const control = auto();
		control.throttled(1_000, 950, 3_000);
		expect(control.delayBeforeStart(1_000)).toBe(3_000);
		expect(control.delayBeforeStart(2_500)).toBe(1_500);
		expect(control.delayBeforeStart(4_000)).toBe(0);
	});

	test.each([
		['Retry-After: 0', 0],
		['no Retry-After', undefined],
	])('%s still pauses for the jittered minimum, never a burst', (_, retryAfter) => {
		const early = new ThrottleControl(
			{ parallel: 'auto', maxParallel: 50, firstRequestAlone: false },
			() => 0,
		);
		const late = new ThrottleControl(
			{ parallel: 'auto', maxParallel: 50, firstRequestAlone: false },
			() => 0.999,
		);
		early.throttled(0, 0, retryAfter);
		late.throttled(0, 0, retryAfter);
		expect(early.pausedUntil).toBe(MIN_THROTTLE_WAIT_MS);
		expect(late.pausedUntil).toBeGreaterThan(MIN_THROTTLE_WAIT_MS * 1.49);
		expect(late.pausedUntil).toBeLessThan(MIN_THROTTLE_WAIT_MS * 1.5);
	});

	test('throttles in a row without a success double the minimum; a success resets it', () => {
		const control = auto();
		const pauses = [];
		let now = 0;
		for (let i = 0; i < 4; i++) {
			control.throttled(now, now, 0);
			pauses.push(control.pausedUntil - now);
			now = control.pausedUntil + 50;
		}
		expect(pauses).toEqual([250, 500, 1_000, 2_000]);
		control.succeeded(now + 50, now);
		control.throttled(now + 100, now + 60, 0);
		expect(control.pausedUntil - (now + 100)).toBe(250);
	});

	test('answers to requests sent before the cut are echoes: they do not cut again', () => {
		const control = auto();
		let now = succeedRounds(control, 0, 3);
		const limit = control.limit;
		control.throttled(now, now - 50, 0);
		const { rate } = control;
		control.throttled(now + 5, now - 40, 0);
		control.throttled(now + 6, now - 30, 1_000);
		expect(control.limit).toBe(limit / 2);
		expect(control.rate).toBe(rate);
		expect(control.pausedUntil).toBe(now + 6 + 1_000);
	});
});

describe('the send rate', () => {
	test('unlimited until the first throttle, then 60 % of the rate accepted, and requests are spaced by it', () => {
		const control = auto();
		control.started(0);
		expect(control.rate).toBe(Infinity);
		for (let t = 10; t <= 1_000; t += 10) control.succeeded(t, t - 10);
		control.throttled(1_000, 990, 0);
		expect(control.rate).toBeCloseTo(60, 5);
		const start = control.pausedUntil;
		control.started(start);
		expect(control.delayBeforeStart(start)).toBeCloseTo(1000 / 60, 5);
	});

	test('a start a little late keeps to the schedule (timers fire late); much later, the schedule starts afresh', () => {
		const control = auto();
		control.started(0);
		for (let t = 10; t <= 1_000; t += 10) control.succeeded(t, t - 10);
		control.throttled(1_000, 990, 0);
		const spacing = 1000 / control.rate;
		const start = control.pausedUntil;
		control.started(start);
		control.started(start + spacing + 2);
		expect(control.delayBeforeStart(start + spacing + 2)).toBeCloseTo(spacing - 2, 5);
		control.started(start + spacing * 4);
		expect(control.delayBeforeStart(start + spacing * 4)).toBeCloseTo(spacing, 5);
	});

	test('a throttle before any success sets no rate (nothing to measure): the pause and a smaller limit act', () => {
		const control = auto();
		control.started(0);
		control.throttled(50, 0, 0);
		expect(control.rate).toBe(Infinity);
		expect(control.limit).toBe(AUTO_START_PARALLEL / 2);
	});

	test('between throttles it grows by 1 % a second (at least 0.5/s), not while paused', () => {
		const control = auto();
		control.started(0);
		for (let t = 10; t <= 1_000; t += 10) control.succeeded(t, t - 10);
		control.throttled(1_000, 990, 0);
		const afterCut = control.rate;
		control.succeeded(1_200, 1_000);
		expect(control.rate).toBe(afterCut);
		control.succeeded(11_250, 11_200);
		expect(control.rate).toBeCloseTo(afterCut + Math.max(afterCut * 0.01, 0.5) * 10, 5);
	});

	test('the longer the pause Concur asks for, the slower it probes: the growth falls with the square of the pause', () => {
		// A throttle costs its whole pause, so the time between throttles must grow with the pause
		// for probing to cost the same share; that time grows as 1 / sqrt(growth).
		const growthAfter = (retryAfterMs) => {
			const control = auto();
			windowEndingInThrottle(control, 0, 15, 100, retryAfterMs);
			const afterCut = control.rate;
			control.succeeded(control.pausedUntil, control.pausedUntil - 50);
			control.succeeded(control.pausedUntil + 10_000, control.pausedUntil + 9_950);
			return control.rate - afterCut;
		};
		expect(growthAfter(0)).toBeGreaterThan(0);
		expect(growthAfter(375)).toBeCloseTo(growthAfter(0), 5);
		expect(growthAfter(1_000) / growthAfter(0)).toBeCloseTo((375 / 1_000) ** 2, 5);
		expect(growthAfter(3_000) / growthAfter(0)).toBeCloseTo((375 / 3_000) ** 2, 5);
	});
});

/**
 * One window of sending that ends in a throttle: `accepted` requests start evenly over `ms` from
 * `from`, each accepted 50 ms later, then the next is refused. Returns the rate just before.
 */
function windowEndingInThrottle(control, from, accepted, ms, retryAfterMs = 1_000) {
	for (let i = 0; i < accepted; i++) {
		const startedAt = from + (i * ms) / accepted;
		control.started(startedAt);
		control.succeeded(startedAt + 50, startedAt);
	}
	control.started(from + ms);
	const rate = control.rate;
	control.throttled(from + ms + 50, from + ms, retryAfterMs);
	return rate;
}

describe('the rate after the second throttle: measured, as TCP Westwood sets its window from the bandwidth it measured', () => {
	// A token bucket of 50/s with a burst of 10: a window of t seconds that ends in a throttle was
	// accepted 10 + 50 t requests.
	test("it is Concur's rate: the burst cancels between the first window and this one", () => {
		const control = auto();
		windowEndingInThrottle(control, 0, 15, 100);
		const afterSlowStart = control.rate;
		expect(afterSlowStart).toBeGreaterThan(60);
		windowEndingInThrottle(control, control.pausedUntil, 55, 900);
		expect(control.rate).toBeCloseTo(50, 5);
	});

	test('the first window starts after the request that fetched the token alone', () => {
		const control = auto(true);
		control.started(0);
		control.succeeded(300, 0);
		windowEndingInThrottle(control, 300, 15, 100);
		windowEndingInThrottle(control, control.pausedUntil, 55, 900);
		expect(control.rate).toBeCloseTo(50, 5);
	});

	test('a throttle cuts by 3 % at least, when the measure says more than the throttled rate', () => {
		const control = auto();
		windowEndingInThrottle(control, 0, 15, 100);
		// More accepted than the rate allowed (the bucket was not full at the start of the first window).
		const before = windowEndingInThrottle(control, control.pausedUntil, 200, 2_100, 0);
		expect(control.rate).toBeCloseTo(before * 0.97, 5);
	});

	test('and by half at most, when the measure says less (a pause too short to refill the bucket)', () => {
		const control = auto();
		windowEndingInThrottle(control, 0, 15, 100);
		const before = windowEndingInThrottle(control, control.pausedUntil, 20, 1_000, 0);
		expect(control.rate).toBeCloseTo(before / 2, 5);
	});

	test('a window shorter than 4 times the first measures nothing: the throttle cuts by a tenth', () => {
		// Throttling that is no token bucket (answers throttled at random) ends windows at random.
		const control = auto();
		windowEndingInThrottle(control, 0, 15, 100);
		const before = windowEndingInThrottle(control, control.pausedUntil, 20, 390, 0);
		expect(control.rate).toBeCloseTo(before * 0.9, 5);
	});

	test('the rate is measured once; every later throttle cuts it by a tenth', () => {
		const control = auto();
		windowEndingInThrottle(control, 0, 15, 100);
		windowEndingInThrottle(control, control.pausedUntil, 55, 900);
		expect(control.rate).toBeCloseTo(50, 5);
		const before = windowEndingInThrottle(control, control.pausedUntil, 20, 1_000);
		expect(control.rate).toBeCloseTo(before * 0.9, 5);
	});
});
