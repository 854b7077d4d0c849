import type { IDataObject } from 'n8n-workflow';

import { isObject, parseXmlOrJson } from './responseBody';

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
 * documented variant: root `NotificationList` or `NotificationsList`, entries optionally wrapped
 * in `<Failure>`, `NotificationURI`/`URL`/`Url`, `<Context i:nil="true"/>`, the three date formats.
 */
export function parseCalloutNotifications(body: unknown): CalloutList {
	try {
		const text = typeof body === 'string' ? body.trim() : undefined;
		const data = text === undefined ? body : text ? parseXmlOrJson(text) : [];
		const entries = entriesOf(data);
		return typeof entries === 'string'
			? { problem: entries }
			: { notifications: entries.map(normalize) };
	} catch (error) {
		return { problem: (error as Error).message };
	}
}

const URI_FIELDS = ['NotificationURI', 'NotificationURL', 'NotificationUrl'];

/** Whether an object is one notification rather than some other document: it names its own URI. */
const isNotification = (value: IDataObject): boolean => URI_FIELDS.some((field) => field in value);

/** The entries, or a sentence saying why there are none to be found. */
function entriesOf(data: unknown): IDataObject[] | string {
	if (Array.isArray(data)) return data.filter(isObject);
	if (!isObject(data)) return 'the body is neither a list nor a NotificationList document';
	const root = data.NotificationList ?? data.NotificationsList;
	// A queue of one in JSON may come as the bare notification, not wrapped in an array.
	if (root === undefined)
		return isNotification(data)
			? [data]
			: 'the document is neither a notification nor a NotificationList';
	if (root === '' || root === null) return [];
	if (!isObject(root)) return 'the NotificationList element has an unexpected shape';
	const entries = root.Notification;
	const list = Array.isArray(entries) ? entries : entries === undefined ? [] : [entries];
	return list
		.filter(isObject)
		.map((entry) => (isObject(entry.Failure) ? { ...entry, ...entry.Failure } : entry));
}

function textOf(value: unknown): string {
	if (value === null || value === undefined) return '';
	if (isObject(value)) return typeof value['#text'] === 'string' ? value['#text'] : '';
	return String(value);
}

/** The last path segment, decoded: a notification's id from its URI (ids contain `$`). */
export function lastSegment(uri: string): string {
	const path = uri.split(/[?#]/)[0].replace(/\/+$/, '');
	const segment = path.slice(path.lastIndexOf('/') + 1);
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}

/** `2012-11-14T19:45:25`, `2012-11-14:19:45:25` and `2012-05-01` all occur; the first two without a zone. */
export function toIsoTime(raw: string): string {
	const match =
		/^(\d{4}-\d{2}-\d{2})(?:[T: ](\d{2}:\d{2}:\d{2}(?:\.\d+)?))?(Z|[+-]\d{2}:?\d{2})?$/.exec(
			raw.trim(),
		);
	if (!match) return '';
	const date = new Date(`${match[1]}T${match[2] ?? '00:00:00'}${match[3] ?? 'Z'}`);
	return Number.isNaN(date.getTime()) ? '' : date.toISOString();
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
