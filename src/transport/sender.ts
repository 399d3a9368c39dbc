/**
 * The direct transport's {@link RequestSender}: the data-plane operations as SigV4-signed
 * JSON over the client's keep-alive agents, with the client's credentials, region, endpoint,
 * retry strategy and clock-skew correction, and the SDK's outputs and errors. Every other
 * operation goes to the SDK.
 * @module
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { dataPlaneOperations, type OperationName, type OutputOf } from "../operation/registry.js";
import { sdkSender, type RequestSender, type WireRequest } from "../operation/send.js";
import { wireHooksOf, type AttemptPlan, type WireBody } from "../operation/wire-hooks.js";
import { EndpointResolver, type ResolvedEndpoint } from "./endpoint.js";
import {
  deserializationError,
  responseError,
  responseMetadata,
  type WireResponse,
} from "./errors.js";
import { abortError, post, type HttpSettings } from "./http.js";
import { parseBody, requestBody } from "./json.js";
import { retryErrorInfo, type RetryStrategyV2, type RetryToken } from "./retry.js";
import { RequestSigner, type SignedHeaders, type SigningCredentials } from "./sigv4.js";

/** The operations the direct transport sends itself: the data plane. */
export const directOperations: ReadonlySet<OperationName> = dataPlaneOperations;

const SERVICE_TARGET = "DynamoDB_20120810";
const CONTENT_TYPE = "application/x-amz-json-1.0";

type ResolvedConfig = {
  credentials: () => Promise<SigningCredentials>;
  region: () => Promise<string>;
  retryStrategy: () => Promise<RetryStrategyV2>;
  maxAttempts: () => Promise<number>;
  requestHandler: { configProvider?: Promise<HandlerConfig>; config?: HandlerConfig };
  systemClockOffset?: number;
  disableClockSkewCorrection?: () => Promise<boolean>;
  signingName?: string;
  defaultSigningName?: string;
};

interface HandlerConfig {
  connectionTimeout?: number;
  requestTimeout?: number;
  throwOnRequestTimeout?: boolean;
  socketTimeout?: number;
  defaultSocketTimeout?: number;
  httpAgentProvider: () => Promise<HttpSettings["httpAgent"]>;
  httpAgent?: HttpSettings["httpAgent"];
  logger?: HttpSettings["logger"];
  httpsAgent: HttpSettings["httpsAgent"];
}

/** What the transport keeps per client: resolved settings, endpoints, the retry strategy. */
interface ClientState {
  readonly config: ResolvedConfig;
  readonly endpoints: EndpointResolver;
  readonly ready: Promise<{
    http: HttpSettings;
    region: string;
    retry: RetryStrategyV2;
    noSkewCorrection: boolean;
  }>;
}

const states = new WeakMap<DynamoDBClient, ClientState>();

function stateOf(client: DynamoDBClient): ClientState {
  let state = states.get(client);
  if (state) return state;
  const config = client.config as unknown as ResolvedConfig;
  const ready = (async () => {
    const handler = config.requestHandler;
    const settings = handler.config ?? (await handler.configProvider!);
    handler.config ??= settings; // as the handler does on its first request
    // and as it does on its first http request: kept there, `client.destroy()` destroys it
    settings.httpAgent ??= await settings.httpAgentProvider();
    return {
      http: {
        httpAgent: settings.httpAgent,
        httpsAgent: settings.httpsAgent,
        connectionTimeout: settings.connectionTimeout,
        requestTimeout: settings.requestTimeout,
        throwOnRequestTimeout: settings.throwOnRequestTimeout,
        socketTimeout: settings.socketTimeout ?? settings.defaultSocketTimeout,
        socketTimeoutIsDefault: settings.socketTimeout === undefined,
        logger: settings.logger,
      },
      region: await config.region(),
      retry: await config.retryStrategy(),
      noSkewCorrection: (await config.disableClockSkewCorrection?.()) === true,
    };
  })();
  ready.catch(() => states.delete(client)); // a failed lookup is retried by the next request
  state = { config, endpoints: new EndpointResolver(client), ready };
  states.set(client, state);
  return state;
}

