import { createHash } from 'crypto';

/**
 * The subscription's id, the same on every activation of this node and never the same for another:
 * Concur's ids are global across all apps, so it derives from n8n's instance id as well as the
 * workflow and node. Lowercase hex, '.' and '-' only (Concur's rule). Listening for a test event
 * uses a subscription of its own, so that it never replaces the active workflow's.
 */
export function subscriptionId(parts: {
	instanceId: string;
	workflowId: string;
	nodeId: string;
	test: boolean;
}): string {
	const digest = createHash('sha256')
		.update(JSON.stringify([parts.instanceId, parts.workflowId, parts.nodeId]))
		.digest('hex')
		.slice(0, 24);
	return `n8n.${digest}${parts.test ? '.test' : ''}`;
}
