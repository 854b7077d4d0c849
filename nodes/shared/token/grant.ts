import { createHash } from 'crypto';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

type Credentials = ICredentialDataDecryptedObject;

/** A secret's short one-way digest: what is stored and compared in place of the secret. */
export const fingerprint = (secret: string) =>
	createHash('sha256').update(secret).digest('hex').slice(0, 16);

/** The token requests the credential makes: which secret it presents to Concur. */
export type Grant = 'requestToken' | 'refreshStored' | 'refreshPasted' | 'clientCredentials';

export interface ChosenGrant {
	form: Record<string, string>;
	source: string;
	grant: Grant;
}

/**
 * The token request the credential's fields call for: its form, the fingerprint of the pasted token
 * it descends from, and which grant it is. A refresh token the credential was issued is used while
 * it descends from the token pasted now; pasting a new one starts over from that.
 */
export function grantFor(c: Credentials): ChosenGrant {
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
