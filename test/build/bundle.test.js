// The published package has no dependencies: fast-xml-parser must be inside dist and work from there.
const fs = require('node:fs');
const path = require('node:path');
const { xmlExample } = require('../fixtures/seeds');

const dist = path.join(__dirname, '../../dist');
const vendorFile = path.join(dist, 'nodes/shared/vendor/fastXmlParser.js');

test('the built parser is the bundled library, not a require of fast-xml-parser', () => {
	const source = fs.readFileSync(vendorFile, 'utf8');
	expect(source).not.toMatch(/require\(["']fast-xml-parser["']\)/);
	expect(source).toMatch(/MIT License/);
});

test('the built parser parses the seed XML example with no node_modules to fall back on', () => {
	// Copy dist where no node_modules folder is above it, so only bundled code can be resolved.
	const os = require('node:os');
	const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-'));
	fs.cpSync(path.join(dist, 'nodes/shared'), copy, { recursive: true });
	try {
		const { XMLParser } = require(path.join(copy, 'vendor/fastXmlParser.js'));
		const parsed = new XMLParser({ removeNSPrefix: true }).parse(xmlExample);
		expect(parsed.NotificationList.Notification.ObjectType).toBe('EXPRPT');
		expect(parsed.NotificationList.Notification.NotificationURI).toMatch(
			/nOB1KNTDSWUcJPMV6dPDjNc\$scu6EDbt9s$/,
		);
	} finally {
		fs.rmSync(copy, { recursive: true, force: true });
	}
});

test('no file in dist requires a package other than n8n-workflow and Node built-ins', () => {
	const builtins = new Set(require('node:module').builtinModules);
	const files = fs.readdirSync(dist, { recursive: true }).filter((f) => f.endsWith('.js'));
	const external = files.flatMap((file) =>
		[
			...fs
				.readFileSync(path.join(dist, file), 'utf8')
				.matchAll(/require\(["']([^"'.][^"']*)["']\)/g),
		]
			.map((m) => m[1])
			.filter((name) => name !== 'n8n-workflow' && !builtins.has(name.replace(/^node:/, '')))
			.map((name) => `${file}: ${name}`),
	);
	expect(external).toEqual([]);
});
