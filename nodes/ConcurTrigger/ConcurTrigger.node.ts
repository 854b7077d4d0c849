import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { fetchFailedNotifications, type ResponseFormat } from '../shared/calloutApi';
import { responseFormatProperty } from '../shared/descriptions';
import { DEFAULT_RETRY } from '../shared/retryPolicy';
import { CREDENTIAL_NAME } from '../shared/credentialName';
import { ConcurClient } from '../shared/transport';
import { planPoll, type EmittedState } from './emittedState';
import { acknowledge, retryDeletes } from './acknowledge';

/**
 * Long enough for a run to alert and delete what it handled (seconds, minutes when it queues or
 * retries), short enough that a notification lost to an n8n crash comes back within the hour.
 */
const RE_EMIT_AFTER_HOURS = 1;

const MAX_ITEMS_PER_POLL = 100;

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
		// The editor's trigger panel (n8n 1.x and 2.x read it; HTML as in n8n's own texts).
		triggerPanel: {
			header: "Fetch a notification from Concur's FAILED callout queue",
			executionsHelp: {
				inactive:
					"<b>While building your workflow</b>, click 'Fetch Test Event': it returns the first matching notification in Concur's FAILED callout queue and changes nothing, neither in Concur nor in what the trigger has emitted. The queue is usually empty (no callout has failed); then there is no test event until a callout fails.<br /><br /><b>Once you publish (activate) the workflow</b>, n8n polls the queue at once and then on the schedule, and starts an execution with the notifications not emitted yet (Start With decides whether those already in the queue count). These executions show up in the executions list, not in the editor.",
				active:
					"<b>While building your workflow</b>, click 'Fetch Test Event': it returns the first matching notification in Concur's FAILED callout queue and changes nothing. The queue is usually empty; then there is no test event until a callout fails.<br /><br /><b>The workflow is active</b>: n8n polls the queue on the schedule and starts an execution with each notification not emitted yet. These executions show up in the executions list, not in the editor.",
			},
			activationHint: {
				inactive:
					"Once you've finished building your workflow, publish (activate) it: n8n then polls Concur's FAILED queue at once and on the schedule.",
				active:
					"This node also starts the workflow with each new failed notification it finds (those executions won't show up here).",
			},
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_NAME, required: true }],
		properties: [
			{
				displayName: 'Start With',
				name: 'startWith',
				type: 'options',
				default: 'all',
				options: [
					{
						name: 'All Failed Notifications in the Queue',
						value: 'all',
						description: 'They are failures someone must handle',
					},
					{
						name: 'Only New Ones',
						value: 'new',
						description: 'Skip what is in the queue when the trigger starts',
					},
				],
			},
			{
				displayName: 'Acknowledge',
				name: 'acknowledge',
				type: 'options',
				default: 'none',
				options: [
					{
						name: 'None (At-Least-Once)',
						value: 'none',
						description:
							'The workflow deletes each notification with Concur Notify → Delete once handled; until then it stays in the queue',
					},
					{
						name: 'Delete When Emitted (At-Most-Once)',
						value: 'delete',
						description:
							'Deleted from Concur as it is emitted: if the workflow then fails, the notification is gone',
					},
				],
			},
			{
				displayName: 'Filters',
				name: 'filters',
				type: 'collection',
				placeholder: 'Add Filter',
				default: {},
				options: [
					{
						displayName: 'Object Type',
						name: 'objectType',
						type: 'options',
						default: 'EXPRPT',
						options: [
							{ name: 'Expense Report (EXPRPT)', value: 'EXPRPT' },
							{ name: 'Travel Request (TRAVELREQ)', value: 'TRAVELREQ' },
						],
					},
					{
						displayName: 'Event Type Contains',
						name: 'eventTypeContains',
						type: 'string',
						default: '',
						placeholder: 'e.g. REPORT SUBMITTED',
						description:
							'Only notifications whose event type contains this text (case-insensitive)',
					},
				],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Max Items per Poll',
						name: 'maxItems',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: MAX_ITEMS_PER_POLL,
						description:
							'The most notifications one execution gets; the rest come with the next polls, oldest first',
					},
					{
						displayName: 'Re-Emit Unacknowledged After (Hours)',
						name: 'reEmitAfterHours',
						type: 'number',
						typeOptions: { minValue: 0, numberPrecision: 2 },
						default: RE_EMIT_AFTER_HOURS,
						description:
							'Acknowledge = None: emit a notification again if it is still in the queue this long after it was emitted, so a failed run or an n8n crash is not a silent loss. Keep it longer than the workflow takes to delete what it handled. 0 turns this off.',
					},
					responseFormatProperty,
				],
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const filters = this.getNodeParameter('filters', {}) as {
			objectType?: string;
			eventTypeContains?: string;
		};
		const options = this.getNodeParameter('options', {}) as {
			maxItems?: number;
			reEmitAfterHours?: number;
			responseFormat?: ResponseFormat;
		};
		const client = await ConcurClient.create(this);
		const queue = await fetchFailedNotifications(
			client,
			options.responseFormat ?? 'xml',
			DEFAULT_RETRY,
		);
		const needle = filters.eventTypeContains?.trim().toLowerCase();
		const candidates = queue.filter(
			(n) =>
				(!filters.objectType || n.objectType === filters.objectType) &&
				(!needle || n.eventType.toLowerCase().includes(needle)),
		);

		if (this.getMode() === 'manual') {
			if (!candidates.length) {
				throw new NodeOperationError(this.getNode(), 'No failed notifications match right now', {
					description: queue.length
						? `Concur's FAILED queue holds ${queue.length} notification(s), none matching the filters. The trigger emits matching ones as they arrive; Fetch Test Event needs one in the queue now.`
						: "Concur's FAILED queue is empty: no callout has failed. That is the normal state; the trigger emits failed notifications as they arrive. Fetch Test Event needs one in the queue, so try again after a callout fails.",
				});
			}
			return [this.helpers.returnJsonArray([candidates[0] as IDataObject])];
		}

		const state = this.getWorkflowStaticData('node') as EmittedState;
		const startWith = this.getNodeParameter('startWith', 'all') as 'all' | 'new';
		const acknowledgeMode = this.getNodeParameter('acknowledge', 'none') as 'none' | 'delete';
		const firstPoll = !state.started;
		const plan = planPoll(state, queue, candidates, {
			startWith,
			acknowledge: acknowledgeMode,
			maxItems: options.maxItems ?? MAX_ITEMS_PER_POLL,
			reEmitAfterMs: (options.reEmitAfterHours ?? RE_EMIT_AFTER_HOURS) * 3_600_000,
			now: Date.now(),
		});
		// Committed before any await: n8n does not prevent overlapping polls, and one that starts
		// while this one acknowledges must already see these notifications as emitted.
		Object.assign(state, plan.next);
		const failedRetries = await retryDeletes(client, plan.retryDelete);
		for (const [id, error] of Object.entries(failedRetries))
			this.logger.warn(`Concur Trigger: deleting notification ${id} failed again: ${error}`);
		const items: IDataObject[] =
			acknowledgeMode === 'delete' ? await acknowledge(client, plan.due) : plan.due;
		if (items.length) return [this.helpers.returnJsonArray(items)];
		// "Only New" must remember its baseline, and n8n saves static data only when a poll emits:
		// the first poll therefore starts one execution with no items.
		return firstPoll && startWith === 'new' ? [[]] : null;
	}
}
