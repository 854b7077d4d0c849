import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import { DEFAULT_RETRY } from '../shared/retryPolicy';
import { ConcurClient } from '../shared/transport';

/**
 * GETs the object an event's href names with the credential's company token, through the shared
 * transport: the token only to the credential's Concur hosts, one refresh on 401/403, retries of
 * what Concur did not act on.
 */
export async function fetchObject(ctx: IWebhookFunctions, href: string): Promise<IDataObject> {
	const client = await ConcurClient.create(ctx);
	const response = await client.request(
		{ method: 'GET', url: href, headers: { Accept: 'application/json' }, json: true },
		DEFAULT_RETRY,
		{ action: 'Fetching the object of the event', notFound: 'The object is gone from Concur.' },
	);
	return response.body as IDataObject;
}
