// test/fixtures holds copies of the seed page's examples; when the seeds folder beside the project
// is present, the copies must still be what the page says.
const fs = require('node:fs');
const path = require('node:path');
const { xmlExample, jsonExample } = require('../seeds');

const seedPage = path.join(
	__dirname,
	'../../../shared/seeds/callout-get-notifications-by-status-v1.md',
);
const testWithSeeds = fs.existsSync(seedPage) ? test : test.skip;

testWithSeeds("the fixtures are the seed page's XML and JSON examples", () => {
	const seed = fs.readFileSync(seedPage, 'utf8');
	const xml = seed.slice(
		seed.indexOf('<?xml'),
		seed.indexOf('</NotificationList>') + '</NotificationList>'.length,
	);
	const jsonStart = seed.indexOf('[', seed.indexOf('JSON Example of Successful Response'));
	expect(xmlExample).toBe(xml);
	expect(jsonExample).toBe(seed.slice(jsonStart, seed.lastIndexOf(']') + 1));
});

test('the examples are read from inside the repository, so a plain clone has them', () => {
	const read = jest.spyOn(fs, 'readFileSync');
	try {
		jest.isolateModules(() => require('../seeds'));
		const root = path.join(__dirname, '../..');
		const files = read.mock.calls.map(([file]) => path.relative(root, path.resolve(String(file))));
		expect(files).toEqual([
			'test/fixtures/callout-notifications.xml',
			'test/fixtures/callout-notifications.json',
		]);
	} finally {
		read.mockRestore();
	}
});
