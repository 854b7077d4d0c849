import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { CalloutNotification } from '../shared/calloutNotifications';

/**
 * What Fetch Test Event returns: the first notification that passes the filters, changing
 * nothing; when none does, an error that says whether the queue is empty or only filtered out.
 */
export function testEvent(
	node: INode,
	queue: CalloutNotification[],
	candidates: CalloutNotification[],
): IDataObject {
	if (!candidates.length) {
		throw new NodeOperationError(node, 'No failed notifications match right now', {
			description: queue.length
				? `Concur's FAILED queue holds ${queue.length} notification(s), none matching the filters. The trigger emits matching ones as they arrive; Fetch Test Event needs one in the queue now.`
				: "Concur's FAILED queue is empty: no callout has failed. That is the normal state; the trigger emits failed notifications as they arrive. Fetch Test Event needs one in the queue, so try again after a callout fails.",
		});
	}
	return candidates[0] as IDataObject;
}
