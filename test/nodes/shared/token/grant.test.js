// Which token request the credential's fields call for.
const { grantFor, fingerprint } = require('../../../../dist/nodes/shared/token/grant');

const app = { clientId: 'id', clientSecret: 'secret' };
const company = {
	...app,
	authentication: 'companyRequestToken',
	companyUuid: 'c',
	requestToken: 'R',
};

test.each([
	[
		'client credentials: an app token',
		{ ...app, authentication: 'clientCredentials' },
		'clientCredentials',
		{ grant_type: 'client_credentials' },
	],
	[
		'a company request token, first use',
		company,
		'requestToken',
		{ grant_type: 'password', username: 'c', password: 'R', credtype: 'authtoken' },
	],
	[
		'a company request token, once exchanged: the refresh token it gave',
		{ ...company, issuedRefreshToken: 'I', lineage: fingerprint('R') },
		'refreshStored',
		{ grant_type: 'refresh_token', refresh_token: 'I' },
	],
	[
		'a new request token pasted: the old refresh token is not used',
		{ ...company, requestToken: 'R2', issuedRefreshToken: 'I', lineage: fingerprint('R') },
		'requestToken',
		{ grant_type: 'password', password: 'R2' },
	],
	[
		'a pasted refresh token',
		{ ...app, authentication: 'refreshToken', refreshToken: 'P' },
		'refreshPasted',
		{ grant_type: 'refresh_token', refresh_token: 'P' },
	],
	[
		'a pasted refresh token, rotated since',
		{
			...app,
			authentication: 'refreshToken',
			refreshToken: 'P',
			issuedRefreshToken: 'I',
			lineage: fingerprint('P'),
		},
		'refreshPasted',
		{ grant_type: 'refresh_token', refresh_token: 'I' },
	],
])('%s', (_, credentials, grant, form) => {
	const chosen = grantFor(credentials);
	expect(chosen.grant).toBe(grant);
	expect(chosen.form).toMatchObject({ client_id: 'id', client_secret: 'secret', ...form });
});
