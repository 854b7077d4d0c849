// GET /api/platform/notifications/v1.0/notification?status=FAILED and DELETE .../notification/{id}
// (SAP Concur's Callout Notifications v1.0 page "Get Notifications by Status", whose XML and JSON
// examples are test/fixtures/), in every documented variant.
const { escapeXml, json, reply, xml } = require('./http');

const NAMESPACE = 'http://www.concursolutions.com/api/notification/2012/06';
const pad = (n) => String(n).padStart(2, '0');

/** The writer's zone in the 'dataContractOffset' format: a server on US Pacific standard time. */
const WRITER_OFFSET_MINUTES = -8 * 60;

/**
 * 'dataContract' and 'dataContractOffset' are what .NET's DataContract serializers write for a
 * DateTime (the v1.0 API is a WCF service): in JSON `/Date(ms)/` or `/Date(ms-0800)/` (the ms
 * are UTC; the offset is the writer's zone), in XML xs:dateTime with 7 fraction digits.
 */
function formatDate(ms, format, inJson) {
	const offset = format === 'dataContractOffset' ? WRITER_OFFSET_MINUTES : 0;
	if (inJson && offset) return `/Date(${ms}-${pad(-offset / 60)}00)/`;
	if (inJson && format === 'dataContract') return `/Date(${ms})/`;
	const d = new Date(ms + offset * 60_000);
	const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
	const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
	if (format === 'date') return date;
	if (format === 'dataContract') return `${date}T${time}.0000000Z`;
	if (format === 'dataContractOffset') return `${date}T${time}.0000000-${pad(-offset / 60)}:00`;
	return `${date}${format === 'colon' ? ':' : 'T'}${time}`;
}

/**
 * The JSON list in `jsonWrapper`'s wrapping: none (Concur's example), the root element's name
 * (`{ "NotificationList": [...] }`), ASP.NET AJAX's `{ "d": [...] }` or WCF's wrapped body style
 * `{ "GetNotificationsByStatusResult": [...] }`. DataContractJsonSerializer escapes `/` in dates.
 */
function renderJson(state, entries) {
	const wrapper = state.config.jsonWrapper;
	const key = wrapper === 'result' ? 'GetNotificationsByStatusResult' : wrapper;
	return JSON.stringify(wrapper === 'none' ? entries : { [key]: entries }).replace(
		/"\/Date\(([^)]*)\)\/"/g,
		'"\\/Date($1)\\/"',
	);
}

/** The queue as listed: each entry twice with `duplicateEntries`, as Concur was seen to answer. */
const listed = (state) =>
	state.config.duplicateEntries ? state.queue.flatMap((n) => [n, n]) : state.queue;

function legacyError(state, status, message) {
	const format = state.config.legacyErrorFormat;
	if (format === 'json') return json(status, { Error: { Message: message } });
	if (format === 'content') return json(status, { Content: { Error: { Message: message } } });
	return xml(
		status,
		`<Error><Message>${escapeXml(message)}</Message><Server-Time>${new Date().toISOString()}</Server-Time><Id>${state.random.text(12)}</Id></Error>`,
	);
}

/** The six fields in Concur's (alphabetical) order; `nullUri` leaves the first entry's URI out. */
function fields(state, n, base, inJson) {
	const c = state.config;
	return [
		['Context', n.context],
		['EventDateTime', formatDate(n.eventTime, c.dateFormat, inJson)],
		['EventType', n.eventType],
		[c.uriField, c.nullUri && n === state.queue[0] ? null : state.describe(n, base).uri],
		['ObjectType', n.objectType],
		['ObjectURI', n.objectUri],
	];
}

function renderXml(state, base) {
	const c = state.config;
	const entries = listed(state).map((n) => {
		const children = fields(state, n, base, false)
			.map(([name, value]) =>
				value === null ? `<${name} i:nil="true" />` : `<${name}>${escapeXml(value)}</${name}>`,
			)
			.join('');
		return `<Notification>${c.failureWrapper ? `<Failure>${children}</Failure>` : children}</Notification>`;
	});
	const open = `<${c.rootName} xmlns="${NAMESPACE}" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"`;
	return `<?xml version="1.0" encoding="utf-8"?>\n${entries.length ? `${open}>${entries.join('')}</${c.rootName}>` : `${open} />`}`;
}

function handleList(state, base, headers, query) {
	if (!state.authorize(headers.authorization, ['Bearer', 'OAuth']))
		return legacyError(state, state.config.expiredTokenStatus, 'Invalid or expired token');
	const status = query.get('status');
	if (!status) return legacyError(state, 400, 'The status parameter is required');
	if (status.toUpperCase() !== 'FAILED')
		return legacyError(state, 400, `Unsupported status ${status}`);
	if ((headers.accept ?? '').includes('application/json')) {
		const entries = listed(state).map((n) => {
			const entry = Object.fromEntries(fields(state, n, base, true));
			return state.config.failureWrapper ? { Failure: entry } : entry;
		});
		return reply(200, renderJson(state, entries), {
			'Content-Type': 'application/json; charset=utf-8',
		});
	}
	return xml(200, renderXml(state, base));
}

function handleDelete(state, headers, rawId) {
	if (!state.authorize(headers.authorization, ['Bearer', 'OAuth']))
		return legacyError(state, state.config.expiredTokenStatus, 'Invalid or expired token');
	let id;
	try {
		id = decodeURIComponent(rawId);
	} catch {
		return legacyError(state, 400, 'Malformed notification id');
	}
	if (!state.deleteNotification(id))
		return legacyError(state, 404, `Notification ${id} was not found`);
	state.counters.deletes++;
	return reply(200, '');
}

module.exports = { handleList, handleDelete };
