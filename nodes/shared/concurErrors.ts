import type { IDataObject, NodeApiError } from 'n8n-workflow';

import { isObject, looksLikeXml, parseXmlOrJson } from './responseBody';

/** What a Concur error body says, whichever of its documented shapes it came in. */
export interface ConcurErrorDetails {
	message?: string;
	code?: string;
	/**
	 * The body as it came, cut to BODY_LIMIT characters, when it is none of Concur's error shapes
	 * (a gateway's HTML page, plain text, unknown JSON): for the error's details, never its message.
	 */
	body?: string;
}

/** Enough for the visible text of a gateway's error page, short enough to read in n8n's error details. */
export const BODY_LIMIT = 1000;
/** A message's summary of a page or text: its title or first words. */
const SUMMARY_LIMIT = 100;

const text = (value: unknown): string | undefined =>
	typeof value === 'string' && value.trim()
		? value.trim()
		: typeof value === 'number'
			? String(value)
			: undefined;

const cut = (value: string, limit: number) =>
	value.length > limit ? `${value.slice(0, limit)}…` : value;

/** Whitespace collapsed, cut after the last whole word within SUMMARY_LIMIT. */
function words(value: string): string {
	const flat = value.replace(/\s+/g, ' ').trim();
	return flat.length > SUMMARY_LIMIT
		? `${flat.slice(0, SUMMARY_LIMIT).replace(/\s+\S*$/, '')}…`
		: flat;
}

/** An HTML page's title, else its first visible words; never markup. */
function pageSummary(html: string): string {
	const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1].replace(/<[^>]*>/g, '');
	if (title?.trim()) return words(title);
	const visible = html
		.replace(/<(script|style|head)\b[\s\S]*?<\/\1>/gi, ' ')
		.replace(/<[^>]*>?/g, ' ');
	return words(visible) || 'no text';
}

const looksLikeHtml = (body: string) => /^(<\?xml[^>]*>\s*)?<(!doctype\s+html|html)\b/i.test(body);

/**
 * Finds Concur's own message in any of its error shapes (concur-api.md §2-4): v4 flat and nested
 * `{ errorCode, errorMessage, errors: [...] }`, Expense v4 `{ errorMessage, validationErrors }`,
 * rate limit `{ error: { message } }`, OAuth `{ error, error_description, code }`, legacy
 * `{ Error: { Message } }`, `{ Content: { Error: { Message } } }` and `<Error><Message>`.
 * Never throws: an unexpected body gives no message, and its text for the details. A page or text
 * that is no Concur error gets a short summary instead: the status, the title or first words.
 */
export function parseConcurError(body: unknown, status?: number): ConcurErrorDetails {
	if (typeof body !== 'string') return fromData(body);
	const trimmed = body.trim();
	if (!trimmed) return {};
	const summary = (what: string) => (status ? `HTTP ${status}, ${what}` : what);
	const details = { body: cut(trimmed, BODY_LIMIT) };
	if (looksLikeHtml(trimmed))
		return { ...details, message: summary(`an HTML page: ${pageSummary(trimmed)}`) };
	let data: unknown;
	try {
		data = parseXmlOrJson(trimmed);
	} catch {
		return {
			...details,
			message: summary(
				looksLikeXml(trimmed)
					? `a document this node cannot read: ${pageSummary(trimmed)}`
					: words(trimmed),
			),
		};
	}
	const found = fromData(data);
	return found.message ? found : { ...found, ...details };
}

function fromData(data: unknown): ConcurErrorDetails {
	if (!isObject(data)) return {};

	const legacy = (isObject(data.Content) ? data.Content.Error : undefined) ?? data.Error;
	if (isObject(legacy)) return { message: text(legacy.Message), code: text(legacy.Id) };

	if (isObject(data.error)) return { message: text(data.error.message), code: text(data.error.id) };

	if (typeof data.error === 'string') {
		return { message: text(data.error_description) ?? data.error, code: text(data.code) };
	}

	const messages: string[] = [];
	let code = text(data.errorCode);
	const collect = (entry: IDataObject) => {
		const message = text(entry.errorMessage) ?? text(entry.message);
		if (message && !messages.includes(message)) messages.push(message);
		code ??= text(entry.errorCode);
		for (const nested of [entry.errors, entry.validationErrors]) {
			if (Array.isArray(nested)) nested.filter(isObject).forEach(collect);
		}
	};
	collect(data);
	return { message: messages.join('; ') || undefined, code };
}

/**
 * Whether a body is Concur's rate-limit error `{ error: { id, message } }` (concur-api.md §4), a
 * shape none of its other errors has (they are flat, legacy `Error` or OAuth `error` strings).
 */
export function isRateLimitBody(body: unknown): boolean {
	let data = body;
	if (typeof body === 'string') {
		try {
			data = JSON.parse(body);
		} catch {
			return false;
		}
	}
	return isObject(data) && isObject(data.error) && text(data.error.message) !== undefined;
}

/** Puts the body that is no Concur error where n8n shows an error's data: its details, not its message. */
export function withResponseBody(error: NodeApiError, details: ConcurErrorDetails): NodeApiError {
	if (details.body) error.context.data = details.body;
	return error;
}
