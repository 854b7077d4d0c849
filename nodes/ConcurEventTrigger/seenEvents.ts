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
 * Only ids whose run n8n has stored are merged (`stored`): n8n 2.x saves a request's static data
 * once it created the execution, just before it answers, so another request's save that carried a
 * still pending id would make a crash in between lose that event (its retry answered "seen").
 */
interface Sighting {
	at: number;
	stored: boolean;
}
const memory = new Map<string, Map<string, Sighting>>();

/** This process's ids for `key` with the saved ones merged in, oldest first. */
function known(state: SeenState, key: string): Map<string, Sighting> {
	const ids = memory.get(key) ?? new Map<string, Sighting>();
	const missing = Object.entries(state.seen ?? {}).filter(([id]) => !ids.has(id));
	if (!missing.length) return ids;
	// Ids another process or an earlier run of this one saved: merged once, in time order.
	const saved = missing.map(([id, at]): [string, Sighting] => [id, { at, stored: true }]);
	const merged = new Map([...ids, ...saved].sort((a, b) => a[1].at - b[1].at));
	memory.set(key, merged);
	return merged;
}

/**
 * Whether `id` is seen for the first time (then it is recorded in `state` and, pending until
 * `settle`, in this process's memory under `key`, the workflow and node), or within the window before.
 */
export function firstSighting(state: SeenState, key: string, id: string, now: number): boolean {
	const ids = known(state, key);
	memory.set(key, ids);
	for (const [oldest, { at }] of ids) {
		if (now - at < SEEN_WINDOW_MS && ids.size <= MAX_SEEN_IDS) break;
		ids.delete(oldest);
	}
	if (ids.has(id)) return false;
	ids.set(id, { at: now, stored: false });
	if (ids.size > MAX_SEEN_IDS) ids.delete(ids.keys().next().value as string);
	state.seen = Object.fromEntries(
		[...ids].filter(([seen, s]) => s.stored || seen === id).map(([seen, s]) => [seen, s.at]),
	);
	return true;
}

/**
 * What n8n answered for a first sighting: a 2xx comes after n8n stored the run, so the id may go
 * into other requests' saves; any other answer means no run, so Concur's retry must run it.
 */
export function settle(key: string, id: string, runStored: boolean): void {
	const sighting = memory.get(key)?.get(id);
	if (!sighting) return;
	if (runStored) sighting.stored = true;
	else memory.get(key)?.delete(id);
}

/** Undoes `firstSighting` for an event whose run could not start, so that Concur's retry runs it. */
export function forget(state: SeenState, key: string, id: string): void {
	memory.get(key)?.delete(id);
	if (state.seen?.[id] === undefined) return;
	state.seen = Object.fromEntries(Object.entries(state.seen).filter(([seenId]) => seenId !== id));
}
