import type {
	IAdditionalCredentialOptions,
	ICredentialDataDecryptedObject,
	IExecuteFunctions,
	IPollFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { CREDENTIAL_NAME } from '../credentialName';
import { awaitNewerStoredGrant } from './tokenCache';
import { ConcurTokenError } from './tokenRequest';

type Context = IExecuteFunctions | IPollFunctions | IWebhookFunctions;

/** How often one request waits for a token another process is saving, before it gives up. */
const MAX_SIBLING_WAITS = 3;

/**
 * When and how one request renews its token. Concur refusing the token (401 or 403): first, once,
 * the token another process stored meanwhile, if there is one; then one refresh of its own. A token
 * request refused for good: the token another process may be saving from the same grant.
 */
export class TokenRenewal {
	private stage: 'none' | 'triedStored' | 'refreshed' = 'none';

	private siblingWaits = 0;

	/** The credential the next attempt presents, when it is not the stored one. */
	private next?: IAdditionalCredentialOptions;

	constructor(private readonly ctx: Context) {}

	/**
	 * The credential to send the attempt with: the stored one, read for each attempt (as n8n would),
	 * so that a 401 can tell whether the refused token is still the stored one or another process
	 * replaced it.
	 */
	async credentialForAttempt(): Promise<IAdditionalCredentialOptions> {
		const options =
			this.next ?? this.credentialOptions(await this.ctx.getCredentials(CREDENTIAL_NAME));
		this.next = undefined;
		return options;
	}

	/** Concur refused the token `sent` (401 or 403): whether to send again, once more renewed. */
	async renewAfterRefusal(sent: IAdditionalCredentialOptions): Promise<boolean> {
		if (this.stage === 'refreshed') return false;
		// n8n wrote the token it fetched, if it had to, into the credential data it was given.
		const sentToken = sent.credentialsDecrypted?.data?.accessToken;
		this.next = await this.refreshOptions(this.stage === 'none' ? sentToken : undefined);
		this.stage = this.next === undefined ? 'triedStored' : 'refreshed';
		return true;
	}

	/**
	 * The token request failed: whether to send again. Another n8n process (a queue-mode worker)
	 * may have used the same single-use grant a moment earlier and be saving what it got: carry on
	 * with that, if it appears.
	 */
	async resumeAfterTokenError(error: unknown): Promise<boolean> {
		if (
			!(error instanceof NodeApiError) ||
			!(error.cause instanceof ConcurTokenError) ||
			this.siblingWaits >= MAX_SIBLING_WAITS
		)
			return false;
		this.siblingWaits++;
		return await awaitNewerStoredGrant(this.ctx, CREDENTIAL_NAME, error.cause);
	}

	/**
	 * Options that make n8n run the credential's preAuthentication again, as it does itself after a
	 * 401, and save what it returns: the stored token is presented as empty, n8n's signal for
	 * fetching one. None when the stored token is no longer the refused one (this or another process
	 * saved a new one meanwhile): the request is then resent with that, and refreshed only if that
	 * one is refused too (`refusedToken` undefined). The credential's
	 * single-flight makes concurrent refreshes in this process share one token request.
	 */
	private async refreshOptions(
		refusedToken: unknown,
	): Promise<IAdditionalCredentialOptions | undefined> {
		const current = await this.ctx.getCredentials(CREDENTIAL_NAME);
		if (refusedToken !== undefined && current.accessToken && current.accessToken !== refusedToken)
			return undefined;
		return this.credentialOptions({ ...current, accessToken: '' });
	}

	private credentialOptions(data: ICredentialDataDecryptedObject): IAdditionalCredentialOptions {
		const reference = this.ctx.getNode().credentials?.[CREDENTIAL_NAME];
		return {
			credentialsDecrypted: {
				id: reference?.id ?? '',
				name: reference?.name ?? '',
				type: CREDENTIAL_NAME,
				data,
			},
		};
	}
}
