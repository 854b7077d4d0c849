import { createHash } from 'crypto';
import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestHelper } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { parseConcurError } from './concurErrors';
import { configuredOrigin, toOrigin } from './concurHosts';
import { describeNetworkFailure, networkCode } from './retryPolicy';

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

type Credentials = ICredentialDataDecryptedObject;

const fingerprint = (secret: string) =>
	createHash('sha256').update(secret).digest('hex').slice(0, 16);

/** The fields a user types identify one token lineage; the refreshed fields are not part of it. */
function lineageKey(c: Credentials): string {
	return fingerprint(
		JSON.stringify([
			c.authentication,
			c.clientId,
			c.clientSecret,
			c.companyUuid,
			c.requestToken,
			c.refreshToken,
			c.dataCenter,
			c.baseUrl,
		]),
	);
}

/**
 * The stored fields a token request is made from. A change means someone (this process, or another
 * n8n process sharing the database) obtained and saved a newer token, or the user pasted a new grant.
 */
function grantState(c: Credentials): string {
	return fingerprint(
		JSON.stringify([c.requestToken, c.refreshToken, c.issuedRefreshToken, c.issuedAt]),
	);
}

interface Lineage {
	/** The token request running in this process, and the stored grant it was made from. */
	inFlight?: { from: string; token: Promise<TokenFields> };
	/** The last token this process obtained, and the stored grant it was obtained from. */
	recent?: { from: string; token: TokenFields };
	/** The refresh token Concur last left valid for this process (issued or kept). */
	refreshToken?: string;
}

/** Per process and lineage: the running token request (single-flight) and the last token obtained. */
const lineages = new Map<string, Lineage>();

/**
 * Returns a usable token for the credential. The stored credential is the source of truth: the
 * request is always made from the stored grant. Concurrent callers in this process with the same
 * stored grant share one request; a caller that read the credential before this process saved the
 * token it got from that same grant gets that token without a request, so a burst of 401s never
 * spends (and, with rotation, invalidates) a refresh token twice. A newer stored grant, saved by
 * another process, always wins over this process's memory.
 */
export async function obtainCompanyToken(
	helpers: IHttpRequestHelper['helpers'],
	credentials: Credentials,
): Promise<TokenFields> {
	if (credentials.authentication === 'accessToken') {
		return {
			accessToken: String(credentials.pastedAccessToken ?? ''),
			geolocation: configuredOrigin(credentials),
			expiresAt: 0,
			issuedAt: Date.now(),
		};
	}
	const key = lineageKey(credentials);
	const lineage = lineages.get(key) ?? {};
	lineages.set(key, lineage);
	const from = grantState(credentials);
	if (lineage.inFlight?.from === from) return await lineage.inFlight.token;
	if (lineage.recent?.from === from && lineage.recent.token.expiresAt > Date.now())
		return lineage.recent.token;
	const token = requestWithFallback(helpers, credentials, from, lineage);
	lineage.inFlight = { from, token };
	try {
		lineage.recent = { from, token: await token };
		return lineage.recent.token;
	} finally {
		if (lineage.inFlight?.token === token) lineage.inFlight = undefined;
	}
}

/**
 * A token request from the stored credential; when Concur refuses its refresh token (108) and this
 * process holds a different one Concur left valid, that one once. n8n saves a credential without a
 * lock (it reads the stored fields, then writes them back with the new ones), so another process's
 * save can put back a refresh token that a rotation here has already replaced.
 */
async function requestWithFallback(
	helpers: IHttpRequestHelper['helpers'],
	c: Credentials,
	from: string,
	lineage: Lineage,
): Promise<TokenFields> {
	const fallback = lineage.refreshToken;
	const first = await requestToken(helpers, c, from).catch((error: unknown) => error as Error);
	const refused = first instanceof ConcurTokenError && first.concurCode === '108';
	const retry = refused && fallback && fallback !== grantFor(c).form.refresh_token;
	const answer = retry
		? await requestToken(helpers, c, from, fallback).catch((error: unknown) => {
				lineage.refreshToken = undefined;
				return error as Error;
			})
		: first;
	if (answer instanceof Error) throw answer;
	lineage.refreshToken = answer.refreshToken;
	return answer.fields;
}

/** How long a refused request waits for another process's newer token to be saved. */
const SIBLING_SAVE_WAIT_MS = 5_000;
const SIBLING_POLL_MS = 250;

