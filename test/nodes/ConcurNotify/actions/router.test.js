// Concur Notify's router through real n8n-core: an operation its resource does not have (a workflow
// saved by a later version, or edited by hand) fails with a clear error, before any request. (An
// unknown resource shows no Operation parameter at all: n8n itself refuses to read one.)
const { runNode } = require('../../../../rig/n8nCore');
const { ConcurNotify } = require('../../../../dist/nodes/ConcurNotify/ConcurNotify.node');
const { useSimulatedConcur } = require('../../../simulatedConcur');
const { credentialFor } = require('../../../../rig/concurCredential');

const ctx = useSimulatedConcur();

test.each([
	['message', 'getAll'],
	['message', 'description'],
	['failedNotification', 'send'],
	['failedNotification', 'toString'],
])('resource %s, operation %s: "The operation … is not supported"', async (resource, operation) => {
	const { sim } = ctx;
	const { error } = await runNode({
		nodeClass: ConcurNotify,
		parameters: { resource, operation },
		items: [{ json: {} }],
		credentials: credentialFor(sim),
		nodeName: 'Concur Notify',
	});
	expect(error).toMatchObject({
		name: 'NodeOperationError',
		message: `The operation "${operation}" is not supported`,
	});
	expect(Object.values(sim.state.counters.requests).every((count) => count === 0)).toBe(true);
});