/**
 * Sends the data-plane operations directly and every other operation through the SDK.
 * Use it only for a client that {@link directSupport} accepts.
 */
export const directSender: RequestSender = <N extends OperationName>(request: WireRequest<N>) =>
  directOperations.has(request.operation)
    ? (sendDirect(request) as Promise<OutputOf<N>>)
    : sdkSender(request);

/** What every request of one operation to one endpoint shares: its headers and signer. */
interface RequestTemplate {
  /**
   * The signed headers but the date and token (content type, host, target, the endpoint's),
   * as a flat list of names and values, as {@link post} takes them.
   */
  readonly headerList: readonly string[];
  readonly signer: RequestSigner;
}

const templates = new WeakMap<ResolvedEndpoint, Map<OperationName, RequestTemplate>>();

function templateOf(
  config: ResolvedConfig,
  endpoint: ResolvedEndpoint,
  operation: OperationName,
  region: string,
): RequestTemplate {
  let byOperation = templates.get(endpoint);
  if (!byOperation) templates.set(endpoint, (byOperation = new Map()));
  let template = byOperation.get(operation);
  if (template) return template;
  const headers: Record<string, string> = {
    ...endpoint.headers,
    "content-type": CONTENT_TYPE,
    host: endpoint.port ? `${endpoint.hostname}:${endpoint.port}` : endpoint.hostname,
    "x-amz-target": `${SERVICE_TARGET}.${operation}`,
  };
  const signingName =
    endpoint.signingName ?? config.signingName ?? config.defaultSigningName ?? "dynamodb";
  const signer = new RequestSigner(
    "POST",
    endpoint.path,
    headers,
    endpoint.signingRegion ?? region,
    signingName,
  );
  template = { headerList: Object.entries(headers).flat(), signer };
  byOperation.set(operation, template);
  return template;
}

async function sendDirect(request: WireRequest): Promise<unknown> {
  const { client, operation, input, signal } = request;
  if (signal.aborted) throw abortError(signal);
  const state = stateOf(client);
  const { http, region, retry, noSkewCorrection } = await state.ready;
  if (typeof retry.acquireInitialRetryToken !== "function") return sdkSender(request); // a v1 strategy
  const config = state.config;
  // One identity per call, for the endpoint's account ID and for signing every attempt (as the SDK's auth scheme middleware)
  const credentials = await config.credentials();
  const endpoint = await state.endpoints.resolve(operation, input as object, credentials);
  const template = templateOf(config, endpoint, operation, region);
  const body = requestBody(operation, input as object);

  let token: RetryToken = await race(retry.acquireInitialRetryToken(""), signal);
  let attempts = 0;
  let totalRetryDelay = 0;
  for (;;) {
    let response: WireResponse | undefined;
    let sentAt = 0;
    try {
      const hooks = wireHooksOf(client); // e.g. injected faults: the same per attempt as on the SDK path
      const plan: AttemptPlan = hooks?.beforeAttempt(operation, JSON.parse(body) as WireBody);
      const sent = plan?.body ? JSON.stringify(plan.body) : body;
      const offset = noSkewCorrection ? 0 : (config.systemClockOffset ?? 0);
      const auth = template.signer.sign(sent, credentials, new Date(Date.now() + offset));
      sentAt = Date.now();
      response = plan?.answer
        ? answered(plan.answer.status, plan.answer.body)
        : await post(endpoint, withSignature(template, auth, sent), sent, http, signal);
      if (plan?.body && response.statusCode === 200)
        response = answered(200, plan.complete(parsed(response, JSON.parse) as WireBody), response);
      if (response.statusCode >= 300) throw responseError(response);
      const output = parsed(response);
      if (!noSkewCorrection) correctClock(config, response, sentAt);
      retry.recordSuccess(token);
      const metadata = responseMetadata(response);
      metadata.attempts = attempts + 1;
      metadata.totalRetryDelay = totalRetryDelay;
      output.$metadata = metadata;
      return output;
    } catch (error) {
      const failure = asError(error);
      if (response && !noSkewCorrection) correctClock(config, response, sentAt, failure);
      try {
        if (signal.aborted) throw failure;
        token = await race(
          retry.refreshRetryTokenForRetry(token, retryErrorInfo(failure, response?.headers)),
          signal,
        );
      } catch (refreshError) {
        if (refreshError !== failure && signal.aborted && isAbortError(refreshError))
          throw refreshError;
        const withMeta = failure as Error & { $metadata?: Record<string, unknown> };
        withMeta.$metadata ??= {};
        withMeta.$metadata.attempts = attempts + 1;
        withMeta.$metadata.totalRetryDelay = totalRetryDelay;
        throw failure;
      }
      attempts = token.getRetryCount();
      const delay = token.getRetryDelay();
      totalRetryDelay += (token.$retryLog?.acquisitionDelay ?? 0) + delay;
      if (delay > 0) await race(new Promise((resolve) => setTimeout(resolve, delay)), signal);
    }
  }
}

