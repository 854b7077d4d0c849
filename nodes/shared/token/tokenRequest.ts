import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestHelper,
	IN8nHttpFullResponse,
} from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { parseConcurError } from '../concurErrors';
import { configuredOrigin, toOrigin } from '../concurHosts';
import {
	DEFAULT_MAX_ATTEMPTS,
	DEFAULT_TIMEOUT_SECONDS,
	describeNetworkFailure,
	networkCode,
	retryAfterMs,
	retryDelayMs,
} from '../retryPolicy';
import { grantFor, type ChosenGrant } from './grant';
import { explainTokenFailure, explainTokenLoadRefusal } from './tokenAdvice';

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
		/**
		 * Concur refused the grant itself for good: invalid, expired, revoked or used (code 108, or
		 * OAuth's `invalid_grant` without a code). The same stored grant is refused again.
		 */
		readonly grantRefused = false,
	) {
		super(message);
	}
}

/**
 * A token request Concur refused for load (429, or 503 from it or a gateway) was not processed,
 * so it is repeated like any throttled request: after the wait Concur asks for (or a backoff when
 * it names none, `Retry-After: 0` included), up to the attempts and the time one request of the
 * nodes gets by default. A credential's token request has no node options of its own, and every
 * request of a run waits for it, so it waits no longer than one request may take in all.
 */
const TOKEN_ATTEMPTS = DEFAULT_MAX_ATTEMPTS;
const TOKEN_WAIT_BUDGET_MS = DEFAULT_TIMEOUT_SECONDS * 1000;
const refusedForLoad = (status: number) => status === 429 || status === 503;

/**
 * The token request itself; `refreshToken` replaces the stored one. `chosen` is the grant the
 * caller already chose from the same credential, so that it is chosen once per token request.
 */
export async function requestToken(
	helpers: IHttpRequestHelper['helpers'],
	c: Credentials,
	from: string,
	refreshToken?: string,
	chosen: ChosenGrant = grantFor(c),
): Promise<{ fields: TokenFields; refreshToken: string }> {
	const { form: storedForm, source, grant } = chosen;
	const form = refreshToken ? { ...storedForm, refresh_token: refreshToken } : storedForm;
	let origin = toOrigin(String(c.geolocation ?? '')) || configuredOrigin(c);
	if (!origin)
		throw new ConcurTokenError(
			'Choose a data centre, or enter a valid Custom Base URL (e.g. https://us2.api.concursolutions.com).',
		);
	let waitedMs = 0;
	for (let attempt = 1; ; attempt++) {
		const response = await postTokenForm(helpers, origin, form);
		const body =
			typeof response.body === 'string' ? safeJson(response.body) : (response.body as IDataObject);
		const status = Number(response.statusCode);
		const correlationId = String(response.headers?.['concur-correlationid'] ?? '');
		if (status === 200 && typeof body?.access_token === 'string')
			return issuedToken(body, { form, storedForm, source, grant }, origin);
		const details = parseConcurError(body ?? response.body);
		const redirect = toOrigin(String(body?.geolocation ?? ''));
		// Code 16: the company lives in another data centre, which the answer names. Ask there once.
		if (details.code === '16' && redirect && redirect !== origin && attempt === 1) {
			origin = redirect;
			continue;
		}
		if (refusedForLoad(status)) {
			const askedMs = retryAfterMs(response.headers?.['retry-after'], Date.now());
			const waitMs = Math.max(askedMs ?? 0, retryDelayMs(attempt));
			const tooLong = waitedMs + waitMs > TOKEN_WAIT_BUDGET_MS;
			if (attempt >= TOKEN_ATTEMPTS || tooLong) {
				throw new ConcurTokenError(
					explainTokenLoadRefusal({
						status,
						message: details.message,
						correlationId,
						attempts: attempt,
						waitTooLongMs: tooLong ? askedMs : undefined,
						budgetMs: TOKEN_WAIT_BUDGET_MS,
					}),
				);
			}
			waitedMs += waitMs;
			await sleep(waitMs);
			continue;
		}
		const grantRefused =
			details.code === '108' || (!details.code && body?.error === 'invalid_grant');
		throw new ConcurTokenError(
			explainTokenFailure(
				status,
				details.code,
				details.message,
				grant,
				correlationId,
				redirect,
				grantRefused,
			),
			details.code,
			from,
			grantRefused,
		);
	}
}

async function postTokenForm(
	helpers: IHttpRequestHelper['helpers'],
	origin: string,
	form: Record<string, string>,
): Promise<IN8nHttpFullResponse> {
	return (await helpers
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
		})) as IN8nHttpFullResponse;
}

/**
 * The fields to save from Concur's token answer, and the refresh token Concur left valid: the one
 * it issued, else the one presented (a client-credentials token has none).
 */
function issuedToken(
	body: IDataObject,
	request: { form: Record<string, string>; storedForm: Record<string, string> } & ChosenGrant,
	origin: string,
): { fields: TokenFields; refreshToken: string } {
	const now = Date.now();
	const valid =
		request.grant === 'clientCredentials'
			? ''
			: typeof body.refresh_token === 'string'
				? body.refresh_token
				: String(request.form.refresh_token ?? '');
	const fields: TokenFields = {
		accessToken: String(body.access_token),
		...(valid && valid !== request.storedForm.refresh_token
			? { issuedRefreshToken: valid, lineage: request.source }
			: {}),
		geolocation: toOrigin(String(body.geolocation ?? '')) || origin,
		expiresAt: now + (Number(body.expires_in) || 3600) * 1000,
		issuedAt: now,
	};
	return { fields, refreshToken: valid };
}

function safeJson(text: string): IDataObject | undefined {
	try {
		return JSON.parse(text) as IDataObject;
	} catch {
		return undefined;
	}
}
