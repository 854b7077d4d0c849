// The trigger's poll planning alone, with a fake clock: what is emitted, re-emitted or retried.
const { planPoll } = require('../../../dist/nodes/ConcurTrigger/pollPlan');

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const notification = (id) => ({ id, uri: `https://concur.example/notification/${id}` });
const queue = ['a', 'b', 'c'].map(notification);
const rules = (overrides) => ({
	startWith: 'all',
	acknowledge: 'none',
	maxItems: 100,
	reEmitAfterMs: HOUR,
	now: T0,
	...overrides,
});
const plan = (state, overrides) => planPoll(state, queue, queue, rules(overrides));
const ids = (list) => list.map((n) => n.id);

// All three emitted at T0 (the mark saved, then n8n died before the execution), never handled: still queued.
const crashed = { started: true, emitted: { a: [T0, T0, 1], b: [T0, T0, 1], c: [T0, T0, 1] } };

test.each([
	['just after the emission', MINUTE, []],
	['one millisecond before the window', HOUR - 1, []],
	['at the window', HOUR, ['a', 'b', 'c']],
	['a day later', 24 * HOUR, ['a', 'b', 'c']],
])(
	'an emitted notification never handled, %s: re-emitted only from the window on',
	(_, elapsed, due) => {
		expect(ids(plan(crashed, { now: T0 + elapsed }).due)).toEqual(due);
	},
);

test('a re-emission counts, keeps the first time and waits a whole window again', () => {
	const first = plan(crashed, { now: T0 + HOUR });
	expect(first.due[0]).toMatchObject({
		id: 'a',
		emittedCount: 2,
		firstEmittedAt: '2026-01-01T00:00:00.000Z',
	});
	expect(first.next.emitted.a).toEqual([T0, T0 + HOUR, 2]);
	expect(ids(plan(first.next, { now: T0 + 2 * HOUR - 1 }).due)).toEqual([]);
	expect(plan(first.next, { now: T0 + 2 * HOUR }).due[0]).toMatchObject({
		id: 'a',
		emittedCount: 3,
	});
});

test.each([
	['the window is 0', { reEmitAfterMs: 0 }],
	['Acknowledge is Delete When Emitted (at-most-once)', { acknowledge: 'delete' }],
])('never re-emitted when %s', (_, overrides) => {
	expect(plan(crashed, { now: T0 + 48 * HOUR, ...overrides }).due).toEqual([]);
});

test('state saved by an earlier version ({ id: ms }) counts as one emission then', () => {
	const legacy = { started: true, emitted: { a: T0, b: T0 + 30 * MINUTE } };
	const { due, next } = plan(legacy, { now: T0 + HOUR });
	expect(
		due.map(({ id, emittedCount, firstEmittedAt }) => ({ id, emittedCount, firstEmittedAt })),
	).toEqual([
		{ id: 'a', emittedCount: 2, firstEmittedAt: '2026-01-01T00:00:00.000Z' },
		{ id: 'c', emittedCount: 1, firstEmittedAt: '2026-01-01T01:00:00.000Z' },
	]);
	expect(next.emitted).toEqual({
		a: [T0, T0 + HOUR, 2],
		b: [T0 + 30 * MINUTE, T0 + 30 * MINUTE, 1],
		c: [T0 + HOUR, T0 + HOUR, 1],
	});
});

test('the "Only New" baseline is never emitted, however long it stays queued', () => {
	const baseline = plan({}, { startWith: 'new' });
	expect(baseline.due).toEqual([]);
	expect(plan(baseline.next, { startWith: 'new', now: T0 + 48 * HOUR }).due).toEqual([]);
});

test('Delete When Emitted: what was emitted and is still queued is retried, not emitted; new ones are emitted', () => {
	const state = { started: true, emitted: { a: [T0, T0, 1] } };
	const { due, retryDelete } = plan(state, { acknowledge: 'delete', now: T0 + MINUTE });
	expect(ids(due)).toEqual(['b', 'c']);
	expect(ids(retryDelete)).toEqual(['a']);
	expect(plan(state, { now: T0 + MINUTE }).retryDelete).toEqual([]);
});

test('re-emissions share Max Items per Poll with new notifications, oldest first', () => {
	const state = { started: true, emitted: { b: [T0, T0, 1] } };
	expect(ids(plan(state, { now: T0 + HOUR, maxItems: 2 }).due)).toEqual(['a', 'b']);
});

// [case, saved state, queued ids, ids passing the filters, rules, due ids, ids remembered after]
test.each([
	['first poll, Start With all', {}, 'abc', 'abc', {}, 'abc', 'abc'],
	['first poll, Start With only new', {}, 'abc', 'abc', { startWith: 'new' }, '', 'abc'],
	[
		'only new, later: what arrived since',
		{ started: true, emitted: { a: [T0, T0, 0] } },
		'ab',
		'ab',
		{ startWith: 'new' },
		'b',
		'ab',
	],
	['filters: only the candidates are emitted and remembered', {}, 'abc', 'b', {}, 'b', 'b'],
	[
		'Max Items per Poll caps what is emitted, oldest first',
		{},
		'abc',
		'abc',
		{ maxItems: 2 },
		'ab',
		'ab',
	],
	[
		'ids no longer queued are forgotten',
		{ started: true, emitted: { x: [T0, T0, 1], a: [T0, T0, 1] } },
		'ab',
		'ab',
		{},
		'b',
		'ab',
	],
	[
		'already emitted within the window: nothing',
		{ started: true, emitted: { a: [T0, T0, 1] } },
		'a',
		'a',
		{},
		'',
		'a',
	],
])('%s', (_, state, queued, passing, overrides, due, remembered) => {
	const list = (letters) => [...letters].map(notification);
	const result = planPoll(
		state,
		list(queued),
		list(passing),
		rules({ now: T0 + MINUTE, ...overrides }),
	);
	expect(ids(result.due).join('')).toBe(due);
	expect(Object.keys(result.next.emitted).sort().join('')).toBe(remembered);
	expect(result.next.started).toBe(true);
});
