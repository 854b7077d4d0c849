// The credential in n8n's HTTP Request node, which sends request-library options (`uri`, `followRedirect`).
const { SapConcurApi } = require('../../dist/credentials/SapConcurApi.credentials');

const credential = new SapConcurApi();
const data = {
	dataCenter: 'https://us2.api.concursolutions.com',
	geolocation: 'https://eu2.api.concursolutions.com',
	accessToken: 'T',
	calloutAuthScheme: 'Bearer',
};

test("is offered among the HTTP Request node's predefined credential types", () => {
	expect(credential.httpRequestNode).toEqual({
		name: 'SAP Concur',
		docsUrl: expect.stringMatching(/^https:\/\/developer\.concur\.com\//),
		apiBaseUrlPlaceholder: expect.stringMatching(/^https:\/\//),
	});
});

test('a Concur URL gets the token, and redirects are not followed with it', async () => {
	const options = await credential.authenticate(data, {
		uri: 'https://eu2.api.concursolutions.com/api/expense/expensereport/v1.1/reportfulldetails/R1',
		followRedirect: true,
	});
	expect(options).toMatchObject({
		headers: { Authorization: 'Bearer T' },
		followRedirect: false,
		followAllRedirects: false,
		disableFollowRedirect: true,
	});
	expect(options.baseURL).toBeUndefined();
});

test.each(['https://evil.example.com/x', 'http://127.0.0.1:9/x'])('never to %s', async (uri) => {
	await expect(credential.authenticate(data, { uri })).rejects.toThrow(
		/Refused to send the SAP Concur token to/,
	);
});
