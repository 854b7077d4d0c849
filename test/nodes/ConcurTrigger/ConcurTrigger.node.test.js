const { useSimulatedConcur } = require('../../simulatedConcur');
const { installation } = require('../../triggerInstallation');

const ctx = useSimulatedConcur({ failedNotifications: 3 });

const queueIds = (sim) => sim.state.listNotifications().map((n) => n.id);

test.each(['xml', 'json'])(
	'%s: emits each queued notification once, normalized with the raw one kept',
	async (responseFormat) => {
		const { sim } = ctx;
		const n8n = installation(sim, { options: { responseFormat } });
		const first = await n8n.poll();
		expect(first.map((item) => item.json.id).sort()).toEqual(queueIds(sim).sort());
		expect(first[0].json).toMatchObject({
			id: expect.any(String),
			uri: expect.stringContaining(sim.url),
			eventTime: expect.stringMatching(/Z$/),
			raw: expect.any(Object),
		});
		expect(await n8n.poll()).toBeNull();
		const added = sim.state.addNotifications(2);
		expect((await n8n.ids()).sort()).toEqual(added.map((n) => n.id).sort());
		expect(await n8n.poll()).toBeNull();
		expect(Object.keys(n8n.workflowState.staticData.emitted)).toHaveLength(5);
	},
);

test('state is pruned to the queue as notifications are deleted', async () => {
	const { sim } = ctx;
	const n8n = installation(sim);
	await n8n.poll();
	for (const id of queueIds(sim).slice(0, 2)) sim.state.deleteNotification(id);
	const [added] = sim.state.addNotifications(1);
	expect(await n8n.ids()).toEqual([added.id]);
	expect(Object.keys(n8n.workflowState.staticData.emitted).sort()).toEqual(queueIds(sim).sort());
});

test('Start With "Only New": the first poll saves the baseline with one empty execution, later polls emit arrivals', async () => {
	const { sim } = ctx;
	const n8n = installation(sim, { startWith: 'new' });
	expect(await n8n.poll()).toEqual([]);
	n8n.restart();
	expect(await n8n.poll()).toBeNull();
	const added = sim.state.addNotifications(2);
	expect((await n8n.ids()).sort()).toEqual(added.map((n) => n.id).sort());
});

test('Delete When Emitted acknowledges each emitted notification in Concur', async () => {
	const { sim } = ctx;
	const n8n = installation(sim, { acknowledge: 'delete' });
	const items = await n8n.poll();
	expect(items).toHaveLength(3);
	expect(items.every((item) => item.json.acknowledged === true)).toBe(true);
	expect(queueIds(sim)).toEqual([]);
});

test('overlapping polls (n8n does not prevent them) never emit a notification twice', async () => {
	const { sim } = ctx;
	sim.state.setConfig({ latency: { fixedMs: 20, jitterMs: 20 } });
	const n8n = installation(sim, { acknowledge: 'delete' });
	await n8n.poll();
	sim.state.addNotifications(6);
	const batches = await Promise.all([n8n.poll(), n8n.poll(), n8n.poll()]);
	const ids = batches.flatMap((items) => items ?? []).map((item) => item.json.id);
	expect(ids).toHaveLength(6);
	expect(new Set(ids).size).toBe(6);
});

test('Delete When Emitted: a notification already gone when deleted (404) counts as acknowledged', async () => {
	const { sim } = ctx;
	const n8n = installation(sim, { acknowledge: 'delete' });
	// Another poll's retry deletes it between this poll's list and its delete.
	const [gone] = queueIds(sim);
	sim.events.on('answer', function onList(method) {
		if (method !== 'GET') return;
		sim.events.off('answer', onList);
		sim.state.deleteNotification(gone);
	});
	const items = await n8n.poll();
	expect(items.map((item) => item.json.acknowledged)).toEqual([true, true, true]);
});

