// The scheduler's worker pool: how many run at once, in which order, and what a failure stops.
const { SendScheduler } = require('../../../dist/nodes/shared/sendScheduler');

/** A task that records how many run at once and finishes when the test says so. */
function recorder() {
	const log = { running: 0, peak: 0, started: [], finish: new Map() };
	const task = async (index) => {
		log.started.push(index);
		log.peak = Math.max(log.peak, ++log.running);
		await new Promise((resolve) => log.finish.set(index, resolve));
		log.running--;
		if (index === log.failAt) throw new Error(`item ${index} failed`);
		return index * 10;
	};
	return { log, task };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

async function finishAll(log, run) {
	for (let settled = false; !settled; ) {
		await tick();
		for (const [index, resolve] of log.finish) {
			log.finish.delete(index);
			resolve();
		}
		settled = await Promise.race([run.then(() => true), tick().then(() => false)]);
	}
	return await run;
}

test('a fixed number of slots: at most that many run, items start in input order, outcomes come back in order', async () => {
	const { log, task } = recorder();
	const slots = new SendScheduler({ parallel: 3, maxParallel: 50, firstRequestAlone: false });
	const outcomes = await finishAll(log, slots.run(10, task, false));
	expect(log.peak).toBe(3);
	expect(log.started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
	expect(outcomes.map((o) => o.value)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
});

test('the first item goes alone when the token must be fetched, then the others follow', async () => {
	const { log, task } = recorder();
	const slots = new SendScheduler({ parallel: 5, maxParallel: 50, firstRequestAlone: true });
	const run = slots.run(6, task, false);
	await tick();
	expect(log.started).toEqual([0]);
	log.finish.get(0)();
	log.finish.delete(0);
	// The first success lets the others start: the pool counts the success itself.
	slots.succeeded(Date.now());
	await finishAll(log, run);
	expect(log.peak).toBe(5);
});

test('after a failure with stop on failure, no new item starts and the rest are skipped', async () => {
	const { log, task } = recorder();
	log.failAt = 1;
	const slots = new SendScheduler({ parallel: 2, maxParallel: 50, firstRequestAlone: false });
	const outcomes = await finishAll(log, slots.run(6, task, true));
	expect(outcomes.map((o) => o.status)).toEqual([
		'fulfilled',
		'rejected',
		'skipped',
		'skipped',
		'skipped',
		'skipped',
	]);
});
