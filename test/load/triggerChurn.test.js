// Load: a thousand notifications through a churning queue with restarts, each emitted once. Kept
// apart from the behaviour tests in ../nodes because it polls a hundred times.
const { useSimulatedConcur } = require('../simulatedConcur');
const { installation } = require('../triggerInstallation');

const ctx = useSimulatedConcur({ failedNotifications: 3 });

const queueIds = (sim) => sim.state.listNotifications().map((n) => n.id);

test('restarts between polls over a churning queue of 1,000 notifications: each emitted exactly once', async () => {
	const { sim } = ctx;
	sim.state.clearNotifications();
	const n8n = installation(sim, { options: { maxItems: 60 } });
	const emitted = new Map();
	let added = 0;
	for (
		let round = 0;
		added < 1000 || sim.state.listNotifications().some((n) => !emitted.has(n.id));
		round++
	) {
		if (added < 1000) added += sim.state.addNotifications(Math.min(50, 1000 - added)).length;
		if (round % 3 === 0) n8n.restart();
		const items = (await n8n.poll()) ?? [];
		for (const item of items) emitted.set(item.json.id, (emitted.get(item.json.id) ?? 0) + 1);
		// The workflow acknowledges part of what it got; the rest stays queued a while.
		for (const item of items.filter((_, i) => i % 2 === 0))
			sim.state.deleteNotification(item.json.id);
		expect(round).toBeLessThan(100);
	}
	expect(emitted.size).toBe(1000);
	expect([...emitted.values()].every((count) => count === 1)).toBe(true);
	// The state saved by the next emitting poll holds only what is still queued.
	sim.state.addNotifications(1);
	await n8n.poll();
	expect(Object.keys(n8n.workflowState.staticData.emitted).sort()).toEqual(queueIds(sim).sort());
}, 60_000);
