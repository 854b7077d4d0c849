const { parseConcurError } = require('../../../dist/nodes/shared/concurErrors');

test.each([
	[
		'v4 flat',
		{ errorId: 'e1', errorCode: 'INVALID_URL', errorMessage: 'context.url is not allowed' },
		'context.url is not allowed',
		'INVALID_URL',
	],
	[
		'v4 nested',
		{ errors: [{ errorId: 'e1', errorCode: 'MISSING', errorMessage: 'templateId is required' }] },
		'templateId is required',
		'MISSING',
	],
	[
		'v4 both',
		{
			errorId: 'e1',
			errorCode: 'BAD',
			errorMessage: 'Bad request',
			errors: [
				{
					errorCode: 'X',
					errorMessage: 'sessionId is required',
					errors: [{ errorMessage: 'deeper' }],
				},
			],
		},
		'Bad request; sessionId is required; deeper',
		'BAD',
	],
	[
		'Expense v4',
		{
			errorId: 'e',
			errorMessage: 'Validation failed',
			httpStatus: '400',
			validationErrors: [{ message: 'name too long' }],
		},
		'Validation failed; name too long',
		undefined,
	],
	[
		'rate limit',
		{ error: { id: 'r1', message: 'Rate limit exceeded' } },
		'Rate limit exceeded',
		'r1',
	],
	[
		'OAuth',
		{ error: 'invalid_grant', error_description: 'refresh token expired', code: 108 },
		'refresh token expired',
		'108',
	],
	['legacy JSON', { Error: { Message: 'Invalid token' } }, 'Invalid token', undefined],
	['legacy Content JSON', { Content: { Error: { Message: 'Forbidden' } } }, 'Forbidden', undefined],
	[
		'legacy XML',
		'<Error><Message>Role missing</Message><Server-Time>2024-01-01</Server-Time><Id>ABC</Id></Error>',
		'Role missing',
		'ABC',
	],
	['JSON text', '{"errorMessage":"from text"}', 'from text', undefined],
])('%s', (_, body, message, code) => {
	expect(parseConcurError(body)).toEqual({ message, code });
});

test.each([undefined, null, '', [], 42, { unexpected: true }])(
	'an unexpected body (%p) gives empty details, never throws',
	(body) => {
		expect(parseConcurError(body)).toEqual(expect.objectContaining({}));
		expect(parseConcurError(body).code).toBeUndefined();
	},
);

test('plain text gives its first words as the message and the cut text as the body', () => {
	expect(parseConcurError('Service Unavailable')).toEqual({
		message: 'Service Unavailable',
		body: 'Service Unavailable',
	});
	expect(parseConcurError('Service Unavailable', 503).message).toBe(
		'HTTP 503, Service Unavailable',
	);
	const long = parseConcurError(`${'word '.repeat(300)}end`);
	expect(long.message).toBe(`${'word '.repeat(20).trim()}…`);
	expect(long.body).toBe(`${'word '.repeat(200)}…`);
});

describe('an HTML page (a gateway or proxy answering instead of Concur)', () => {
	const page = (head, body) =>
		`<!DOCTYPE html>\n<html lang="en"><head>${head}</head><body>${body}</body></html>`;

	test('its title is the summary, with the status; the page goes to the body, cut to 1000 characters', () => {
		const html = page(
			`<title>503 Service\n  Temporarily Unavailable</title><style>${'p{}'.repeat(400)}</style>`,
			'<h1>Down</h1>',
		);
		const details = parseConcurError(html, 503);
		expect(details.message).toBe('HTTP 503, an HTML page: 503 Service Temporarily Unavailable');
		expect(details.body).toBe(`${html.slice(0, 1000)}…`);
		expect(details.code).toBeUndefined();
	});

	test.each([
		[
			'no title: its first visible words',
			page(
				'<script>var x = "<b>";</script><style>h1{}</style>',
				'<h1>Bad   Gateway</h1><p>The upstream server sent an invalid response.</p>',
			),
			'an HTML page: Bad Gateway The upstream server sent an invalid response.',
		],
		['no text at all', page('', '<img src="x.png">'), 'an HTML page: no text'],
		[
			'html without a DOCTYPE',
			'<html><head><title>Maintenance</title></head></html>',
			'an HTML page: Maintenance',
		],
		[
			'markup inside the title',
			page('<title><b>Error</b> 502</title>', ''),
			'an HTML page: Error 502',
		],
		[
			'a broken XML document',
			'<Oops><unclosed>Gateway said no',
			'a document this node cannot read: Gateway said no',
		],
	])('%s', (_, body, message) => {
		expect(parseConcurError(body).message).toBe(message);
		expect(parseConcurError(body).body).toBe(body);
	});

	test('no markup reaches the message, however long the title', () => {
		const { message } = parseConcurError(
			page(`<title>${'<i>x</i> '.repeat(200)}</title>`, ''),
			502,
		);
		expect(message).not.toMatch(/[<>]/);
		expect(message.length).toBeLessThanOrEqual('HTTP 502, an HTML page: '.length + 101);
	});
});

test("a document with none of Concur's shapes gives no message, and its text as the body", () => {
	expect(parseConcurError('{"unexpected":true}', 500)).toEqual({ body: '{"unexpected":true}' });
	expect(parseConcurError('<Other>x</Other>')).toEqual({ body: '<Other>x</Other>' });
	expect(parseConcurError({ unexpected: true })).toEqual({});
});