test('a NotificationURI on a foreign host is never called with the token', async () => {
	const { sim } = ctx;
	sim.state.setConfig({ calloutHost: 'https://evil.example.com' });
	const n8n = installation(sim, { acknowledge: 'delete' });
	const items = await n8n.poll();
	expect(items).toHaveLength(3);
	expect(
		items.every(
			(item) =>
				item.json.acknowledged === false &&
				/not on one of the credential's Concur hosts/.test(item.json.acknowledgeError),
		),
	).toBe(true);
	expect(sim.state.stats().requests.calloutDelete).toBe(0);
});

/** Moves a notification's saved emission `ms` into the past, as if n8n restarted that much later. */
function age(n8n, id, ms) {
	n8n.restart();
	const { staticData } = n8n.workflowState;
	const [firstMs, lastMs, count] = staticData.emitted[id];
	staticData.emitted[id] = [firstMs - ms, lastMs - ms, count];
}

const HOUR = 3_600_000;

test('Re-emit Unacknowledged After is on by default (1 hour): still queued then, emitted again with its count, never before', async () => {
	const { sim } = ctx;
	const n8n = installation(sim);
	const first = await n8n.poll();
	expect(first.map((item) => item.json)).toEqual(
		first.map((item) =>
			expect.objectContaining({ emittedCount: 1, firstEmittedAt: expect.stringMatching(/Z$/) }),
		),
	);
	const [id] = first.map((item) => item.json.id);
	const firstEmittedAt = first[0].json.firstEmittedAt;
	age(n8n, id, HOUR - 60_000);
	expect(await n8n.poll()).toBeNull();
	age(n8n, id, 60_000);
	const again = await n8n.poll();
	expect(again.map((item) => item.json)).toEqual([
		expect.objectContaining({
			id,
			emittedCount: 2,
			firstEmittedAt: new Date(Date.parse(firstEmittedAt) - HOUR).toISOString(),
		}),
	]);
	expect(await n8n.poll()).toBeNull();
});

test('Re-emit Unacknowledged After 0 turns it off; Delete When Emitted never re-emits', async () => {
	const { sim } = ctx;
	for (const parameters of [{ options: { reEmitAfterHours: 0 } }, { acknowledge: 'delete' }]) {
		sim.state.clearNotifications();
		sim.state.addNotifications(2);
		// Deletes fail for good: the notifications stay queued.
		sim.state.addFault({ endpoint: 'calloutDelete', kind: 'redirect', rate: 1 });
		const n8n = installation(sim, parameters);
		const [item] = await n8n.poll();
		age(n8n, item.json.id, 48 * HOUR);
		expect(await n8n.poll()).toBeNull();
		sim.state.clearFaults();
	}
});

test('state saved by an earlier version ({ id: ms }) is read: recent ids stay quiet, old ones come again once', async () => {
	const { sim } = ctx;
	const n8n = installation(sim);
	const [recent, old, gone] = queueIds(sim);
	const now = Date.now();
	n8n.workflowState.staticData = {
		started: true,
		emitted: { [recent]: now - 60_000, [old]: now - 2 * HOUR, removed: now },
	};
	sim.state.deleteNotification(gone);
	const items = await n8n.poll();
	expect(items.map((item) => item.json)).toEqual([
		expect.objectContaining({
			id: old,
			emittedCount: 2,
			firstEmittedAt: new Date(now - 2 * HOUR).toISOString(),
		}),
	]);
	expect(Object.keys(n8n.workflowState.staticData.emitted).sort()).toEqual([recent, old].sort());
	expect(await n8n.poll()).toBeNull();
});

