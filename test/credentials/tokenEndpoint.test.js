// The token endpoint under load, and a dead credential in a big batch, through real n8n-core.
const { useSimulatedConcur } = require('../simulatedConcur');
const { credentialFor } = require('../../rig/concurCredential');
const { rows, send } = require('../sending');

const ctx = useSimulatedConcur({ failedNotifications: 0 });
// A grant Concur refuses for good is re-read for up to 5 s, for a newer one another process saves.
jest.setTimeout(30_000);

describe('a token endpoint refusing for load', () => {
	test.each([
		['a 429', { kind: '429', retryAfter: 0 }],
		['a 429 with Retry-After: 1', { kind: '429', retryAfter: 1 }],
		["a gateway's 503 page", { kind: '503-page' }],
	])('%s does not fail the batch: the token request is repeated', async (_, fault) => {
		const { sim } = ctx;
		sim.state.addFault({ endpoint: 'token', next: 1, ...fault });
		const { outputs, error } = await send({ items: rows(3, sim), credentials: credentialFor(sim) });
		expect(error).toBeUndefined();
		expect(outputs[0]).toHaveLength(3);
		expect(sim.state.stats()).toMatchObject({
			requests: { token: 2 },
			deliveries: { total: 3, duplicates: 0 },
		});
	});

	test.each([
		[
			'keeps answering 429',
			{ kind: '429', retryAfter: 0, rate: 1 },
			/HTTP 429\) and still did after 5 attempts/,
		],
		[
			'asks to wait 300 s',
			{ kind: '429', retryAfter: 300, next: 1 },
			/HTTP 429\) and asked to wait 300 s, longer than a token request may wait/,
		],
		[
			'keeps answering a 503 page',
			{ kind: '503-page', rate: 1 },
			/unavailable \(HTTP 503\).*Concur says: an HTML page: 503 Service Temporarily Unavailable/,
		],
	])('when it %s, the error names what Concur answered', async (_, fault, message) => {
		const { sim } = ctx;
		sim.state.addFault({ endpoint: 'token', ...fault });
		const { error } = await send({ items: rows(2, sim), credentials: credentialFor(sim) });
		const text = `${error.message} ${error.description ?? ''}`;
		expect(text).toMatch(/SAP Concur did not process the token request/);
		expect(text).toMatch(message);
		expect(text).not.toMatch(/Check the credential fields/);
		expect(sim.state.stats().deliveries.total).toBe(0);
	});
});

describe('a dead credential in a big batch with Continue On Fail', () => {
	test.each([
		['code 108', {}],
		['`invalid_grant` without a code', { tokenErrorCode: false }],
	])(
		'Concur refused the grant (%s): every item fails with that error after one token request',
		async (_, config) => {
			const { sim } = ctx;
			const credentials = credentialFor(sim);
			await send({ items: rows(1, sim), credentials });
			sim.state.setConfig(config);
			sim.state.expireRefreshTokens();
			credentials.data.accessToken = '';
			sim.state.resetStats();
			const { outputs, error } = await send({
				items: rows(20, sim),
				credentials,
				continueOnFail: true,
			});
			expect(error).toBeUndefined();
			expect(outputs[0]).toHaveLength(20);
			expect(
				outputs[0].every((item) =>
					/^SAP Concur refused the token request\. The refresh token this credential got .* has expired or was revoked/.test(
						item.json.error,
					),
				),
			).toBe(true);
			expect(sim.state.stats().requests.token).toBe(1);
			expect(sim.state.stats().deliveries.total).toBe(0);
			// The grant stays dead until a new one is stored: a later run does not ask Concur again.
			const again = await send({ items: rows(3, sim), credentials, continueOnFail: true });
			expect(again.outputs[0].map((item) => item.json.error)).toEqual(
				outputs[0].slice(0, 3).map((item) => item.json.error),
			);
			expect(sim.state.stats().requests.token).toBe(1);
		},
	);
});
