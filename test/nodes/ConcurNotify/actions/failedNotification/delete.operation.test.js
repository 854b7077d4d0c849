// Concur Notify → Failed Notification → Delete through real n8n-core against the simulator.
const { runNode } = require('../../../../../rig/n8nCore');
const { ConcurNotify } = require('../../../../../dist/nodes/ConcurNotify/ConcurNotify.node');
const { useSimulatedConcur } = require('../../../../simulatedConcur');
const { credentialFor } = require('../../../../../rig/concurCredential');

const ctx = useSimulatedConcur({ failedNotifications: 0 });

const remove = (credentials, notification, extra = {}) =>
	runNode({
		nodeClass: ConcurNotify,
		parameters: {
			resource: 'failedNotification',
			operation: 'delete',
			notification: '={{ $json.target }}',
		},
		items: [].concat(notification).map((target) => ({ json: { target } })),
		credentials,
		nodeName: 'Concur Notify',
		...extra,
	});

describe('Delete', () => {
	test('deletes by URI and by ID', async () => {
		const { sim } = ctx;
		const [a, b] = sim.state.addNotifications(2);
		const { outputs, error } = await remove(credentialFor(sim), [a.uri, b.id]);
		expect(error).toBeUndefined();
		expect(outputs[0].map((item) => item.json)).toEqual([
			{ deleted: true, id: a.id, uri: a.uri, correlationId: expect.any(String) },
			{
				deleted: true,
				id: b.id,
				uri: expect.stringContaining(encodeURIComponent(b.id)),
				correlationId: expect.any(String),
			},
		]);
		expect(sim.state.listNotifications()).toHaveLength(0);
	});

	test('a URI on a foreign host is refused before any request', async () => {
		const { sim } = ctx;
		const { error } = await remove(
			credentialFor(sim),
			'https://evil.example.com/api/platform/notifications/v1.0/notification/x$y',
		);
		expect(error.message).toMatch(
			/Refused to delete https:\/\/evil.example.com.*not one of this credential's Concur hosts \(item 0\)/,
		);
		expect(sim.state.stats().requests).toMatchObject({ calloutDelete: 0, token: 0 });
	});

	test('an unknown notification (404) says it may be gone already', async () => {
		const { sim } = ctx;
		const { outputs } = await remove(credentialFor(sim), 'does-not-exist$1', {
			continueOnFail: true,
		});
		expect(outputs[0][0].json.error).toMatch(/Deleting the failed notification failed/);
		expect(outputs[0][0].error.description).toMatch(/may have been deleted already.*HTTP 404/);
	});
});
