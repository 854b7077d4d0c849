// The only import of fast-xml-parser. The build bundles this file's output into dist so that the
// published package needs no runtime dependency (n8n's community-package rules).
export { XMLParser } from 'fast-xml-parser';
