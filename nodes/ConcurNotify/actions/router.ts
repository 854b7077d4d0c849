import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { ConcurClient } from '../../shared/transport';
import { MAX_PARALLEL, readBatchOptions } from './batchOptions';
import * as failedNotification from './failedNotification/FailedNotification.resource';
import * as message from './message/Message.resource';
import type { ConcurNotifyType } from './node.type';

type Execute = typeof message.send.execute;

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const concurNotify = { resource, operation } as ConcurNotifyType;

	let execute: Execute | undefined;
	switch (concurNotify.resource) {
		case 'message':
			execute = operationOf(message, concurNotify.operation);
			break;
		case 'failedNotification':
			execute = operationOf(failedNotification, concurNotify.operation);
			break;
	}
	if (!execute) {
		// A workflow saved by a later version of the node, or edited by hand.
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	}

	const options = readBatchOptions(this);
	const client = await ConcurClient.create(this, {
		parallel: options.parallel,
		maxParallel: MAX_PARALLEL,
	});
	return [await execute.call(this, client, options)];
}

/** The operation's execute from its resource module; undefined for a name it does not export. */
function operationOf<Operation extends string>(
	resource: Record<Operation, { execute: Execute }>,
	operation: Operation,
): Execute | undefined {
	return Object.hasOwn(resource, operation) ? resource[operation].execute : undefined;
}
