import type { ICredentialDataDecryptedObject, INodePropertyOptions } from 'n8n-workflow';

import { unencodedUrl } from './uriText';

/** Concur's data centres (concur-api.md §1). The value is the base URL every call starts from. */
export const DATA_CENTERS: INodePropertyOptions[] = [
	{ name: 'US2', value: 'https://us2.api.concursolutions.com' },
	{ name: 'EU2', value: 'https://eu2.api.concursolutions.com' },
	{ name: 'APJ1', value: 'https://apj1.api.concursolutions.com' },
	{ name: 'CCPS (US Public Sector)', value: 'https://usg.api.concursolutions.com' },
	{ name: 'US (Older)', value: 'https://us.api.concursolutions.com' },
	{ name: 'EMEA (Older)', value: 'https://emea.api.concursolutions.com' },
	{ name: 'China', value: 'https://cn.api.concurcdc.cn' },
	{ name: 'US Implementation (Sandbox)', value: 'https://us-impl.api.concursolutions.com' },
	{ name: 'EMEA Implementation (Sandbox)', value: 'https://emea-impl.api.concursolutions.com' },
	{
		name: 'Global Landing Zone (New Partner Integrations)',
		value: 'https://glz.api.concursolutions.com',
	},
	{ name: 'Custom Base URL', value: 'custom' },
];

export const LEGACY_ORIGIN = 'https://www.concursolutions.com';

/**
 * Keeps scheme, host and port: geolocation sometimes arrives with a path or a trailing slash. A
 * URL copied out of a query string arrives percent-encoded (`https%3A%2F%2F…`) and is decoded.
 */
export function toOrigin(url: string): string {
	try {
		return new URL(unencodedUrl(url.trim())).origin;
	} catch {
		return '';
	}
}

/** Where token requests and API calls start before the token names its geolocation. */
export function configuredOrigin(credentials: ICredentialDataDecryptedObject): string {
	const dataCenter = String(credentials.dataCenter ?? '');
	return toOrigin(dataCenter === 'custom' ? String(credentials.baseUrl ?? '') : dataCenter);
}

/** Where API calls go: the token's geolocation once known, else the configured data centre. */
export function apiOrigin(credentials: ICredentialDataDecryptedObject): string {
	return toOrigin(String(credentials.geolocation ?? '')) || configuredOrigin(credentials);
}

/** The host of the v1.0 callout API: the token's geolocation, or the legacy host when chosen. */
export function calloutOrigin(credentials: ICredentialDataDecryptedObject): string {
	return credentials.calloutHost === 'legacy' ? LEGACY_ORIGIN : apiOrigin(credentials);
}

/** Each `X.api.concursolutions.com` host also answers as `www-X.api.concursolutions.com`. */
function withTwin(origin: string): string[] {
	const url = new URL(origin);
	const twin = url.hostname.startsWith('www-')
		? url.hostname.slice(4)
		: url.hostname.includes('.api.')
			? `www-${url.hostname}`
			: undefined;
	if (!twin) return [origin];
	url.hostname = twin;
	return [origin, url.origin];
}

/** The only origins the credential's token may be sent to. */
export function trustedOrigins(credentials: ICredentialDataDecryptedObject): Set<string> {
	const origins = [configuredOrigin(credentials), apiOrigin(credentials), LEGACY_ORIGIN];
	return new Set(origins.filter(Boolean).flatMap(withTwin));
}

export function isTrustedUrl(credentials: ICredentialDataDecryptedObject, url: string): boolean {
	return trustedOrigins(credentials).has(toOrigin(url));
}
