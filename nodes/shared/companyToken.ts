import { createHash } from 'crypto';
import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestHelper } from 'n8n-workflow';

import { parseConcurError } from './concurErrors';
import { configuredOrigin, toOrigin } from './concurHosts';
import { describeNetworkFailure, networkCode } from './retryPolicy';

/** The hidden credential fields the token request fills in; n8n saves them with the credential. */
export interface TokenFields extends IDataObject {
	accessToken: string;
	issuedRefreshToken: string;
	/** Fingerprint of the pasted request or refresh token that `issuedRefreshToken` descends from. */
	lineage: string;
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
	) {
		super(message);
	}
}

type Credentials = ICredentialDataDecryptedObject;

const fingerprint = (secret: string) => createHash('sha256').update(secret).digest('hex').slice(0, 16);

/** The fields a user types identify one token lineage; the refreshed fields are not part of it. */
function lineageKey(c: Credentials): string {
	return fingerprint(
		JSON.stringify([c.authentication, c.clientId, c.clientSecret, c.companyUuid, c.requestToken, c.refreshToken, c.dataCenter, c.baseUrl]),
	);
}

interface Lineage {
	latest?: TokenFields;
	inFlight?: Promise<TokenFields>;
}

/** In-process memory of each lineage's newest token and its one running request (single-flight). */
const lineages = new Map<string, Lineage>();

/**
 * Returns a usable token for the credential. Concurrent callers share one token request; a caller
 * whose token is older than the newest one this process holds gets the newest without a request,
 * so a burst of 401s after a refresh never spends (and, with rotation, invalidates) a refresh token.
 */
export async function obtainCompanyToken(helpers: IHttpRequestHelper['helpers'], credentials: Credentials): Promise<TokenFields> {
	if (credentials.authentication === 'accessToken') {
		return {
			accessToken: String(credentials.pastedAccessToken ?? ''),
			issuedRefreshToken: '',
			lineage: '',
			geolocation: configuredOrigin(credentials),
			expiresAt: 0,
			issuedAt: Date.now(),
		};
	}
	const key = lineageKey(credentials);
	const lineage = lineages.get(key) ?? {};
	lineages.set(key, lineage);
	if (lineage.inFlight) return await lineage.inFlight;
	const latest = lineage.latest;
	if (latest && latest.issuedAt > Number(credentials.issuedAt || 0) && latest.expiresAt > Date.now()) {
		return latest;
	}
	lineage.inFlight = requestToken(helpers, { ...credentials, ...(latest ?? {}) } as Credentials);
	try {
		lineage.latest = await lineage.inFlight;
		return lineage.latest;
	} finally {
		lineage.inFlight = undefined;
	}
}

type Grant = 'requestToken' | 'refreshStored' | 'refreshPasted' | 'clientCredentials';

function grantFor(c: Credentials): { form: Record<string, string>; source: string; grant: Grant } {
	const client = { client_id: String(c.clientId ?? ''), client_secret: String(c.clientSecret ?? '') };
	if (c.authentication === 'clientCredentials') {
		return { form: { ...client, grant_type: 'client_credentials' }, source: '', grant: 'clientCredentials' };
	}
	const pasted = String((c.authentication === 'refreshToken' ? c.refreshToken : c.requestToken) ?? '');
	const source = fingerprint(pasted);
	const issued = c.lineage === source ? String(c.issuedRefreshToken ?? '') : '';
	if (issued || c.authentication === 'refreshToken') {
		const grant = c.authentication === 'refreshToken' ? 'refreshPasted' : 'refreshStored';
		return { form: { ...client, grant_type: 'refresh_token', refresh_token: issued || pasted }, source, grant };
	}
	return {
		form: { ...client, grant_type: 'password', username: String(c.companyUuid ?? ''), password: pasted, credtype: 'authtoken' },
		source,
		grant: 'requestToken',
	};
}

async function requestToken(helpers: IHttpRequestHelper['helpers'], c: Credentials): Promise<TokenFields> {
	const { form, source, grant } = grantFor(c);
	let origin = toOrigin(String(c.geolocation ?? '')) || configuredOrigin(c);
	if (!origin) throw new ConcurTokenError('Choose a data centre, or enter a valid Custom Base URL (e.g. https://us2.api.concursolutions.com).');
	for (let attempt = 1; ; attempt++) {
		const response = await helpers
			.httpRequest({
			method: 'POST',
			url: `${origin}/oauth2/v0/token`,
			headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
			body: new URLSearchParams(form).toString(),
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
				timeout: 30_000,
			})
			.catch((error: Error) => {
				throw new ConcurTokenError(`Could not reach SAP Concur at ${origin} to get a token: ${describeNetworkFailure(networkCode(error))}. Check the data centre or Custom Base URL, and the network.`);
			});
		const body = typeof response.body === 'string' ? safeJson(response.body) : (response.body as IDataObject);
		const status = Number(response.statusCode);
		const correlationId = String(response.headers?.['concur-correlationid'] ?? '');
		if (status === 200 && typeof body?.access_token === 'string') {
			const now = Date.now();
			const refreshToken = typeof body.refresh_token === 'string' ? body.refresh_token : String(form.refresh_token ?? '');
			return {
				accessToken: body.access_token,
				issuedRefreshToken: grant === 'clientCredentials' ? '' : refreshToken,
				lineage: source,
				geolocation: toOrigin(String(body.geolocation ?? '')) || origin,
				expiresAt: now + (Number(body.expires_in) || 3600) * 1000,
				issuedAt: now,
			};
		}
		const details = parseConcurError(body ?? response.body);
		const redirect = toOrigin(String(body?.geolocation ?? ''));
		// Code 16: the company lives in another data centre, which the answer names. Ask there once.
		if (details.code === '16' && redirect && redirect !== origin && attempt === 1) {
			origin = redirect;
			continue;
		}
		throw new ConcurTokenError(explainTokenFailure(status, details.code, details.message, grant, correlationId, redirect), details.code);
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
function explainTokenFailure(status: number, code: string | undefined, concurMessage: string | undefined, grant: Grant, correlationId: string, geolocation: string): string {
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
			refreshStored: `The refresh token this credential got from the company request token has expired or was revoked. ${NEW_REQUEST_TOKEN}`,
			refreshPasted: 'The refresh token is invalid or has expired. Paste a new one, or use the Company Request Token authentication.',
			clientCredentials: 'The app token was refused.',
		}[grant] as string,
		'134': 'The company is under maintenance in SAP Concur. Try again later.',
		'136': `The company request token was not issued to this app's Client ID. ${NEW_REQUEST_TOKEN}`,
	};
	const what = (code && advice[code]) || (status >= 500 || !status ? 'SAP Concur could not issue a token right now. Try again later.' : 'Check the credential fields and the data centre.');
	const facts = [`HTTP ${status || 'no answer'}`, code && `Concur code ${code}`, concurMessage && `Concur says: ${concurMessage}`, correlationId && `correlation id ${correlationId}`]
		.filter(Boolean)
		.join(', ');
	return `SAP Concur refused the token request. ${what} (${facts})`;
}
