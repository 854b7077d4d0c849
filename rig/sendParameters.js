// The parameters of Concur Notify → Send that the tests and benchmarks run with: the user, session
// and link read from each item by expressions, and a fixed template (`overrides` replace any).
const sendParameters = (overrides = {}) => ({
	resource: 'message',
	operation: 'send',
	userId: '={{ $json.userId }}',
	sessionId: '={{ $json.sessionId }}',
	templateId: 'visa-required',
	contextUrl: '={{ $json.url }}',
	...overrides,
});

module.exports = { sendParameters };
