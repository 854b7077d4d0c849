import { XMLParser } from './vendor/fastXmlParser';

/** Concur's callout queue holds at most a few thousand entries; 20 MB is far above that. */
export const MAX_XML_BYTES = 20 * 1024 * 1024;

const parser = new XMLParser({
	// Concur's only attribute, i:nil on an empty Context, says what the empty element says already.
	ignoreAttributes: true,
	removeNSPrefix: true,
	// Only XML's five predefined entities are decoded: parseXml refuses any DOCTYPE before parsing,
	// so no document can declare entities that expand or reach outside it.
	processEntities: true,
	htmlEntities: false,
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
