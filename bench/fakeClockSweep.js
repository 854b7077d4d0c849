// The rate controller alone on a fake clock, over far more limits than the sweep through n8n-core
// can afford: rates between the grid's, bursts of 1, 3, 10 and 30, a little arrival jitter, and
// several seeds per cell. Seconds instead of half an hour, so a change can be checked everywhere;
// the sweep through n8n-core stays the measure (real timers, real jitter, real HTTP).
const { ThrottleControl } = require('../dist/nodes/shared/throttleControl');
const { playBucket } = require('../rig/fakeBucket');
const { createRandom } = require('../simulator/random');

const RATES = [2, 3.3, 5, 8, 15, 25, 40, 70, 100, 170, 250];
const BURSTS = [1, 3, 10, 30];
const RETRY_AFTERS_MS = [0, 1_000, 2_000];
const CAPS = [3, 8, 20];
/** With a cap: the round trip's part outside Concur (there and back). */
const CAP_NETWORK_MS = 2;
const SEEDS = 5;
const LATENCY_MS = 50;
const TOKEN_MS = 100;
/** The arrival jitter's mean: exponential, a fraction of what n8n-core adds. */
const JITTER_MS = 0.5;
const SECONDS_OF_SENDING = 15;
const MIN_MESSAGES = 50;

/** Plays `count` requests against `limit` (playBucket's options); efficiency against `bestMs`. */
function play(limit, count, bestMs, seed) {
	// Seeded, so each run plays the same jitter.
	const random = createRandom(seed).next;
	const control = new ThrottleControl(
		{ parallel: 'auto', maxParallel: 50, firstRequestAlone: true },
		random,
	);
	control.expect(count);
	const { finishedAt, requests } = playBucket(control, {
		...limit,
		count,
		tokenMs: TOKEN_MS,
		latency: LATENCY_MS,
		delayMs: () => -Math.log(1 - random()) * JITTER_MS,
	});
	return { efficiency: bestMs / finishedAt, extra: (requests - count) / count };
}

function playCell(rate, burst, retryAfterMs, seed) {
	const count = Math.max(MIN_MESSAGES, Math.round(rate * SECONDS_OF_SENDING));
	// As the sweep's best (spend the burst at once, then exactly R, one throttle in full), and
	// the token's fetch, which the fake clock counts from the first request on.
	const best = (Math.max(0, count - burst) / rate) * 1000 + retryAfterMs + LATENCY_MS + TOKEN_MS;
	return play({ rate, burst, retryAfterMs }, count, best, seed);
}

/**
 * A cap without a rate limit, `Retry-After: 0`. Concur holds a request for all of the round trip
 * but CAP_NETWORK_MS (as the simulator on loopback does): an answer on its way back, or a burst
 * reordered by the jitter, is then all that makes a count at the start differ from Concur's.
 */
function playCap(cap, seed) {
	const count = Math.round((cap / LATENCY_MS) * 1000 * SECONDS_OF_SENDING);
	const best = (count / cap) * LATENCY_MS + TOKEN_MS;
	const limit = { rate: Infinity, burst: Infinity, cap, retryAfterMs: 0 };
	return play({ ...limit, serverMs: LATENCY_MS - CAP_NETWORK_MS }, count, best, seed);
}

/** Mean efficiency / worst seed, and `!` where a seed sent over 10 % extra requests. */
function describe(runs) {
	const mean = runs.reduce((sum, run) => sum + run.efficiency, 0) / runs.length;
	const worst = Math.min(...runs.map((run) => run.efficiency));
	const over = runs.some((run) => run.extra > 0.1) ? '!' : '';
	return { mean, text: `${mean.toFixed(2)} / ${worst.toFixed(2)}${over}` };
}

const seeds = (playSeed) => Array.from({ length: SEEDS }, (_, i) => playSeed(7919 * (i + 1)));

async function main() {
	console.log(
		`\nFake-clock sweep: the controller against a token bucket, ${LATENCY_MS} ms latency, exponential arrival jitter of ${JITTER_MS} ms, ${SEEDS} seeds per cell`,
	);
	console.log(
		'each cell: mean efficiency / worst seed; ! where a seed sent over 10 % extra requests',
	);
	console.log(`| B, Retry-After | ${RATES.map((rate) => `${rate}/s`).join(' | ')} |`);
	console.log(`|---|${RATES.map(() => '---').join('|')}|`);
	const means = [];
	for (const burst of BURSTS)
		for (const retryAfterMs of RETRY_AFTERS_MS) {
			const cells = RATES.map((rate) => {
				const cell = describe(seeds((seed) => playCell(rate, burst, retryAfterMs, seed)));
				means.push(cell.mean);
				return cell.text;
			});
			console.log(`| B ${burst}, ${retryAfterMs / 1000} s | ${cells.join(' | ')} |`);
		}
	means.sort((a, b) => a - b);
	const at = (share) => means.filter((mean) => mean >= share).length;
	console.log(
		`\nworst cell (mean) ${means[0].toFixed(2)}; median ${means[Math.floor((means.length - 1) / 2)].toFixed(2)}; ≥ 0.9 in ${at(0.9)} of ${means.length}, ≥ 0.85 in ${at(0.85)}`,
	);
	console.log(
		`\nA cap on requests held, no rate limit, Retry-After: 0; Concur holds a request all its round trip but ${CAP_NETWORK_MS} ms (best: N × latency / cap)`,
	);
	console.log(`| cap | ${CAPS.join(' | ')} |\n|---|${CAPS.map(() => '---').join('|')}|`);
	const caps = CAPS.map((cap) => describe(seeds((seed) => playCap(cap, seed))).text);
	console.log(`| efficiency | ${caps.join(' | ')} |`);
}

module.exports = main;
