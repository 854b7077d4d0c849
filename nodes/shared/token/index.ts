import type { ICredentialDataDecryptedObject, IHttpRequestHelper } from 'n8n-workflow';

import { configuredOrigin } from '../concurHosts';
import { requestedToken } from './tokenCache';
import type { TokenFields } from './tokenRequest';

/**
 * The token the credential's preAuthentication returns, for every authentication: a pasted access
 * token as it is (never renewed), else a company or app token requested from Concur.
 */
export async function obtainAccessToken(
	helpers: IHttpRequestHelper['helpers'],
	credentials: ICredentialDataDecryptedObject,
): Promise<TokenFields> {
	if (credentials.authentication === 'accessToken') return pastedToken(credentials);
	return await requestedToken(helpers, credentials);
}

function pastedToken(credentials: ICredentialDataDecryptedObject): TokenFields {
	return {
		accessToken: String(credentials.pastedAccessToken ?? ''),
		geolocation: configuredOrigin(credentials),
		expiresAt: 0,
		issuedAt: Date.now(),
	};
}
