// Everything the simulator knows: its switches, the company, issued tokens, the FAILED queue,
// fault rules and counters. The HTTP handlers and the control API both work on this.
const { createRandom } = require('./random');
const { createRateLimiter, normalizeRateLimit } = require('./rateLimit');
const { DEFAULT_ESS_CONFIG } = require('./ess/config');
const { EssStore } = require('./ess/store');

const DEFAULT_CONFIG = {
	// OAuth2
	accessTokenTtlSeconds: 3600,
	refreshTokenTtlSeconds: 180 * 24 * 3600,
	expiresInType: 'string', // 'string' | 'number'
	rotation: 'never', // 'never' | 'sometimes' | 'always'
	oldRefreshTokenValid: false,
	geolocation: 'plain', // 'plain' | 'withPath' | 'trailingSlash'
	maintenance: false,
	scopeMissing: false, // the app lacks the scope it asks for (code 54)
	tokenErrorStatus: 400, // 400 | 403
	tokenErrorCode: true, // false: OAuth errors carry only error and error_description, no Concur code
	companyDataCentre: 'primary', // 'primary' | 'secondary'
	// Every API
	expiredTokenStatus: 401, // 401 | 403
	latency: { fixedMs: 0, jitterMs: 0 },
	rateLimit: null, // null (off) | { ratePerSecond, burst, maxConcurrent, endpoints, retryAfter, status }: see rateLimit.js
	// Partner Notifications v4
	errorShape: 'nested', // 'flat' | 'nested' | 'both'
	contextRequired: true,
	allowedContextDomains: ['example.com', 'concur.com'],
	// Callout notifications v1.0
	rootName: 'NotificationList', // | 'NotificationsList'
	uriField: 'NotificationURI', // | 'NotificationURL' | 'NotificationUrl'
	dateFormat: 'iso', // 'iso' | 'colon' | 'date' | 'dataContract' | 'dataContractOffset' (.NET's, see calloutNotifications.js)
	failureWrapper: false, // each entry in a Failure element (XML) or object (JSON)
	jsonWrapper: 'none', // 'none' | 'NotificationList' | 'd' | 'result': what wraps the JSON list
	duplicateEntries: false, // every entry listed twice in one answer
	idEncoding: 'raw', // 'raw' | 'percent': NotificationURIs write the id's `$` as `%24`
	nullUri: false, // the first entry's URI is null (JSON) or nil (XML)
	calloutHost: 'self', // 'self' | 'legacy' | any base URL
	legacyErrorFormat: 'xml', // 'xml' | 'json' | 'content'
	// Event Subscription Service v4: see ess/config.js
	ess: DEFAULT_ESS_CONFIG,
};

const EVENT_TYPES = [
	'Report Entered Expense Report Workflow Step - REPORT SUBMITTED',
	'Report Entered Expense Report Workflow Step - REPORT APPROVED',
	'Travel Request Entered Workflow Step - SUBMITTED',
];

class SimulatorState {
	/** `now`: the clock of the rate limiter (milliseconds), a fake one in tests. */
	constructor({ seed = 1, failedNotifications = 0, now = Date.now } = {}) {
		this.start = { seed, failedNotifications };
		this.now = now;
		this.urls = { primary: '', secondary: '' };
		this.reset();
	}

	/** Back to the seeded start: defaults, a fresh company, the seeded queue, zero counters. */
	reset({ seed } = {}) {
		this.random = createRandom(seed ?? this.start.seed);
		this.config = structuredClone(DEFAULT_CONFIG);
		const r = this.random;
		this.credentials = {
			clientId: 'sim-client-id',
			clientSecret: 'sim-client-secret',
			companyUuid: r.uuid(),
			requestToken: '',
			refreshToken: '',
			userIds: [r.uuid(), r.uuid(), r.uuid()],
			userPassword: 'sim-user-password',
		};
		this.requestTokens = new Map();
		this.refreshTokens = new Map();
		this.accessTokens = new Map();
		this.refreshes = 0;
		this.credentials.requestToken = this.issueRequestToken();
		this.credentials.refreshToken = this.issueRefreshToken();
		this.queue = [];
		this.clock = Date.UTC(2024, 0, 1);
		this.faults = [];
		this.limiter = null;
		this.ess?.stop();
		this.ess = new EssStore();
		this.ess.companyConnected = this.config.ess.companyConnectedAtStart;
		this.resetStats();
		this.addNotifications(this.start.failedNotifications);
		return this;
	}

