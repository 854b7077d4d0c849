// The events the simulator publishes: Concur's envelope and facts, with presets for the documented
// expense report moments (concur-ess.md, "Events"). `href` points at this simulator's Expense v4
// report, so a workflow can fetch it with the company token.
const TOPIC_SCOPES = {
	'public.test': 'events.topic.read',
	'public.concur.expense.report': 'expense.report.read',
	'public.concur.request': 'travelrequest.read',
	'public.concur.travel.itinerary': 'travel.itinerary.read',
	'public.concur.user.provisioning': 'user.provision.read',
	'public.concur.user.profile.identity': 'identity.user.core.read',
};

const STATUS = (previousApprovalStatus, currentApprovalStatus, extra = {}) => ({
	eventType: 'statusChanged',
	facts: {
		previousApprovalStatus,
		currentApprovalStatus,
		previousPaymentStatus: 'P_NOTP',
		currentPaymentStatus: 'P_NOTP',
		stepCode: '',
		...extra,
	},
});

/** The expense report moments, each as Concur documents what marks it. */
const PRESETS = {
	created: { eventType: 'reportCreated', facts: {} },
	updated: { eventType: 'reportUpdated', facts: {} },
	deleted: { eventType: 'reportDeleted', facts: {} },
	submitted: STATUS('A_NOTF', 'A_PEND'),
	resubmitted: STATUS('A_RESU', 'A_PEND'),
	sentBack: STATUS('A_PEND', 'A_RESU', { stepCode: 'SENDBACK' }),
	recalled: STATUS('A_PEND', 'A_RESU', { stepCode: 'RECALL' }),
	externalValidation: STATUS('A_PEND', 'A_EXTV', { stepCode: 'EXTVAL' }),
	paid: STATUS('A_APPR', 'A_APPR', {
		previousPaymentStatus: 'P_PROC',
		currentPaymentStatus: 'P_PAID',
		stepCode: 'PAIDREPORT',
	}),
};

const reportHref = (base, userId, reportId) =>
	`${base}/expensereports/v4/users/${userId}/context/TRAVELER/reports/${reportId}`;

/** One event from `{ preset?, topic?, eventType?, facts?, id? }`. */
function buildEvent(state, spec = {}) {
	const r = state.random;
	const preset = spec.preset ? PRESETS[spec.preset] : undefined;
	if (spec.preset && !preset) throw new Error(`Unknown preset ${spec.preset}`);
	const topic = spec.topic ?? 'public.concur.expense.report';
	const userId = state.credentials.userIds[0];
	const reportId = r.text(12).toUpperCase();
	const expense = topic.endsWith('concur.expense.report');
	const facts = {
		companyId: state.credentials.companyUuid,
		...(expense
			? {
					userId,
					actingUserId: userId,
					reportId,
					reportType: 'Regular',
					href: reportHref(state.urls.primary, userId, reportId),
					lastModifiedDate: new Date().toISOString(),
				}
			: {}),
		...preset?.facts,
		...spec.facts,
	};
	return {
		id: spec.id ?? r.uuid(),
		correlationId: r.uuid(),
		route: 'webhook',
		topic,
		eventType: spec.eventType ?? preset?.eventType ?? (expense ? 'reportUpdated' : 'test'),
		timeStamp: new Date().toISOString(),
		facts,
	};
}

module.exports = { TOPIC_SCOPES, PRESETS, buildEvent, reportHref };
