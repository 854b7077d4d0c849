/**
 * How fast one node run may send to Concur, learned from Concur's answers.
 *
 * The model: Concur limits a company by a token bucket of rate R and burst B that it does not
 * publish (maybe also by a cap C on requests in flight), refuses with 429 (or 503) a request that
 * finds the bucket empty, and says how long to wait (Retry-After, often 0). Times are start times
 * (the network's jitter allowed for). Rules that follow from it:
 * 1. Lower bound. A refused start left under one token, an accepted one at most B − 1, and from
 *    either the bucket gained at most R per second, and every accepted request took a token: so
 *    the requests accepted after it up to a later accepted one, less one (less B − 1), over the
 *    time between, are a lower bound of R, whatever the bucket did meanwhile. The best one so far
 *    is a proof: the rate never restarts below it. (With a burst of one every accepted pair
 *    proves its spacing's rate.)
 * 2. The burst. A run starts on a full bucket: the largest excess, over the starts s of the first
 *    window, of the requests accepted from s until the first refusal over R × the time left, is B
 *    (to one); with R's lower bound, an upper estimate of B for rule 1 (a proof only if it stays
 *    above B: so a request not answered yet counts as accepted, and the time at its least), and
 *    counted as the answers came, a central one for rule 4 (which the pacing's burst stays a
 *    token under: a burst past B is refused at any rate). And in any span of it the bucket gave
 *    at most B and its refill: with R's upper bound, a floor of B for rule 3. A later window
 *    that starts full (its pause refilled B at R's lower bound) caps both: B is at most what it
 *    accepted before its first refusal (the first window's unpaced starts may come spaced).
 * 3. Upper bound. A refused start left under a token. Since the bucket was last full (at least
 *    B's floor, rule 2) the requests accepted, less that floor, plus one, over the time less the
 *    jitter, are more than R; since a refused one, if it was not full since, one more than the
 *    requests accepted. It steers the search.
 *    With a burst to spare, paced starts that Concur refuses were faster than R; with a burst of
 *    one they prove nothing more, as an arrival that came early is refused at any rate (rule 7).
 * 4. Cost. A throttle pauses every sender for Retry-After, and costs that pause (less the B/R
 *    the bucket refills, if it is spent afterwards). So after a cut the rate restarts just under
 *    the best estimate (rule 1 with B at its central estimate and the levels mid-range, over the
 *    best span within one window: across a pause the bucket overflows), within the bounds, and
 *    while no span measures R at half the rate refused, or the bounds' middle on a log scale if
 *    lower (a bisection: a limit has no scale; up from MIN_RATE while nothing is proven, if the
 *    run's share of extra requests cannot pay for the refusals that halving is expected to cost);
 *    paced from an empty bucket, and once Concur accepts a request after the pause (the rate may
 *    still be over R before), climbs to the upper bound over SEARCH_PAUSES pauses (at least
 *    SEARCH_SECONDS); once the rate is PROBE_SHARE under the upper bound it probes, by
 *    PROBE_SHARE per PROBE_PAUSES pauses (until rule 8 holds it): both cost the same share of the
 *    time whatever the pause.
 * 5. A cap C refuses only a request that starts with more than C in flight, a bucket whatever the
 *    count: while every refusal started with more in flight than every accepted request, the
 *    requests in flight stay under the fewest refused, one more every PROBE_PAUSES round trips.
 * 6. Refusals at random (a gateway's 503, a stray 429) come whatever the rate: a refusal cuts only
 *    when the others exceed REFUSED_SHARE of the run's answers (extra requests add up over the
 *    run, so a limit that refuses a few percent after every cut still cuts) or their pauses since
 *    the last cut PROBE_SHARE of the time: when refusing costs more than sending slower would.
 *    The run's first refusal may also be the bucket running dry, which the requests in flight
 *    with it tell within a round trip (refused too, or accepted); one started before they answer
 *    would be refused too, an extra request: so the sending waits for them, once a run.
 * 7. Jitter. A request reaches Concur later than it starts, by a delay that varies (n8n's work
 *    before it leaves, the network, a busy machine): one that left late and the next that left
 *    early arrive closer than planned, and a bucket of one token refuses the second, at any
 *    rate under R (so its refusal bounds R only by its spacing less the jitter, rule 3, and a
 *    cut with nothing proven halves the rate refused). Two answers' times differ by such
 *    delays, so their differences sample how much earlier than planned a request can arrive.
 *    With a burst of one, the pacing adds to its spacing the margin m that minimizes the
 *    expected time per request: the spacing plus m, plus the chance of a refusal times what it
 *    costs (the pause for every sender, and the refused request's spacing). The share of samples
 *    over m overstates that chance (an answer's time varies on its way back too), so it is
 *    scaled by how often Concur refused the paced starts against how often the shares predicted.
 * 8. Hold. R does not change within a run, and a climb ends in a refusal that costs its pause and
 *    the refused request's spacing. With R anywhere between the rate and where the climb goes
 *    (the upper bound, or a probe's step), a climb is expected to save the share
 *    (1 − rate / midpoint) of the sending still to do (the requests left at the rate). While that
 *    is less than the refusal costs, the rate holds; a probe also holds once its refusal would not
 *    fit in REFUSED_SHARE of the run's requests (a search towards a far upper bound does not:
 *    stuck under R, the sending would lose more than the share).
 * 9. Waking. The first request after a pause leaves later than the next (every waiting request
 *    wakes at once: through n8n-core after a 2 s pause its answer took 62–71 ms where the others'
 *    took 52–55), so a bucket of one refuses the second, a pause lost for a spacing. So with a
 *    burst of one, after a pause longer than a round trip the first request goes alone, and the
 *    next starts once it is answered: a round trip, less than the pause it saves.
 * 10. Stalls. The event loop stops now and then (a garbage collection of 10–25 ms inside n8n):
 *    a request that started before the stall leaves at its end, and the next, due meanwhile,
 *    right after it. So with a burst of one a wake later than the timers allow restarts the
 *    pacing from the end of the stall: a spacing lost, where a refusal costs the pause.
 * Before the first cut, requests in flight double every round trip while answers come quickly
 * (TCP's slow start), from a few up to `maxParallel`, unpaced, and up to half REFUSED_SHARE of
 * the run's requests: when the bucket runs dry, the requests in flight with the first refusal are
 * refused too, and each is an extra request; the other half is the search's.
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
/**
 * The search (rule 4) ends in one throttle: lasting SEARCH_PAUSES pauses keeps its cost to a
 * quarter of its time. Its climb past R is what measures R (rule 1 gains a token of precision per
 * token of overload), so it lasts at least SEARCH_SECONDS, many round trips of any network; with
 * no upper bound yet it doubles the rate 1 / UNBOUNDED_SEARCH_SHARE times in that time.
 */
