import type { IDataObject } from 'n8n-workflow';

import { isObject, parseXmlOrJson } from './responseBody';
import { decodedOnce } from './uriText';

/** A FAILED callout notification, the same for Concur Notify's Get Many and the trigger. */
export interface CalloutNotification extends IDataObject {
	id: string;
	uri: string;
	eventType: string;
	/** ISO 8601, UTC assumed when Concur gives no zone; empty when the raw value is not a date. */
	eventTime: string;
	eventTimeRaw: string;
	objectType: string;
	objectUri: string;
	objectId: string;
	context: string | null;
	/** The notification as Concur sent it. */
	raw: IDataObject;
}

export type CalloutList = { notifications: CalloutNotification[] } | { problem: string };

/**
 * The queue from a response body, XML or JSON, or what is wrong with the body. Accepts every
 * documented variant (root `NotificationList` or `NotificationsList`, entries optionally wrapped
 * in `<Failure>`, `NotificationURI`/`URL`/`Url`, `<Context i:nil="true"/>`, the three date
 * formats) and what .NET's serializers make of the document, the v1.0 API being a WCF service (see
 * listOf and toIsoTime). Each notification comes once, as first listed: Concur has been seen to
 * list one twice in one answer, and both entries name the same notification, deleted by one call.
 * An entry without a URI to take an id from is an error, never an item no one can delete.
 */
export function parseCalloutNotifications(body: unknown): CalloutList {
	try {
		const text = typeof body === 'string' ? body.trim() : undefined;
		const data = text === undefined ? body : text ? parseXmlOrJson(text) : [];
		const entries = listOf(data, 0);
		if (typeof entries === 'string') return { problem: entries };
		const unique = new Map<string, CalloutNotification>();
		for (const [index, entry] of entries.entries()) {
			const notification = isObject(entry) ? normalize(unwrapped(entry)) : undefined;
			if (!notification?.id)
				return { problem: `entry ${index + 1} of ${entries.length} ${withoutId(entry)}` };
			if (!unique.has(notification.id)) unique.set(notification.id, notification);
		}
		return { notifications: [...unique.values()] };
	} catch (error) {
		return { problem: (error as Error).message };
	}
}

const URI_FIELDS = ['NotificationURI', 'NotificationURL', 'NotificationUrl'];
const ROOT_NAMES = ['NotificationList', 'NotificationsList', 'ArrayOfNotification'];

/** Whether an object is one notification rather than some other document: it names its own URI. */
const isNotification = (value: unknown): boolean =>
	isObject(value) && (URI_FIELDS.some((field) => field in value) || isNotification(value.Failure));

/**
 * The single member of an object that only wraps the result: WCF's wrapped body style writes
 * `{ "<Operation>Result": … }`, ASP.NET AJAX (WCF's enableWebScript) writes `{ "d": … }`.
 */
function wrappedResult(data: IDataObject): unknown {
	const keys = Object.keys(data);
	return keys.length === 1 && (keys[0] === 'd' || keys[0].endsWith('Result'))
		? data[keys[0]]
		: undefined;
}

/** The entries as found, or a sentence saying why there are none to be found. */
function listOf(data: unknown, depth: number): unknown[] | string {
	if (Array.isArray(data)) return data;
	if (!isObject(data)) return 'the body is neither a list nor a NotificationList document';
	// A queue of one in JSON may come as the bare notification, not wrapped in an array.
	if (isNotification(data)) return [data];
	const rootName = ROOT_NAMES.find((name) => name in data);
	if (rootName !== undefined) {
		const root = data[rootName];
		if (root === '' || root === null) return [];
		if (Array.isArray(root)) return root;
		if (isNotification(root)) return [root];
		if (!isObject(root)) return 'the NotificationList element has an unexpected shape';
		const entries = root.Notification;
		return Array.isArray(entries) ? entries : entries === undefined ? [] : [entries];
	}
	const result = wrappedResult(data);
	if (result === null) return [];
	// Two wrappers at most: `{ "d": { "…Result": [ … ] } }`.
	return result !== undefined && depth < 2
		? listOf(result, depth + 1)
		: 'the document is neither a notification nor a NotificationList';
}

/** The entry with the fields of its `Failure` wrapper (XML `<Failure>`, or DataContract JSON). */
const unwrapped = (entry: IDataObject): IDataObject =>
	isObject(entry.Failure) ? { ...entry, ...entry.Failure } : entry;

/** Fields whose values say which notification an entry is and hold nothing secret. */
const DESCRIBED_FIELDS = ['EventDateTime', 'EventType', 'ObjectType', 'ObjectURI'];

