// Publishing and delivering events as ESS does (concur-ess.md "Delivery"): to every subscription of
// the topic whose filter matches the event type and that names the company; POST with the body
// signed; retried on 5xx, 401, 403, 429 and I/O errors (refused, reset, timeout) on the configured
// schedule until the retention ends; not retried on 2xx or any other 4xx.
const { buildEvent } = require('./events');
const { sign } = require('./signature');

const sameTopic = (a, b) => a.replace(/^public\./, '') === b.replace(/^public\./, '');

const retried = (answer) =>
	answer === 'io' || answer >= 500 || answer === 401 || answer === 403 || answer === 429;

/** Takes one use of a counted fault switch. */
function take(config, name) {
	if (config[name] <= 0) return false;
	config[name]--;
	return true;
}

function later(ess, ms, job) {
	const timer = setTimeout(() => {
		ess.timers.delete(timer);
		job();
	}, ms);
	ess.timers.add(timer);
}

async function attempt(state, delivery) {
	const { ess } = state;
	const config = state.config.ess;
	delivery.attempts++;
	const first = delivery.attempts === 1;
	const signature =
		first && delivery.badSignature
			? sign(ess.keys.privateKey, `${delivery.body} `)
			: sign(ess.keys.privateKey, delivery.body);
	const headers = {
		'Content-Type': 'application/json',
		'Concur-Correlationid': delivery.event.correlationId,
		...(first && delivery.missingSignature ? {} : { 'Concur-Signature': signature }),
	};
	let answer;
	let answerBody;
	const startedAt = Date.now();
	try {
		const response = await fetch(delivery.endpoint, {
			method: 'POST',
			headers,
			body: delivery.body,
			signal: AbortSignal.timeout(config.timeoutMs),
		});
		answerBody = (await response.text()).slice(0, 200);
		answer = response.status;
	} catch {
		answer = 'io';
	}
	ess.attempts.push({
		eventId: delivery.event.id,
		subscriptionId: delivery.subscriptionId,
		attempt: delivery.attempts,
		answer,
		answerBody,
		at: startedAt,
		ms: Date.now() - startedAt,
	});
	const schedule = config.retryScheduleMs;
	const wait = schedule[Math.min(delivery.attempts - 1, schedule.length - 1)];
	if (retried(answer) && Date.now() + wait <= delivery.firstAt + config.retentionMs) {
		later(ess, wait, () => run(state, delivery));
		return;
	}
	ess.pending.delete(delivery);
}

function run(state, delivery) {
	const { delayMs } = state.config.ess;
	if (delayMs) later(state.ess, delayMs, () => attempt(state, delivery));
	else void attempt(state, delivery);
}

function deliver(state, event) {
	const config = state.config.ess;
	if (!state.ess.companyConnected) return 0;
	const body = JSON.stringify(event);
	const targets = [...state.ess.subscriptions.values()].filter(
		(s) => sameTopic(s.topic, event.topic) && new RegExp(s.filter).test(event.eventType),
	);
	for (const subscription of targets) {
		const copies = take(config, 'duplicateNext') ? 2 : 1;
		const badSignature = take(config, 'badSignatureNext');
		const missingSignature = take(config, 'missingSignatureNext');
		for (let copy = 0; copy < copies; copy++) {
			const delivery = {
				event,
				body,
				subscriptionId: subscription.id,
				endpoint: subscription.webHookConfig.endpoint,
				attempts: 0,
				firstAt: Date.now(),
				badSignature: badSignature && copy === 0,
				missingSignature: missingSignature && copy === 0,
			};
			state.ess.pending.add(delivery);
			run(state, delivery);
		}
	}
	return targets.length;
}

/** Publishes `{ count?, ...eventSpec }` or `{ events: [spec, ...] }`; returns the events. */
function publish(state, input = {}) {
	const specs = input.events ?? Array.from({ length: input.count ?? 1 }, () => input);
	return specs.map((spec) => {
		const event = buildEvent(state, spec);
		state.ess.events.push(event);
		return { ...event, subscriptions: deliver(state, event) };
	});
}

/** "Every N seconds": publishes one event of the spec each period until stopped. */
function publishEvery(state, seconds, spec) {
	if (state.ess.publisher) clearInterval(state.ess.publisher);
	state.ess.publisher = setInterval(() => publish(state, spec), seconds * 1000);
	state.ess.publisher.unref?.();
}

module.exports = { publish, publishEvery };
