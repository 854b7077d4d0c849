import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { fetchFailedNotifications } from '../shared/calloutApi';
import { DEFAULT_RETRY } from '../shared/retryPolicy';
import { CREDENTIAL_NAME } from '../shared/credentialName';
import { ConcurClient } from '../shared/transport';
import { acknowledge, retryDeletes } from './acknowledge';
import { properties, readPollSettings, triggerPanel } from './description';
import { matchingFilters, planPoll, type EmittedState } from './pollPlan';
import { testEvent } from './testEvent';

export class ConcurTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Concur Trigger',
		name: 'concurTrigger',
		icon: { light: 'file:../../icons/concur.svg', dark: 'file:../../icons/concur.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '=Failed notifications',
		description: 'Starts the workflow with each SAP Concur callout notification that failed',
		defaults: { name: 'Concur Trigger' },
		polling: true,
		triggerPanel,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_NAME, required: true }],
		properties,
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const { filters, responseFormat, rules } = readPollSettings(this);
		const client = await ConcurClient.create(this);
		const queue = await fetchFailedNotifications(client, responseFormat, DEFAULT_RETRY);
		const candidates = matchingFilters(queue, filters);
		if (this.getMode() === 'manual')
			return [this.helpers.returnJsonArray([testEvent(this.getNode(), queue, candidates)])];

		const state = this.getWorkflowStaticData('node') as EmittedState;
		const firstPoll = !state.started;
		const plan = planPoll(state, queue, candidates, { ...rules, now: Date.now() });
		// Committed before any await: n8n does not prevent overlapping polls, and one that starts
		// while this one acknowledges must already see these notifications as emitted.
		Object.assign(state, plan.next);
		const failedRetries = await retryDeletes(client, plan.retryDelete);
		for (const [id, error] of Object.entries(failedRetries))
			this.logger.warn(`Concur Trigger: deleting notification ${id} failed again: ${error}`);
		const items: IDataObject[] =
			rules.acknowledge === 'delete' ? await acknowledge(client, plan.due) : plan.due;
		if (items.length) return [this.helpers.returnJsonArray(items)];
		// "Only New" must remember its baseline, and n8n saves static data only when a poll emits:
		// the first poll therefore starts one execution with no items.
		return firstPoll && rules.startWith === 'new' ? [[]] : null;
	}
}