/**
 * After Concur refused a grant as invalid or used (code 108): whether a newer grant appeared in the
 * stored credential within a short wait. In queue mode another worker may have used the same
 * single-use request token or rotating refresh token a moment earlier and be saving what it got;
 * then the credential is fine and the caller should carry on with the stored token.
 */
export async function awaitNewerStoredGrant(
	ctx: { getCredentials(type: string): Promise<Credentials> },
	credentialName: string,
	refusal: ConcurTokenError,
): Promise<boolean> {
	if (refusal.concurCode !== '108' || !refusal.grantState) return false;
	for (let waited = 0; waited <= SIBLING_SAVE_WAIT_MS; waited += SIBLING_POLL_MS) {
		if (grantState(await ctx.getCredentials(credentialName)) !== refusal.grantState) return true;
		await sleep(SIBLING_POLL_MS);
	}
	return false;
}

type Grant = 'requestToken' | 'refreshStored' | 'refreshPasted' | 'clientCredentials';

function grantFor(c: Credentials): { form: Record<string, string>; source: string; grant: Grant } {
	const client = {
		client_id: String(c.clientId ?? ''),
		client_secret: String(c.clientSecret ?? ''),
	};
	if (c.authentication === 'clientCredentials') {
		return {
			form: { ...client, grant_type: 'client_credentials' },
			source: '',
			grant: 'clientCredentials',
		};
	}
	const pasted = String(
		(c.authentication === 'refreshToken' ? c.refreshToken : c.requestToken) ?? '',
	);
	const source = fingerprint(pasted);
	const issued = c.lineage === source ? String(c.issuedRefreshToken ?? '') : '';
	if (issued || c.authentication === 'refreshToken') {
		const grant = c.authentication === 'refreshToken' ? 'refreshPasted' : 'refreshStored';
		return {
			form: { ...client, grant_type: 'refresh_token', refresh_token: issued || pasted },
			source,
			grant,
		};
	}
	return {
		form: {
			...client,
			grant_type: 'password',
			username: String(c.companyUuid ?? ''),
			password: pasted,
			credtype: 'authtoken',
		},
		source,
		grant: 'requestToken',
	};
}

/** The token request itself; `refreshToken` replaces the stored one. */
async function requestToken(
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

const NEW_REQUEST_TOKEN =
	'Generate a new company request token in Concur (Authentication Admin > Company Request Token) for this app and paste it into the credential.';

/** A sentence that says what went wrong and what to do, with Concur's code and correlation id. */
function explainTokenFailure(
	status: number,
	code: string | undefined,
	concurMessage: string | undefined,
	grant: Grant,
	correlationId: string,
	geolocation: string,
): string {
	const advice: Record<string, string> = {
		'5': 'The Client ID or Client Secret is wrong. Copy both again from the app registration.',
		'16': `This company lives in another data centre${geolocation ? ` (${geolocation})` : ''}. Choose that data centre in the credential.`,
		'54': 'The app is not allowed the scope it asked for. Ask SAP Concur to grant the app the scope notifications.messages.writeonly.',
		'62': 'The Client ID is missing. Enter it in the credential.',
		'63': 'The Client Secret is missing. Enter it in the credential.',
		'65': 'The token request had no grant type. Choose an authentication type in the credential.',
		'106': 'The refresh token is missing. Paste it into the credential.',
		'108': {
			requestToken: `The company request token is invalid, expired (it is valid for 24 hours) or already used. ${NEW_REQUEST_TOKEN}`,
			refreshStored: `The refresh token this credential got from the company request token has expired or was revoked, and no other n8n process saved a newer one. ${NEW_REQUEST_TOKEN}`,
			refreshPasted:
				'The refresh token is invalid or has expired. Paste a new one, or use the Company Request Token authentication.',
			clientCredentials: 'The app token was refused.',
		}[grant] as string,
		'134': 'The company is under maintenance in SAP Concur. Try again later.',
		'136': `The company request token was not issued to this app's Client ID. ${NEW_REQUEST_TOKEN}`,
	};
	const what =
		(code && advice[code]) ||
		(status >= 500 || !status
			? 'SAP Concur could not issue a token right now. Try again later.'
			: 'Check the credential fields and the data centre.');
	const facts = [
		`HTTP ${status || 'no answer'}`,
		code && `Concur code ${code}`,
		concurMessage && `Concur says: ${concurMessage}`,
		correlationId && `correlation id ${correlationId}`,
	]
		.filter(Boolean)
		.join(', ');
	return `SAP Concur refused the token request. ${what} (${facts})`;
}
