// What a refused token request tells the user to do, by Concur's code and the grant used.
const {
	GRANT_REFUSED_ADVICE,
	TOKEN_ADVICE,
	tokenAdvice,
	explainTokenFailure,
} = require('../../../../dist/nodes/shared/token/tokenAdvice');

test.each([
	['5', 400, 'requestToken', TOKEN_ADVICE['5']],
	['134 (maintenance)', 400, 'refreshStored', TOKEN_ADVICE['134']],
	['108 for a request token', 400, 'requestToken', GRANT_REFUSED_ADVICE.requestToken],
	['108 for a stored refresh token', 400, 'refreshStored', GRANT_REFUSED_ADVICE.refreshStored],
	['108 for a pasted refresh token', 400, 'refreshPasted', GRANT_REFUSED_ADVICE.refreshPasted],
	['108 for an app token', 401, 'clientCredentials', GRANT_REFUSED_ADVICE.clientCredentials],
	[
		'16 with the data centre named',
		400,
		'requestToken',
		'This company lives in another data centre (https://eu2.api.concursolutions.com). Choose that data centre in the credential.',
	],
	[
		'an unknown code on a 400',
		400,
		'requestToken',
		'Check the credential fields and the data centre.',
	],
	[
		'no code on a 503',
		503,
		'requestToken',
		'SAP Concur could not issue a token right now. Try again later.',
	],
	[
		'no answer at all',
		0,
		'requestToken',
		'SAP Concur could not issue a token right now. Try again later.',
	],
])('code %s', (label, status, grant, advice) => {
	const code = /^\d+/.exec(label)?.[0];
	expect(tokenAdvice(status, code, grant, 'https://eu2.api.concursolutions.com')).toBe(advice);
});

test('the sentence: what went wrong, what to do, then the facts Concur gave', () => {
	expect(explainTokenFailure(400, '5', 'invalid client', 'requestToken', 'c-1', '')).toBe(
		`SAP Concur refused the token request. ${TOKEN_ADVICE['5']} (HTTP 400, Concur code 5, Concur says: invalid client, correlation id c-1)`,
	);
	expect(explainTokenFailure(0, undefined, undefined, 'requestToken', '', '')).toMatch(
		/\(HTTP no answer\)$/,
	);
});

describe('a token request Concur refused for load', () => {
	const { explainTokenLoadRefusal } = require('../../../../dist/nodes/shared/token/tokenAdvice');
	const base = { correlationId: 'c-1', budgetMs: 30_000 };

	test('names what Concur answered, never the credential fields', () => {
		const text = explainTokenLoadRefusal({
			...base,
			status: 429,
			message: 'Rate limit exceeded',
			attempts: 5,
		});
		expect(text).toBe(
			'SAP Concur did not process the token request: it is limiting the rate of requests (HTTP 429) and still did after 5 attempts. Nothing is wrong with the credential; run the workflow again later. (HTTP 429, Concur says: Rate limit exceeded, correlation id c-1, 5 attempts)',
		);
		expect(text).not.toMatch(/Check the credential/);
	});

	test('a gateway page, and a wait longer than a token request may take', () => {
		expect(
			explainTokenLoadRefusal({
				...base,
				status: 503,
				message: 'an HTML page: 503 Service Temporarily Unavailable',
				attempts: 1,
				waitTooLongMs: 300_000,
			}),
		).toMatch(
			/^SAP Concur did not process the token request: it is unavailable \(HTTP 503\) and asked to wait 300 s, longer than a token request may wait \(30 s in all\)\..*Concur says: an HTML page: 503 Service Temporarily Unavailable/,
		);
	});
});
