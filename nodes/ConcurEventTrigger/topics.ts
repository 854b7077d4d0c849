import type { IDataObject, INodePropertyOptions } from 'n8n-workflow';

/** ESS topics (concur-ess.md "Events"); `scope` where Concur's guide names it. */
export const TOPICS: Array<INodePropertyOptions & { value: string; scope?: string }> = [
	{ name: 'Expense Reports', value: 'public.concur.expense.report', scope: 'expense.report.read' },
	{ name: 'Travel Requests', value: 'public.concur.request' },
	{ name: 'Travel Itineraries', value: 'public.concur.travel.itinerary' },
	{ name: 'User Provisioning', value: 'public.concur.user.provisioning' },
	{ name: 'User Identity', value: 'public.concur.user.profile.identity' },
	{ name: 'Test', value: 'public.test' },
	{ name: 'Custom', value: 'custom', description: 'A topic name Concur lists for your app' },
];

type Facts = IDataObject;

/**
 * The documented moments of an expense report's `statusChanged` event, each matched on the facts
 * the way Concur's expense events page defines it.
 */
const MOMENTS: Record<string, (facts: Facts) => boolean> = {
	submitted: (f) => f.previousApprovalStatus === 'A_NOTF' || f.previousApprovalStatus === 'A_RESU',
	sentBack: (f) => f.stepCode === 'SENDBACK',
	recalled: (f) => f.stepCode === 'RECALL',
	externalValidation: (f) => f.stepCode === 'EXTVAL',
	paid: (f) => f.currentPaymentStatus === 'P_PAID',
};

export const EXPENSE_EVENTS: INodePropertyOptions[] = [
	{ name: 'Created', value: 'reportCreated' },
	{ name: 'Deleted', value: 'reportDeleted' },
	{
		name: 'External Validation',
		value: 'externalValidation',
		description: 'Status changed, step EXTVAL',
	},
	{ name: 'Paid', value: 'paid', description: 'Status changed, payment status P_PAID' },
	{ name: 'Recalled', value: 'recalled', description: 'Status changed, step RECALL' },
	{ name: 'Sent Back', value: 'sentBack', description: 'Status changed, step SENDBACK' },
	{ name: 'Status Changed', value: 'statusChanged', description: 'Any change of status' },
	{
		name: 'Submitted',
		value: 'submitted',
		description: 'Status changed from not submitted (A_NOTF) or returned (A_RESU)',
	},
	{ name: 'Updated', value: 'reportUpdated' },
];

const isMoment = (value: string) => value in MOMENTS;

/** The event types Concur should deliver: the chosen types, and statusChanged for any moment. */
export function eventTypesFor(chosen: string[]): string[] {
	const types = chosen.filter((value) => !isMoment(value));
	if (chosen.some(isMoment) && !types.includes('statusChanged')) types.push('statusChanged');
	return types;
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** ESS's `filter`: a regular expression over eventType; all events when none is chosen. */
export function essFilter(chosen: string[]): string {
	const types = eventTypesFor(chosen);
	return types.length ? `^(${types.map(escapeRegex).join('|')})$` : '.*';
}

/** Concur writes a topic with and without `public.` (its samples do both). */
export const sameTopic = (a: string, b: string) =>
	a.replace(/^public\./, '') === b.replace(/^public\./, '');

/** Whether the node emits this event: its type was chosen, or it is a chosen status moment. */
export function wanted(chosen: string[], eventType: string, facts: Facts): boolean {
	if (!chosen.length || chosen.includes(eventType)) return true;
	return eventType === 'statusChanged' && chosen.some((value) => MOMENTS[value]?.(facts));
}