const SEARCH_PAUSES = 4;
const SEARCH_SECONDS = 2;
const UNBOUNDED_SEARCH_SHARE = 0.25;
/**
 * Rule 1 measures R to one token over a window; a window of twenty tokens gets it to 5 %, the
 * share that probing then tests, once per PROBE_PAUSES pauses (a tenth of the time at most).
 */
const PROBE_SHARE = 0.05;
const PROBE_PAUSES = 10;
/** Refused requests are extra requests: up to this share of the answers (under the 10 % allowed). */
const REFUSED_SHARE = 0.08;
/**
 * The pacing lets two requests start together at most: timers fire late on a busy machine, and
 * counting each late start afresh would send below the rate; more would need B, which the first
 * window tells only to within R × its length (and a burst beyond B is refused at any rate).
 */
const MAX_PACED_BURST = 2;
/**
 * The answer-time differences rule 7 learns the jitter from: enough to see twice a tail of 1 %,
 * the share a pause of a second makes worth avoiding at 100 requests/s.
 */
const JITTER_SAMPLES = 200;
/** A floor while nothing is proven: one request every five seconds. */
const MIN_RATE = 0.2;
/**
 * Start times stand for arrival times at Concur, which come later by a delay that varies (n8n's
 * own work before the request leaves, the network, a busy event loop): each bound allows for the
 * spread of the last LATENCY_SAMPLES answer times, and at least MIN_JITTER_MS. It looks back
 * MAX_SCAN starts at most.
 */
const MIN_JITTER_MS = 5;
const LATENCY_SAMPLES = 50;
const MAX_SCAN = 4_000;
/**
 * The shortest pause after throttles in a row without a success, doubling with each (Concur may be
 * refusing everything). A single one needs none beyond Retry-After: the pacing restarts from an
 * empty bucket, so even `Retry-After: 0` is followed by one spacing, not a burst.
 */
export const MIN_THROTTLE_WAIT_MS = 10;
const MAX_MIN_WAIT_MS = 8_000;
/** Latency counts as flat while within this factor (plus a little) of the lowest seen. */
const FLAT_LATENCY_FACTOR = 2;
const FLAT_LATENCY_SLACK_MS = 20;

const PENDING = 0;
const ACCEPTED = 1;
const REFUSED = 2;
/** Answered with neither (an error, a gateway's page) or not at all: not known to hold a token. */
const FAILED = 3;

/** One request start: when, at what rate, how many were in flight with it, what Concur answered. */
interface Start {
	at: number;
	rate: number;
	inFlight: number;
	outcome: typeof PENDING | typeof ACCEPTED | typeof REFUSED | typeof FAILED;
}

export class ThrottleControl {
	/** Requests that may be in flight now. */
	limit: number;

	/** Request starts per second; Infinity until Concur first throttles. */
	rate = Infinity;

	/** No request starts before this time. */
	pausedUntil = 0;

	private readonly adaptive: boolean;
	private target: number;
	private slowStart = true;
	private successesSinceGrowth = 0;
	private accepted = 0;
	private minLatencyMs = Infinity;
	private maxLatencyMs = 0;
	/** The last answer times, and the spread of them that the bounds allow for. */
	private readonly latencies: number[] = [];
	private jitterMs = MIN_JITTER_MS;
	/** Rule 7: differences between consecutive answer times, the last pause, and the margin. */
	private readonly answerGaps: number[] = [];
	private lastAnswerLatency?: number;
	private lastPauseMs = 0;
	/** Milliseconds the pacing adds to each spacing for the jitter (rule 7). */
	marginMs = 0;
	/** The share of answer-time differences over the margin: the refusals they predict per start. */
	private shareOverMargin = 0;
	/** Paced starts refused with a burst of one, and how many the answer times predicted (rule 7). */
	private pacedRefusals = 0;
	private predictedRefusals = 0;
	private readonly starts: Start[] = [];
	/** Where the first window (from a full bucket) ended: the index of the first refused start. */
	private firstRefusal?: number;
	private lastCutAt = -Infinity;
	private throttlesInRow = 0;
	/** Proven lower bound of R (rule 1) and the upper bound that steers the search (rule 3). */
	private lowerBound = 0;
	private upperBound = Infinity;
	/** R from rule 1 with B at its estimate and the levels at the middle of their ranges. */
	private estimate = 0;
	/** Where the window now sending began (the end of the last cut's pause), and the one before. */
	private windowFrom = 0;
	private echoWindowFrom = 0;
	/** Half the rate the last cut refused: the restart while nothing measures R (rule 4). */
	private halfRefused = 0;
	/**
	 * B (rule 2): an upper estimate (for the proofs of rule 1), a central one (for rule 4's
	 * estimate), and what the pacing may burst: a token under the central one (left for an early
	 * arrival), MAX_PACED_BURST at most.
	 */
	private burstHigh = 1;
	private burstCentral = 1;
	private pacingBurst = 1;
	/** B at most, as later windows from a full bucket showed it (rule 2): for each estimate. */
	private burstHighAtMost = Infinity;
	private burstCentralAtMost = Infinity;
	/** The pacing bucket: its tokens at `creditAt`; a start takes one. */
	private credit = 0;
	private creditAt = 0;
	private lastGrowthAt = 0;
	/** How fast the rate rises now, per second (a rate of e-fold growth). */
	private growth = 0;
	/** The cap hypothesis (rule 5): most in flight with an accepted start, fewest with a refused one. */
	private maxAcceptedInFlight = 0;
	private minRefusedInFlight = Infinity;
	private lastCapProbeAt = 0;
	/** Refusals since the last cut, and when it was (rule 6). */
	private refusedSinceCut = 0;
	private cutAt = 0;
	/** Refused answers in the run (rule 6; `accepted` counts the others). */
	private refused = 0;
	/**
	 * The start of the request that went alone and fetched the token: it reached Concur late, by
	 * its answer at the latest.
	 */
	private tokenStart = -1;
	private tokenAnsweredAt = 0;
	/**
	 * Rule 1 while the sending flows: the first accepted start after the last cut's pause, the
	 * latest accepted start since, and how many were accepted after the first.
	 */
	private flowFrom = Infinity;
	private flowAnchor?: number;
	private flowEnd = 0;
	private flowAccepted = 0;
	/**
	 * Rule 6: the last start before the run's first refusal came: none starts until it and every
	 * start before it are answered (or lost).
	 */
	private echoesOf?: number;
	/** Rule 9: the next start after the pause goes alone; and its start, until it is answered. */
	private aloneAfterPause = false;
	private aloneStart?: number;
	/** The requests the run has to send (rule 8, and slow start's ceiling): unknown until told. */
	private requestsExpected = Infinity;
	private requestsInRun = Infinity;

