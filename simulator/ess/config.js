// The ESS switches (state.config.ess), set through PUT /_sim/config { ess: {...} }.
const HOUR = 3_600_000;

const DEFAULT_ESS_CONFIG = {
	/** The scopes the app holds; without events.topic.read the API refuses, without a topic's scope the topic list lacks it. */
	scopes: [
		'events.topic.read',
		'expense.report.read',
		'travelrequest.read',
		'travel.itinerary.read',
		'user.provision.read',
		'identity.user.core.read',
	],
	maxSubscriptions: 5,
	/** Subscription ids another application already owns (ids are globally unique). */
	takenIds: ['taken-by-another-app'],
	/** Concur demands a public HTTPS endpoint; the switch lets tests subscribe n8n's loopback http URL. */
	allowHttpEndpoints: false,
	/** Since 2026-05 Concur connects an app naming one company at once; otherwise the company-token exchange does. */
	companyConnectedAtStart: false,
	/** Waits before the 2nd, 3rd, ... attempt (the last one repeats) within the retention. */
	retryScheduleMs: [1000, 5000, 30_000, 5 * 60_000, HOUR],
	retentionMs: 72 * HOUR,
	/** A receiver slower than this is an I/O error (Concur: "timeout"), retried. */
	timeoutMs: 30_000,
	// Fault switches: how many of the next deliveries they touch.
	duplicateNext: 0, // delivered twice (Concur delivers at least once)
	badSignatureNext: 0, // the first attempt carries a wrong signature; retries are signed well
	missingSignatureNext: 0, // the first attempt carries no Concur-Signature header
	delayMs: 0, // wait before each attempt (a slow Concur)
};

module.exports = { DEFAULT_ESS_CONFIG };
