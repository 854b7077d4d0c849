import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';

import { CALLOUT_API_PREFIX } from './calloutApi';
import { apiOrigin, calloutOrigin, isTrustedUrl, toOrigin, trustedOrigins } from './concurHosts';

/** The HTTP Request node sends request-library options: the target is `uri`, redirects are `followRedirect`. */
type LegacyRequestOptions = IHttpRequestOptions & {
	uri?: string;
	followRedirect?: boolean;
	followAllRedirects?: boolean;
};

const isCallout = (path: string) => path.includes(CALLOUT_API_PREFIX);

/**
 * The credential's `authenticate`: sends the token only to this credential's Concur hosts, never
 * through a redirect, and gives relative requests the host the token lives on (the callout host for
 * the callout API, the token's data centre for the rest).
 */
export function authenticateRequest(
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
): IHttpRequestOptions {
	const { uri } = requestOptions as LegacyRequestOptions;
	const url = requestOptions.url ?? uri ?? '';
	const absolute = /^https?:\/\//i.test(url);
	const baseURL =
		requestOptions.baseURL ||
		(absolute ? undefined : isCallout(url) ? calloutOrigin(credentials) : apiOrigin(credentials));
	const target = absolute ? url : `${toOrigin(baseURL ?? '')}${url}`;
	if (!isTrustedUrl(credentials, target)) {
		throw new Error(
			`Refused to send the SAP Concur token to ${toOrigin(target) || target}: it is not one of this credential's Concur hosts (${[...trustedOrigins(credentials)].join(', ')}). Use a URL from Concur, or change the credential's data centre.`,
		);
	}
	const scheme = isCallout(target) ? String(credentials.calloutAuthScheme || 'Bearer') : 'Bearer';
	const authenticated: LegacyRequestOptions = {
		...requestOptions,
		baseURL,
		disableFollowRedirect: true,
		headers: { ...requestOptions.headers, Authorization: `${scheme} ${credentials.accessToken}` },
	};
	// The HTTP Request node's request options follow redirects, and n8n would carry the token along.
	if (uri !== undefined)
		Object.assign(authenticated, { followRedirect: false, followAllRedirects: false });
	return authenticated;
}