/**
 * What an entry without a usable URI holds, for the error: the fields Concur documents, by value
 * and cut short; any other field by name only, so that whatever a gateway put there (a token it
 * echoed, say) never reaches the error.
 */
function withoutId(entry: unknown): string {
	if (!isObject(entry))
		return `is ${entry === null ? 'null' : entry === '' ? 'empty' : `a ${typeof entry}`}, not a notification`;
	const fields = unwrapped(entry);
	const uriField = URI_FIELDS.find((field) => field in fields);
	const facts = Object.entries(fields)
		.filter(([key]) => key !== 'Failure' && key !== uriField)
		.map(([key, value]) =>
			DESCRIBED_FIELDS.includes(key) ? `${key} ${JSON.stringify(cut(textOf(value)))}` : key,
		);
	const uri = uriField ? textOf(fields[uriField]) : '';
	const problem = !uriField
		? 'has no NotificationURI'
		: uri
			? `has a ${uriField} without a notification id (${JSON.stringify(cut(uri))})`
			: `has an empty ${uriField} (${fields[uriField] === null ? 'null' : '""'})`;
	return `${problem}, so it cannot be acknowledged. It holds: ${facts.join(', ') || 'nothing'}`;
}

const cut = (value: string) => (value.length > 80 ? `${value.slice(0, 80)}…` : value);

function textOf(value: unknown): string {
	if (value === null || value === undefined) return '';
	if (isObject(value)) return typeof value['#text'] === 'string' ? value['#text'] : '';
	return String(value);
}

/** Scheme and host of an absolute URI: not part of its path, so never taken for an id. */
const ORIGIN = /^https?:\/\/[^/?#]*/i;

/** The last path segment, decoded: a notification's id from its URI; empty when it has no path. */
export function lastSegment(uri: string): string {
	const path = uri.replace(ORIGIN, '').split(/[?#]/)[0].replace(/\/+$/, '');
	return decodedOnce(path.slice(path.lastIndexOf('/') + 1));
}

/**
 * .NET's DataContractJsonSerializer writes a DateTime as `\/Date(ms)\/` or `\/Date(ms+hhmm)\/`
 * (JSON.parse leaves `/Date(…)/`): the milliseconds are UTC since 1970, the offset only records
 * the writer's zone, so it does not change the instant.
 */
const DATA_CONTRACT_DATE = /^\\?\/Date\((-?\d+)(?:[+-]\d{4})?\)\\?\/$/;

/**
 * `2012-11-14T19:45:25`, `2012-11-14:19:45:25` and `2012-05-01` all occur, the first two without
 * a zone (UTC assumed); .NET writes fractions of up to 7 digits and offsets, and its JSON dates.
 */
export function toIsoTime(raw: string): string {
	const trimmed = raw.trim();
	const dataContract = DATA_CONTRACT_DATE.exec(trimmed);
	const match =
		/^(\d{4}-\d{2}-\d{2})(?:[T: ](\d{2}:\d{2}:\d{2}(?:\.\d+)?))?(Z|[+-]\d{2}:?\d{2})?$/.exec(
			trimmed,
		);
	const date = dataContract
		? new Date(Number(dataContract[1]))
		: match
			? new Date(`${match[1]}T${match[2] ?? '00:00:00'}${match[3] ?? 'Z'}`)
			: undefined;
	return date && !Number.isNaN(date.getTime()) ? date.toISOString() : '';
}

function normalize(entry: IDataObject): CalloutNotification {
	const uri = textOf(entry.NotificationURI ?? entry.NotificationURL ?? entry.NotificationUrl);
	const objectUri = textOf(entry.ObjectURI);
	const eventTimeRaw = textOf(entry.EventDateTime);
	const context = textOf(entry.Context) || null;
	const raw = Object.fromEntries(
		Object.entries(entry)
			.filter(([key]) => key !== 'Failure')
			.map(([key, value]) => [key, key === 'Context' ? context : textOf(value)]),
	);
	return {
		id: lastSegment(uri),
		uri,
		eventType: textOf(entry.EventType),
		eventTime: toIsoTime(eventTimeRaw),
		eventTimeRaw,
		objectType: textOf(entry.ObjectType),
		objectUri,
		objectId: objectUri ? lastSegment(objectUri) : '',
		context,
		raw,
	};
}

/** Oldest event first; notifications without a readable date keep their queue order, last. */
export function oldestFirst(notifications: CalloutNotification[]): CalloutNotification[] {
	return notifications
		.map((notification, index) => ({
			notification,
			index,
			time: notification.eventTime ? Date.parse(notification.eventTime) : Number.POSITIVE_INFINITY,
		}))
		.sort((a, b) => (a.time === b.time ? a.index - b.index : a.time - b.time))
		.map(({ notification }) => notification);
}
