import { randomUUID } from 'crypto';
import type {
	IAdditionalCredentialOptions,
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	IPollFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';

import { isRateLimitBody } from '../concurErrors';
import { isTrustedUrl } from '../concurHosts';
import { CREDENTIAL_NAME } from '../credentialName';
import {
	networkCode,
	retryAfterMs,
	retryDelayMs,
	verdictForNetworkCode,
	verdictForStatus,
	type RetryOptions,
	type Verdict,
} from '../retryPolicy';
import { MAX_PARALLEL, SendScheduler } from '../sendScheduler';
import { TokenRenewal } from '../token/tokenRenewal';
import { adviceForStatus } from './advice';
import {
	apiError,
	networkError,
	throttleTooLongError,
	unreadableBodyError,
	withItem,
	type ErrorAnswer,
	type RequestContext,
} from './requestErrors';

export interface ConcurResponse {
	statusCode: number;
	body: unknown;
	headers: IDataObject;
	correlationId: string;
	attempts: number;
}

type Context = IExecuteFunctions | IPollFunctions | IWebhookFunctions;

const header = (headers: IDataObject | undefined, name: string) => {
	const entry = Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name);
	return entry ? String(entry[1]) : '';
};

/** The request as sent: with its correlation id, every status returned as an answer. */
function requestOptions(
	options: IHttpRequestOptions,
	correlationId: string,
	timeoutMs: number,
): IHttpRequestOptions {
	return {
		...options,
		headers: { ...options.headers, 'concur-correlationid': correlationId },
		returnFullResponse: true,
		// Statuses come back as responses: the retry and refresh decisions are the client's, and
		// this works the same on n8n 1.x, where any truthy value disables n8n's own 401 refresh.
		ignoreHttpStatusErrors: true,
		timeout: timeoutMs,
	};
}

const errorAnswer = (response: IN8nHttpFullResponse, correlationId: string): ErrorAnswer => ({
	status: response.statusCode,
	body: response.body,
	correlationId,
	retryAfterMs: retryAfterMs((response.headers as IDataObject)['retry-after'], Date.now()),
});

/** Whether a failure with this verdict is tried again (while attempts are left). */
const isRetried = (verdict: Verdict, retry: RetryOptions) =>
	verdict === 'throttled' ||
	verdict === 'retry' ||
	(verdict === 'ambiguous' && retry.retryAmbiguous);

/**
 * Every Concur call of the nodes goes through here: the token only to Concur's hosts, one refresh
 * and resend when Concur refuses the token (401 or 403), retries that never repeat a request Concur
 * may already have acted on unless asked to, and Concur's own error text.
 */
export class ConcurClient {
	/** Runs the items of this run, paces every request and holds them all when Concur throttles one. */
	readonly scheduler: SendScheduler;

	/** The run's last throttling answer: what an item that runs out of Throttled Retry Time quotes. */
	private lastThrottle?: ErrorAnswer;

	private constructor(
		private readonly ctx: Context,
		readonly credentials: ICredentialDataDecryptedObject,
		parallel: number | 'auto',
	) {
		// The first request goes alone when there is no token yet, so that it fetches exactly one.
		this.scheduler = new SendScheduler({
			parallel,
			maxParallel: MAX_PARALLEL,
			firstRequestAlone: !credentials.accessToken,
		});
	}

	/**
	 * A client for one run, with `parallel` requests in flight (a number, or 'auto'); 1 for
	 * callers that send one request after another (the trigger).
	 */
	static async create(ctx: Context, parallel: number | 'auto' = 1): Promise<ConcurClient> {
		return new ConcurClient(ctx, await ctx.getCredentials(CREDENTIAL_NAME), parallel);
	}

	isConcurUrl(url: string): boolean {
		return isTrustedUrl(this.credentials, url);
	}

	async request(
		options: IHttpRequestOptions,
		retry: RetryOptions,
		context: RequestContext,
	): Promise<ConcurResponse> {
		const correlationId = randomUUID();
		const request = requestOptions(options, correlationId, retry.timeoutMs);
		const firstTryAt = Date.now();
		const renewal = new TokenRenewal(this.ctx);
		for (let attempt = 1; ; attempt++) {
			const pause = this.scheduler.pauseLeftMs();
			// A pause follows a throttling answer: the error quotes it.
			const throttle = this.lastThrottle;
			if (
				throttle &&
				retry.throttleBudgetMs > 0 &&
				pause > 0 &&
				Date.now() + pause > firstTryAt + retry.throttleBudgetMs
			) {
				throw throttleTooLongError(this.ctx.getNode(), throttle, pause, retry, {
					correlationId,
					attempts: attempt - 1,
					context,
				});
			}
			const sentAt = await this.scheduler.turn();
			let verdict: Verdict;
			let failure: NodeApiError;
			// Whether the scheduler heard an acceptance or a throttle for this request.
			let settled = false;
			const credentialOptions = await renewal.credentialForAttempt();
			try {
				const response = await this.send(request, credentialOptions);
				const status = response.statusCode;
				const headers = response.headers as IDataObject;
				const responseCorrelationId = header(headers, 'concur-correlationid') || correlationId;
				if (status >= 200 && status < 300) {
					this.scheduler.succeeded(sentAt);
					settled = true;
					return {
						statusCode: status,
						body: response.body,
						headers,
						correlationId: responseCorrelationId,
						attempts: attempt,
					};
				}
				if (
					(status === 401 || status === 403) &&
					(await renewal.renewAfterRefusal(credentialOptions))
				) {
					attempt--;
					continue;
				}
				const answer = errorAnswer(response, responseCorrelationId);
				verdict = verdictForStatus(
					status,
					answer.retryAfterMs !== undefined || isRateLimitBody(answer.body),
				);
				if (verdict === 'throttled') {
					this.lastThrottle = answer;
					this.scheduler.throttled(sentAt, answer.retryAfterMs);
					settled = true;
					// Retried for as long as the budget allows: no error to build.
					if (retry.throttleBudgetMs > 0) continue;
				}
				failure = apiError(
					this.ctx.getNode(),
					answer,
					attempt,
					adviceForStatus(status, verdict, context.notFound),
					context,
				);
			} catch (error) {
				if (await renewal.resumeAfterTokenError(error)) {
					attempt--;
					continue;
				}
				const code = networkCode(error);
				verdict = verdictForNetworkCode(code);
				if (verdict === 'final') throw withItem(this.ctx.getNode(), error as NodeApiError, context);
				failure = networkError(
					this.ctx.getNode(),
					{ code, verdict, timeoutMs: retry.timeoutMs },
					{ correlationId, attempts: attempt, context },
				);
			} finally {
				// Anything else (an error, a renewal): the request no longer holds others back.
				if (!settled) this.scheduler.failed(sentAt);
			}
			if (!isRetried(verdict, retry) || attempt >= retry.maxAttempts) throw failure;
			if (verdict !== 'throttled') await sleep(retryDelayMs(attempt));
		}
	}

	private async send(
		request: IHttpRequestOptions,
		credential: IAdditionalCredentialOptions,
	): Promise<IN8nHttpFullResponse> {
		return (await this.ctx.helpers.httpRequestWithAuthentication.call(
			this.ctx,
			CREDENTIAL_NAME,
			request,
			credential,
		)) as IN8nHttpFullResponse;
	}

	/** A 2xx answer whose body could not be read. */
	unreadableBodyError(message: string, correlationId: string, itemIndex?: number): NodeApiError {
		return unreadableBodyError(this.ctx.getNode(), message, correlationId, itemIndex);
	}
}
