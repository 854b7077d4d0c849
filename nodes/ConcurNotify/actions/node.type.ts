import type { AllEntities } from 'n8n-workflow';

/** Each resource's operations, by the values saved in workflows. */
type NodeMap = {
	message: 'send';
	failedNotification: 'getAll' | 'delete';
};

export type ConcurNotifyType = AllEntities<NodeMap>;
