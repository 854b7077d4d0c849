import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ConcurClient } from '../../shared/transport';

type ItemError = NodeApiError | NodeOperationError;

/**
 * What a batch operation does with each item. Methods, not function properties: TypeScript then
 * lets the router hold any operation's plan as a `BatchPlan<unknown>`.
 */
export interface BatchPlan<Input> {
	/** Reads and checks one item's fields; throws a NodeOperationError naming what to fix. */
	prepare(itemIndex: number): Input;
	/** Calls Concur for one item; returns its output (several for a list). */
	perform(input: Input, itemIndex: number): Promise<IDataObject | IDataObject[]>;
	/** What happened to the items that completed, for a run that stopped: "3 of 10 items were sent". */
	completionPhrase: string;
}

/**
 * One output item per input item (or per listed entry), in input order with pairedItem; bad input
 * is reported for every item before any request; with Continue On Fail each failure becomes an
 * error item, otherwise the first failure stops the run once the requests in flight settle.
 */
export async function runItemBatch<Input>(
	ctx: IExecuteFunctions,
	client: ConcurClient,
	plan: BatchPlan<Input>,
): Promise<INodeExecutionData[]> {
	const count = ctx.getInputData().length;
	const continueOnFail = ctx.continueOnFail();
	const inputs = Array.from({ length: count }, (_, itemIndex) => {
		try {
			return { valid: true as const, input: plan.prepare(itemIndex) };
		} catch (error) {
			return { valid: false as const, error: asItemError(ctx, error, itemIndex) };
		}
	});
	const invalid = inputs.find((entry) => !entry.valid);
	if (invalid && !invalid.valid && !continueOnFail) throw invalid.error;

	const valid = inputs.flatMap((entry, itemIndex) => (entry.valid ? [itemIndex] : []));
	const task = async (position: number) => {
		const itemIndex = valid[position];
		return await plan.perform(inputs[itemIndex].input as Input, itemIndex);
	};
	const stop = !continueOnFail;
	// The run's scheduler decides how many items are in flight (the one route of that setting).
	const outcomes = await client.scheduler.run(valid.length, task, stop);

	const firstFailure = outcomes.findIndex((outcome) => outcome.status === 'rejected');
	if (firstFailure !== -1 && stop) {
		const outcome = outcomes[firstFailure] as { reason: unknown };
		const error = asItemError(ctx, outcome.reason, valid[firstFailure]);
		// With one input item the error already says all there is: it failed.
		if (count > 1) {
			const done = outcomes.filter((o) => o.status === 'fulfilled').length;
			error.description =
				`${error.description ?? ''} ${done} of ${count} items ${plan.completionPhrase} before the node stopped; the others were not.`.trim();
		}
		throw error;
	}

	const outcomeOf = new Map(valid.map((itemIndex, position) => [itemIndex, outcomes[position]]));
	const results: INodeExecutionData[] = [];
	inputs.forEach((entry, itemIndex) => {
		const pairedItem = { item: itemIndex };
		const outcome = entry.valid
			? outcomeOf.get(itemIndex)!
			: { status: 'rejected' as const, reason: entry.error };
		if (outcome.status === 'fulfilled') {
			const values = Array.isArray(outcome.value) ? outcome.value : [outcome.value];
			values.forEach((json) => results.push({ json, pairedItem }));
		} else if (outcome.status === 'rejected') {
			const error = asItemError(ctx, outcome.reason, itemIndex);
			// n8n shows the error's description and context with the item, and routes it to the error output.
			results.push({ json: { error: error.message }, error, pairedItem });
		}
	});
	return results;
}

function asItemError(ctx: IExecuteFunctions, error: unknown, itemIndex: number): ItemError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex = itemIndex;
		return error;
	}
	return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}
