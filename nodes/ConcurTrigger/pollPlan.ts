import type { CalloutNotification } from '../shared/calloutNotifications';

/**
 * When a notification still in Concur's queue was emitted: first and last time (ms since epoch)
 * and how many times. A count of 0 is the "Only New" baseline: seen at start, never emitted.
 * A tuple, not an object: one entry per queued notification is kept in the static data.
 */
export type Emission = [firstMs: number, lastMs: number, count: number];

/**
 * What the trigger remembers between polls, in the node's static data. Pruned against every
 * fetched queue, so it never holds more entries than the queue. n8n saves it only when a poll emits.
 */
export interface EmittedState {
	/** Set once the first poll has run; "Only New" treats the queue seen then as the baseline. */
	started?: boolean;
	/** Notification id -> its emission; a plain number (ms) is one emission saved by version 0.x. */
	emitted?: Record<string, Emission | number>;
}

/** A notification as emitted: how many times so far, and when first. */
export type EmittedNotification = CalloutNotification & {
	emittedCount: number;
	firstEmittedAt: string;
};

export interface PollPlan {
	/** What to emit now, oldest first. */
	due: EmittedNotification[];
	/** "Delete When Emitted": emitted earlier and still queued, so their delete failed; not emitted again. */
	retryDelete: CalloutNotification[];
	/** The state to keep once they are emitted. */
	next: { started: true; emitted: Record<string, Emission> };
}

export interface PollRules {
	startWith: 'all' | 'new';
	acknowledge: 'none' | 'delete';
	maxItems: number;
	/** "None" only: emit again what is still queued this long after its last emission; 0 = never. */
	reEmitAfterMs: number;
	now: number;
}

/** The trigger's Filters: a notification passes when it matches every one that is set. */
export interface PollFilters {
	objectType?: string;
	eventTypeContains?: string;
}

/** The notifications that pass the filters, in queue order: the candidates a poll plans from. */
export function matchingFilters(
	queue: CalloutNotification[],
	filters: PollFilters,
): CalloutNotification[] {
	const needle = filters.eventTypeContains?.trim().toLowerCase();
	return queue.filter(
		(n) =>
			(!filters.objectType || n.objectType === filters.objectType) &&
			(!needle || n.eventType.toLowerCase().includes(needle)),
	);
}

const asEmission = (saved: Emission | number): Emission =>
	typeof saved === 'number' ? [saved, saved, 1] : saved;

/**
 * Decides what a poll emits from the whole fetched queue (oldest first) and the candidates that
 * pass the filters. Pure: the caller commits `next` before anything else can interleave.
 */
export function planPoll(
	state: EmittedState,
	queue: CalloutNotification[],
	candidates: CalloutNotification[],
	rules: PollRules,
): PollPlan {
	const inQueue = new Set(queue.map((n) => n.id));
	const emitted: Record<string, Emission> = {};
	for (const [id, saved] of Object.entries(state.emitted ?? {}))
		if (inQueue.has(id)) emitted[id] = asEmission(saved);
	if (!state.started && rules.startWith === 'new') {
		for (const n of queue) emitted[n.id] = [rules.now, rules.now, 0];
		return { due: [], retryDelete: [], next: { started: true, emitted } };
	}
	const reEmit = rules.acknowledge === 'none' && rules.reEmitAfterMs > 0;
	const isDue = (n: CalloutNotification) => {
		const emission = emitted[n.id];
		if (!emission) return true;
		const [, lastMs, count] = emission;
		return reEmit && count > 0 && rules.now - lastMs >= rules.reEmitAfterMs;
	};
	const due = candidates.filter(isDue).slice(0, rules.maxItems);
	const dueIds = new Set(due.map((n) => n.id));
	const retryDelete =
		rules.acknowledge === 'delete'
			? candidates.filter((n) => !dueIds.has(n.id) && (emitted[n.id]?.[2] ?? 0) > 0)
			: [];
	const emittedNow = due.map((n): EmittedNotification => {
		const [firstMs, , count] = emitted[n.id] ?? [rules.now, rules.now, 0];
		emitted[n.id] = [firstMs, rules.now, count + 1];
		return { ...n, emittedCount: count + 1, firstEmittedAt: new Date(firstMs).toISOString() };
	});
	return { due: emittedNow, retryDelete, next: { started: true, emitted } };
}
