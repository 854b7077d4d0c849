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
const SEEDS = 5;
const LATENCY_MS = 50;
const TOKEN_MS = 100;
/** The arrival jitter's mean: exponential, a fraction of what n8n-core adds. */
const JITTER_MS = 0.5;
const SECONDS_OF_SENDING = 15;
const MIN_MESSAGES = 50;

function playCell(rate, burst, retryAfterMs, seed) {
	// Seeded, so each run plays the same jitter.
	const random = createRandom(seed).next;
	const control = new ThrottleControl(
		{ parallel: 'auto', maxParallel: 50, firstRequestAlone: true },
		random,
	);
	const count = Math.max(MIN_MESSAGES, Math.round(rate * SECONDS_OF_SENDING));
	control.expect(count);
	const { finishedAt, requests } = playBucket(control, {
		rate,
		burst,
		count,
		retryAfterMs,
		tokenMs: TOKEN_MS,
		latency: LATENCY_MS,
		delayMs: () => -Math.log(1 - random()) * JITTER_MS,
	});
	// As the sweep's best (spend the burst at once, then exactly R, one throttle in full), and
	// the token's fetch, which the fake clock counts from the first request on.
	const best = (Math.max(0, count - burst) / rate) * 1000 + retryAfterMs + LATENCY_MS + TOKEN_MS;
	return { efficiency: best / finishedAt, extra: requests / count - 1 };
}

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
				const runs = Array.from({ length: SEEDS }, (_, i) =>
					playCell(rate, burst, retryAfterMs, 7919 * (i + 1)),
				);
				const mean = runs.reduce((sum, run) => sum + run.efficiency, 0) / SEEDS;
				means.push(mean);
				const worst = Math.min(...runs.map((run) => run.efficiency));
				const over = runs.some((run) => run.extra > 0.1) ? '!' : '';
				return `${mean.toFixed(2)} / ${worst.toFixed(2)}${over}`;
			});
			console.log(`| B ${burst}, ${retryAfterMs / 1000} s | ${cells.join(' | ')} |`);
		}
	means.sort((a, b) => a - b);
	const at = (share) => means.filter((mean) => mean >= share).length;
	console.log(
		`\nworst cell (mean) ${means[0].toFixed(2)}; median ${means[Math.floor((means.length - 1) / 2)].toFixed(2)}; ≥ 0.9 in ${at(0.9)} of ${means.length}, ≥ 0.85 in ${at(0.85)}`,
	);
}

module.exports = main;
