// POST /oauth2/v0/token: Concur's four grants, rotation, geolocation variants and error codes
// (SAP Concur's Authentication API, the page the credential's documentationUrl names; the variants
// are checked in test/simulator/oauth.test.js).
const { json } = require('./http');

const SCOPE = 'notifications.messages.writeonly notifications.read notifications.writeonly openid';

function tokenError(state, code, description, extra = {}) {
	return json(state.config.tokenErrorStatus, {
		error: code === 16 ? 'invalid_request' : 'invalid_grant',
		error_description: description,
		...(state.config.tokenErrorCode ? { code } : {}),
		...extra,
	});
}

function geolocationOf(state, url) {
	const variant = state.config.geolocation;
	if (variant === 'withPath') return `${url}/oauth2/v0/token`;
	if (variant === 'trailingSlash') return `${url}/`;
	return url;
}

/** `listener` is 'primary' or 'secondary': the data centre the request reached. */
function handleToken(state, listener, rawBody) {
	const form = new URLSearchParams(rawBody);
	const config = state.config;
	const clientId = form.get('client_id');
	const clientSecret = form.get('client_secret');
	const grantType = form.get('grant_type');
	if (config.maintenance) return tokenError(state, 134, 'The company is under maintenance');
	if (!clientId) return tokenError(state, 62, 'client_id is missing');
	if (!clientSecret) return tokenError(state, 63, 'client_secret is missing');
	if (!grantType) return tokenError(state, 65, 'grant_type is missing');
	if (clientId !== state.credentials.clientId || clientSecret !== state.credentials.clientSecret)
		return tokenError(state, 5, 'Invalid client credentials');
	if (config.scopeMissing)
		return tokenError(state, 54, 'The requested scope is not granted to this application');

	const home = config.companyDataCentre;
	const companyGrant =
		grantType === 'refresh_token' ||
		(grantType === 'password' && form.get('credtype') === 'authtoken');
	// The company's tokens are issued only by its own data centre; elsewhere: code 16 and where to go.
	if (companyGrant && listener !== home) {
		return tokenError(state, 16, 'Wrong data center for this company', {
			geolocation: geolocationOf(state, state.urls[home]),
		});
	}

	let refreshToken;
	let grant;
	if (grantType === 'password' && form.get('credtype') === 'authtoken') {
		if (form.get('username') !== state.credentials.companyUuid)
			return tokenError(state, 5, 'Unknown company');
		const entry = state.requestTokens.get(form.get('password') ?? '');
		if (!entry) return tokenError(state, 136, 'The request token was not issued to this client');
		if (entry.used || entry.expiresAt <= Date.now())
			return tokenError(state, 108, 'The request token is expired or was already used');
		entry.used = true;
		refreshToken = state.issueRefreshToken();
		grant = 'password_authtoken';
	} else if (grantType === 'password') {
		if (form.get('password') !== state.credentials.userPassword)
			return tokenError(state, 5, 'Invalid username or password');
		refreshToken = state.issueRefreshToken();
		grant = 'password';
	} else if (grantType === 'refresh_token') {
		const presented = form.get('refresh_token');
		if (!presented) return tokenError(state, 106, 'refresh_token is missing');
		const entry = state.refreshTokens.get(presented);
		if (!entry || !entry.valid || entry.expiresAt <= Date.now())
			return tokenError(state, 108, 'Invalid or expired refresh token');
		state.refreshes++;
		const rotate =
			config.rotation === 'always' ||
			(config.rotation === 'sometimes' && state.refreshes % 2 === 0);
		if (rotate) {
			refreshToken = state.issueRefreshToken();
			if (!config.oldRefreshTokenValid) entry.valid = false;
		} else {
			// Each refresh extends the refresh token's life.
			entry.expiresAt = Date.now() + config.refreshTokenTtlSeconds * 1000;
			refreshToken = presented;
		}
		grant = 'refresh_token';
	} else if (grantType === 'client_credentials') {
		grant = 'client_credentials';
	} else {
		return tokenError(state, 65, `Unsupported grant_type ${grantType}`);
	}

	state.counters.grants[grant]++;
	const { token, exp } = state.issueAccessToken(
		grant === 'client_credentials' ? clientId : state.credentials.companyUuid,
	);
	const expiresIn = config.accessTokenTtlSeconds;
	const body = {
		expires_in: config.expiresInType === 'number' ? expiresIn : String(expiresIn),
		scope: SCOPE,
		token_type: 'Bearer',
		access_token: token,
		id_token: `${token.split('.')[0]}.${Buffer.from(JSON.stringify({ sub: state.credentials.companyUuid, exp })).toString('base64url')}.sig`,
		geolocation: geolocationOf(state, state.urls[grant === 'client_credentials' ? listener : home]),
	};
	if (refreshToken) {
		const refreshExpires = Math.floor(state.refreshTokens.get(refreshToken).expiresAt / 1000);
		Object.assign(body, {
			refresh_token: refreshToken,
			refresh_expires_in:
				config.expiresInType === 'number' ? refreshExpires : String(refreshExpires),
		});
	}
	return json(200, body);
}

module.exports = { handleToken };
