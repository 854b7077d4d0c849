import type { INodeProperties, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';

import type { ResponseFormat } from '../shared/calloutApi';
import { responseFormatProperty } from '../shared/descriptions';
import type { PollFilters, PollRules } from './pollPlan';

/*
 * The trigger's parameters: how the editor shows them, and how a poll reads them.
 */

/**
 * Long enough for a run to alert and delete what it handled (seconds, minutes when it queues or
 * retries), short enough that a notification lost to an n8n crash comes back within the hour.
 */
const RE_EMIT_AFTER_HOURS = 1;

const MAX_ITEMS_PER_POLL = 100;

/** The editor's trigger panel (n8n 1.x and 2.x read it; HTML as in n8n's own texts). */
export const triggerPanel: INodeTypeDescription['triggerPanel'] = {
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
};

export const properties: INodeProperties[] = [
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
				description: 'Only notifications whose event type contains this text (case-insensitive)',
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
];

/** What one poll is asked to do, read from the parameters above. */
export interface PollSettings {
	filters: PollFilters;
	responseFormat: ResponseFormat;
	rules: Omit<PollRules, 'now'>;
}

export function readPollSettings(ctx: IPollFunctions): PollSettings {
	const filters = ctx.getNodeParameter('filters', {}) as PollFilters;
	const options = ctx.getNodeParameter('options', {}) as {
		maxItems?: number;
		reEmitAfterHours?: number;
		responseFormat?: ResponseFormat;
	};
	return {
		filters,
		responseFormat: options.responseFormat ?? 'xml',
		rules: {
			startWith: ctx.getNodeParameter('startWith', 'all') as PollRules['startWith'],
			acknowledge: ctx.getNodeParameter('acknowledge', 'none') as PollRules['acknowledge'],
			maxItems: options.maxItems ?? MAX_ITEMS_PER_POLL,
			reEmitAfterMs: (options.reEmitAfterHours ?? RE_EMIT_AFTER_HOURS) * 3_600_000,
		},
	};
}
