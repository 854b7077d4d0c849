// The trigger on queue shapes the simulator does not produce, and Fetch Test Event on an empty queue.
const { runPoll } = require('../../../rig/n8nCore');
const { ConcurTrigger } = require('../../../dist/nodes/ConcurTrigger/ConcurTrigger.node');
const { useSimulatedConcur } = require('../../simulatedConcur');
const { credentialFor } = require('../../../rig/concurCredential');
const { startFakeConcur, JSON_HEADERS } = require('../../fakeConcur');

const ctx = useSimulatedConcur({ failedNotifications: 0 });

const poll = (credentials, { parameters = {}, mode = 'trigger' } = {}) =>
	runPoll({
		nodeClass: ConcurTrigger,
		parameters,
		credentials,
		mode,
		workflowState: { staticData: {} },
		nodeName: 'Concur Trigger',
	});

test('a JSON queue of one as a bare object is emitted like a list of one', async () => {
	const fake = await startFakeConcur(() => ({
		headers: JSON_HEADERS,
		body: JSON.stringify({
			Context: 'Report 7',
			EventDateTime: '2024-03-01T10:00:00',
			EventType: 'Report Entered Expense Report Workflow Step - REPORT SUBMITTED',
			NotificationURI: `${fake.url}/api/platform/notifications/v1.0/notification/lone$1`,
			ObjectType: 'EXPRPT',
			ObjectURI:
				'https://www.concursolutions.com/api/expense/expensereport/v1.1/reportfulldetails/R1',
		}),
	}));
	try {
		const { result, error } = await poll(fake.credentials(), {
			parameters: { options: { responseFormat: 'json' } },
		});
		expect(error).toBeUndefined();
		expect(result[0].map((item) => [item.json.id, item.json.context])).toEqual([
			['lone$1', 'Report 7'],
		]);
	} finally {
		await fake.close();
	}
});

test('Fetch Test Event on an empty queue says the queue is empty and that this is normal, not to use the simulator', async () => {
	const { result, error } = await poll(credentialFor(ctx.sim), { mode: 'manual' });
	expect(result).toBeNull();
	expect(error.message).toBe('No failed notifications match right now');
	expect(error.description).toBe(
		"Concur's FAILED queue is empty: no callout has failed. That is the normal state; the trigger emits failed notifications as they arrive. Fetch Test Event needs one in the queue, so try again after a callout fails.",
	);
});

test('Fetch Test Event with notifications that the filters leave out says so', async () => {
	ctx.sim.state.addNotifications(2);
	const { error } = await poll(credentialFor(ctx.sim), {
		mode: 'manual',
		parameters: { filters: { objectType: 'NONE' } },
	});
	expect(error.description).toMatch(
		/^Concur's FAILED queue holds 2 notification\(s\), none matching the filters\./,
	);
	expect(error.description).not.toMatch(/simulator/);
});
