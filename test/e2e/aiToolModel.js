// A scripted stand-in for an OpenAI-compatible chat model on loopback: asked with tools, it calls
// the first tool once with the arguments the test chose; given the tool's answer, it replies with
// it. It keeps every request, so a test can read what the model was told.
const http = require('node:http');

function completion(message, finishReason) {
	return {
		id: 'chatcmpl-stand-in',
		object: 'chat.completion',
		created: 0,
		model: 'stand-in',
		choices: [{ index: 0, message, finish_reason: finishReason }],
		usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
	};
}

/** The same answer as server-sent chunks, for clients that ask for a stream. */
function streamed(res, message, finishReason) {
	res.writeHead(200, { 'content-type': 'text/event-stream' });
	const chunk = (delta, finish) =>
		`data: ${JSON.stringify({ id: 'chatcmpl-stand-in', object: 'chat.completion.chunk', created: 0, model: 'stand-in', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
	const toolCalls = message.tool_calls?.map((call, index) => ({ index, ...call }));
	res.write(
		chunk(
			{
				role: 'assistant',
				content: message.content ?? '',
				...(toolCalls && { tool_calls: toolCalls }),
			},
			null,
		),
	);
	res.end(`${chunk({}, finishReason)}data: [DONE]\n\n`);
}

async function startScriptedModel() {
	const model = { requests: [], toolArguments: {} };
	const server = http.createServer((req, res) => {
		let body = '';
		req.on('data', (chunk) => (body += chunk));
		req.on('end', () => {
			const request = JSON.parse(body || '{}');
			model.requests.push({ path: req.url, body: request });
			const last = request.messages?.at(-1);
			const [message, finish] =
				last?.role === 'tool'
					? [{ role: 'assistant', content: `The tool answered: ${last.content}` }, 'stop']
					: [
							{
								role: 'assistant',
								content: null,
								tool_calls: [
									{
										id: `call_${model.requests.length}`,
										type: 'function',
										function: {
											name: request.tools[0].function.name,
											arguments: JSON.stringify(model.toolArguments),
										},
									},
								],
							},
							'tool_calls',
						];
			if (request.stream) return streamed(res, message, finish);
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify(completion(message, finish)));
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	model.url = `http://127.0.0.1:${server.address().port}/v1`;
	model.close = () => new Promise((resolve) => server.close(resolve));
	return model;
}

module.exports = { startScriptedModel };