/** The request's headers: the template's, the signature's and the content length. */
function withSignature(template: RequestTemplate, auth: SignedHeaders, body: string): string[] {
  const headers = template.headerList.slice();
  headers.push("x-amz-date", auth["x-amz-date"]);
  const token = auth["x-amz-security-token"];
  if (token !== undefined) headers.push("x-amz-security-token", token);
  headers.push(
    "authorization",
    auth.authorization,
    "content-length",
    String(Buffer.byteLength(body)),
  );
  return headers;
}

/** The output of a successful response; a body that is not JSON fails as the SDK's deserializer does. */
function parsed(
  response: WireResponse,
  parse: (text: string) => unknown = parseBody,
): Record<string, unknown> {
  let output: unknown;
  try {
    output = parse(response.body);
  } catch (error) {
    throw deserializationError(error as Error, response);
  }
  if (typeof output === "object" && output !== null && !Array.isArray(output))
    return output as Record<string, unknown>;
  // a JSON body that is not an object: the SDK's output then has no members (a string: its characters)
  return typeof output === "string" ? { ...Object(output) } : {};
}

/** A response made by a wire hook (or rewritten by one), as if DynamoDB had sent it. */
function answered(status: number, body: WireBody, from?: WireResponse): WireResponse {
  return {
    statusCode: status,
    headers: { ...from?.headers, "content-type": CONTENT_TYPE },
    body: JSON.stringify(body),
  };
}

/** The SDK's clock-skew sampling: the offset follows the server's `Date` header. */
function correctClock(
  config: ResolvedConfig,
  response: WireResponse,
  sentAt: number,
  error?: Error,
): void {
  const date = response.headers["date"];
  if (typeof date !== "string" || response.headers["age"] !== undefined) return;
  const serverTime = Date.parse(date);
  const now = Date.now();
  if (Number.isNaN(serverTime) || now - sentAt > 900_000) return;
  const before = config.systemClockOffset;
  const offset = serverTime - now;
  config.systemClockOffset = offset;
  const meta = (error as { $metadata?: Record<string, unknown> } | undefined)?.$metadata;
  if (meta && Math.abs(offset) >= 240_000 && offset !== before) meta.clockSkewCorrected = true;
}

function asError(error: unknown): Error {
  if (error instanceof Error) return error;
  if (error instanceof Object) return Object.assign(new Error(), error);
  return new Error(
    typeof error === "string" ? error : `AWS SDK error wrapper for ${String(error)}`,
  );
}

function isAbortError(error: unknown): boolean {
  return (error as { name?: string } | undefined)?.name === "AbortError";
}

/** `promise`, or an `AbortError` as soon as `signal` aborts (the SDK's `race`). */
function race<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error as Error);
      },
    );
  });
}
