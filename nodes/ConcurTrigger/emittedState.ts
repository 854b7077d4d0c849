import type { CalloutNotification } from '../shared/calloutNotifications';

/**
 * What the trigger remembers between polls, in the node's static data: when each notification
 * still in Concur's queue was emitted. Pruned against every fetched queue, so it never holds more
 * entries than the queue. n8n saves it only when a poll emits.
 */
export interface EmittedState {
	/** Set once the first poll has run; "Only New" treats the queue seen then as the baseline. */
	started?: boolean;
	/** Notification id -> when it was emitted (ms since epoch). */
	emitted?: Record<string, number>;
}

export interface PollPlan {
	/** What to emit now, oldest first. */
	due: CalloutNotification[];
	/** The state to keep once they are emitted. */
	next: Required<EmittedState>;
}

export interface PollRules {
	startWith: 'all' | 'new';
	maxItems: number;
	/** 0 = never emit a notification twice. */
	reEmitAfterMs: number;
	now: number;
}

/**
 * Decides what a poll emits from the whole fetched queue (oldest first) and the candidates that
 * pass the filters. Pure: the caller commits `next` only after the fetch and the emits succeed.
 */
export function planPoll(state: EmittedState, queue: CalloutNotification[], candidates: CalloutNotification[], rules: PollRules): PollPlan {
	const inQueue = new Set(queue.map((n) => n.id));
	const emitted = Object.fromEntries(Object.entries(state.emitted ?? {}).filter(([id]) => inQueue.has(id)));
	if (!state.started && rules.startWith === 'new') {
		for (const n of queue) emitted[n.id] = rules.now;
		return { due: [], next: { started: true, emitted } };
	}
	const isDue = (n: CalloutNotification) =>
		emitted[n.id] === undefined || (rules.reEmitAfterMs > 0 && rules.now - emitted[n.id] >= rules.reEmitAfterMs);
	const due = candidates.filter(isDue).slice(0, rules.maxItems);
	for (const n of due) emitted[n.id] = rules.now;
	return { due, next: { started: true, emitted } };
}
