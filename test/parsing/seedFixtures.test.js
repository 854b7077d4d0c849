// test/fixtures holds copies of the examples of Concur's "Get Notifications by Status" page (see
// test/fixtures/README.md); the tests read them from inside the repository only.
const fs = require('node:fs');
const path = require('node:path');

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
