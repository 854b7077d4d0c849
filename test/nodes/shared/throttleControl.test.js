// The throttling rules on a fake clock: the controller's arithmetic, without a server. Each test
// plays Concur's answers to a token bucket (or a cap) and checks one rule of the model.
const {
	ThrottleControl,
	AUTO_START_PARALLEL,
	MIN_THROTTLE_WAIT_MS,
} = require('../../../dist/nodes/shared/throttleControl');
const { playBucket } = require('../../../rig/fakeBucket');

const noJitter = () => 0;
const auto = (firstRequestAlone = false) =>
	new ThrottleControl({ parallel: 'auto', maxParallel: 50, firstRequestAlone }, noJitter);

/** Completes rounds of `control.limit` requests of `latency` ms each, one round trip after another. */
function succeedRounds(control, now, rounds, latency = 50) {
	for (let round = 0; round < rounds; round++) {
		const startedAt = now;
		const inRound = control.limit;
		for (let i = 0; i < inRound; i++) control.started(startedAt);
		now += latency;
		for (let i = 0; i < inRound; i++) control.succeeded(now, startedAt);
	}
	return now;
}

/**
 * `accepted` requests start evenly over `ms` from `from` and are accepted 1 ms later, then one more
 * starts at `from + ms` and is refused with `retryAfterMs`. Returns when the refusal came.
 */
function windowEndingInRefusal(control, from, accepted, ms, retryAfterMs = 1_000) {
	for (let i = 0; i < accepted; i++) {
		const startedAt = from + (i * ms) / accepted;
		control.started(startedAt);
		control.succeeded(startedAt + 1, startedAt);
	}
	control.started(from + ms);
	control.throttled(from + ms + 1, from + ms, retryAfterMs);
	return from + ms + 1;
}

/**
 * A first window from a full bucket: `accepted` requests start together at 0 and `refused` more at
 * 1 ms, all answered a round trip later, the refused ones with `Retry-After: 0`.
 */
function windowWithEchoes(control, accepted, refused) {
	for (let i = 0; i < accepted; i++) control.started(0);
	for (let i = 0; i < refused; i++) control.started(1);
	for (let i = 0; i < accepted; i++) control.succeeded(50, 0);
	for (let i = 0; i < refused; i++) control.throttled(51, 1, 0);
}

/** Sends at the paced rate from `from` until `until`, every request accepted; returns the last start. */
function sendPaced(control, from, until) {
	if (!Number.isFinite(control.rate)) throw new Error('the rate is not paced');
	let now = from;
	while (now < until) {
		now += control.delayBeforeStart(now);
		control.started(now);
		control.succeeded(now + 1, now);
	}
	return now;
}

/**
 * Sends at the paced rate from `from` until `until`, each request answered (accepted) after
 * `latency(i)` ms, starts and answers in the order of their times; as SendScheduler.turn, a
 * request waits out a delay and asks again (under a microsecond is rounding). Returns when the
 * last one ended.
 */
function playPaced(control, from, until, latency) {
	const pending = [];
	let now = from;
	for (let i = 0; ; ) {
		const delay = control.delayBeforeStart(now);
		pending.sort((a, b) => a.answeredAt - b.answeredAt);
		if (pending.length > 0 && pending[0].answeredAt <= now + delay) {
			const { answeredAt, startedAt } = pending.shift();
			now = answeredAt;
			control.succeeded(answeredAt, startedAt);
		} else if (now + delay < until) {
			now += delay;
			if (delay > 0.001) continue;
			control.started(now);
			pending.push({ startedAt: now, answeredAt: now + latency(i++) });
		} else break;
	}
	for (const { answeredAt, startedAt } of pending) control.succeeded(answeredAt, startedAt);
	return Math.max(now, ...pending.map((p) => p.answeredAt));
}

