import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestHelper } from 'n8n-workflow';

import { parseConcurError } from '../concurErrors';
import { configuredOrigin, toOrigin } from '../concurHosts';
import { describeNetworkFailure, networkCode } from '../retryPolicy';
import { grantFor } from './grant';
import { explainTokenFailure } from './tokenAdvice';

type Credentials = ICredentialDataDecryptedObject;

/** The hidden credential fields the token request fills in; n8n saves them with the credential. */
export interface TokenFields extends IDataObject {
	accessToken: string;
	/**
	 * Only when Concur issued a new refresh token. n8n saves the fields returned over the credential as
	 * stored at that moment, so an unchanged refresh token left out never overwrites a newer one that
	 * another n8n process saved meanwhile.
	 */
	issuedRefreshToken?: string;
	/** Fingerprint of the pasted request or refresh token that `issuedRefreshToken` descends from. */
	lineage?: string;
	geolocation: string;
	expiresAt: number;
	issuedAt: number;
}

/**
 * A token request that failed. Deliberately has no `code` or `status` property: n8n's NodeApiError
 * would read those and replace this message with a generic one.
 */
export class ConcurTokenError extends Error {
	constructor(
		message: string,
		readonly concurCode?: string,
		/** The stored grant the refused request was made from (a fingerprint, never the secret). */
		readonly grantState?: string,
	) {
		super(message);
	}
}

/** The token request itself; `refreshToken` replaces the stored one. */
export async function requestToken(
	helpers: IHttpRequestHelper['helpers'],
	c: Credentials,
	from: string,
	refreshToken?: string,
): Promise<{ fields: TokenFields; refreshToken: string }> {
	const { form: storedForm, source, grant } = grantFor(c);
	const form = refreshToken ? { ...storedForm, refresh_token: refreshToken } : storedForm;
	let origin = toOrigin(String(c.geolocation ?? '')) || configuredOrigin(c);
	if (!origin)
		throw new ConcurTokenError(
			'Choose a data centre, or enter a valid Custom Base URL (e.g. https://us2.api.concursolutions.com).',
		);
	for (let attempt = 1; ; attempt++) {
		const response = await helpers
			.httpRequest({
				method: 'POST',
				url: `${origin}/oauth2/v0/token`,
				headers: {
					'Content-Type': 'application/x-www-form-urlencoded',
					Accept: 'application/json',
				},
				body: new URLSearchParams(form).toString(),
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				disableFollowRedirect: true,
				timeout: 30_000,
			})
			.catch((error: Error) => {
				throw new ConcurTokenError(
					`Could not reach SAP Concur at ${origin} to get a token: ${describeNetworkFailure(networkCode(error))}. Check the data centre or Custom Base URL, and the network.`,
				);
			});
		const body =
			typeof response.body === 'string' ? safeJson(response.body) : (response.body as IDataObject);
		const status = Number(response.statusCode);
		const correlationId = String(response.headers?.['concur-correlationid'] ?? '');
		if (status === 200 && typeof body?.access_token === 'string') {
			const now = Date.now();
			const valid =
				grant === 'clientCredentials'
					? ''
					: typeof body.refresh_token === 'string'
						? body.refresh_token
						: String(form.refresh_token ?? '');
			const fields: TokenFields = {
				accessToken: body.access_token,
				...(valid && valid !== storedForm.refresh_token
					? { issuedRefreshToken: valid, lineage: source }
					: {}),
				geolocation: toOrigin(String(body.geolocation ?? '')) || origin,
				expiresAt: now + (Number(body.expires_in) || 3600) * 1000,
				issuedAt: now,
			};
			return { fields, refreshToken: valid };
		}
		const details = parseConcurError(body ?? response.body);
		const redirect = toOrigin(String(body?.geolocation ?? ''));
		// Code 16: the company lives in another data centre, which the answer names. Ask there once.
		if (details.code === '16' && redirect && redirect !== origin && attempt === 1) {
			origin = redirect;
			continue;
		}
		throw new ConcurTokenError(
			explainTokenFailure(status, details.code, details.message, grant, correlationId, redirect),
			details.code,
			from,
		);
	}
}

function safeJson(text: string): IDataObject | undefined {
	try {
		return JSON.parse(text) as IDataObject;
	} catch {
		return undefined;
	}
}
