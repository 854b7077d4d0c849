import { XMLParser } from './vendor/fastXmlParser';

/** Concur's callout queue holds at most a few thousand entries; 20 MB is far above that. */
export const MAX_XML_BYTES = 20 * 1024 * 1024;

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const REFERENCE = /&(?:#x([0-9a-fA-F]+)|#([0-9]+)|(amp|lt|gt|quot|apos));/g;

/** A character reference's text; undefined for a code point XML does not allow (kept as written). */
function character(codePoint: number): string | undefined {
	const allowed =
		codePoint === 0x9 ||
		codePoint === 0xa ||
		codePoint === 0xd ||
		(codePoint >= 0x20 && codePoint <= 0xd7ff) ||
		(codePoint >= 0xe000 && codePoint <= 0xfffd) ||
		(codePoint >= 0x10000 && codePoint <= 0x10ffff);
	return allowed ? String.fromCodePoint(codePoint) : undefined;
}

/**
 * Decodes XML's five predefined entities and decimal and hexadecimal character references in one
 * pass, so `&amp;#38;` stays the text `&#38;`. .NET's XML writers emit `&#xD;` for every carriage
 * return. Nothing else: parseXml refuses any DOCTYPE before parsing, so no document can declare
 * entities that expand or reach outside it, and there are none to add.
 */
const referenceDecoder = {
	decode: (text: string): string =>
		text.replace(REFERENCE, (whole, hex?: string, decimal?: string, name?: string) =>
			name ? PREDEFINED[name] : (character(hex ? parseInt(hex, 16) : Number(decimal)) ?? whole),
		),
	reset: () => undefined,
	setXmlVersion: () => undefined,
	setExternalEntities: () => undefined,
	addInputEntities: () => undefined,
};

const parser = new XMLParser({
	// Concur's only attribute, i:nil on an empty Context, says what the empty element says already.
	ignoreAttributes: true,
	removeNSPrefix: true,
	processEntities: true,
	entityDecoder: referenceDecoder,
	parseTagValue: false,
	trimValues: true,
	isArray: (name) => name === 'Notification',
});

/** Parses an XML document into plain objects, refusing DOCTYPEs and oversized bodies. */
export function parseXml(text: string): Record<string, unknown> {
	if (text.length > MAX_XML_BYTES) {
		throw new Error(`The XML response is larger than ${MAX_XML_BYTES} bytes`);
	}
	if (/<!DOCTYPE/i.test(text)) {
		throw new Error('The XML response contains a DOCTYPE declaration, which is refused for safety');
	}
	const parsed: unknown = parser.parse(text, true);
	if (!parsed || typeof parsed !== 'object') throw new Error('The response is not an XML document');
	return parsed as Record<string, unknown>;
}