	constructor(
		private readonly settings: ThrottleSettings,
		private readonly random: () => number = Math.random,
	) {
		this.adaptive = settings.parallel === 'auto';
		this.target = this.adaptive
			? AUTO_START_PARALLEL
			: Math.min(settings.parallel as number, settings.maxParallel);
		this.limit = this.startingLimit();
	}

	/** Before any answer: one request while the first fetches the token, else the target. */
	private startingLimit(): number {
		return this.settings.firstRequestAlone ? 1 : this.target;
	}

	/** The run has `count` requests to send, each accepted once (rule 8 weighs a climb by them). */
	expect(count: number): void {
		this.requestsExpected = this.accepted + count;
		this.requestsInRun = count;
		if (!this.adaptive) return;
		this.target = Math.min(AUTO_START_PARALLEL, this.slowStartCeiling());
		this.limit = this.startingLimit();
	}

	/** How long a request that wants to start now must wait (0: it may start). */
	delayBeforeStart(now: number): number {
		const pause = this.pausedUntil - now;
		if (!Number.isFinite(this.rate)) return Math.max(0, pause, this.echoesWait(now));
		// Rule 9: until its answer, expected as late as the latest of late, or until it counts as lost.
		if (this.aloneStart !== undefined && now < this.aloneStart + this.lostAfterMs())
			return Math.max(1, this.aloneStart + Math.max(...this.latencies) - now);
		const credit = this.creditAt_(now);
		return Math.max(0, pause, credit >= 1 ? 0 : ((1 - credit) * 1000) / this.pace());
	}

	/** Rule 6: until the requests in flight with the run's first refusal are answered (or lost). */
	private echoesWait(now: number): number {
		if (this.echoesOf === undefined) return 0;
		const horizon = now - this.lostAfterMs();
		for (let i = this.echoesOf; i >= 0 && this.starts[i].at >= horizon; i--)
			if (this.starts[i].outcome === PENDING)
				return Math.max(1, this.starts[this.echoesOf].at + Math.max(...this.latencies) - now);
		return 0;
	}

	/**
	 * Rule 10: the event loop stalled until `now`. A request that started before the stall but had
	 * not left yet leaves only now, with the next one if that started at once: a bucket of one
	 * refuses the second. So with a burst of one the next start waits a spacing from now.
	 */
	stalled(now: number): void {
		if (!this.jitterPaced()) return;
		this.credit = Math.min(0, this.creditAt_(now));
		this.creditAt = Math.max(this.creditAt, now);
	}

	/** Books the start of a request at `now`: it takes a token of the pacing bucket. */
	started(now: number): void {
		if (this.starts.length === 0) this.cutAt = now;
		if (this.aloneAfterPause && now >= this.pausedUntil) {
			this.aloneAfterPause = false;
			this.aloneStart = now;
		}
		this.grow(now);
		if (this.jitterPaced()) this.predictedRefusals += this.shareOverMargin;
		if (Number.isFinite(this.rate)) {
			this.credit = this.creditAt_(now) - 1;
			this.creditAt = Math.max(this.creditAt, now);
		}
		this.starts.push({
			at: now,
			rate: this.rate,
			inFlight: this.inFlight(now) + 1,
			outcome: PENDING,
		});
	}

	/** Concur accepted a request that started at `startedAt`. */
	succeeded(now: number, startedAt: number): void {
		this.throttlesInRow = 0;
		this.releaseAlone(startedAt);
		this.accepted++;
		const index = this.settle(startedAt, ACCEPTED);
		const latency = now - startedAt;
		// The request that went alone also fetched the token: its time says nothing of the jitter.
		if (this.settings.firstRequestAlone && this.accepted === 1) {
			this.tokenStart = index;
			this.tokenAnsweredAt = now;
		} else {
			this.recordLatency(latency);
			this.recordAnswerGap(now, latency);
		}
		if (startedAt >= this.flowFrom) this.flowed(startedAt);
		this.maxLatencyMs = Math.max(this.maxLatencyMs, latency);
		if (index >= 0)
			this.maxAcceptedInFlight = Math.max(this.maxAcceptedInFlight, this.starts[index].inFlight);
		this.grow(now);
		if (this.limit < this.target && this.accepted === 1) {
			// The first request went alone to fetch the token: the sending starts now.
			this.limit = this.target;
			return;
		}
		if (!this.adaptive) return;
		if (!this.slowStart) {
			this.limit = this.capLimit(now);
			return;
		}
		this.minLatencyMs = Math.min(this.minLatencyMs, latency);
		if (latency > this.minLatencyMs * FLAT_LATENCY_FACTOR + FLAT_LATENCY_SLACK_MS) {
			this.slowStart = false;
			return;
		}
		if (++this.successesSinceGrowth < this.limit) return;
		this.successesSinceGrowth = 0;
		this.limit = Math.min(this.limit * 2, Math.max(this.limit, this.slowStartCeiling()));
	}

