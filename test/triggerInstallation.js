// The trigger tests' stand-in for an n8n installation that polls the Concur Trigger.
const { runPoll } = require('../rig/n8nCore');
const { ConcurTrigger } = require('../dist/nodes/ConcurTrigger/ConcurTrigger.node');
const { credentialFor } = require('../rig/concurCredential');

/** One n8n installation: the saved workflow state, the running process's memory, one credential. */
function installation(sim, parameters = {}, credentialFields = {}) {
	const credentials = credentialFor(sim, credentialFields);
	const workflowState = { staticData: {} };
	let memory = {};
	const poll = async (mode = 'trigger') => {
		const { result, error } = await runPoll({
			nodeClass: ConcurTrigger,
			parameters,
			credentials,
			mode,
			workflowState,
			memory,
			nodeName: 'Concur Trigger',
		});
		if (error) throw error;
		return result === null ? null : result[0];
	};
	return {
		credentials,
		workflowState,
		poll,
		ids: async (mode) => (await poll(mode))?.map((item) => item.json.id) ?? null,
		restart: () => {
			memory = {};
		},
	};
}

module.exports = { installation };