describe('how many requests may be in flight', () => {
	test('Auto starts with a few, or with one when the first request fetches the token', () => {
		expect(auto().limit).toBe(AUTO_START_PARALLEL);
		const control = auto(true);
		expect(control.limit).toBe(1);
		control.started(0);
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

	test("slow start stays within half REFUSED_SHARE of the run's requests (the echoes of its first refusal)", () => {
		const limitAfter = (requests) => {
			const control = auto();
			control.expect(requests);
			succeedRounds(control, 0, 6);
			return control.limit;
		};
		expect(limitAfter(2_000)).toBe(50);
		expect(limitAfter(1_000)).toBe(40);
		expect(limitAfter(200)).toBe(8);
		expect(limitAfter(50)).toBe(2);
	});

	test('growth stops while latency climbs', () => {
		const control = auto();
		let now = succeedRounds(control, 0, 1, 50);
		expect(control.limit).toBe(8);
		now = succeedRounds(control, now, 2, 500);
		expect(control.limit).toBe(8);
	});

	test('a fixed number stays fixed, throttled or not', () => {
		const control = new ThrottleControl(
			{ parallel: 10, maxParallel: 50, firstRequestAlone: false },
			noJitter,
		);
		let now = succeedRounds(control, 0, 3);
		control.started(now);
		control.throttled(now + 50, now, 0);
		now = succeedRounds(control, control.pausedUntil + 100, 3);
		expect(control.limit).toBe(10);
	});

	test('rule 5: while a cap explains every refusal, requests in flight stay under the fewest refused', () => {
		// A cap of 3: the fourth request in flight is refused, the first three are accepted.
		const control = auto();
		for (let i = 0; i < 4; i++) control.started(0);
		for (let i = 0; i < 3; i++) control.succeeded(50, 0);
		control.throttled(50, 0, 1_000);
		expect(control.limit).toBe(3);
	});

	test('rule 5: once a refusal came with fewer in flight than an accepted request, no cap limits them', () => {
		const control = auto();
		for (let i = 0; i < 4; i++) control.started(0);
		for (let i = 0; i < 3; i++) control.succeeded(50, 0);
		control.throttled(50, 0, 0);
		// A bucket, not a cap: refused alone in flight.
		control.started(2_000);
		control.throttled(2_050, 2_000, 0);
		expect(control.limit).toBe(50);
	});
});

describe("the pause every sender shares after a throttle: Concur's Retry-After", () => {
	test('it lasts Retry-After, for every request that wants to start', () => {
		const control = auto();
		control.started(950);
		control.throttled(1_000, 950, 3_000);
		expect(control.delayBeforeStart(1_000)).toBe(3_000);
		expect(control.delayBeforeStart(2_500)).toBe(1_500);
	});

	test.each([
		['Retry-After: 0', 0],
		['no Retry-After', undefined],
	])('%s is no burst: the pacing restarts from an empty bucket', (_, retryAfter) => {
		const control = auto();
		let now = succeedRounds(control, 0, 2);
		// Three refused of the last eight: a rate limit, not chance (rule 6).
		for (let i = 0; i < 8; i++) control.started(now);
		for (let i = 0; i < 5; i++) control.succeeded(now + 50, now);
		for (let i = 0; i < 3; i++) control.throttled(now + 50, now, retryAfter);
		now += 50;
		const restart = control.pausedUntil;
		expect(restart - now).toBeLessThan(50);
		// Only what the bucket refilled in the pause (here, B is not known to exceed one).
		expect(control.delayBeforeStart(restart)).toBe(0);
		control.started(restart);
		expect(control.delayBeforeStart(restart)).toBeGreaterThan(0);
	});

	test('throttles in a row without a success double a minimum pause; a success resets it', () => {
		const control = auto();
		const pauses = [];
		let now = 0;
		for (let i = 0; i < 4; i++) {
			control.started(now);
			control.throttled(now + 1, now, 0);
			pauses.push(control.pausedUntil - (now + 1));
			now = control.pausedUntil + 1_000;
		}
		expect(pauses).toEqual([
			0,
			MIN_THROTTLE_WAIT_MS,
			MIN_THROTTLE_WAIT_MS * 2,
			MIN_THROTTLE_WAIT_MS * 4,
		]);
		control.started(now);
		control.succeeded(now + 1, now);
		control.started(now + 1_000);
		control.throttled(now + 1_001, now + 1_000, 0);
		expect(control.pausedUntil).toBe(now + 1_001);
	});
});

describe('the send rate, from the bounds a token bucket allows', () => {
	test('unlimited until Concur first throttles', () => {
		const control = auto();
		succeedRounds(control, 0, 3);
		expect(control.rate).toBe(Infinity);
	});

	test('rule 1: the rate never restarts below what two refusals prove (accepted between, less one, over the time)', () => {
		// R 50/s: 49 accepted between two refusals 1.1 s apart (a 0.1 s pause, too short to fill
		// the bucket); both cut, as their pauses cost more than 5 % of the time (rule 6).
		const control = auto();
		const first = windowEndingInRefusal(control, 0, 20, 100, 100);
		const second = windowEndingInRefusal(control, control.pausedUntil, 49, 1_000, 100);
		expect(control.rate).toBeLessThan(Infinity);
		expect(control.rate).toBeGreaterThanOrEqual(48 / ((second - first + 5) / 1000));
	});

	test('rule 2: the burst of the first window is taken off what a later window proves', () => {
		// R 50/s, B 15: the first window took 15 + 5 in 100 ms; after a 2 s pause the bucket is full
		// again, and the next window takes 15 + 50 in a second. Without B the second window would
		// prove 64/s; with it, R.
		const control = auto();
		windowEndingInRefusal(control, 0, 20, 100, 2_000);
		const restart = control.pausedUntil;
		for (let i = 0; i < 15; i++) {
			control.started(restart);
			control.succeeded(restart + 1, restart);
		}
		windowEndingInRefusal(control, restart, 50, 1_000, 2_000);
		expect(control.rate).toBeLessThanOrEqual(50);
		expect(control.rate).toBeGreaterThan(40);
	});

	test('rule 2: B is whole, so the first window bounds it by its excess rounded up, not one more', () => {
		// With nothing known of R, a refused start left under a token: B < accepted + 1, so B ≤ accepted.
		const one = auto();
		windowWithEchoes(one, 1, 2);
		expect(one.burstHigh).toBe(1);
		const ten = auto();
		windowWithEchoes(ten, 10, 3);
		expect(ten.burstHigh).toBe(10);
	});

	test('rule 1 with a burst of one: while the sending flows, the last two accepted starts prove their spacing', () => {
		// B 1 (the first window took one): each accepted start left the bucket empty, so the next
		// one, 200 ms later, proves 1/(0.2 s + the jitter), where the climb's average proves 1.8/s.
		const control = auto();
		windowWithEchoes(control, 1, 2);
		for (const startedAt of [100, 1_100, 1_600, 1_800]) {
			control.started(startedAt);
			control.succeeded(startedAt + 50, startedAt);
		}
		expect(control.lowerBound).toBeGreaterThan(1000 / 206);
	});

	test('rule 3: after a cut the rate climbs back to the rate refused, over four pauses', () => {
		const control = auto();
		windowEndingInRefusal(control, 0, 20, 100, 100);
		const last = sendPaced(control, control.pausedUntil, control.pausedUntil + 1_000);
		const refused = control.rate;
		control.started(last + 1);
		control.throttled(last + 2, last + 1, 2_000);
		const restart = control.pausedUntil;
		expect(control.rate).toBeLessThan(refused);
		sendPaced(control, restart, restart + 8_000);
		expect(control.rate).toBeGreaterThan(refused * 0.9);
		expect(control.rate).toBeLessThan(refused * 1.1);
	});

	test('rule 4: the climb after a cut starts once a request after its pause is accepted', () => {
		// Until then the rate itself may be over R: time alone must not raise it.
		const control = auto();
		windowEndingInRefusal(control, 0, 20, 100, 100);
		const cutRate = control.rate;
		const late = control.pausedUntil + 1_000;
		control.started(late);
		expect(control.rate).toBe(cutRate);
		control.succeeded(late + 1, late);
		control.started(late + 1_000);
		expect(control.rate).toBeGreaterThan(cutRate * 1.5);
	});

	test('rule 4: the climb after a cut gains the same share per pause, whatever the pause', () => {
		const growthPerPause = (retryAfterMs) => {
			const control = auto();
			const first = windowEndingInRefusal(control, 0, 20, 100, 0);
			const second = windowEndingInRefusal(control, first, 100, 2_000, 0);
			windowEndingInRefusal(control, second, 100, 2_000, retryAfterMs);
			const start = control.pausedUntil;
			control.started(start);
			const before = control.rate;
			control.succeeded(start + 20_000, start);
			return Math.log(control.rate / before) / (20 / (retryAfterMs / 1000));
		};
		expect(growthPerPause(2_000)).toBeGreaterThan(0);
		expect(growthPerPause(4_000)).toBeCloseTo(growthPerPause(2_000), 5);
	});

	test('rule 4: after a pause the sending spends a burst of what Concur refilled, no more than B', () => {
		// B 10 at R 50/s: the first window took 10 + 5 in 100 ms.
		const control = auto();
		windowEndingInRefusal(control, 0, 15, 100, 0);
		const second = windowEndingInRefusal(control, control.pausedUntil, 49, 1_000, 0);
		windowEndingInRefusal(control, second, 50, 1_000, 5_000);
		const restart = control.pausedUntil;
		let together = 0;
		while (control.delayBeforeStart(restart) === 0 && together < 50) {
			control.started(restart);
			together++;
		}
		expect(together).toBeGreaterThan(1);
		expect(together).toBeLessThanOrEqual(10);
	});

	test('rule 4: the pacing bursts a token under B as the window showed it, not under its upper estimate', () => {
		// B 1: the requests in flight at the first refusal may all have been accepted, so B's upper
		// estimate (rule 1's) is over one. A paced burst of two would be refused at any rate, and
		// each refusal taken as passing R (rule 3) would bring the upper bound down to the lower.
		for (const rate of [40, 250]) {
			const control = auto(true);
			control.expect(rate * 15);
			const seen = [];
			const throttled = control.throttled.bind(control);
			control.throttled = (now, startedAt, retryAfterMs) => {
				throttled(now, startedAt, retryAfterMs);
				seen.push({ upper: control.burstHigh, paced: control.pacingBurst });
			};
			playBucket(control, { rate, burst: 1, count: rate * 15, retryAfterMs: 2_000, tokenMs: 100 });
			expect(Math.max(...seen.map((s) => s.upper))).toBeGreaterThan(1);
			expect(seen.filter((s) => s.paced !== 1)).toEqual([]);
		}
	});

	test('rule 2: a later window from a full bucket caps B, and the pacing bursts under it', () => {
		// B 1, but the first window's unpaced starts were 5 ms apart (a sender's own work), as a
		// bucket of one at 250/s refills: B looked like 9, and the pacing bursts two after a pause.
		// The second of a pair after a full second's pause is refused: B is one. The pacing
		// bursts no more, and the upper bound its pairs' refusals set (rule 3) is dropped.
		const control = auto();
		for (let i = 0; i < 9; i++) {
			control.started(i * 5);
			control.succeeded(i * 5 + 50, i * 5);
		}
		control.started(45);
		control.throttled(95, 45, 1_000);
		const sent = sendPaced(control, control.pausedUntil, control.pausedUntil + 200);
		control.started(sent + 10);
		control.throttled(sent + 60, sent + 10, 1_000);
		const pairAt = control.pausedUntil;
		expect(control.delayBeforeStart(pairAt)).toBe(0);
		control.started(pairAt);
		expect(control.delayBeforeStart(pairAt)).toBe(0);
		control.started(pairAt);
		control.succeeded(pairAt + 50, pairAt);
		control.throttled(pairAt + 51, pairAt, 1_000);
		expect(control.upperBound).toBe(Infinity);
		const restart = control.pausedUntil;
		control.started(restart);
		expect(control.delayBeforeStart(restart)).toBeGreaterThan(0);
	});

	test('rule 4: a cut restarts just under what its window measured, not at half the rate refused', () => {
		// A bucket of R 15/s and B 10, answers 50 ms after their start. The first window spends the
		// burst unpaced; after its pause the rate (half of slow start's) is far over R, so the burst
		// lasts under half a second. That window measures R: the next restart is near it, where half
		// of the rate refused would still be far over R, and refused again after its own pause.
		const R = 15;
		const control = auto();
		const bucket = { level: 10, at: 0 };
		const take = (at) => {
			bucket.level = Math.min(10, bucket.level + ((at - bucket.at) * R) / 1000);
			bucket.at = at;
			if (bucket.level < 1) return false;
			bucket.level--;
			return true;
		};
		// Starts and answers in the order of their times, until a refusal and its echoes are answered.
		const windowUntilRefused = (from) => {
			const pending = [];
			let now = from;
			let refusedOnce = false;
			for (;;) {
				const delay = control.delayBeforeStart(now);
				const full = pending.length >= control.limit;
				if (pending.length > 0 && (full || refusedOnce || pending[0].answeredAt <= now + delay)) {
					const answer = pending.shift();
					now = answer.answeredAt;
					if (answer.accepted) control.succeeded(now, answer.startedAt);
					else control.throttled(now, answer.startedAt, 2_000);
					refusedOnce ||= !answer.accepted;
				} else if (refusedOnce) return now;
				else {
					now += delay;
					if (delay > 0.001) continue;
					control.started(now);
					pending.push({ startedAt: now, answeredAt: now + 50, accepted: take(now) });
				}
			}
		};
		windowUntilRefused(0);
		expect(control.rate).toBeGreaterThan(2 * R);
		windowUntilRefused(control.pausedUntil);
		// Half the rate refused is 2.8 R here; the window measures R to about two tokens over 0.4 s.
		expect(control.rate).toBeLessThan(1.5 * R);
		expect(control.rate).toBeGreaterThan(0.8 * R);
	});

	test('rule 4: a cut restarts from the best span within its window, whatever span proves the lower bound', () => {
		// R 25/s, B 30, Retry-After: 2. Rule 1's best proof may start before the pause (a refused
		// start, which held under a token, against an accepted one taken to hold B − 1): a span
		// across the pause measures the pause too, so the estimate comes from the window's own.
		const control = auto(true);
		const restarts = [];
		const throttled = control.throttled.bind(control);
		control.throttled = (now, startedAt, retryAfterMs) => {
			throttled(now, startedAt, retryAfterMs);
			if (control.estimate > 0) restarts.push(control.rate);
		};
		control.expect(375);
		playBucket(control, { rate: 25, burst: 30, count: 375, retryAfterMs: 2_000, tokenMs: 100 });
		expect(restarts[0]).toBeGreaterThan(0.8 * 25);
		expect(restarts[0]).toBeLessThan(25);
	});

	test('rule 3: with a burst of one, a refused paced start proves only its spacing less the jitter', () => {
		// B 1: the first window took one. Answers 1 or 101 ms after their start: a request may
		// reach Concur up to 100 ms early, so a refusal at ~8/s proves no less than ~30/s.
		const control = auto();
		windowEndingInRefusal(control, 0, 1, 100, 100);
		let answers = 0;
		const jittered = () => (answers++ % 2 ? 101 : 1);
		const last = playPaced(control, control.pausedUntil, control.pausedUntil + 1_000, jittered);
		const refusedAt = last + control.delayBeforeStart(last);
		const refused = control.rate;
		control.started(refusedAt);
		control.throttled(refusedAt + 1, refusedAt, 2_000);
		playPaced(control, control.pausedUntil, control.pausedUntil + 8_000, jittered);
		expect(control.rate).toBeGreaterThan(refused * 1.1);
	});

	test('rule 7: with a burst of one and nothing proven, each cut halves the rate refused', () => {
		// Each pause ends with one request accepted and the next, a spacing later, refused: the
		// refusals bound nothing (rule 3), so only halving brings the rate down to R.
		const control = auto();
		windowEndingInRefusal(control, 0, 1, 1, 1_000);
		const rates = [];
		for (let cut = 0; cut < 5; cut++) {
			const restart = control.pausedUntil;
			control.started(restart);
			control.succeeded(restart + 1, restart);
			const refusedAt = restart + control.delayBeforeStart(restart);
			control.started(refusedAt);
			control.throttled(refusedAt + 1, refusedAt, 1_000);
			rates.push(control.rate);
		}
		for (let i = 1; i < rates.length; i++) expect(rates[i]).toBeLessThanOrEqual(rates[i - 1] / 1.9);
	});

	test('rule 4: with a burst of one, a cut far above the lower bound restarts at the middle of the bounds on a log scale', () => {
		// After the first window, one request accepted at 1 s and the next, 100 ms later, refused:
		// R is between about 1/s and 10/s. Half the rate refused (or of the upper bound) is 5/s; the
		// middle on a log scale, about 3/s, leaves as many halvings on either side.
		const control = auto();
		windowWithEchoes(control, 1, 2);
		control.started(1_000);
		control.succeeded(1_050, 1_000);
		control.started(1_100);
		control.throttled(1_150, 1_100, 1_000);
		const middle = Math.sqrt(control.lowerBound * control.upperBound);
		expect(control.lowerBound).toBeGreaterThan(0.9);
		expect(control.upperBound).toBeLessThan(11);
		expect(control.rate).toBeCloseTo(middle, 6);
		expect(control.rate).toBeLessThan(control.upperBound / 3);
	});

	test('rule 4: a run whose share of extra requests cannot pay for halving bisects the range up from MIN_RATE', () => {
		// The first window: one request accepted, two refused with it, nothing proven. Slow start
		// sent at 60/s; halving from there expects three refusals or more on the way down to R.
		// 8 % of 5,000 requests pays for them, of 50 it does not: that run restarts at the middle,
		// on a log scale, of MIN_RATE (one request every five seconds) and the rate refused.
		const restart = (requests) => {
			const control = auto();
			control.expect(requests);
			windowWithEchoes(control, 1, 2);
			return control.rate;
		};
		expect(restart(5_000)).toBeCloseTo(30, 6);
		expect(restart(50)).toBeCloseTo(Math.sqrt(0.2 * 60), 6);
	});

	test("rule 7: with a burst of one, the pacing adds the margin that the answers' jitter and the pause call for", () => {
		// One answer in four comes 30 ms later than the others: a margin of 30 ms costs less than
		// a 2 s pause a quarter of the time.
		const control = auto();
		windowEndingInRefusal(control, 0, 1, 100, 2_000);
		const latencies = [50, 50, 50, 80];
		let answers = 0;
		const end = playPaced(control, control.pausedUntil, control.pausedUntil + 3_000, () => {
			return latencies[answers++ % latencies.length];
		});
		const startAt = end + control.delayBeforeStart(end);
		control.started(startAt);
		expect(control.delayBeforeStart(startAt)).toBeCloseTo(1000 / control.rate + 30, 6);
	});

	test("rule 7: with Retry-After: 0 a refusal still costs the refused request's spacing", () => {
		// A burst of one (one accepted, three refused); then one answer in four comes 4 ms late. At
		// 40 requests/s a 4 ms margin costs less than a spacing of 25 ms lost a quarter of the time.
		const control = auto();
		windowWithEchoes(control, 1, 3);
		let answers = 0;
		playPaced(control, control.pausedUntil, control.pausedUntil + 500, () =>
			answers++ % 4 === 3 ? 54 : 50,
		);
		expect(control.marginMs).toBeCloseTo(4, 6);
	});

	test('rule 7: the margin follows how often Concur refuses the paced starts, not the answer times alone', () => {
		// One answer in twenty comes 100 ms late, one in five of the others 20 ms late: a 20 ms
		// margin costs less than a 1 s pause a fifth of the time, as far as the answer times tell.
		// Concur then refuses none of the paced starts, where the times predicted one in twenty:
		// the margin goes once the evidence outweighs them.
		const control = auto();
		// A short run: rule 8 holds the rate, so only the margin moves.
		control.expect(60);
		windowEndingInRefusal(control, 0, 1, 100, 1_000);
		let now = playPaced(control, control.pausedUntil, control.pausedUntil + 3_000, () => 50);
		now += control.delayBeforeStart(now);
		control.started(now);
		control.throttled(now + 50, now, 1_000);
		let answers = 0;
		const latency = () => {
			const i = answers++;
			return i % 20 === 0 ? 150 : i % 4 === 0 ? 70 : 50;
		};
		now = playPaced(control, control.pausedUntil, control.pausedUntil + 30_000, latency);
		expect(control.marginMs).toBe(20);
		playPaced(control, now, now + 60_000, latency);
		expect(control.marginMs).toBe(0);
	});

	test('rule 8: a climb that would not pay for its pause over the requests left does not start', () => {
		// B 20 at about R 32/s: three windows prove R ≥ 31.8, a refusal at the paced rate R < 33.2.
		// A climb gains at most about 2 % of the sending left and costs a 1 s pause: it pays with
		// 100,000 requests left (about 50 minutes), not with 1,000 (half a minute).
		const rateAfter = (requestsLeft) => {
			const control = auto();
			control.expect(requestsLeft);
			windowEndingInRefusal(control, 0, 20, 100, 1_000);
			windowEndingInRefusal(control, control.pausedUntil, 49, 1_000, 1_000);
			windowEndingInRefusal(control, control.pausedUntil, 50, 1_000, 1_000);
			const last = sendPaced(control, control.pausedUntil, control.pausedUntil + 500);
			const refusedAt = last + control.delayBeforeStart(last);
			control.started(refusedAt);
			control.throttled(refusedAt + 1, refusedAt, 1_000);
			const restart = control.pausedUntil;
			const held = control.rate;
			control.started(restart);
			control.succeeded(restart + 20_000, restart);
			return control.rate / held;
		};
		expect(rateAfter(1_000)).toBe(1);
		expect(rateAfter(100_000)).toBeGreaterThan(1);
	});

	test("rule 8: a probe whose refusal would not fit in the run's share of extra requests does not start", () => {
		// The first window ended with 40 echoes refused; then the bounds close in (B 20 at about
		// R 32/s). With Retry-After: 0 a probe costs little time, but its refusal would take the
		// run's refused past 8 % of 300 requests; of 3,000 it would not.
		const probes = (requests) => {
			const control = auto();
			control.expect(requests);
			windowWithEchoes(control, 20, 40);
			windowEndingInRefusal(control, control.pausedUntil, 49, 1_000, 0);
			windowEndingInRefusal(control, control.pausedUntil, 50, 1_000, 0);
			const last = sendPaced(control, control.pausedUntil, control.pausedUntil + 500);
			const refusedAt = last + control.delayBeforeStart(last);
			control.started(refusedAt);
			control.throttled(refusedAt + 1, refusedAt, 0);
			const restart = control.pausedUntil + 1;
			const held = control.rate;
			expect(control.upperBound).toBeLessThanOrEqual(held * 1.05);
			control.started(restart);
			control.succeeded(restart + 5_000, restart);
			return control.rate > held;
		};
		expect(probes(300)).toBe(false);
		expect(probes(3_000)).toBe(true);
	});

	test('rule 1: a span ends at the last accepted start, not at the refusal after it', () => {
		// A refusal, then 10 accepted 100 ms apart, then nothing until a refusal 3 s later: the
		// ten prove about 9 / 0.9 s, whatever the quiet time after them.
		const control = auto();
		const first = windowEndingInRefusal(control, 0, 20, 100, 1_000);
		const from = control.pausedUntil;
		for (let i = 0; i < 10; i++) {
			control.started(from + i * 100);
			control.succeeded(from + i * 100 + 1, from + i * 100);
		}
		control.started(from + 4_000);
		control.throttled(from + 4_001, from + 4_000, 1_000);
		expect(control.lowerBound).toBeGreaterThan(9 / ((from + 900 - first + 10) / 1000));
	});

	test('rule 1 while the sending flows: an upper bound the accepted requests pass is dropped', () => {
		// A refusal at random at the paced rate set an upper bound there (rule 3); the sending then
		// goes on accepted at that rate and above, so the search resumes without a bound.
		const control = auto();
		windowEndingInRefusal(control, 0, 20, 100, 100);
		const last = sendPaced(control, control.pausedUntil, control.pausedUntil + 1_000);
		const refusedAt = last + control.delayBeforeStart(last);
		const refused = control.rate;
		control.started(refusedAt);
		control.throttled(refusedAt + 1, refusedAt, 100);
		sendPaced(control, control.pausedUntil, control.pausedUntil + 4_500);
		expect(control.rate).toBeGreaterThan(refused * 2);
	});

	test('rule 3: a refusal answered before the requests that started ahead of it still bounds R', () => {
		// Starts at 0 and 30 ms are still in flight when the one at 60 ms is refused: counted as
		// accepted, the one at 30 ms bounds R by its spacing less the jitter (5 ms), 1 / 25 ms.
		const control = auto();
		for (const at of [0, 30, 60]) control.started(at);
		control.throttled(110, 60, 2_000);
		expect(control.upperBound).toBeLessThan(Infinity);
		expect(control.upperBound).toBeGreaterThanOrEqual(1000 / 25);
	});

	test('rule 3: a start within the jitter before the refused one leaves R unbounded', () => {
		// A bucket of one at 250/s refuses a start 3 ms after an accepted one that arrived late.
		// The start at 0 would bound R to 2 / 18 ms, but the bucket overflowed after it.
		const control = auto();
		for (const at of [0, 20]) {
			control.started(at);
			control.succeeded(at + 50, at);
		}
		control.started(23);
		control.throttled(73, 23, 1_000);
		expect(control.upperBound).toBe(Infinity);
	});

	test('rule 3: a start within the jitter after the refused one leaves R unbounded, answered or not', () => {
		// The start at 32 ms, still in flight, may have reached Concur first and been accepted.
		const control = auto();
		control.started(0);
		control.succeeded(50, 0);
		control.started(30);
		control.started(32);
		control.throttled(80, 30, 1_000);
		expect(control.upperBound).toBe(Infinity);
	});

	test('rule 3: a refused start before the refused one bounds R: the bucket gained under one token between', () => {
		// Both left under a token and none was spent between: R < 1 / (100 ms less the jitter, 5 ms).
		const control = auto();
		control.started(0);
		control.throttled(50, 0, 0);
		control.started(100);
		control.throttled(150, 100, 0);
		expect(control.upperBound).toBeCloseTo(1000 / 95, 6);
	});

	test('rule 3: a refused start within the jitter before the refused one is passed over', () => {
		// The refusal at 98 ms proves nothing (it may have arrived after the one at 100 ms); the
		// accepted one at 40 ms bounds R: its token and the bucket's empty level, over 55 ms.
		const control = auto();
		control.started(40);
		control.succeeded(90, 40);
		control.started(98);
		control.started(100);
		control.throttled(148, 98, 0);
		control.throttled(150, 100, 0);
		expect(control.upperBound).toBeCloseTo(1000 / 55, 6);
	});

	test('rule 3: the request that fetched the token bounds nothing (it reached Concur late)', () => {
		// It went alone, and its answer came 300 ms later with the token fetched on the way; the
		// next request, refused, bounds R only from requests whose start was their departure.
		const control = auto(true);
		control.started(0);
		control.succeeded(300, 0);
		control.started(300);
		control.throttled(350, 300, 100);
		// From the token request's start, R < 1 / 0.295 s; from its answer, nothing.
		expect(control.rate).toBeGreaterThan(1000 / 295);
	});

	test('rules 1, 2 and 3: against a token bucket the bounds hold R and B, whatever R, B and Retry-After', () => {
		// The first request fetches the token and reaches the bucket 100 ms after its start: counted
		// at its start, the bucket's last full moment would fall before the span measured, and B's
		// upper estimate would miss the tokens it left (a burst of 3 then proves R too high).
		for (const [rate, burst] of [
			[2, 10],
			[5, 10],
			[15, 10],
			[40, 30],
			[5, 3],
			[15, 3],
			[5, 1],
			[250, 10],
		])
			for (const retryAfterMs of [0, 1_000, 2_000]) {
				const control = auto(true);
				const count = Math.max(50, rate * 15);
				control.expect(count);
				const { lowestUpper, highestLower, lowestBurst } = playBucket(control, {
					rate,
					burst,
					count,
					retryAfterMs,
					tokenMs: 100,
				});
				const held = {
					upperAboveR: lowestUpper >= rate,
					lowerUnderR: highestLower <= rate,
					burstOverB: lowestBurst >= burst,
				};
				expect({ rate, burst, retryAfterMs, ...held }).toEqual({
					rate,
					burst,
					retryAfterMs,
					upperAboveR: true,
					lowerUnderR: true,
					burstOverB: true,
				});
			}
	});

	test("rule 3: with B's floor from the first window, R is bounded since the bucket was last full", () => {
		// A bucket of R 20/s and B 10: ten start together from a full bucket, the one at 20 ms is
		// refused; then three at 40/s and the fourth refused. Every answer takes 50 ms (jitter 5 ms).
		const control = auto();
		const answer = (at, accepted) => {
			control.started(at);
			if (accepted) control.succeeded(at + 50, at);
			else control.throttled(at + 50, at, 0);
		};
		for (let i = 0; i < 10; i++) answer(0, true);
		answer(20, false);
		// The ten, less the floor (10, from R < 66.7), plus one, over 15 ms; with no floor, R < 667.
		expect(control.upperBound).toBeCloseTo(1000 / 15, 6);
		for (const at of [100, 125, 150]) answer(at, true);
		answer(175, false);
		// Last full before the ten at 0: the thirteen, less the floor, plus one, over 170 ms; not
		// full since the refusal at 20 ms would give 4 / 150 ms. With no floor, R < 50.
		expect(control.upperBound).toBeCloseTo(4000 / 170, 6);
	});
	test('rule 9: with a burst of one, the first request after a pause goes alone until it is answered', () => {
		// It leaves late (every waiting request wakes at once): the next, a spacing after it,
		// would reach a bucket of one too soon. It waits for the answer, then the pacing resumes.
		const control = auto();
		windowEndingInRefusal(control, 0, 1, 100, 2_000);
		const restart = control.pausedUntil;
		const spacing = 1000 / control.rate;
		control.started(restart);
		expect(control.delayBeforeStart(restart + 2 * spacing)).toBeGreaterThan(0);
		control.succeeded(restart + 3 * spacing, restart);
		expect(control.delayBeforeStart(restart + 3 * spacing)).toBe(0);
	});

	test('rule 9: any answer to the request that went alone lets the others start', () => {
		// An error that is neither an acceptance nor a throttle (the transport tells it too).
		const control = auto();
		windowEndingInRefusal(control, 0, 1, 100, 2_000);
		const restart = control.pausedUntil;
		const spacing = 1000 / control.rate;
		control.started(restart);
		control.failed(restart);
		expect(control.delayBeforeStart(restart + 2 * spacing)).toBe(0);
	});

	test("rule 10: with a burst of one, after the event loop stalls the next start waits a spacing from the stall's end", () => {
		// The request that started before the stall left only at its end; the next, due during the
		// stall, would reach a bucket of one right after it.
		const control = auto();
		windowEndingInRefusal(control, 0, 1, 100, 2_000);
		const started = sendPaced(control, control.pausedUntil, control.pausedUntil + 1_000);
		const spacing = control.delayBeforeStart(started);
		const stallEnd = started + 3 * spacing;
		expect(control.delayBeforeStart(stallEnd)).toBe(0);
		control.stalled(stallEnd);
		expect(control.delayBeforeStart(stallEnd)).toBeCloseTo(spacing, 0);
	});

	test('rule 6: a refusal alone after a steady flow is taken as random: no cut', () => {
		const control = auto();
		let now = succeedRounds(control, 0, 8, 50);
		control.started(now);
		control.throttled(now + 50, now, 0);
		expect(control.rate).toBe(Infinity);
		now = succeedRounds(control, now + 50, 1, 50);
		expect(control.limit).toBe(50);
	});

	test("rule 6: refusals count over the run: a lone refusal cuts once the run's share is spent", () => {
		// The first window: 10 accepted, 3 refused (the second cut, the third an echo). After 20
		// accepted, one more refusal (Retry-After: 0, no pause to weigh) puts the run's refused
		// past 8 % of its answers, though not the answers since the cut.
		const control = auto();
		windowWithEchoes(control, 10, 3);
		let now = control.pausedUntil;
		for (let i = 0; i < 20; i++) {
			now += control.delayBeforeStart(now);
			control.started(now);
			control.succeeded(now + 50, now);
		}
		const before = control.rate;
		control.started(now + 100);
		control.throttled(now + 150, now + 100, 0);
		expect(control.rate).toBeLessThan(before);
	});

	test('rule 6: refusals that come more often than REFUSED_SHARE of the answers cut', () => {
		const control = auto();
		let now = succeedRounds(control, 0, 2, 50);
		for (let i = 0; i < 5; i++) control.started(now);
		for (let i = 0; i < 5; i++) control.throttled(now + 50 + i, now, 0);
		expect(control.rate).toBeLessThan(Infinity);
	});

	test("rule 6: after the run's first refusal, no request starts until those in flight with it are answered", () => {
		// Four in flight; the first answer refuses. Had the bucket run dry, a request started now
		// would be refused too: it waits for the other three, which are accepted (a random refusal).
		const control = auto();
		for (let i = 0; i < 4; i++) control.started(i);
		control.throttled(50, 0, 0);
		expect(control.delayBeforeStart(51)).toBeGreaterThan(0);
		for (let i = 1; i < 4; i++) control.succeeded(50 + i, i);
		expect(control.delayBeforeStart(54)).toBe(0);
		expect(control.rate).toBe(Infinity);
	});

	test("rule 6: a request in flight with the run's first refusal that fails (a gateway's 503) ends the wait too", () => {
		// Four in flight; the first answer refuses, two are accepted and one ends in a gateway's
		// page: nothing is in flight any more, so the sending goes on at once, not when the failed
		// one would count as lost (two seconds later).
		const control = auto();
		for (let i = 0; i < 4; i++) control.started(i);
		control.throttled(50, 0, 0);
		for (let i = 1; i < 3; i++) control.succeeded(50 + i, i);
		expect(control.delayBeforeStart(53)).toBeGreaterThan(0);
		control.failed(3);
		expect(control.delayBeforeStart(54)).toBe(0);
	});

	test('answers to requests that started before the cut are echoes: they do not cut again', () => {
		const control = auto();
		const first = windowEndingInRefusal(control, 0, 20, 100, 100);
		for (let i = 0; i < 3; i++) control.started(first + 100);
		windowEndingInRefusal(control, first + 200, 30, 600, 100);
		const rate = control.rate;
		const answeredAt = control.pausedUntil + 5;
		control.throttled(answeredAt, first + 100, 1_000);
		expect(control.pausedUntil).toBe(answeredAt + 1_000);
		expect(control.rate).toBeGreaterThanOrEqual(rate);
	});
});