	/**
	 * Slow start's most requests in flight. When the bucket runs dry, those in flight are refused
	 * (and the few started before the first refusal is answered): so the first window costs about
	 * as many refusals as it has in flight. Half the run's share (REFUSED_SHARE) for it leaves the
	 * other half to the search for R, whose halvings from slow start's rate cost one each.
	 */
	private slowStartCeiling(): number {
		const share = Math.floor((REFUSED_SHARE * this.requestsInRun) / 2);
		return Math.max(1, Math.min(this.settings.maxParallel, share));
	}

	/**
	 * The request that started at `startedAt` ended with neither an acceptance nor a throttle (an
	 * error, a gateway's page, no answer): it no longer holds the others back, neither the one that
	 * went alone (rule 9) nor the echoes' wait (rule 6).
	 */
	failed(startedAt: number): void {
		this.releaseAlone(startedAt);
		this.settle(startedAt, FAILED);
	}

	/** Rule 9: the request that went alone after a pause is answered, whatever it said. */
	private releaseAlone(startedAt: number): void {
		if (startedAt === this.aloneStart) this.aloneStart = undefined;
	}

	/**
	 * Concur throttled a request that started at `startedAt` and asked to wait `retryAfterMs`
	 * (undefined when it did not say). Answers to requests that started before the last cut are
	 * echoes of the same overload: they may lengthen the pause and tighten the bounds, but do not
	 * cut again.
	 */
	throttled(now: number, startedAt: number, retryAfterMs: number | undefined): void {
		// An echo started before the last cut, at another rate (or unpaced, in slow start).
		if (this.jitterPaced() && startedAt > this.lastCutAt) this.pacedRefusals++;
		this.releaseAlone(startedAt);
		const index = this.settle(startedAt, REFUSED);
		this.minLatencyMs = Math.min(this.minLatencyMs, now - startedAt);
		this.recordLatency(now - startedAt);
		this.jitterMs = Math.max(
			MIN_JITTER_MS,
			Math.max(...this.latencies) - Math.min(...this.latencies),
		);
		if (index >= 0)
			this.minRefusedInFlight = Math.min(this.minRefusedInFlight, this.starts[index].inFlight);
		const echo = startedAt <= this.lastCutAt;
		if (index >= 0) {
			this.firstRefusal ??= index;
			this.boundBurstByWindow(index);
			this.tightenUpperBound(index);
			this.burstHigh = this.burstEstimate(this.lowerBound, true);
			const proof = this.lowerBoundAt(index);
			this.lowerBound = Math.max(this.lowerBound, proof.bound);
			this.burstHigh = this.burstEstimate(this.lowerBound, true);
			this.burstCentral = this.burstEstimate(this.lowerBound, false);
			this.dropPacedBurstBelowB();
			// A span across a pause measures the pause as much as R (the bucket overflows in it).
			const from = echo ? this.echoWindowFrom : this.windowFrom;
			const span = this.measuresR() ? this.lowerBoundAt(index, from) : proof;
			const central = span.anchor >= 0 ? this.estimateOver(span.anchor, index) : 0;
			this.estimate = echo ? Math.max(this.estimate, central) : central;
		}
		// Refusals that no bucket explains (at random): the bounds only steer, so widen the upper one.
		if (this.upperBound < this.lowerBound) this.upperBound = this.lowerBound * (1 + PROBE_SHARE);
		this.refusedSinceCut++;
		this.refused++;
		const minimum =
			this.throttlesInRow === 0
				? 0
				: Math.min(MIN_THROTTLE_WAIT_MS * 2 ** (this.throttlesInRow - 1), MAX_MIN_WAIT_MS);
		const wait = Math.max(retryAfterMs ?? 0, minimum * (1 + this.random() * 0.5));
		this.pausedUntil = Math.max(this.pausedUntil, now + wait);
		this.lastPauseMs = wait;
		if (!echo) this.throttlesInRow++;
		if (!echo && this.refusalsCostTooMuch(now, wait)) this.cut(now, startedAt, wait, index);
		else if (echo) {
			// Until a request at the new rate is accepted, echoes refine it, down as well as up.
			const before = this.rate;
			this.restart();
			if (this.flowAnchor !== undefined) this.rate = Math.max(before, this.rate);
			if (this.rate !== before) this.growth = this.growthAfter(this.pausedUntil - this.lastCutAt);
		} else if (this.refused === 1) this.echoesOf = this.starts.length - 1;
		// Rule 9: with a burst of one, a pause longer than a round trip ends with one request alone.
		if (this.jitterPaced() && wait > this.minLatencyMs) this.aloneAfterPause = true;
	}

	/**
	 * Whether the refusals, this one aside (a refusal alone may come at random, rule 6), cost more
	 * than sending slower would: more than REFUSED_SHARE of the run's answers, or pauses since the
	 * last cut more than PROBE_SHARE of the time.
	 */
	private refusalsCostTooMuch(now: number, waitMs: number): boolean {
		const others = this.refused - 1;
		const answered = this.refused + this.accepted;
		const seconds = Math.max(now - this.cutAt, 1) / 1000;
		return (
			others > REFUSED_SHARE * answered ||
			(this.refusedSinceCut * waitMs) / 1000 > PROBE_SHARE * seconds
		);
	}

