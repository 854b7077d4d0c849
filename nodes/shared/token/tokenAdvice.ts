import { factLine } from '../factLine';
import type { Grant } from './grant';

/*
 * What a refused token request tells the user to do, by Concur's OAuth error code, kept as data
 * beside the request so that the wording can be read and reviewed in one place.
 */

const NEW_REQUEST_TOKEN =
	'Generate a new company request token in Concur (Authentication Admin > Company Request Token) for this app and paste it into the credential.';

/** By Concur's code, where the code alone says what to do. */
export const TOKEN_ADVICE: Readonly<Record<string, string>> = {
	'5': 'The Client ID or Client Secret is wrong. Copy both again from the app registration.',
	'54': 'The app is not allowed the scope it asked for. Ask SAP Concur to grant the app the scope notifications.messages.writeonly.',
	'62': 'The Client ID is missing. Enter it in the credential.',
	'63': 'The Client Secret is missing. Enter it in the credential.',
	'65': 'The token request had no grant type. Choose an authentication type in the credential.',
	'106': 'The refresh token is missing. Paste it into the credential.',
	'134': 'The company is under maintenance in SAP Concur. Try again later.',
	'136': `The company request token was not issued to this app's Client ID. ${NEW_REQUEST_TOKEN}`,
};

/** Code 108, the grant refused as invalid, expired or used: what to do depends on the grant. */
export const GRANT_REFUSED_ADVICE: Readonly<Record<Grant, string>> = {
	requestToken: `The company request token is invalid, expired (it is valid for 24 hours) or already used. ${NEW_REQUEST_TOKEN}`,
	refreshStored: `The refresh token this credential got from the company request token has expired or was revoked, and no other n8n process saved a newer one. ${NEW_REQUEST_TOKEN}`,
	refreshPasted:
		'The refresh token is invalid or has expired. Paste a new one, or use the Company Request Token authentication.',
	clientCredentials: 'The app token was refused.',
};

/** Code 16: the company lives in the data centre the answer names (its geolocation). */
const otherDataCentre = (geolocation: string) =>
	`This company lives in another data centre${geolocation ? ` (${geolocation})` : ''}. Choose that data centre in the credential.`;

/**
 * What to do about a refused token request. `grantRefused`: the grant itself was refused, by code
 * 108 or, from an OAuth server that sends no Concur code, by `invalid_grant`.
 */
export function tokenAdvice(
	status: number,
	code: string | undefined,
	grant: Grant,
	geolocation: string,
	grantRefused = code === '108',
): string {
	if (code === '16') return otherDataCentre(geolocation);
	if (grantRefused) return GRANT_REFUSED_ADVICE[grant];
	return (
		(code && TOKEN_ADVICE[code]) ||
		(status >= 500 || !status
			? 'SAP Concur could not issue a token right now. Try again later.'
			: 'Check the credential fields and the data centre.')
	);
}

/** A sentence that says what went wrong and what to do, with Concur's code and correlation id. */
export function explainTokenFailure(
	status: number,
	code: string | undefined,
	concurMessage: string | undefined,
	grant: Grant,
	correlationId: string,
	geolocation: string,
	grantRefused?: boolean,
): string {
	const facts = factLine([
		`HTTP ${status || 'no answer'}`,
		code && `Concur code ${code}`,
		concurMessage && `Concur says: ${concurMessage}`,
		correlationId && `correlation id ${correlationId}`,
	]);
	return `SAP Concur refused the token request. ${tokenAdvice(status, code, grant, geolocation, grantRefused)} ${facts}`;
}

/** What Concur answered when it refused a token request for load, and how the retries went. */
export interface LoadRefusal {
	status: number;
	message?: string;
	correlationId: string;
	attempts: number;
	/** The wait Concur asked for, when it is why the retries stopped. */
	waitTooLongMs?: number;
	/** What all the retries may wait together. */
	budgetMs: number;
}

const seconds = (ms: number) => `${Math.ceil(ms / 1000)} s`;

/** A token request Concur kept refusing for load (429, 503): not processed, nothing was wrong with it. */
export function explainTokenLoadRefusal(refusal: LoadRefusal): string {
	const { status, message, correlationId, attempts, waitTooLongMs, budgetMs } = refusal;
	const answered =
		status === 429 ? 'is limiting the rate of requests (HTTP 429)' : 'is unavailable (HTTP 503)';
	const why =
		waitTooLongMs !== undefined
			? `and asked to wait ${seconds(waitTooLongMs)}, longer than a token request may wait (${seconds(budgetMs)} in all)`
			: `and still did after ${attempts} attempts`;
	const facts = factLine([
		`HTTP ${status}`,
		message && `Concur says: ${message}`,
		correlationId && `correlation id ${correlationId}`,
		`${attempts} attempt${attempts === 1 ? '' : 's'}`,
	]);
	return `SAP Concur did not process the token request: it ${answered} ${why}. Nothing is wrong with the credential; run the workflow again later. ${facts}`;
}
