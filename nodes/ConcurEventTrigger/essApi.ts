import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHookFunctions,
	IN8nHttpFullResponse,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { apiOrigin } from '../shared/concurHosts';
import { describeNetworkFailure, networkCode } from '../shared/retryPolicy';
import { requestToken, type TokenFields } from '../shared/token/tokenRequest';
import { requestedToken } from '../shared/token/tokenCache';
import { CREDENTIAL_NAME } from '../shared/credentialName';
import { ADVICE } from './subscriptionAdvice';

export interface EssAnswer {
	status: number;
	body: unknown;
}

/** An ESS subscription as Concur lists it. */
export interface Subscription extends IDataObject {
	id: string;
	topic: string;
	filter: string;
	webHookConfig: { endpoint: string };
	companyIds?: string[];
}

/**
 * The ESS subscription API (/events/v4) for the webhook methods. It needs an App token, which only
 * the client-credentials grant gives: it is requested from the credential's client ID and secret
 * through the credential's own token code, kept apart from the company token (it is never saved
 * into the credential), and sent through n8n's httpRequestWithAuthentication with the credential's
 * host check.
 */
export class EssClient {
	private constructor(
		private readonly ctx: IHookFunctions,
		private readonly credentials: ICredentialDataDecryptedObject,
		private token: TokenFields,
		/** The credential's own authentication: whether it has a company at all. */
		readonly storedAuthentication: string,
	) {}

	static async create(ctx: IHookFunctions): Promise<EssClient> {
		const stored = await ctx.getCredentials(CREDENTIAL_NAME);
		if (stored.authentication === 'accessToken')
			throw new NodeOperationError(ctx.getNode(), 'A pasted access token cannot subscribe', {
				description: ADVICE.pastedToken,
			});
		const app = { ...stored, authentication: 'clientCredentials' };
		const token = await requestedToken(ctx.helpers, app).catch((error: Error) => {
			throw new NodeOperationError(ctx.getNode(), `Could not get an App token: ${error.message}`, {
				description: ADVICE.appToken,
			});
		});
		return new EssClient(ctx, app, token, String(stored.authentication));
	}

	async call(method: 'GET' | 'PUT' | 'DELETE', path: string, body?: IDataObject) {
		let answer = await this.send(method, path, body);
		// An App token lives 60 minutes and is renewed only by the grant: once, when refused.
		if (answer.status === 401) {
			this.token = (await requestToken(this.ctx.helpers, this.credentials, '')).fields;
			answer = await this.send(method, path, body);
		}
		return answer;
	}

	private async send(method: string, path: string, body?: IDataObject): Promise<EssAnswer> {
		const data = {
			...this.credentials,
			accessToken: this.token.accessToken,
			geolocation: this.token.geolocation,
		};
		const reference = this.ctx.getNode().credentials?.[CREDENTIAL_NAME];
		try {
			const response = (await this.ctx.helpers.httpRequestWithAuthentication.call(
				this.ctx,
				CREDENTIAL_NAME,
				{
					method: method as 'GET',
					url: `${apiOrigin(data)}/events/v4${path}`,
					body,
					json: true,
					headers: { Accept: 'application/json' },
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
					timeout: 30_000,
				},
				{
					credentialsDecrypted: {
						id: reference?.id ?? '',
						name: reference?.name ?? '',
						type: CREDENTIAL_NAME,
						data,
					},
				},
			)) as IN8nHttpFullResponse;
			return { status: response.statusCode, body: response.body };
		} catch (error) {
			throw new NodeOperationError(
				this.ctx.getNode(),
				`Concur's subscription API could not be reached: ${describeNetworkFailure(networkCode(error))}`,
				{ description: ADVICE.unreachable },
			);
		}
	}
}

/** Concur's `message`, or the body as text. */
export function messageOf(answer: EssAnswer): string {
	const body = answer.body as IDataObject | string | undefined;
	if (body && typeof body === 'object' && typeof body.message === 'string') return body.message;
	return typeof body === 'string' ? body : JSON.stringify(body ?? '');
}
