import type { IDataObject } from 'n8n-workflow';

import type { CalloutNotification } from '../shared/calloutNotifications';
import { DEFAULT_RETRY, type ConcurClient } from '../shared/transport';

/**
 * "Delete When Emitted": deletes each notification before it is emitted (at-most-once). A failed
 * delete, or a URI off the credential's Concur hosts (never called with the token), is reported on
 * the item; the notification is still emitted once.
 */
export async function acknowledge(client: ConcurClient, due: CalloutNotification[]): Promise<IDataObject[]> {
	const results: IDataObject[] = [];
	for (const notification of due) {
		if (!client.isConcurUrl(notification.uri)) {
			results.push({ ...notification, acknowledged: false, acknowledgeError: `Not deleted: ${notification.uri} is not on one of the credential's Concur hosts` });
			continue;
		}
		try {
			await client.request({ method: 'DELETE', url: notification.uri }, DEFAULT_RETRY, { action: 'Deleting the failed notification' });
			results.push({ ...notification, acknowledged: true });
		} catch (error) {
			results.push({ ...notification, acknowledged: false, acknowledgeError: (error as Error).message });
		}
	}
	return results;
}
