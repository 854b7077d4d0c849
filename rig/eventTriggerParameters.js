// The parameters of the Concur Event Trigger that the tests and benchmarks run with: expense reports
// submitted, signatures checked against Concur's keys and `publicKey`, the simulator's key (PEM);
// `overrides` replace any.
const eventTriggerParameters = (publicKey, overrides = {}) => ({
	topic: 'public.concur.expense.report',
	events: ['submitted'],
	signatureCheck: 'withOwnKeys',
	publicKeys: publicKey,
	options: {},
	...overrides,
});

module.exports = { eventTriggerParameters };
