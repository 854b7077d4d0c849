import { sleep } from 'n8n-workflow';

import { ThrottleControl, type ThrottleSettings } from './throttleControl';
import { runPool, type Outcome } from './workerPool';

/** The most requests a run may have in flight: the top of "Requests in Parallel", and of Auto. */
export const MAX_PARALLEL = 50;

/**
 * Timers fire up to this much early or late on an idle event loop (they count whole milliseconds);
 * a wake later than that means the loop stalled (a garbage collection, a burst of answers).
 */
const TIMER_RESOLUTION_MS = 2;

/**
 * How many requests of one node run are in flight, in one place: built once per run from the
 * setting, it runs the items' pool and applies ThrottleControl to it. Items take a slot (at most
 * `limit` in flight, first come first served) and keep it through their retries; every request,
 * first or repeated, waits for its turn (the shared pause after a throttle, and the pacing).
 */
export class SendScheduler {
	readonly control: ThrottleControl;

	/** The most items the pool ever runs at once: the fixed setting, or Auto's ceiling. */
	private readonly maxRunning: number;

	private inFlight = 0;
	private readonly waiting: Array<() => void> = [];

	constructor(
		settings: ThrottleSettings,
		// A fraction of a millisecond: at 250 requests/s a token is 4 ms, and a clock of whole
		// milliseconds would misplace each start by up to a quarter of the spacing.
		private readonly now: () => number = () => performance.now(),
	) {
		this.control = new ThrottleControl(settings);
		this.maxRunning = settings.parallel === 'auto' ? settings.maxParallel : settings.parallel;
	}

	/** Runs `task` for each of `count` items, each holding a slot; outcomes in item order (runPool). */
	async run<T>(
		count: number,
		task: (index: number) => Promise<T>,
		stopOnFailure: boolean,
	): Promise<Array<Outcome<T>>> {
		this.control.expect(count);
		return await runPool(count, this, this.maxRunning, task, stopOnFailure);
	}

	async acquire(): Promise<void> {
		if (this.waiting.length === 0 && this.inFlight < this.control.limit) {
			this.inFlight++;
			return;
		}
		await new Promise<void>((resolve) => this.waiting.push(resolve));
	}

	release(): void {
		this.inFlight--;
		this.admit();
	}

	/** How long every request must still wait because Concur throttled (0: no pause). */
	pauseLeftMs(): number {
		return Math.max(0, this.control.pausedUntil - this.now());
	}

	/** Waits until a request may start and books it; returns its start time. */
	async turn(): Promise<number> {
		for (
			let delay = this.control.delayBeforeStart(this.now());
			delay > 0;
			delay = this.control.delayBeforeStart(this.now())
		) {
			const wakeAt = this.now() + delay;
			await sleep(delay);
			// Rule 10 of ThrottleControl: a late wake means the requests before it left late too.
			const wokeAt = this.now();
			if (wokeAt - wakeAt > TIMER_RESOLUTION_MS) this.control.stalled(wokeAt);
		}
		const startedAt = this.now();
		this.control.started(startedAt);
		return startedAt;
	}

	succeeded(startedAt: number): void {
		this.control.succeeded(this.now(), startedAt);
		this.admit();
	}

	/** The request that started at `startedAt` ended with neither an acceptance nor a throttle. */
	failed(startedAt: number): void {
		this.control.failed(startedAt);
	}

	throttled(startedAt: number, retryAfterMs: number | undefined): void {
		this.control.throttled(this.now(), startedAt, retryAfterMs);
	}

	private admit(): void {
		while (this.waiting.length > 0 && this.inFlight < this.control.limit) {
			this.inFlight++;
			this.waiting.shift()!();
		}
	}
}
