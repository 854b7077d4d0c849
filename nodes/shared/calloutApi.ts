import {
	lastSegment,
	oldestFirst,
	parseCalloutNotifications,
	type CalloutNotification,
} from './calloutNotifications';
import type { RetryOptions } from './retryPolicy';
import type { ConcurClient, ConcurResponse } from './transport';
import { decodedOnce, unencodedUrl } from './uriText';

/*
 * Concur's v1.0 callout notifications API, the failed-notification queue: what Concur Notify's Get
 * Many and Delete and the trigger call.
 */

/** Every path of the callout API starts so; the credential sends these to the callout host. */
export const CALLOUT_API_PREFIX = '/api/platform/notifications/';

/** The queue of notifications; one notification is its ID below it. */
export const CALLOUT_LIST_PATH = `${CALLOUT_API_PREFIX}v1.0/notification`;

export const calloutItemPath = (id: string) => `${CALLOUT_LIST_PATH}/${encodeURIComponent(id)}`;

export type ResponseFormat = 'xml' | 'json';

/** The whole FAILED queue, oldest first (Concur documents no paging). */
export async function fetchFailedNotifications(
	client: ConcurClient,
	format: ResponseFormat,
	retry: RetryOptions,
	itemIndex?: number,
): Promise<CalloutNotification[]> {
	const response = await client.request(
		{
			method: 'GET',
			url: CALLOUT_LIST_PATH,
			qs: { status: 'FAILED' },
			headers: { Accept: format === 'json' ? 'application/json' : 'application/xml' },
			// Parsed here, whichever format Concur chose to answer in.
			json: false,
			encoding: 'text',
		},
		// Reading the queue changes nothing in Concur, so repeating it is always safe.
		{ ...retry, retryAmbiguous: true },
		{ itemIndex, action: 'Reading the failed notifications' },
	);
	const list = parseCalloutNotifications(response.body);
	if ('problem' in list) {
		throw client.unreadableBodyError(
			`Concur's failed-notification list could not be read: ${list.problem}`,
			response.correlationId,
			itemIndex,
		);
	}
	return oldestFirst(list.notifications);
}

/** One notification to delete: its ID, and the URL its DELETE goes to. */
export interface NotificationTarget {
	id: string;
	/** Absolute, as Concur gave it, or a path on the credential's callout host. */
	url: string;
}

/**
 * The notification at a URI as Concur gave it; undefined when the URI is not on one of the
 * credential's Concur hosts, so that the token is never sent there.
 */
export function notificationAt(client: ConcurClient, uri: string): NotificationTarget | undefined {
	return client.isConcurUrl(uri) ? { id: lastSegment(uri), url: uri } : undefined;
}

/**
 * The notification a URI or a bare ID names (an ID is looked up on the credential's callout host).
 * A bare ID copied out of a NotificationURI is URL-encoded (`$` as `%24`): it is decoded once, so
 * that it is encoded once in the path, whichever way it was given; so is a URI encoded as a whole.
 */
export function notificationNamed(
	client: ConcurClient,
	uriOrId: string,
): NotificationTarget | undefined {
	const text = unencodedUrl(uriOrId);
	if (/^https?:\/\//i.test(text)) return notificationAt(client, text);
	const id = decodedOnce(text);
	return { id, url: calloutItemPath(id) };
}

/** Deletes one notification from the queue; `notFound` is the advice for a 404. */
export async function deleteNotification(
	client: ConcurClient,
	target: NotificationTarget,
	retry: RetryOptions,
	context: { itemIndex?: number; notFound?: string } = {},
): Promise<ConcurResponse> {
	return await client.request({ method: 'DELETE', url: target.url }, retry, {
		...context,
		action: 'Deleting the failed notification',
	});
}
