// A receiver for the simulator's ESS deliveries, for tests: records each request and answers with
// the next planned status (200 once the plan is used up).
const http = require('node:http');

async function startReceiver() {
	const received = [];
	const plan = [];
	const waiters = [];
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			const status = plan.length ? plan.shift() : 200;
			received.push({ headers: req.headers, body: Buffer.concat(chunks).toString(), status });
			for (const waiter of [...waiters]) waiter();
			if (status === 'reset') return req.socket.destroy();
			res.writeHead(status).end();
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${server.address().port}/hook`,
		received,
		plan,
		/** Resolves once `count` requests have arrived. */
		until: (count) =>
			new Promise((resolve) => {
				const check = () => {
					if (received.length < count) return;
					waiters.splice(waiters.indexOf(check), 1);
					resolve(received);
				};
				waiters.push(check);
				check();
			}),
		close: () => new Promise((resolve) => server.close(resolve)),
	};
}

module.exports = { startReceiver };
