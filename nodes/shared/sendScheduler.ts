import { sleep } from 'n8n-workflow';

import { ThrottleControl, type ThrottleSettings } from './throttleControl';

/**
 * Applies ThrottleControl to one node run: items take a slot (at most `limit` in flight, first
 * come first served) and keep it through their retries; every request, first or repeated, waits
 * for its turn (the shared pause after a throttle, and the pacing).
 */
export class SendScheduler {
	readonly control: ThrottleControl;

	private inFlight = 0;
	private readonly waiting: Array<() => void> = [];

	constructor(
		settings: ThrottleSettings,
		private readonly now: () => number = Date.now,
	) {
		this.control = new ThrottleControl(settings);
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
			await sleep(delay);
		}
		const startedAt = this.now();
		this.control.started(startedAt);
		return startedAt;
	}

	succeeded(startedAt: number): void {
		this.control.succeeded(this.now(), startedAt);
		this.admit();
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
