import type { ICredentialDataDecryptedObject, IHttpRequestHelper } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { fingerprint, grantFor } from './grant';
import { ConcurTokenError, requestToken, type TokenFields } from './tokenRequest';

type Credentials = ICredentialDataDecryptedObject;

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
	/**
	 * The stored grant Concur refused for good (invalid, expired, revoked or used), and its refusal:
	 * asking again with the same grant would only be refused again, so callers get this at once,
	 * in later runs too, until a new grant is stored (pasted, or saved by another process).
	 */
	refused?: { from: string; error: ConcurTokenError };
}

/** Per process and lineage: the running token request (single-flight) and the last token obtained. */
const lineages = new Map<string, Lineage>();

/**
 * A token requested from Concur, for a company (request or refresh token) or an app (client
 * credentials). The stored credential is the source of truth: the
 * request is always made from the stored grant. Concurrent callers in this process with the same
 * stored grant share one request; a caller that read the credential before this process saved the
 * token it got from that same grant gets that token without a request, so a burst of 401s never
 * spends (and, with rotation, invalidates) a refresh token twice. A newer stored grant, saved by
 * another process, always wins over this process's memory.
 */
export async function requestedToken(
	helpers: IHttpRequestHelper['helpers'],
	credentials: Credentials,
): Promise<TokenFields> {
	const key = lineageKey(credentials);
	const lineage = lineages.get(key) ?? {};
	lineages.set(key, lineage);
	const from = grantState(credentials);
	if (lineage.refused?.from === from) throw lineage.refused.error;
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
	const chosen = grantFor(c);
	const first = await requestToken(helpers, c, from, undefined, chosen).catch(
		(error: unknown) => error as Error,
	);
	const refused = first instanceof ConcurTokenError && first.concurCode === '108';
	const retry = refused && fallback && fallback !== chosen.form.refresh_token;
	const answer = retry
		? await requestToken(helpers, c, from, fallback, chosen).catch((error: unknown) => {
				lineage.refreshToken = undefined;
				return error as Error;
			})
		: first;
	if (answer instanceof ConcurTokenError && answer.grantRefused)
		lineage.refused = { from, error: answer };
	if (answer instanceof Error) throw answer;
	lineage.refreshToken = answer.refreshToken;
	return answer.fields;
}

/** How long a refused request waits for another process's newer token to be saved. */
const SIBLING_SAVE_WAIT_MS = 5_000;
const SIBLING_POLL_MS = 250;

/** The re-read after each refusal: every caller that meets the same refusal shares one. */
const rereads = new WeakMap<ConcurTokenError, Promise<boolean>>();

/**
 * After Concur refused a grant for good (code 108, `invalid_grant`): whether a newer grant appeared
 * in the stored credential within a short wait. In queue mode another worker may have used the same
 * single-use request token or rotating refresh token a moment earlier and be saving what it got;
 * then the credential is fine and the caller should carry on with the stored token. The requests
 * that meet the same refusal (every item of a run with a dead credential) share one re-read, and
 * once it found nothing newer, they all fail at once.
 */
export async function awaitNewerStoredGrant(
	ctx: { getCredentials(type: string): Promise<Credentials> },
	credentialName: string,
	refusal: ConcurTokenError,
): Promise<boolean> {
	if (!refusal.grantRefused || !refusal.grantState) return false;
	let reread = rereads.get(refusal);
	if (!reread) {
		reread = newerGrantSaved(ctx, credentialName, refusal.grantState);
		rereads.set(refusal, reread);
	}
	return await reread;
}

async function newerGrantSaved(
	ctx: { getCredentials(type: string): Promise<Credentials> },
	credentialName: string,
	refusedGrant: string,
): Promise<boolean> {
	for (let waited = 0; waited <= SIBLING_SAVE_WAIT_MS; waited += SIBLING_POLL_MS) {
		if (grantState(await ctx.getCredentials(credentialName)) !== refusedGrant) return true;
		await sleep(SIBLING_POLL_MS);
	}
	return false;
}
