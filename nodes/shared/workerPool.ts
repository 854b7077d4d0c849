/**
 * Runs `task` for indexes 0..count-1, each while holding one of `slots` (which decide how many run
 * at once, at most `maxRunning`), and returns the outcomes in index order. After a failure with
 * `stopOnFailure`, no new task starts; those already running settle, and the ones never started
 * are reported as `skipped`.
 */
export type Outcome<T> =
	| { status: 'fulfilled'; value: T }
	| { status: 'rejected'; reason: unknown }
	| { status: 'skipped' };

export interface Slots {
	acquire(): Promise<void>;
	release(): void;
}

export async function runPool<T>(
	count: number,
	slots: Slots,
	maxRunning: number,
	task: (index: number) => Promise<T>,
	stopOnFailure: boolean,
): Promise<Array<Outcome<T>>> {
	const outcomes: Array<Outcome<T>> = Array.from({ length: count }, () => ({ status: 'skipped' }));
	let next = 0;
	let stopped = false;
	const worker = async () => {
		while (!stopped && next < count) {
			await slots.acquire();
			if (stopped || next >= count) {
				slots.release();
				return;
			}
			const index = next++;
			try {
				outcomes[index] = { status: 'fulfilled', value: await task(index) };
			} catch (reason) {
				outcomes[index] = { status: 'rejected', reason };
				if (stopOnFailure) stopped = true;
			} finally {
				slots.release();
			}
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(maxRunning, count)) }, worker));
	return outcomes;
}
