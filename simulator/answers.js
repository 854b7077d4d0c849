// Tells a test in the same process when the simulator received a request and when it finished
// answering one, e.g. to kill n8n a chosen number of milliseconds after a poll's answer.
const { EventEmitter } = require('node:events');

/** Emits 'request' (method, path) as each request arrives and 'answer' (method, path, status) once its answer is sent. */
function reportAnswers(servers) {
	const events = new EventEmitter();
	for (const server of servers) {
		server.on('request', (req, res) => {
			events.emit('request', req.method, req.url);
			res.once('finish', () => events.emit('answer', req.method, req.url, res.statusCode));
		});
	}
	return events;
}

module.exports = { reportAnswers };
