// IDs and URLs as users paste them: decoded once, whichever way they came.
const { decodedOnce, unencodedUrl } = require('../../../dist/nodes/shared/uriText');
const { lastSegment } = require('../../../dist/nodes/shared/calloutNotifications');
const { toOrigin, configuredOrigin } = require('../../../dist/nodes/shared/concurHosts');

test.each([
	['nOB1KNTDSWUcJPMV6dPDjNc$scu6EDbt9s', 'nOB1KNTDSWUcJPMV6dPDjNc$scu6EDbt9s'],
	['nOB1KNTDSWUcJPMV6dPDjNc%24scu6EDbt9s', 'nOB1KNTDSWUcJPMV6dPDjNc$scu6EDbt9s'],
	['a%2524b', 'a%24b'],
	['100%', '100%'],
])('the bare id %j is %j', (given, id) => expect(decodedOnce(given)).toBe(id));

test.each([
	['https%3A%2F%2Fus2.api.concursolutions.com%2F', 'https://us2.api.concursolutions.com/'],
	['HTTP%3a%2f%2f127.0.0.1%3A8777', 'HTTP://127.0.0.1:8777'],
	['https://us2.api.concursolutions.com/a%24b', 'https://us2.api.concursolutions.com/a%24b'],
])('the URL %j is %j', (given, url) => expect(unencodedUrl(given)).toBe(url));

test('a Custom Base URL pasted percent-encoded names its origin', () => {
	expect(toOrigin('https%3A%2F%2Fus2.api.concursolutions.com')).toBe(
		'https://us2.api.concursolutions.com',
	);
	expect(
		configuredOrigin({ dataCenter: 'custom', baseUrl: ' http%3A%2F%2F127.0.0.1%3A8777%2F ' }),
	).toBe('http://127.0.0.1:8777');
});

test.each([
	['https://www.concursolutions.com/', ''],
	['https://www.concursolutions.com', ''],
])('a URI without a path, %j, names no id', (uri, id) => expect(lastSegment(uri)).toBe(id));