	/** Slows down after a throttle that is a rate limit: to the bounds, paced from an empty bucket. */
	private cut(now: number, startedAt: number, waitMs: number, index: number): void {
		this.lastCutAt = now;
		this.cutAt = now;
		this.refusedSinceCut = 0;
		this.slowStart = false;
		this.successesSinceGrowth = 0;
		// The rate the refused request was sent at: echoes may have moved the rate since (rule 4).
		const refusedRate = index >= 0 ? this.starts[index].rate : this.rate;
		const sending = Number.isFinite(refusedRate) ? refusedRate : this.slowStartRate(startedAt);
		// Paced, with a burst to spare for an early arrival, the sending went faster than R (rule 3).
		if (Number.isFinite(refusedRate) && this.measuresR()) {
			this.upperBound = Math.min(this.upperBound, refusedRate);
			if (index >= 0) this.tightenUpperBound(index);
		}
		if (this.upperBound < this.lowerBound) this.upperBound = this.lowerBound * (1 + PROBE_SHARE);
		this.halfRefused = Math.min(this.upperBound, sending) / 2;
		this.restart();
		if (this.firstRefusal !== undefined)
			this.pacingBurst = Math.min(MAX_PACED_BURST, Math.max(1, this.burstCentral - 1));
		this.updateMargin();
		if (this.adaptive) this.limit = this.capLimit(now);
		// Concur's bucket is empty now; it refills during the pause, and so does ours (rule 4).
		this.credit = 0;
		this.creditAt = Math.max(this.creditAt, now);
		this.lastGrowthAt = this.pausedUntil;
		this.growth = this.growthAfter(waitMs);
		this.flowFrom = this.pausedUntil;
		this.echoWindowFrom = this.windowFrom;
		this.windowFrom = this.pausedUntil;
		this.flowAnchor = undefined;
		this.flowAccepted = 0;
	}

	/**
	 * Rule 1 between refusals: the requests accepted since the first after the pause, less B − 1,
	 * over the time; with a burst of one, also the last two (each accepted start left the bucket
	 * empty, so the next one proves its spacing). An upper bound it passes steered wrongly (rule 3
	 * is no proof), so the search resumes without one.
	 */
	private flowed(startedAt: number): void {
		if (this.flowAnchor === undefined) {
			this.flowAnchor = startedAt;
			this.flowEnd = startedAt;
			return;
		}
		if (startedAt <= this.flowAnchor) return;
		const pair =
			this.burstHigh === 1 && startedAt > this.flowEnd
				? 1000 / (startedAt - this.flowEnd + this.jitterMs)
				: 0;
		this.flowAccepted++;
		this.flowEnd = Math.max(this.flowEnd, startedAt);
		const seconds = (this.flowEnd - this.flowAnchor + this.jitterMs) / 1000;
		const bound = Math.max(pair, (this.flowAccepted - (this.burstHigh - 1)) / seconds);
		if (bound <= this.lowerBound) return;
		this.lowerBound = bound;
		if (this.upperBound >= bound) return;
		this.upperBound = Infinity;
		this.growth = this.growthAfter(this.lastPauseMs);
	}

	/**
	 * How fast the rate rises after this throttle, per second: to the upper bound within
	 * SEARCH_SECONDS while it is far, doubling every SEARCH_SECONDS while there is none, and once
	 * the bounds are close, by PROBE_SHARE over PROBE_PAUSES pauses (rule 4); not at all while a
	 * climb would not pay for its pause (rule 8).
	 */
	private growthAfter(waitMs: number): number {
		if (!this.climbPays(waitMs)) return 0;
		const pauses = Math.max(1, (PROBE_PAUSES * waitMs) / 1000);
		if (this.upperBound <= this.rate * (1 + PROBE_SHARE)) return Math.log(1 + PROBE_SHARE) / pauses;
		const seconds = Math.max(SEARCH_SECONDS, SEARCH_PAUSES * (waitMs / 1000));
		if (!Number.isFinite(this.upperBound)) return Math.LN2 / (seconds * UNBOUNDED_SEARCH_SHARE);
		return Math.log(this.upperBound / this.rate) / seconds;
	}

	/**
	 * Rule 8: whether climbing from the rate is expected to save more of the sending left than the
	 * refusal that ends it costs (its pause and the refused request's spacing), and, for a probe,
	 * that its refusal fits in the run's share of extra requests (rule 6).
	 */
	private climbPays(waitMs: number): boolean {
		const left = Math.max(0, this.requestsExpected - this.accepted);
		// A climb reaches the upper bound, or a probe PROBE_SHARE past the rate.
		const probe = this.upperBound <= this.rate * (1 + PROBE_SHARE);
		if (probe && this.refusalsLeft() < 1) return false;
		const top = Math.max(this.upperBound, this.rate * (1 + PROBE_SHARE));
		const midpoint = (this.rate + top) / 2;
		const saved = (left / this.rate) * (1 - this.rate / midpoint);
		return saved > waitMs / 1000 + 1 / this.rate;
	}

	/**
	 * The rate after a cut: just under the estimate once a span within a window measures R (rule
	 * 3: with a burst to spare, the refused window passed R), and half is no floor: a rate over R
	 * is refused again, a whole pause for nothing. Otherwise at least the search's next rate: with a
	 * burst of one, a refusal may come from the jitter under R (rule 7).
	 */
	private restart(): void {
		const measured = this.measuresR() && this.estimate > 0;
		const guess = measured ? this.restartRate() : Math.max(this.searchRate(), this.restartRate());
		this.rate = Math.max(MIN_RATE, this.lowerBound, guess);
	}

	/**
	 * Half the rate refused (as TCP halves), or the middle of the bounds on a log scale where that
	 * is lower: a limit has no scale, so R is as likely anywhere between them on it, and a search
	 * that bisects them there ends in the fewest refusals.
	 */
	private searchRate(): number {
		const middle = this.lowerBound > 0 ? Math.sqrt(this.lowerBound * this.upperBound) : Infinity;
		// With R as likely anywhere down to the floor on a log scale, halving expects half the
		// halvings down to it; a run that cannot afford them bisects the whole range instead.
		const floor = Math.max(this.lowerBound, MIN_RATE);
		if (Math.log2(this.halfRefused / floor) / 2 <= this.refusalsLeft())
			return Math.min(this.halfRefused, middle);
		const refused = Math.min(this.upperBound, 2 * this.halfRefused);
		return Math.min(middle, Math.sqrt(floor * refused));
	}