	resetStats() {
		this.counters = {
			requests: {
				token: 0,
				messages: 0,
				calloutList: 0,
				calloutDelete: 0,
				object: 0,
				ess: 0,
				report: 0,
			},
			grants: { password_authtoken: 0, refresh_token: 0, client_credentials: 0, password: 0 },
			throttled: { token: 0, messages: 0, calloutList: 0, calloutDelete: 0 },
			authSchemes: { Bearer: 0, OAuth: 0 },
			deletes: 0,
		};
		this.messages = [];
		this.deliveryCounts = new Map();
		// When each throttled Send request reached the rate limiter (ms since the epoch, to a
		// fraction): the benchmark sets them against when the node let each go (its jitter).
		this.arrivals = [];
	}

	stats() {
		const duplicates = [...this.deliveryCounts.values()].reduce((sum, n) => sum + n - 1, 0);
		return {
			...structuredClone(this.counters),
			deliveries: { total: this.messages.length, unique: this.deliveryCounts.size, duplicates },
			messages: structuredClone(this.messages),
			arrivals: structuredClone(this.arrivals),
		};
	}

	setConfig(partial = {}) {
		const latency = { ...this.config.latency, ...(partial.latency ?? {}) };
		const rateLimit =
			partial.rateLimit === undefined
				? this.config.rateLimit
				: normalizeRateLimit(partial.rateLimit);
		// Setting a limit (even the same one again) starts a full bucket.
		if (partial.rateLimit !== undefined)
			this.limiter = rateLimit && createRateLimiter(rateLimit, this.now);
		const ess = { ...this.config.ess, ...(partial.ess ?? {}) };
		Object.assign(this.config, partial, { latency, rateLimit, ess });
		return this.config;
	}

	// Tokens

	issueRequestToken() {
		const token = this.random.text(40);
		this.requestTokens.set(token, { used: false, expiresAt: Date.now() + 24 * 3600 * 1000 });
		return token;
	}

	issueRefreshToken() {
		const token = this.random.uuid();
		this.refreshTokens.set(token, {
			valid: true,
			expiresAt: Date.now() + this.config.refreshTokenTtlSeconds * 1000,
		});
		return token;
	}

	issueAccessToken(subject) {
		const now = Math.floor(Date.now() / 1000);
		const exp = now + this.config.accessTokenTtlSeconds;
		const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
		const token = `${part({ alg: 'RS256', typ: 'JWT', kid: 'sim' })}.${part({ sub: subject, companyId: this.credentials.companyUuid, iat: now, exp, jti: this.random.uuid() })}.${this.random.text(43)}`;
		this.accessTokens.set(token, { expiresAt: exp * 1000, subject });
		// ESS: a company token issued to the app connects the company to the app's subscriptions.
		if (subject === this.credentials.companyUuid) this.ess.companyConnected = true;
		return { token, exp };
	}

	/** Whether an `Authorization` header holds a live access token; counts the scheme. */
	authorize(header, schemes) {
		const match = /^(\w+)\s+(\S+)$/.exec(header ?? '');
		if (!match || !schemes.includes(match[1])) return false;
		const entry = this.accessTokens.get(match[2]);
		if (!entry || entry.expiresAt <= Date.now()) return false;
		this.counters.authSchemes[match[1]] = (this.counters.authSchemes[match[1]] ?? 0) + 1;
		return true;
	}

	expireAccessTokens() {
		for (const entry of this.accessTokens.values()) entry.expiresAt = 0;
	}

	expireRefreshTokens() {
		for (const entry of this.refreshTokens.values()) entry.valid = false;
	}

	/** Every secret this simulator handed out since its start, for scans that must not find them. */
	secrets() {
		return [
			this.credentials.clientSecret,
			this.credentials.userPassword,
			...this.requestTokens.keys(),
			...this.refreshTokens.keys(),
			...this.accessTokens.keys(),
		];
	}

	// The FAILED queue

