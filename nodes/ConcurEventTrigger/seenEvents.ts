import type { IDataObject } from 'n8n-workflow';

/** Concur retries an event for 72 hours: an id seen within that time is a redelivery. */
export const SEEN_WINDOW_MS = 72 * 3_600_000;

/**
 * n8n rewrites the workflow's whole static data with every event that starts a run, so the list is
 * bounded: 10,000 ids of ~50 bytes are half a megabyte. Past that (more than ~3,000 events an hour
 * for 72 hours) the oldest ids go first, and only a redelivery older than them could run twice.
 */
export const MAX_SEEN_IDS = 10_000;

/** `seen`: event id → when it was first seen (ms), oldest first. */
export interface SeenState extends IDataObject {
	seen?: Record<string, number>;
}

/**
 * Per process: the ids this process handled. n8n loads the static data afresh from the database for
 * each webhook request and saves it whole afterwards, so two concurrent requests each save their
 * own copy and the later save drops the other's id. Merging this memory into every save keeps them.
 */
const memory = new Map<string, Map<string, number>>();

/** This process's ids for `key` with the stored ones merged in, oldest first. */
function known(state: SeenState, key: string): Map<string, number> {
	const ids = memory.get(key) ?? new Map<string, number>();
	const missing = Object.entries(state.seen ?? {}).filter(([id]) => !ids.has(id));
	if (!missing.length) return ids;
	// Ids another process or an earlier run of this one saved: merged once, in time order.
	const merged = new Map([...ids, ...missing].sort((a, b) => a[1] - b[1]));
	memory.set(key, merged);
	return merged;
}

/**
 * Whether `id` is seen for the first time (then it is recorded in `state` and in this process's
 * memory under `key`, the workflow and node), or within the window before.
 */
export function firstSighting(state: SeenState, key: string, id: string, now: number): boolean {
	const ids = known(state, key);
	memory.set(key, ids);
	for (const [oldest, at] of ids) {
		if (now - at < SEEN_WINDOW_MS && ids.size <= MAX_SEEN_IDS) break;
		ids.delete(oldest);
	}
	if (ids.has(id)) return false;
	ids.set(id, now);
	if (ids.size > MAX_SEEN_IDS) ids.delete(ids.keys().next().value as string);
	state.seen = Object.fromEntries(ids);
	return true;
}

/** Undoes `firstSighting` for an event whose run could not start, so that Concur's retry runs it. */
export function forget(state: SeenState, key: string, id: string): void {
	memory.get(key)?.delete(id);
	if (state.seen?.[id] === undefined) return;
	state.seen = Object.fromEntries(Object.entries(state.seen).filter(([seenId]) => seenId !== id));
}