	/** How many more refusals fit in REFUSED_SHARE of the run's requests (rule 6). */
	private refusalsLeft(): number {
		const requests = Math.max(this.accepted, this.requestsExpected) + this.refused;
		return REFUSED_SHARE * requests - this.refused;
	}

	/** Whether a refusal of paced starts means they passed R: with a burst to spare (rule 3). */
	private measuresR(): boolean {
		return this.pacingBurst > 1;
	}

	/** Just under the central estimate, within the bounds. */
	private restartRate(): number {
		return Math.min(this.estimate, this.upperBound) / (1 + PROBE_SHARE);
	}

	/** Starts per second: the rate, spaced by the jitter margin (rule 7). */
	private pace(): number {
		return 1000 / (1000 / this.rate + this.marginMs);
	}

	/** Whether the pacing is spaced for the jitter (rule 7): a burst of one, once it is known. */
	private jitterPaced(): boolean {
		return this.pacingBurst === 1 && this.firstRefusal !== undefined && Number.isFinite(this.rate);
	}

	/**
	 * Rule 7: the margin that minimizes the spacing plus the expected cost of a refusal: its chance
	 * times what it costs (the pause, and the refused request's spacing, sent again). An answer's
	 * time also varies on its way back, which cannot make a request arrive early, so the share of
	 * answer-time differences over the margin overstates that chance: it is scaled by the refusals
	 * Concur made of the paced starts over those the shares predicted (never up: refusals beyond
	 * them come from the rate, rules 3 and 8).
	 */
	private updateMargin(): void {
		this.marginMs = 0;
		this.shareOverMargin = 0;
		if (!this.jitterPaced()) return;
		const gaps = this.answerGaps.filter((gap) => gap > 0).sort((a, b) => a - b);
		const count = Math.max(this.answerGaps.length, 1);
		// One refusal on each side to begin with: the answer times hold until the starts outweigh them.
		const seen = Math.min(1, (this.pacedRefusals + 1) / (this.predictedRefusals + 1));
		const refusalMs = seen * (this.lastPauseMs + 1000 / this.rate);
		const share = gaps.length / count;
		let best = { margin: 0, share, cost: share * refusalMs };
		gaps.forEach((margin, i) => {
			const over = (gaps.length - 1 - i) / count;
			const cost = margin + over * refusalMs;
			if (cost < best.cost) best = { margin, share: over, cost };
		});
		this.marginMs = best.margin;
		this.shareOverMargin = best.share;
	}

	/** Tokens in the pacing bucket at `now`: it refills at the rate, up to the burst. */
	private creditAt_(now: number): number {
		const refill = (Math.max(0, now - this.creditAt) * this.pace()) / 1000;
		return Math.min(this.pacingBurst, this.credit + refill);
	}

	/** Raises the rate between throttles, as `growthAfter` decided at the last one. */
	private grow(now: number): void {
		if (!Number.isFinite(this.rate) || now <= this.lastGrowthAt) return;
		// A climb starts from a rate Concur accepted (as TCP grows on acknowledgements): until a
		// request after the cut's pause is accepted, the rate itself may still be over R.
		if (this.flowAnchor === undefined) {
			this.lastGrowthAt = now;
			return;
		}
		// The sending left shrinks as it goes: a climb that paid at the cut may stop paying.
		if (this.growth > 0 && !this.climbPays(this.lastPauseMs)) this.growth = 0;
		// The credit so far at the old rate, then the new rate from now on.
		this.credit = this.creditAt_(now);
		this.creditAt = Math.max(this.creditAt, now);
		this.rate *= Math.exp((this.growth * (now - this.lastGrowthAt)) / 1000);
		this.lastGrowthAt = now;
	}

	/**
	 * The upper bound of R that a refused start proves (rule 3). The refused start left under a
	 * token. If the bucket was last full (at least `burstFloor`) just before an accepted start o,
	 * it gained from then on less than one more than the requests accepted from o on, less the
	 * floor; if it was not full since an earlier refusal (which left under a token too), less than
	 * one more than the requests accepted since. So R is below the largest of these over their
	 * times since that refusal, for every earlier refusal (the least of them counts), and since
	 * the run's start (full then). One not answered yet counts as accepted; the request that
	 * fetched the token as reaching Concur by its answer. Which start reached Concur first is
	 * known only outside the jitter, so a start within it of the refused one, before or after,
	 * leaves R unbounded (a bucket of one overflows between any two starts paced under R).
	 */
	private upperBoundAt(index: number, burstFloor: number): number {
		const refusedAt = this.starts[index].at;
		for (let i = index + 1; i < this.starts.length; i++) {
			if (this.starts[i].at > refusedAt + this.jitterMs) break;
			if (this.starts[i].outcome !== REFUSED) return Infinity;
		}
		const first = Math.max(0, index - MAX_SCAN);
		let bound = Infinity;
		let best = 0;
		let accepted = 0;
		let i = index - 1;
		for (; i >= first && best < bound; i--) {
			const start = this.starts[i];
			const at = i === this.tokenStart ? this.tokenAnsweredAt : start.at;
			const seconds = (refusedAt - at - this.jitterMs) / 1000;
			if (start.outcome === REFUSED) {
				// Refused, it left under a token (and spent none): if the bucket was not full since, it
				// gained under one more than the requests accepted since. Any such start bounds R; one
				// within the jitter (none accepted since) proves nothing.
				if (seconds > 0) bound = Math.min(bound, Math.max(best, (accepted + 1) / seconds));
				continue;
			}
			// One not answered yet may be accepted: counting it keeps the bound true, if looser.
			accepted++;
			// Full before this start (at least the burst's floor), the bucket ended under a token
			// after spending `accepted`: from a start with fewer to spend it cannot have been full.
			const gained = accepted + 1 - burstFloor;
			if (gained <= 0) continue;
			if (seconds <= 0) return Infinity;
			best = Math.max(best, gained / seconds);
		}
		// The run started on a full bucket: back to its start, the last time full is among them.
		const fromRunStart = i < 0 && best > 0 ? best : Infinity;
		return Math.min(bound, fromRunStart);
	}