	/** `count`, or `{ count }`, or `{ notifications: [partial, ...] }`; returns the added ones. */
	addNotifications(spec) {
		const partials =
			typeof spec === 'number'
				? Array.from({ length: spec }, () => ({}))
				: (spec?.notifications ?? Array.from({ length: spec?.count ?? 0 }, () => ({})));
		const added = partials.map((partial) => {
			this.clock += (1 + this.random.int(90)) * 60_000;
			const objectType = partial.ObjectType ?? (this.random.next() < 0.8 ? 'EXPRPT' : 'TRAVELREQ');
			return {
				id: partial.id ?? this.random.concurId(),
				eventTime: partial.EventDateTime ? Date.parse(`${partial.EventDateTime}Z`) : this.clock,
				eventType:
					partial.EventType ?? EVENT_TYPES[objectType === 'EXPRPT' ? this.random.int(2) : 2],
				objectType,
				// On the host the notification URIs name, so a workflow can fetch the object from the simulator.
				objectUri:
					partial.ObjectURI ??
					(objectType === 'EXPRPT'
						? `${this.calloutBase(this.urls.primary)}/api/expense/expensereport/v1.1/reportfulldetails/${this.random.concurId()}`
						: `${this.calloutBase(this.urls.primary)}/api/travelrequest/v1.0/requests/${this.random.concurId()}`),
				context: partial.Context ?? null,
			};
		});
		this.queue.push(...added);
		this.queue.sort((a, b) => a.eventTime - b.eventTime);
		return added.map((n) => this.describe(n, this.urls.primary));
	}

	/** A notification as the control API shows it, with its URI on `base`. */
	describe(n, base) {
		return {
			...n,
			uri: `${this.calloutBase(base)}/api/platform/notifications/v1.0/notification/${this.config.idEncoding === 'percent' ? encodeURIComponent(n.id) : n.id}`,
		};
	}

	calloutBase(servingUrl) {
		const host = this.config.calloutHost;
		if (host === 'self') return servingUrl;
		if (host === 'legacy') return 'https://www.concursolutions.com';
		return host.replace(/\/+$/, '');
	}

	listNotifications() {
		return this.queue.map((n) => this.describe(n, this.urls.primary));
	}

	deleteNotification(id) {
		const index = this.queue.findIndex((n) => n.id === id);
		if (index === -1) return false;
		this.queue.splice(index, 1);
		return true;
	}

	clearNotifications() {
		this.queue = [];
	}

	// Faults

	/**
	 * `{ endpoint, kind, rate?, next?, retryAfter? }`; endpoint 'token' | 'messages' | 'calloutList' |
	 * 'calloutDelete' | '*'. Kinds (faults.js): '429' (rate-limit body, Retry-After default 0);
	 * '500' '502' '503' '504' (a v4 error body); '503-page' (a gateway's HTML page); '503-rate-limit'
	 * (Concur's rate-limit body); the 5xx kinds carry Retry-After only when the rule gives
	 * `retryAfter`; 'reset', 'hang', 'malformed', 'doctype', 'redirect', 'processed-504'.
	 */
	addFault(rule) {
		this.faults.push({ ...rule });
	}

	clearFaults() {
		this.faults = [];
	}

	/** The fault to play for this request, if any: `next` rules first, then rates. */
	takeFault(endpoint) {
		const matching = this.faults.filter(
			(rule) => rule.endpoint === endpoint || rule.endpoint === '*',
		);
		const counted = matching.find((rule) => rule.next > 0);
		if (counted) {
			counted.next--;
			if (counted.next === 0) this.faults.splice(this.faults.indexOf(counted), 1);
			return counted;
		}
		return matching.find(
			(rule) =>
				rule.rate !== undefined && rule.next === undefined && this.random.next() < rule.rate,
		);
	}

	// Deliveries

	recordDelivery(userId, body, correlationId) {
		this.messages.push({
			userId,
			sessionId: body.sessionId,
			templateId: body.templateId,
			context: body.context,
			correlationId,
			receivedAt: Date.now(),
		});
		const key = JSON.stringify([userId, body.sessionId, body.templateId, body.context]);
		this.deliveryCounts.set(key, (this.deliveryCounts.get(key) ?? 0) + 1);
	}
}

module.exports = { SimulatorState };
