import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { ConcurClient } from '../../shared/transport';
import { runItemBatch, type BatchPlan } from '../helpers/itemBatch';
import { readBatchOptions, type BatchOptions } from './batchOptions';
import * as failedNotification from './failedNotification/FailedNotification.resource';
import * as message from './message/Message.resource';
import type { ConcurNotifyType } from './node.type';

/** An operation module: what it does with each item, and whether it offers Requests in Parallel. */
interface Operation {
	plan(ctx: IExecuteFunctions, client: ConcurClient, options: BatchOptions): BatchPlan<unknown>;
	inParallel: boolean;
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const concurNotify = { resource, operation } as ConcurNotifyType;

	let chosen: Operation | undefined;
	switch (concurNotify.resource) {
		case 'message':
			chosen = operationOf(message, concurNotify.operation);
			break;
		case 'failedNotification':
			chosen = operationOf(failedNotification, concurNotify.operation);
			break;
	}
	if (!chosen) {
		// A workflow saved by a later version of the node, or edited by hand.
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	}

	// The one route of "how many in flight": the option, read here, builds the run's scheduler.
	const options = readBatchOptions(this, chosen.inParallel);
	const client = await ConcurClient.create(this, options.parallel);
	return [await runItemBatch(this, client, chosen.plan(this, client, options))];
}

/**
 * The operation module from its resource module; undefined for a name it does not export as an
 * operation (its `description` list, say).
 */
function operationOf<Name extends string>(
	resource: Record<Name, Operation>,
	operation: Name,
): Operation | undefined {
	const candidate = Object.hasOwn(resource, operation) ? resource[operation] : undefined;
	return typeof candidate?.plan === 'function' ? candidate : undefined;
}