	/**
	 * The best lower bound of R known when the start at `index` is refused (rule 1): from an
	 * earlier start (a refused one left less than a token, an accepted one at most B − 1) to the
	 * last accepted start before this one, `from` on. Only requests that started clearly between
	 * count (which of two starts close together reached Concur first is not known).
	 */
	private lowerBoundAt(index: number, from = -Infinity): { bound: number; anchor: number } {
		const refusedAt = this.starts[index].at;
		const first = Math.max(0, index - MAX_SCAN);
		// Accepted starts before `refusedAt − slack`, times ascending; the last one ends every span.
		const times: number[] = [];
		for (let i = first; i < index; i++)
			if (this.starts[i].outcome === ACCEPTED && this.starts[i].at < refusedAt - this.jitterMs)
				times.push(this.starts[i].at);
		let best = { bound: 0, anchor: -1 };
		const end = times[times.length - 1];
		for (let i = first; i < index && this.starts[i].at < end; i++) {
			const start = this.starts[i];
			if (start.outcome === PENDING || start.outcome === FAILED || start.at < from) continue;
			const refused = start.outcome === REFUSED;
			const after = refused ? start.at + this.jitterMs : start.at;
			const accepted = times.length - firstAtOrAfter(times, after, true);
			const held = refused ? 1 : this.burstHigh - 1;
			const bound = (accepted - held) / ((end - start.at + this.jitterMs) / 1000);
			if (bound > best.bound) best = { bound, anchor: i };
		}
		return best;
	}

	/**
	 * R over the span from `anchor` to the refused start, with B at its central estimate and the
	 * levels at both ends mid-range, not at their extremes: the estimate the rate restarts just
	 * under.
	 */
	private estimateOver(anchor: number, index: number): number {
		let accepted = 0;
		for (let i = anchor + 1; i < index; i++) if (this.starts[i].outcome === ACCEPTED) accepted++;
		const start = this.starts[anchor];
		const held = start.outcome === REFUSED ? 0.5 : this.burstCentral - 1 - 1;
		const seconds = (this.starts[index].at - start.at) / 1000;
		return seconds > 0 ? (accepted - held) / seconds : 0;
	}

	/**
	 * Rule 3 at the refused start at `index`, with B's floor: a tighter bound of R raises the floor,
	 * which tightens the bound, until the floor (a whole number under the first window's requests)
	 * stops rising.
	 */
	private tightenUpperBound(index: number): void {
		let floor = 0;
		for (let next = this.burstFloor(); next > floor; next = this.burstFloor()) {
			floor = next;
			this.upperBound = Math.min(this.upperBound, this.upperBoundAt(index, floor));
		}
	}

	/**
	 * B's proven floor (rule 2): in any span of the first window the bucket gave at most B and what
	 * it refilled, so B is at least the requests accepted less R's upper bound over the span (the
	 * arrivals spread over the starts' span and the jitter at most). A running maximum over the
	 * span's first start makes it one pass.
	 */
	private burstFloor(): number {
		if (this.firstRefusal === undefined || !Number.isFinite(this.upperBound)) return 1;
		const perMs = this.upperBound / 1000;
		let floor = 0;
		let accepted = 0;
		let bestFrom = -Infinity;
		for (let i = Math.max(0, this.firstRefusal - MAX_SCAN); i < this.firstRefusal; i++) {
			const start = this.starts[i];
			if (start.outcome !== ACCEPTED || i === this.tokenStart) continue;
			// The span from the best first start to this one: accepted from there, less the refill.
			bestFrom = Math.max(bestFrom, perMs * start.at - accepted);
			accepted++;
			floor = Math.max(floor, accepted + bestFrom - perMs * (start.at + this.jitterMs));
		}
		// R is below its upper bound, so B is over this, and whole.
		return Math.floor(floor) + 1;
	}

	/**
	 * Rule 2 in a later window: one that starts on a full bucket (its pause refilled B's upper
	 * estimate at R's lower bound, after the last request before it reached Concur) left the
	 * refused start under a token after the requests accepted before it, so B is at most them.
	 * It corrects a first window that overstated B: a sender's own work between unpaced starts
	 * spaces them like pacing (inside n8n by 4-5 ms, the time a bucket of one refills at 250/s).
	 * Each counts the starts not refused (one not answered yet may be accepted): as an upper bound
	 * those that may have reached Concur first (up to the jitter after it), as the central one
	 * those that started before it.
	 */
	private boundBurstByWindow(index: number): void {
		const refusedAt = this.starts[index].at;
		if (this.windowFrom === 0 || refusedAt < this.windowFrom) return;
		// A window longer than MAX_SCAN bounds B by thousands, under no estimate: not looked for.
		const earliest = Math.max(0, index - MAX_SCAN);
		let first = index;
		while (first > earliest && this.starts[first - 1].at >= this.windowFrom) first--;
		if (first === 0 || this.starts[first - 1].at >= this.windowFrom) return;
		const lastArrival = this.starts[first - 1].at + this.maxLatencyMs;
		if ((this.lowerBound * (this.starts[first].at - lastArrival)) / 1000 < this.burstHigh) return;
		let high = 0;
		let central = 0;
		for (let i = first; i < this.starts.length; i++) {
			if (this.starts[i].at > refusedAt + this.jitterMs) break;
			if (i === index || this.starts[i].outcome === REFUSED) continue;
			high++;
			if (i < index) central++;
		}
		this.burstHighAtMost = Math.min(this.burstHighAtMost, Math.max(1, high));
		this.burstCentralAtMost = Math.min(this.burstCentralAtMost, Math.max(1, central));
	}

