// What the jitter alone costs a sender against a bucket of one token, from the run's own delays.
// A request reaches Concur later than the node lets it go, by a delay that varies (n8n's work
// before it leaves, a garbage collection, the simulator's own event loop). A bucket of one refuses
// a request that arrives closer than 1/R to the one before, so even a sender that knew R would
// space its requests by 1/R plus a margin m, and pay a pause for each pair whose delays differ by
// more than m. The baseline is its time at the best fixed m. It is no bound: a sender that
// reacts to the delays (a stall, rule 10) can beat a fixed margin.
const { ConcurClient } = require('../dist/nodes/shared/transport');

/** Records when the node lets each Send request go, by correlation id, until `stop()`. */
function recordSends() {
	const sends = new Map();
	const send = ConcurClient.prototype.send;
	ConcurClient.prototype.send = function (request, credential) {
		const id = request.headers['concur-correlationid'];
		sends.set(id, [...(sends.get(id) ?? []), performance.timeOrigin + performance.now()]);
		return send.call(this, request, credential);
	};
	return { sends, stop: () => (ConcurClient.prototype.send = send) };
}

/**
 * For each pair of requests in the order they left, the first one's delay (arrival less send, ms)
 * less the second one's: over the spacing, the second reaches Concur that much too soon. Arrivals
 * (the simulator's) are matched to sends by correlation id and try.
 */
function delayDifferences(sends, arrivals) {
	const tries = new Map();
	const pairs = [];
	for (const { correlationId, at } of arrivals) {
		const attempt = tries.get(correlationId) ?? 0;
		tries.set(correlationId, attempt + 1);
		const sentAt = sends.get(correlationId)?.[attempt];
		if (sentAt !== undefined) pairs.push({ sentAt, delay: at - sentAt });
	}
	pairs.sort((a, b) => a.sentAt - b.sentAt);
	return pairs.slice(1).map((pair, i) => pairs[i].delay - pair.delay);
}

/**
 * The time of a sender that knows R and spaces requests by 1/R + m for the best m: each of the
 * `messages` requests costs m more than at R, and a refusal (a pair whose delays differ by more
 * than m) costs its pause and a spacing more. `best` is the time without jitter.
 */
function jitterBaselineSeconds({ differences, rate, pauseSeconds, messages, best }) {
	const sorted = [...differences].sort((a, b) => a - b);
	let cost = Infinity;
	sorted.forEach((margin, i) => {
		const refusedShare = (sorted.length - 1 - i) / sorted.length;
		cost = Math.min(cost, Math.max(0, margin) / 1000 + refusedShare * (pauseSeconds + 1 / rate));
	});
	return best + messages * cost;
}

module.exports = { recordSends, delayDifferences, jitterBaselineSeconds };