test('Delete When Emitted: a failed delete is said on the item and retried by later polls, which do not emit it again', async () => {
	const { sim } = ctx;
	const n8n = installation(sim, { acknowledge: 'delete' });
	sim.state.addFault({ endpoint: 'calloutDelete', kind: 'redirect', next: 1 });
	const items = await n8n.poll();
	const failed = items.filter((item) => !item.json.acknowledged);
	expect(failed).toHaveLength(1);
	expect(failed[0].json.acknowledgeError).toMatch(
		/Later polls retry the delete and do not emit this notification again/,
	);
	expect(queueIds(sim)).toEqual([failed[0].json.id]);
	n8n.restart();
	expect(await n8n.poll()).toBeNull();
	expect(queueIds(sim)).toEqual([]);
	// A retry that fails again is retried again.
	const [added] = sim.state.addNotifications(1);
	sim.state.addFault({ endpoint: 'calloutDelete', kind: 'redirect', next: 2 });
	expect(await n8n.ids()).toEqual([added.id]);
	expect(await n8n.poll()).toBeNull();
	expect(queueIds(sim)).toEqual([added.id]);
	expect(await n8n.poll()).toBeNull();
	expect(queueIds(sim)).toEqual([]);
});

test('Max Items per Poll works through a backlog, oldest first', async () => {
	const { sim } = ctx;
	sim.state.addNotifications(22);
	const n8n = installation(sim, { options: { maxItems: 10 } });
	const batches = [await n8n.poll(), await n8n.poll(), await n8n.poll(), await n8n.poll()];
	expect(batches.map((b) => b?.length ?? null)).toEqual([10, 10, 5, null]);
	const times = batches
		.flat()
		.filter(Boolean)
		.map((item) => item.json.eventTime);
	expect([...times].sort()).toEqual(times);
});

test('filters: object type and event type text', async () => {
	const { sim } = ctx;
	sim.state.clearNotifications();
	sim.state.addNotifications({
		notifications: [
			{ ObjectType: 'TRAVELREQ', EventType: 'Travel Request Submitted' },
			{
				ObjectType: 'EXPRPT',
				EventType: 'Report Entered Expense Report Workflow Step - REPORT APPROVED',
			},
		],
	});
	const n8n = installation(sim, {
		filters: { objectType: 'EXPRPT', eventTypeContains: 'report approved' },
	});
	const items = await n8n.poll();
	expect(items.map((item) => item.json.eventType)).toEqual([
		'Report Entered Expense Report Workflow Step - REPORT APPROVED',
	]);
});

test('Fetch Test Event returns one real notification and changes no state; an empty queue says so', async () => {
	const { sim } = ctx;
	const n8n = installation(sim);
	const sample = await n8n.poll('manual');
	expect(sample).toHaveLength(1);
	expect(queueIds(sim)).toContain(sample[0].json.id);
	expect(n8n.workflowState.staticData).toEqual({});
	expect(await n8n.poll()).toHaveLength(3);
	sim.state.clearNotifications();
	await expect(n8n.poll('manual')).rejects.toThrow(/No failed notifications match right now/);
});

test.each([
	['503', { kind: '503', rate: 1 }, /Simulated 503.*HTTP 503.*5 attempts/],
	[
		'connection reset',
		{ kind: 'reset', rate: 1 },
		/connection was closed before an answer came.*ECONNRESET/,
	],
	['malformed XML', { kind: 'malformed', rate: 1 }, /could not be read/],
	[
		'a DOCTYPE with entities',
		{ kind: 'doctype', rate: 1 },
		/could not be read: .*DOCTYPE declaration, which is refused/,
	],
])(
	'a failed poll (%s) throws a clear error with the correlation id, and the next poll loses and doubles nothing',
	async (_, fault, message) => {
		const { sim } = ctx;
		const n8n = installation(sim);
		sim.state.addFault({ endpoint: 'calloutList', ...fault });
		const error = await n8n.poll().catch((e) => e);
		expect(`${error.message} ${error.description}`).toMatch(message);
		expect(error.description).toMatch(/correlation id [0-9a-f-]{36}/);
		expect(n8n.workflowState.staticData).toEqual({});
		sim.state.clearFaults();
		expect((await n8n.ids()).sort()).toEqual(queueIds(sim).sort());
		expect(await n8n.poll()).toBeNull();
	},
	30_000,
);