	/**
	 * The pacing's burst, once a later window shows B under it (rule 2): a pacing that bursts past
	 * B is refused at any rate, so the upper bounds its refusals set (rule 3) are void, and the
	 * search for R resumes without them.
	 */
	private dropPacedBurstBelowB(): void {
		const paced = Math.min(MAX_PACED_BURST, Math.max(1, this.burstCentralAtMost - 1));
		if (paced >= this.pacingBurst) return;
		this.pacingBurst = paced;
		this.upperBound = Infinity;
	}

	/**
	 * B from the first window, which started on a full bucket (rule 2), with R at least `rate`: the
	 * refused start left under a token, so B is less than the largest excess of requests accepted
	 * over R × the time left plus one, and whole: at most the excess rounded up. As an `upper`
	 * bound (rule 1's proofs) it counts what may have been accepted before the refused start
	 * arrived (a request not answered yet, one started within the jitter after it) over the least
	 * time the arrivals can have been apart (the token's request reached Concur by its answer);
	 * otherwise the answers and starts as they came, an estimate that may fall under B (the
	 * pacing's, rule 4: a burst past B is refused at any rate).
	 */
	private burstEstimate(rate: number, upper: boolean): number {
		const end = this.firstRefusal!;
		const refusedAt = this.starts[end].at;
		const counts = (i: number) =>
			upper ? this.starts[i].outcome !== REFUSED : this.starts[i].outcome === ACCEPTED;
		let accepted = 0;
		for (let i = end + 1; upper && i < this.starts.length; i++) {
			if (this.starts[i].at > refusedAt + this.jitterMs) break;
			if (counts(i)) accepted++;
		}
		let best = accepted;
		for (let i = end - 1; i >= 0; i--) {
			if (!counts(i)) continue;
			accepted++;
			const at = upper && i === this.tokenStart ? this.tokenAnsweredAt : this.starts[i].at;
			const seconds = Math.max(0, refusedAt - at - (upper ? this.jitterMs : 0)) / 1000;
			best = Math.max(best, accepted - rate * seconds);
		}
		const atMost = upper ? this.burstHighAtMost : this.burstCentralAtMost;
		return Math.min(Math.max(1, Math.ceil(best)), atMost);
	}

	/** The rate slow start sent at over the last round trip before the refused start. */
	private slowStartRate(refusedAt: number): number {
		const rtt = Number.isFinite(this.minLatencyMs) ? this.minLatencyMs : this.maxLatencyMs;
		const since = refusedAt - Math.max(rtt, 1);
		const count = this.starts.filter((s) => s.at > since && s.at <= refusedAt).length;
		return (count * 1000) / Math.max(rtt, 1);
	}

	/**
	 * The limit on requests in flight (rule 5): under the fewest in flight refused while a cap
	 * explains every refusal, one more now and then to test it; otherwise no limit beyond the
	 * maximum (the pacing governs).
	 */
	private capLimit(now: number): number {
		if (this.minRefusedInFlight === Infinity) return this.limit;
		if (this.maxAcceptedInFlight >= this.minRefusedInFlight) return this.settings.maxParallel;
		const cap = Math.max(1, this.minRefusedInFlight - 1);
		if (now - this.lastCapProbeAt > PROBE_PAUSES * Math.max(this.maxLatencyMs, 1)) {
			this.lastCapProbeAt = now;
			return Math.min(this.settings.maxParallel, cap + 1);
		}
		return Math.min(this.settings.maxParallel, cap);
	}

	/** A request not answered after twice the slowest answer (or two seconds) is taken as lost. */
	private lostAfterMs(): number {
		return 2 * Math.max(this.maxLatencyMs, 1_000);
	}

	/** Requests started and not answered yet (not lost). */
	private inFlight(now: number): number {
		const horizon = now - this.lostAfterMs();
		let count = 0;
		for (let i = this.starts.length - 1; i >= 0 && this.starts[i].at >= horizon; i--)
			if (this.starts[i].outcome === PENDING) count++;
		return count;
	}

	private recordAnswerGap(now: number, latency: number): void {
		if (this.lastAnswerLatency !== undefined) {
			this.answerGaps.push(this.lastAnswerLatency - latency);
			if (this.answerGaps.length > JITTER_SAMPLES) this.answerGaps.shift();
			// The credit so far at the old spacing, then the new one from now on.
			if (Number.isFinite(this.rate)) {
				this.credit = this.creditAt_(now);
				this.creditAt = Math.max(this.creditAt, now);
			}
			this.updateMargin();
		}
		this.lastAnswerLatency = latency;
	}

	private recordLatency(latency: number): void {
		this.latencies.push(latency);
		if (this.latencies.length > LATENCY_SAMPLES) this.latencies.shift();
	}

	/**
	 * Records the answer to the start at `startedAt`; its index, or -1 when none is pending. Of
	 * requests that started together, the accepted ones are taken to be those that started with
	 * fewer in flight (which one Concur saw first is not known; a cap would refuse the last).
	 */
	private settle(startedAt: number, outcome: Start['outcome']): number {
		let found = -1;
		for (let i = this.starts.length - 1; i >= 0 && this.starts[i].at >= startedAt; i--) {
			const start = this.starts[i];
			if (start.at !== startedAt || start.outcome !== PENDING) continue;
			const better =
				found < 0 ||
				(outcome === ACCEPTED
					? start.inFlight < this.starts[found].inFlight
					: start.inFlight > this.starts[found].inFlight);
			if (better) found = i;
		}
		if (found >= 0) this.starts[found].outcome = outcome;
		return found;
	}
}

/** The index of the first time ≥ `from` (> `from` when `strictly`) in ascending `times`. */
function firstAtOrAfter(times: number[], from: number, strictly: boolean): number {
	let low = 0;
	let high = times.length;
	while (low < high) {
		const mid = (low + high) >> 1;
		if (times[mid] < from || (strictly && times[mid] === from)) low = mid + 1;
		else high = mid;
	}
	return low;
}
