// What the node tests share: a simulated Concur per test file, a new company in it for each test.
const { startSimulator } = require('../simulator');

/**
 * Starts a simulator before the file's tests and closes it after. Before each test it starts over
 * with a new seed: a new company, so no test inherits another's tokens.
 */
function useSimulatedConcur(options = {}) {
	const holder = {};
	let seed = 7;
	beforeAll(async () => {
		holder.sim = await startSimulator({ port: 0, seed, failedNotifications: 3, ...options });
	});
	beforeEach(() => holder.sim.state.reset({ seed: ++seed }));
	afterAll(async () => holder.sim?.close());
	return holder;
}

module.exports = { useSimulatedConcur };
