/*
 * IDs and URLs as users paste them: copied out of a NotificationURI, a query string or a form,
 * they may arrive URL-encoded. Each is decoded once, so that it is encoded once when sent.
 */

/**
 * A URI part decoded once: Concur's ids contain `$`, which a URI may write `%24`. Text that does
 * not decode (a `%` not followed by two hex digits) is taken as written.
 */
export function decodedOnce(text: string): string {
	try {
		return decodeURIComponent(text);
	} catch {
		return text;
	}
}

/** A URL, decoded when it came percent-encoded as a whole (`https%3A%2F%2F…`). */
export const unencodedUrl = (text: string): string =>
	/^https?%3A/i.test(text) ? decodedOnce(text) : text;
