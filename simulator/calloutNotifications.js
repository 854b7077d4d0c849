// GET /api/platform/notifications/v1.0/notification?status=FAILED and DELETE .../notification/{id}
// (SAP Concur's Callout Notifications v1.0 page "Get Notifications by Status", whose XML and JSON
// examples are test/fixtures/), in every documented variant.
const { escapeXml, json, reply, xml } = require('./http');

const NAMESPACE = 'http://www.concursolutions.com/api/notification/2012/06';
const pad = (n) => String(n).padStart(2, '0');

function formatDate(ms, format) {
	const d = new Date(ms);
	const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
	const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
	if (format === 'date') return date;
	return `${date}${format === 'colon' ? ':' : 'T'}${time}`;
}

function legacyError(state, status, message) {
	const format = state.config.legacyErrorFormat;
	if (format === 'json') return json(status, { Error: { Message: message } });
	if (format === 'content') return json(status, { Content: { Error: { Message: message } } });
	return xml(
		status,
		`<Error><Message>${escapeXml(message)}</Message><Server-Time>${new Date().toISOString()}</Server-Time><Id>${state.random.text(12)}</Id></Error>`,
	);
}

/** The six fields in Concur's (alphabetical) order. */
function fields(state, n, base) {
	const c = state.config;
	return [
		['Context', n.context],
		['EventDateTime', formatDate(n.eventTime, c.dateFormat)],
		['EventType', n.eventType],
		[c.uriField, state.describe(n, base).uri],
		['ObjectType', n.objectType],
		['ObjectURI', n.objectUri],
	];
}

function renderXml(state, base) {
	const c = state.config;
	const entries = state.queue.map((n) => {
		const children = fields(state, n, base)
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
		return json(
			200,
			state.queue.map((n) => Object.fromEntries(fields(state, n, base))),
		);
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
