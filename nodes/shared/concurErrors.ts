import { parseXml } from './xml';

/** What a Concur error body says, whichever of its documented shapes it came in. */
export interface ConcurErrorDetails {
	message?: string;
	code?: string;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

const text = (value: unknown): string | undefined =>
	typeof value === 'string' && value.trim() ? value.trim() : typeof value === 'number' ? String(value) : undefined;

/**
 * Finds Concur's own message in any of its error shapes (concur-api.md §2-4): v4 flat and nested
 * `{ errorCode, errorMessage, errors: [...] }`, Expense v4 `{ errorMessage, validationErrors }`,
 * rate limit `{ error: { message } }`, OAuth `{ error, error_description, code }`, legacy
 * `{ Error: { Message } }`, `{ Content: { Error: { Message } } }` and `<Error><Message>`.
 * Never throws: an unexpected body gives empty details.
 */
export function parseConcurError(body: unknown): ConcurErrorDetails {
	let data = body;
	if (typeof data === 'string') {
		const trimmed = data.trim();
		try {
			data = trimmed.startsWith('<') ? parseXml(trimmed) : trimmed ? JSON.parse(trimmed) : undefined;
		} catch {
			return { message: trimmed.slice(0, 300) || undefined };
		}
	}
	if (!isObject(data)) return {};

	const legacy = (isObject(data.Content) ? data.Content.Error : undefined) ?? data.Error;
	if (isObject(legacy)) return { message: text(legacy.Message), code: text(legacy.Id) };

	if (isObject(data.error)) return { message: text(data.error.message), code: text(data.error.id) };

	if (typeof data.error === 'string') {
		return { message: text(data.error_description) ?? data.error, code: text(data.code) };
	}

	const messages: string[] = [];
	let code = text(data.errorCode);
	const collect = (entry: Json) => {
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
