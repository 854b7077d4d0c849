// Small helpers shared by the simulator's handlers.

const readBody = (req) =>
	new Promise((resolve, reject) => {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});

/** An answer a handler returns; `send` writes it. */
const reply = (status, body, headers = {}) => ({ status, body, headers });
const json = (status, value, headers = {}) =>
	reply(status, JSON.stringify(value), {
		'Content-Type': 'application/json; charset=utf-8',
		...headers,
	});
const xml = (status, text, headers = {}) =>
	reply(status, text, { 'Content-Type': 'application/xml; charset=utf-8', ...headers });

function send(res, answer, correlationId) {
	const body = answer.body ?? '';
	res.writeHead(answer.status, {
		'concur-correlationid': correlationId,
		'Content-Length': Buffer.byteLength(body),
		...answer.headers,
	});
	res.end(body);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const escapeXml = (value) =>
	String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

module.exports = { readBody, reply, json, xml, send, sleep, escapeXml };
