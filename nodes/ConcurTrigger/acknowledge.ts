import type { IDataObject } from 'n8n-workflow';

import { deleteNotification, notificationAt, type NotificationTarget } from '../shared/calloutApi';
import type { CalloutNotification } from '../shared/calloutNotifications';
import { DEFAULT_RETRY } from '../shared/retryPolicy';
import type { ConcurClient } from '../shared/transport';

/**
 * "Delete When Emitted": deletes each notification before it is emitted (at-most-once). A failed
 * delete, or a URI off the credential's Concur hosts (never called with the token), is reported on
 * the item; the notification is still emitted once, and later polls retry a failed delete.
 */
export async function acknowledge(
	client: ConcurClient,
	due: CalloutNotification[],
): Promise<IDataObject[]> {
	const results: IDataObject[] = [];
	for (const notification of due) {
		const target = notificationAt(client, notification.uri);
		if (!target) {
			results.push({
				...notification,
				acknowledged: false,
				acknowledgeError: `Not deleted: ${notification.uri} is not on one of the credential's Concur hosts`,
			});
			continue;
		}
		const error = await deleteOrExplain(client, target);
		results.push(
			error === undefined
				? { ...notification, acknowledged: true }
				: {
						...notification,
						acknowledged: false,
						acknowledgeError: `${error}. Later polls retry the delete and do not emit this notification again.`,
					},
		);
	}
	return results;
}

/** Retries the deletes that failed on earlier polls; returns what still failed, by notification id. */
export async function retryDeletes(
	client: ConcurClient,
	pending: CalloutNotification[],
): Promise<Record<string, string>> {
	const failures: Record<string, string> = {};
	for (const notification of pending) {
		// One off the credential's Concur hosts was reported when emitted; it is never sent the token.
		const target = notificationAt(client, notification.uri);
		if (!target) continue;
		const error = await deleteOrExplain(client, target);
		if (error !== undefined) failures[notification.id] = error;
	}
	return failures;
}

/**
 * Deletes one notification; returns why that failed, if it did. A 404 means it is already gone (an
 * overlapping poll's retry deleted it).
 */
async function deleteOrExplain(
	client: ConcurClient,
	target: NotificationTarget,
): Promise<string | undefined> {
	try {
		await deleteNotification(client, target, DEFAULT_RETRY);
		return undefined;
	} catch (error) {
		return (error as { httpCode?: string }).httpCode === '404'
			? undefined
			: (error as Error).message;
	}
}
