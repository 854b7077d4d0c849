const { parseConcurError } = require('../../dist/nodes/shared/concurErrors');

test.each([
	['v4 flat', { errorId: 'e1', errorCode: 'INVALID_URL', errorMessage: 'context.url is not allowed' }, 'context.url is not allowed', 'INVALID_URL'],
	['v4 nested', { errors: [{ errorId: 'e1', errorCode: 'MISSING', errorMessage: 'templateId is required' }] }, 'templateId is required', 'MISSING'],
	[
		'v4 both',
		{ errorId: 'e1', errorCode: 'BAD', errorMessage: 'Bad request', errors: [{ errorCode: 'X', errorMessage: 'sessionId is required', errors: [{ errorMessage: 'deeper' }] }] },
		'Bad request; sessionId is required; deeper',
		'BAD',
	],
	['Expense v4', { errorId: 'e', errorMessage: 'Validation failed', httpStatus: '400', validationErrors: [{ message: 'name too long' }] }, 'Validation failed; name too long', undefined],
	['rate limit', { error: { id: 'r1', message: 'Rate limit exceeded' } }, 'Rate limit exceeded', 'r1'],
	['OAuth', { error: 'invalid_grant', error_description: 'refresh token expired', code: 108 }, 'refresh token expired', '108'],
	['legacy JSON', { Error: { Message: 'Invalid token' } }, 'Invalid token', undefined],
	['legacy Content JSON', { Content: { Error: { Message: 'Forbidden' } } }, 'Forbidden', undefined],
	['legacy XML', '<Error><Message>Role missing</Message><Server-Time>2024-01-01</Server-Time><Id>ABC</Id></Error>', 'Role missing', 'ABC'],
	['JSON text', '{"errorMessage":"from text"}', 'from text', undefined],
])('%s', (_, body, message, code) => {
	expect(parseConcurError(body)).toEqual({ message, code });
});

test.each([undefined, null, '', [], 42, { unexpected: true }])('an unexpected body (%p) gives empty details, never throws', (body) => {
	expect(parseConcurError(body)).toEqual(expect.objectContaining({}));
	expect(parseConcurError(body).code).toBeUndefined();
});

test('plain text is kept, shortened', () => {
	expect(parseConcurError('Service Unavailable').message).toBe('Service Unavailable');
	expect(parseConcurError('x'.repeat(1000)).message).toHaveLength(300);
});
