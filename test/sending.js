// Concur Notify → Send through real n8n-core: the parameters, input rows and run the send tests share.
const { runNode } = require('../rig/n8nCore');
const { ConcurNotify } = require('../dist/nodes/ConcurNotify/ConcurNotify.node');
const { sendParameters } = require('../rig/sendParameters');

const rows = (count, sim, extra = () => ({})) =>
	Array.from({ length: count }, (_, i) => ({
		json: {
			userId: sim.credentials.userIds[i % 3],
			sessionId: `session-${i}`,
			url: `https://www.example.com/trips/${i}`,
			...extra(i),
		},
	}));

async function send({ items, parameters = sendParameters(), credentials, ...rest }) {
	return await runNode({
		nodeClass: ConcurNotify,
		parameters,
		items,
		credentials,
		nodeName: 'Concur Notify',
		...rest,
	});
}

module.exports = { sendParameters, rows, send };
