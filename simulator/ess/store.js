// What the simulator's ESS holds: its signing keys, the subscriptions of all apps, whether the company
// is connected, the published events, every delivery attempt and answer, and the publishing timer.
const { createSigningKeys } = require('./signature');

/** The signing keys survive a reset: a node configured with the public key keeps verifying. */
let keys;

class EssStore {
	constructor() {
		keys ??= createSigningKeys();
		this.keys = keys;
		this.subscriptions = new Map();
		this.companyConnected = false;
		this.events = [];
		this.attempts = [];
		this.pending = new Set();
		this.timers = new Set();
		this.publisher = null;
	}

	/** Counters of every attempt and answer, per event id: what a test compares with n8n's runs. */
	stats() {
		const answers = {};
		for (const a of this.attempts) answers[a.answer] = (answers[a.answer] ?? 0) + 1;
		const delivered = new Set(
			this.attempts.filter((a) => a.answer >= 200 && a.answer < 300).map((a) => a.eventId),
		);
		return {
			published: this.events.length,
			attempts: this.attempts.length,
			answers,
			delivered: delivered.size,
			pending: this.pending.size,
			subscriptions: [...this.subscriptions.values()],
		};
	}

	stop() {
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		if (this.publisher) clearInterval(this.publisher);
		this.publisher = null;
	}
}

module.exports = { EssStore };
