// Concur as a token bucket (or a cap on requests held) on a fake clock: plays a throttle control's
// starts against it, without a server, so the rules can be checked over many limits in
// milliseconds.

/**
 * Sends `count` requests as `control` allows against a token bucket of `rate` and `burst` (no
 * bucket when `rate` is Infinity) and a cap of `cap` requests held at once. Concur holds each
 * request `serverMs` of its round trip of `latency`; it reaches Concur half of the rest after its
 * start (the first, which fetches the token, after `tokenMs`), later by `delayMs()` more (the
 * jitter; none by default). A refused one asks to wait `retryAfterMs` and is sent again. Returns
 * when the last answer came, the requests sent, and the widest the control's proofs went after a
 * refusal: the lowest upper bound of R, the highest lower bound, and the lowest upper estimate of B.
 */
function playBucket(
	control,
	{
		rate,
		burst,
		count,
		retryAfterMs,
		tokenMs,
		latency = 50,
		serverMs = 0,
		cap = Infinity,
		delayMs = () => 0,
	},
) {
	const oneWayMs = (latency - serverMs) / 2;
	const pending = [];
	const held = [];
	let level = burst;
	let levelAt = 0;
	let now = 0;
	let sent = 0;
	let done = 0;
	let requests = 0;
	let lowestUpper = Infinity;
	let highestLower = 0;
	let lowestBurst = Infinity;
	while (done < count) {
		const free = pending.length < control.limit && sent < count;
		const delay = free ? control.delayBeforeStart(now) : Infinity;
		pending.sort((a, b) => a.answeredAt - b.answeredAt);
		if (pending.length > 0 && pending[0].answeredAt <= now + delay) {
			const { answeredAt, startedAt, accepted } = pending.shift();
			now = answeredAt;
			if (accepted) {
				done++;
				control.succeeded(now, startedAt);
			} else {
				sent--;
				control.throttled(now, startedAt, retryAfterMs);
				lowestUpper = Math.min(lowestUpper, control.upperBound);
				highestLower = Math.max(highestLower, control.lowerBound);
				lowestBurst = Math.min(lowestBurst, control.burstHigh);
			}
			continue;
		}
		if (delay === Infinity) throw new Error('the control lets no request start');
		now += delay;
		if (delay > 0.001) continue;
		const arrival = now + (requests === 0 ? tokenMs : oneWayMs) + delayMs();
		// Arrivals out of order reach the bucket at once: it does not refill backwards.
		const at = Math.max(arrival, levelAt);
		if (rate !== Infinity) level = Math.min(burst, level + ((at - levelAt) * rate) / 1000);
		levelAt = at;
		const leaves = arrival + serverMs;
		const holding = cap === Infinity ? 0 : held.filter((left) => left > arrival).length;
		const accepted = level >= 1 && holding < cap;
		if (accepted) {
			level -= 1;
			if (cap !== Infinity) held.push(leaves);
		}
		control.started(now);
		sent++;
		requests++;
		pending.push({ startedAt: now, answeredAt: leaves + oneWayMs, accepted });
	}
	return { finishedAt: now, requests, lowestUpper, highestLower, lowestBurst };
}

module.exports = { playBucket };
