// Concur's bodies are XML or JSON, whichever it chose: the first character tells which.
const {
	isObject,
	looksLikeXml,
	parseXmlOrJson,
} = require('../../../dist/nodes/shared/responseBody');

test.each([
	['<?xml version="1.0"?><Error><Message>m</Message></Error>', true],
	['<NotificationList/>', true],
	['{"error":"invalid_grant"}', false],
	['[]', false],
	['Service Unavailable', false],
])('%s is XML: %s', (body, xml) => expect(looksLikeXml(body)).toBe(xml));

test.each([
	['<Error><Message>m</Message></Error>', { Error: { Message: 'm' } }],
	['{"Error":{"Message":"m"}}', { Error: { Message: 'm' } }],
	['[{"a":1}]', [{ a: 1 }]],
])('%s parses to the same shape either way', (body, parsed) => {
	expect(parseXmlOrJson(body)).toEqual(parsed);
});

test.each(['Service Unavailable', '<!DOCTYPE x><x/>', '{"unterminated":'])(
	'%s is neither, and says so',
	(body) => expect(() => parseXmlOrJson(body)).toThrow(),
);

test.each([
	[{}, true],
	[{ a: 1 }, true],
	[[], false],
	[null, false],
	['text', false],
	[undefined, false],
])('%j is an object: %s', (value, object) => expect(isObject(value)).toBe(object));
