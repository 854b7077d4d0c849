/**
 * How fast one node run may send to Concur, learned from Concur's answers. Concur throttles each
 * company at a rate it does not publish, answering 429 (or 503) with a Retry-After that is often 0.
 * Two knobs, both AIMD as TCP does (a throttling answer is an explicit signal, so there is no need
 * to infer overload from latency as a gradient limiter would):
 * - `limit`, the requests in flight: starts low, doubles every round trip while Concur answers
 *   without throttling and latency stays flat, then grows by one per round trip; halves on a throttle.
 * - `rate`, request starts per second: unlimited until the first throttle, then 60 % of the rate
 *   Concur accepted until then (as TCP leaves slow start), growing slowly. At the next throttle
 *   it is set to the rate Concur was measured to accept (as TCP Westwood sets its window from the
 *   bandwidth it measured), not cut blindly, then cut by a tenth at each later one: with
 *   `Retry-After: 1` every throttle stops all sending for a second, about 50 requests' worth at
 *   50/s, so the rate must be found in as few throttles as possible, and probed more slowly the
 *   longer Concur's pause. Concur limits a rate, and its
 *   limit can sit between the rates of two whole concurrency levels (2 and 3 requests in flight at
 *   50 ms are 40/s and 60/s; 50/s needs pacing).
 * A throttle also pauses every sender until Concur's Retry-After has passed, and never for less
 * than a short jittered minimum, so `Retry-After: 0` cannot cause a burst.
 * Pure arithmetic over the caller's clock, so the rules can be tested with a fake one.
 */
export interface ThrottleSettings {
	/** Requests in flight: a number, or 'auto' to adapt between 1 and `maxParallel`. */
	parallel: number | 'auto';
	maxParallel: number;
	/** Whether the first request goes alone, so that a run without a token fetches exactly one. */
	firstRequestAlone: boolean;
}

export const AUTO_START_PARALLEL = 4;
/** Rate after the first throttle, as a share of the rate accepted until then (inflated by Concur's burst allowance). */
const RATE_AFTER_SLOW_START = 0.6;
/**
 * Rate after the second throttle: Concur's rate as measured, but no more than this share of the
 * rate that was throttled (a throttle always slows down), and no less than half of it. Measured
 * once only, and only over a window at least MEASURE_MIN_LENGTH times the first one: the
 * measurement assumes a token bucket, and throttling that is not one (answers throttled at
 * random, a cap on requests in flight) would drag the rate down at every throttle.
 */
const RATE_AFTER_MEASURED_THROTTLE = 0.97;
const MIN_RATE_AFTER_MEASURED_THROTTLE = 0.5;
const MEASURE_MIN_LENGTH = 4;
/** Rate after any other throttle, as a share of the rate that was throttled. */
const RATE_AFTER_THROTTLE = 0.9;
/**
 * How fast the rate probes upwards: this share per second, and at least MIN_RATE_GROWTH requests/s
 * per second. A pause longer than the jittered minimum (PROBE_FULL_SPEED_WAIT_MS) slows it by the
 * square of the ratio: probing costs one pause per throttle, and the time between throttles grows
 * as 1 / sqrt(growth) (the burst is used up by the area under the overshoot), so this keeps the
 * share of time lost to pauses the same whatever Concur asks. Slow start's guess may be a little
 * low, and then stays so for a while; that costs less than a second throttle would.
 */
const RATE_GROWTH_PER_SECOND = 0.01;
const MIN_RATE_GROWTH = 0.5;
const MIN_RATE = 0.2;
/** The shortest pause after a throttle; doubled for every throttle in a row without a success. */
export const MIN_THROTTLE_WAIT_MS = 250;
const MAX_MIN_WAIT_MS = 8_000;
const PROBE_FULL_SPEED_WAIT_MS = MIN_THROTTLE_WAIT_MS * 1.5;
/** Latency counts as flat while within this factor (plus a little) of the lowest seen. */
const FLAT_LATENCY_FACTOR = 2;
const FLAT_LATENCY_SLACK_MS = 20;

/** Sending from a (re)start until a throttle: the requests started in it that Concur accepted, and its length. */
interface Window {
	accepted: number;
	ms: number;
}

export class ThrottleControl {
	/** Requests that may be in flight now. */
	limit: number;

	/** Request starts per second; Infinity until Concur first throttles. */
	rate = Infinity;

	/** No request starts before this time. */
	pausedUntil = 0;

	private readonly adaptive: boolean;
	private readonly target: number;
	private slowStart = true;
	private successesSinceGrowth = 0;
	private accepted = 0;
	private minLatencyMs = Infinity;
	private firstSuccessAt?: number;
	private nextStartAt = 0;
	private lastCutAt = -Infinity;
	private lastRateGrowthAt = 0;
	private throttlesInRow = 0;
	/** The pause after the last throttle: the longer, the costlier a throttle, the slower the probing. */
	private lastWaitMs = MIN_THROTTLE_WAIT_MS;
	/** Whether a later throttle has measured Concur's rate (it is measured once). */
	private rateMeasured = false;
	/** The current window: its first start (none yet after a pause) and the requests of it accepted. */
	private windowStart?: number;
	private windowAccepted = 0;
	/** The window that ended in the first throttle (slow start): the reference that cancels the burst. */
	private firstWindow?: Window;

	constructor(
		private readonly settings: ThrottleSettings,
		private readonly random: () => number = Math.random,
	) {
		this.adaptive = settings.parallel === 'auto';
		this.target = this.adaptive
			? AUTO_START_PARALLEL
			: Math.min(settings.parallel as number, settings.maxParallel);
		this.limit = settings.firstRequestAlone ? 1 : this.target;
	}

