const {
	essFilter,
	eventTypesFor,
	sameTopic,
	wanted,
} = require('../../../dist/nodes/ConcurEventTrigger/topics');
const { subscriptionId } = require('../../../dist/nodes/ConcurEventTrigger/subscriptionId');
const {
	firstSighting,
	forget,
	settle,
	MAX_SEEN_IDS,
	SEEN_WINDOW_MS,
} = require('../../../dist/nodes/ConcurEventTrigger/seenEvents');
const { asEvent, eventItem } = require('../../../dist/nodes/ConcurEventTrigger/eventItem');
const { PRESETS } = require('../../../simulator/ess/events');

describe('filters', () => {
	test('the ESS filter names the chosen event types, statusChanged for a moment, all when none', () => {
		expect(essFilter([])).toBe('.*');
		expect(essFilter(['reportCreated', 'paid', 'submitted'])).toBe(
			'^(reportCreated|statusChanged)$',
		);
		expect(eventTypesFor(['statusChanged', 'paid'])).toEqual(['statusChanged']);
		expect(new RegExp(essFilter(['reportCreated'])).test('reportCreatedX')).toBe(false);
	});

	test.each(Object.keys(PRESETS).filter((name) => PRESETS[name].eventType === 'statusChanged'))(
		'the moment of preset %s matches its own facts and only the moments it is',
		(name) => {
			const { facts } = PRESETS[name];
			const moment = name === 'resubmitted' ? 'submitted' : name;
			expect(wanted([moment], 'statusChanged', facts)).toBe(true);
			const others = ['submitted', 'sentBack', 'recalled', 'externalValidation', 'paid'].filter(
				(m) => m !== moment && !(moment === 'submitted' && m === 'submitted'),
			);
			for (const other of others) expect(wanted([other], 'statusChanged', facts)).toBe(false);
		},
	);

	test('an event type is wanted when chosen or when nothing is chosen', () => {
		expect(wanted([], 'reportDeleted', {})).toBe(true);
		expect(wanted(['reportCreated'], 'reportDeleted', {})).toBe(false);
		expect(wanted(['statusChanged'], 'statusChanged', {})).toBe(true);
	});

	test('topics are the same with and without public.', () => {
		expect(sameTopic('concur.expense.report', 'public.concur.expense.report')).toBe(true);
		expect(sameTopic('public.concur.request', 'public.concur.expense.report')).toBe(false);
	});
});

describe('the subscription id', () => {
	const parts = { instanceId: 'i1', workflowId: 'w1', nodeId: 'n1', test: false };

	test('is valid for Concur, deterministic, and apart for test listening', () => {
		const id = subscriptionId(parts);
		expect(id).toMatch(/^[a-z0-9.-]+$/);
		expect(subscriptionId(parts)).toBe(id);
		expect(subscriptionId({ ...parts, test: true })).toBe(`${id}.test`);
	});

	test('differs per n8n instance, workflow and node', () => {
		const ids = new Set(
			[{}, { instanceId: 'i2' }, { workflowId: 'w2' }, { nodeId: 'n2' }].map((change) =>
				subscriptionId({ ...parts, ...change }),
			),
		);
		expect(ids.size).toBe(4);
	});
});

describe('the duplicate window', () => {
	let n = 0;
	const key = () => `wf:${++n}`;

	test('an id starts one run; the state alone (after a restart) still knows it', () => {
		const state = {};
		expect(firstSighting(state, key(), 'e1', 0)).toBe(true);
		expect(firstSighting(state, key(), 'e1', 1000)).toBe(false);
	});

	test('the memory of this process keeps an id a concurrent save dropped from the state', () => {
		const k = key();
		firstSighting({}, k, 'e1', 0);
		expect(firstSighting({}, k, 'e1', 1)).toBe(false);
	});

	test('after 72 hours the id is forgotten', () => {
		const state = {};
		firstSighting(state, key(), 'e1', 0);
		expect(firstSighting(state, key(), 'e1', SEEN_WINDOW_MS - 1)).toBe(false);
		expect(firstSighting(state, key(), 'e1', SEEN_WINDOW_MS + 1)).toBe(true);
	});

	test('the state is bounded: the oldest ids go first', () => {
		const state = {
			seen: Object.fromEntries(Array.from({ length: MAX_SEEN_IDS }, (_, i) => [`e${i}`, i])),
		};
		const k = key();
		firstSighting(state, k, `e${MAX_SEEN_IDS}`, MAX_SEEN_IDS);
		expect(Object.keys(state.seen)).toHaveLength(MAX_SEEN_IDS);
		expect(state.seen.e0).toBeUndefined();
		expect(state.seen[`e${MAX_SEEN_IDS}`]).toBe(MAX_SEEN_IDS);
	});

	test("another request's save carries a pending id only once n8n stored its run", () => {
		const k = key();
		firstSighting({}, k, 'e1', 0); // e1's request: n8n is still creating its execution
		const second = {};
		firstSighting(second, k, 'e2', 1);
		expect(Object.keys(second.seen)).toEqual(['e2']);
		settle(k, 'e1', true);
		const third = {};
		firstSighting(third, k, 'e3', 2);
		expect(Object.keys(third.seen)).toEqual(['e1', 'e3']);
	});

	test('an answer without a run lets the retry run the event', () => {
		const k = key();
		firstSighting({}, k, 'e1', 0);
		settle(k, 'e1', false);
		expect(firstSighting({}, k, 'e1', 1)).toBe(true);
	});

	test('forget undoes a sighting whose run could not start', () => {
		const state = {};
		const k = key();
		firstSighting(state, k, 'e1', 0);
		forget(state, k, 'e1');
		expect(firstSighting(state, k, 'e1', 1)).toBe(true);
	});
});

test('the item: envelope, href at the top, facts; a body that can never be an event is refused', () => {
	const event = asEvent({
		id: 'e1',
		topic: 'public.concur.expense.report',
		eventType: 'statusChanged',
		timeStamp: 't',
		correlationId: 'c',
		route: 'r',
		facts: { href: 'https://x/r', reportId: 'R' },
	});
	expect(eventItem(event)).toEqual({
		id: 'e1',
		topic: 'public.concur.expense.report',
		eventType: 'statusChanged',
		timeStamp: 't',
		correlationId: 'c',
		href: 'https://x/r',
		facts: { href: 'https://x/r', reportId: 'R' },
	});
	expect(
		eventItem(asEvent({ id: 'e', topic: 't', eventType: 'x', facts: { hrefs: ['h'] } })).href,
	).toBe('h');
	for (const body of [null, [], 'x', {}, { id: 'e1' }, { id: 1, topic: 't', eventType: 'e' }])
		expect(asEvent(body)).toBeUndefined();
});
