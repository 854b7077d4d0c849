import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { authenticateRequest } from '../nodes/shared/authenticateRequest';
import { CALLOUT_LIST_PATH } from '../nodes/shared/calloutApi';
import { DATA_CENTERS } from '../nodes/shared/concurHosts';
import { obtainAccessToken } from '../nodes/shared/token';

/** Shows a field only for the given authentication types. */
const forAuthentication = (...authentication: string[]) => ({
	displayOptions: { show: { authentication } },
});

/** Filled by preAuthentication and saved by n8n; never shown in the editor. */
const hiddenSecret = (name: string): INodeProperties => ({
	displayName: name,
	name,
	type: 'hidden',
	typeOptions: { password: true },
	default: '',
});

export class SapConcurApi implements ICredentialType {
	name = 'sapConcurApi';

	displayName = 'SAP Concur API';

	icon: Icon = { light: 'file:../icons/concur.svg', dark: 'file:../icons/concur.dark.svg' };

	documentationUrl = 'https://developer.concur.com/api-reference/authentication/apidoc.html';

	/** Lists the credential among the HTTP Request node's predefined types, for any other Concur API. */
	httpRequestNode = {
		name: 'SAP Concur',
		docsUrl: 'https://developer.concur.com/api-reference/',
		apiBaseUrlPlaceholder:
			'https://us2.api.concursolutions.com/api/expense/expensereport/v1.1/reportfulldetails/',
	};

	properties: INodeProperties[] = [
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			default: 'companyRequestToken',
			options: [
				{
					name: 'Company Request Token (Recommended)',
					value: 'companyRequestToken',
					description: 'Exchanged once for a refresh token that this credential keeps and renews',
				},
				{
					name: 'Refresh Token',
					value: 'refreshToken',
					description: 'A company refresh token you already have',
				},
				{
					name: 'Client Credentials',
					value: 'clientCredentials',
					description: 'An application token (no company access)',
				},
				{
					name: 'Access Token',
					value: 'accessToken',
					description: 'A token you paste; used as is and never renewed',
				},
			],
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. 0a1b2c3d-...',
			...forAuthentication('companyRequestToken', 'refreshToken', 'clientCredentials'),
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			...forAuthentication('companyRequestToken', 'refreshToken', 'clientCredentials'),
		},
		{
			displayName: 'Company UUID',
			name: 'companyUuid',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. 6d9c1b8e-3f0a-4c2e-9a55-2b7f0c1d4e6a',
			description: "Shown in Concur's Company Request Token admin page",
			...forAuthentication('companyRequestToken'),
		},
		{
			displayName: 'Company Request Token',
			name: 'requestToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Valid for 24 hours and usable once. The credential exchanges it for a refresh token on first use; paste a new one only when asked to.',
			...forAuthentication('companyRequestToken'),
		},
		{
			displayName: 'Refresh Token',
			name: 'refreshToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			...forAuthentication('refreshToken'),
		},
		{
			displayName: 'Access Token',
			name: 'pastedAccessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'A company JWT or a legacy OAuth token. When it expires, paste a new one.',
			...forAuthentication('accessToken'),
		},
		{
			displayName: 'Data Centre',
			name: 'dataCenter',
			type: 'options',
			default: 'https://us2.api.concursolutions.com',
			options: DATA_CENTERS,
			description:
				'Where the first token request goes. Afterwards every call goes to the data centre the token names.',
		},
		{
			displayName: 'Custom Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. http://127.0.0.1:8777',
			description: 'A sandbox, a proxy or the local Concur simulator',
			displayOptions: { show: { dataCenter: ['custom'] } },
		},
		{
			displayName: 'Failed Notifications API Authorization',
			name: 'calloutAuthScheme',
			type: 'options',
			default: 'Bearer',
			options: [
				{ name: 'Bearer (Current)', value: 'Bearer' },
				{ name: 'OAuth (Legacy)', value: 'OAuth' },
			],
			description: 'Authorization scheme for the v1.0 callout notifications API',
		},
		{
			displayName: 'Failed Notifications API Host',
			name: 'calloutHost',
			type: 'options',
			default: 'geolocation',
			options: [
				{ name: "The Token's Data Centre", value: 'geolocation' },
				{ name: 'Legacy www.concursolutions.com', value: 'legacy' },
			],
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		hiddenSecret('issuedRefreshToken'),
		{ displayName: 'Lineage', name: 'lineage', type: 'hidden', default: '' },
		{ displayName: 'Geolocation', name: 'geolocation', type: 'hidden', default: '' },
		{ displayName: 'Expires At', name: 'expiresAt', type: 'hidden', default: 0 },
		{ displayName: 'Issued At', name: 'issuedAt', type: 'hidden', default: 0 },
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		return await obtainAccessToken(this.helpers, credentials);
	}

	/**
	 * The token only to this credential's Concur hosts (see authenticateRequest). A property, not a
	 * method: n8n sends the editor only a credential's own properties, and the HTTP Request node
	 * lists a predefined credential type only when the editor sees its `authenticate`.
	 */
	authenticate = async (
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> => authenticateRequest(credentials, requestOptions);

	test: ICredentialTestRequest = {
		request: {
			url: CALLOUT_LIST_PATH,
			qs: { status: 'FAILED' },
			headers: { Accept: 'application/json' },
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'The token works, but its Concur user lacks the Company Administrator or Web Services Administrator role that the failed-notification operations and the trigger need.',
				},
			},
		],
	};
}