	/** How long a request that wants to start now must wait (0: it may start). */
	delayBeforeStart(now: number): number {
		return Math.max(0, this.pausedUntil - now, this.nextStartAt - now);
	}

	/**
	 * Books the start of a request at `now`, spacing the next one by the current rate. The spacing
	 * counts from the booked time, not from `now`, while a request starts up to one spacing late:
	 * timers fire late on a busy machine, and counting from each late start would send several
	 * percent below the rate (the lost share of Concur's rate never comes back); at most two
	 * requests then start together. Later than that, the sending was idle (a pause, the limit on
	 * requests in flight) and starts afresh: no catching up in a burst.
	 */
	started(now: number): void {
		this.windowStart ??= now;
		const spacing = Number.isFinite(this.rate) ? 1000 / this.rate : 0;
		this.nextStartAt = (now > this.nextStartAt + spacing ? now : this.nextStartAt) + spacing;
	}

	/** Concur accepted a request that started at `startedAt`. */
	succeeded(now: number, startedAt: number): void {
		this.throttlesInRow = 0;
		this.accepted++;
		this.firstSuccessAt ??= now;
		if (this.windowStart !== undefined && startedAt >= this.windowStart) this.windowAccepted++;
		if (Number.isFinite(this.rate) && now > this.lastRateGrowthAt) {
			this.rate +=
				(Math.max(this.rate * RATE_GROWTH_PER_SECOND, MIN_RATE_GROWTH) *
					this.probeSpeed() *
					(now - this.lastRateGrowthAt)) /
				1000;
			this.lastRateGrowthAt = now;
		}
		if (this.limit < this.target && this.accepted === 1) {
			// The first request went alone to fetch the token: the sending starts now.
			this.limit = this.target;
			this.windowStart = undefined;
			this.windowAccepted = 0;
			return;
		}
		if (!this.adaptive) return;
		const latency = now - startedAt;
		this.minLatencyMs = Math.min(this.minLatencyMs, latency);
		if (latency > this.minLatencyMs * FLAT_LATENCY_FACTOR + FLAT_LATENCY_SLACK_MS) {
			this.slowStart = false;
			return;
		}
		if (++this.successesSinceGrowth < this.limit) return;
		this.successesSinceGrowth = 0;
		this.limit = Math.min(
			this.settings.maxParallel,
			this.slowStart ? this.limit * 2 : this.limit + 1,
		);
	}

	/**
	 * Concur throttled a request that started at `startedAt` and asked to wait `retryAfterMs`
	 * (undefined when it did not say). Answers to requests that started before the last cut are
	 * echoes of the same overload: they may lengthen the pause but do not cut again.
	 */
	throttled(now: number, startedAt: number, retryAfterMs: number | undefined): void {
		const echo = startedAt <= this.lastCutAt;
		if (!echo) this.throttlesInRow++;
		const minimum = Math.min(
			MIN_THROTTLE_WAIT_MS * 2 ** Math.max(0, this.throttlesInRow - 1),
			MAX_MIN_WAIT_MS,
		);
		const wait = Math.max(retryAfterMs ?? 0, minimum * (1 + this.random() * 0.5));
		this.pausedUntil = Math.max(this.pausedUntil, now + wait);
		this.lastRateGrowthAt = Math.max(this.lastRateGrowthAt, this.pausedUntil);
		if (echo) return;
		this.lastWaitMs = wait;
		this.lastCutAt = now;
		this.successesSinceGrowth = 0;
		if (this.adaptive) this.limit = Math.max(1, Math.floor(this.limit / 2));
		this.slowStart = false;
		const window = {
			accepted: this.windowAccepted,
			ms: startedAt - (this.windowStart ?? startedAt),
		};
		this.windowStart = undefined;
		this.windowAccepted = 0;
		if (Number.isFinite(this.rate)) {
			const measured = this.measuredRate(window);
			this.rate = Math.max(
				measured === undefined
					? this.rate * RATE_AFTER_THROTTLE
					: Math.min(
							Math.max(measured, this.rate * MIN_RATE_AFTER_MEASURED_THROTTLE),
							this.rate * RATE_AFTER_MEASURED_THROTTLE,
						),
				MIN_RATE,
			);
		}
		// Before any success there is no rate to start from: the pause and the smaller limit do.
		else if (this.accepted > 1) {
			this.rate = Math.max(this.acceptedRate(now) * RATE_AFTER_SLOW_START, MIN_RATE);
			this.firstWindow = window;
		}
	}

	/** The share of full speed at which the rate probes upwards now. */
	private probeSpeed(): number {
		return Math.min(1, PROBE_FULL_SPEED_WAIT_MS / this.lastWaitMs) ** 2;
	}

	/**
	 * Concur's rate, from this window and the first one, both ended by a throttle: each was accepted
	 * Concur's burst plus its rate times the window's length, so their difference cancels the
	 * burst. When the bucket was not full at this window's start (a short pause), or some of its
	 * refill went unused (sending below the rate), this is lower than the rate: the safe side.
	 * Undefined when the rate was measured already or this window is too short to measure it.
	 */
	private measuredRate(window: Window): number | undefined {
		const first = this.firstWindow;
		if (
			!first ||
			this.rateMeasured ||
			window.ms < first.ms * MEASURE_MIN_LENGTH ||
			window.accepted <= first.accepted
		)
			return undefined;
		this.rateMeasured = true;
		return ((window.accepted - first.accepted) * 1000) / (window.ms - first.ms);
	}

	/**
	 * Requests per second Concur accepted since the first success: timed from then so that the
	 * first request's token fetch does not count as sending.
	 */
	private acceptedRate(now: number): number {
		const elapsed = now - (this.firstSuccessAt ?? now);
		return elapsed > 0 ? ((this.accepted - 1) * 1000) / elapsed : 0;
	}
}
