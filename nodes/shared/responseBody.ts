import type { IDataObject } from 'n8n-workflow';

import { parseXml } from './xml';

/** A JSON object or parsed XML element: not null, not a list. */
export const isObject = (value: unknown): value is IDataObject =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Whether a trimmed body is XML. Concur answers some endpoints in XML whatever was asked for, and
 * every XML document starts with `<`, which no JSON document does.
 */
export const looksLikeXml = (trimmed: string): boolean => trimmed.startsWith('<');

/** A trimmed, non-empty body parsed as XML or JSON, whichever it is; throws when it is neither. */
export function parseXmlOrJson(trimmed: string): unknown {
	return looksLikeXml(trimmed) ? parseXml(trimmed) : JSON.parse(trimmed);
}
