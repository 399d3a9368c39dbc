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
import { refuseIllFormedBody } from "../well-formed.js";
import { wireHooksOf, type AttemptPlan, type WireBody } from "../operation/wire-hooks.js";
import { EndpointResolver, type EndpointQuestion, type ResolvedEndpoint } from "./endpoint.js";
import {
  deserializationError,
  responseError,
  responseMetadata,
  type WireResponse,
} from "./errors.js";
import { abortError, fixedHeaders, post, type FixedHeaders, type HttpSettings } from "./http.js";
import { parseBody, requestBody } from "./json.js";
import { retryErrorInfo, type RetryStrategyV2, type RetryToken } from "./retry.js";
import {
  RequestSigner,
  SigningKeys,
  type SignedHeaders,
  type SigningCredentials,
} from "./sigv4.js";
import { acquiresAtOnce, currentVerdict, sdkDefault } from "./support.js";
import { ClientUserAgent, type UserAgentConfig, type UserAgentHeaders } from "./user-agent.js";
import { onClientDestroyed } from "./watch.js";
import { directState } from "./direct-state.js";
import { commandLogger, logError, logOutput } from "./command-log.js";
import { randomUUID } from "node:crypto";
import {
  answerOf,
  firstFailureInOrder,
  LastSettled,
  putSettled,
  thenablesOf,
  UNSETTLED,
} from "./settled.js";

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

/**
 * What the transport keeps per client: resolved settings, endpoints, the retry strategy and the
 * signing keys; made again when the client changes (see `watch.ts`), dropped when it is destroyed.
 * A client that is not the SDK's (a lean session's) carries its own (see `direct-state.ts`).
 */
export interface DirectClientState {
  /** The revision of the client's verdict this state was made under (see `support.ts`). */
  readonly revision: number;
  readonly config: ResolvedConfig;
  readonly keys: SigningKeys;
  /** The endpoint of a request; undefined: the SDK's rules are needed, and the request goes through the SDK. */
  readonly endpoints: {
    /** Asks the endpoint's providers for one request, appending to `asked` (see `EndpointResolver.ask`). */
    ask(
      operation: OperationName,
      input: object,
      asked: unknown[],
      region: unknown,
    ): EndpointQuestion;
    /** The endpoint, from `answers`: the list the question appended to, settled in place. */
    answer(
      question: EndpointQuestion,
      answers: readonly unknown[],
      credentials: object | undefined,
    ): ResolvedEndpoint | undefined;
  };
  readonly userAgent: ClientUserAgent;
  readonly ready: Promise<ReadySettings>;
}

/** What a request reads of a state without an `await` once it settled. */
interface Answers {
  /** `ready`'s value. */
  readonly ready: LastSettled<ReadySettings>;
  /** `config.maxAttempts()`'s last answer (the SDK's is one constant promise). */
  readonly maxAttempts: LastSettled<number>;
}

const knownAnswers = new WeakMap<ClientState, Answers>();

function answersOf(state: ClientState): Answers {
  let known = knownAnswers.get(state);
  if (!known)
    knownAnswers.set(state, (known = { ready: new LastSettled(), maxAttempts: new LastSettled() }));
  return known;
}

interface ReadySettings {
  readonly http: HttpSettings;
  readonly retry: RetryStrategyV2;
  /** The strategy hands a request's first token at once: no race with the abort signal for it. */
  readonly acquireAtOnce: boolean;
  readonly noSkewCorrection: boolean;
}

type ClientState = DirectClientState;

const states = new WeakMap<DynamoDBClient, ClientState>();
onClientDestroyed((client) => states.delete(client));

function stateOf(client: DynamoDBClient, revision: number): ClientState {
  let state = states.get(client);
  if (state?.revision === revision) return state;
  const config = client.config as unknown as ResolvedConfig;
  const ready = (async () => {
    const handler = config.requestHandler;
    const settings = handler.config ?? (await handler.configProvider!);
    handler.config ??= settings; // as the handler does on its first request
    // and as it does on its first http request: kept there, `client.destroy()` destroys it
    settings.httpAgent ??= await settings.httpAgentProvider();
    const retry = await config.retryStrategy();
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
      retry,
      acquireAtOnce: await acquiresAtOnce(retry),
      noSkewCorrection: (await config.disableClockSkewCorrection?.()) === true,
    };
  })();
  ready.catch(() => {
    if (states.get(client) === state) states.delete(client); // a failed lookup is retried by the next request
  });
  state = {
    revision,
    config,
    keys: new SigningKeys(),
    endpoints: new EndpointResolver(client, sdkDefault("endpointProvider")),
    userAgent: new ClientUserAgent(
      config as unknown as UserAgentConfig,
      isSdkDefaultUserAgentProvider(
        (config as { defaultUserAgentProvider?: unknown }).defaultUserAgentProvider,
      ),
    ),
    ready,
  };
  states.set(client, state);
  return state;
}

/**
 * Sends the data-plane operations directly and every other operation through the SDK; so too
 * every request of a client the direct transport cannot honour as it is now (the verdict is
 * checked per request: middleware or configuration added later is never bypassed).
 */
export const directSender: RequestSender = <N extends OperationName>(request: WireRequest<N>) =>
  directOperations.has(request.operation)
    ? (sendDirect(request) as Promise<OutputOf<N>>)
    : sdkSender(request);

/**
 * Sends `request` directly when the client's verdict allows it, else through the SDK path (which
 * logs itself); the client's logger is told of a direct request's outcome as the SDK's logger
 * middleware tells it.
 */
function sendDirect(request: WireRequest): Promise<unknown> {
  const { client, signal } = request;
  if (signal.aborted) {
    const error = abortError(signal);
    const config = client.config as unknown as { logger?: unknown };
    logError(commandLogger(config), config, request.operation, request.input, error);
    return Promise.reject(error);
  }
  if (directState in client) {
    // a lean session's client carries its own state; none: only the SDK honours its settings
    const own = (client as { [directState]?: ClientState })[directState];
    return own ? send(request, own) : sdkSender(request);
  }
  const verdict = currentVerdict(client);
  if (verdict.support.transport === "direct" && !verdict.checked)
    return verdict.settled.then(() => sendDirect(request)); // the first requests wait for the retry strategy's check
  if (verdict.support.transport !== "direct") return sdkSender(request);
  return send(request, stateOf(client, verdict.revision));
}

/** What every request of one operation to one endpoint with one user agent shares: its headers and signer. */
interface RequestTemplate {
  /** The user-agent headers it was made with. */
  readonly agent: UserAgentHeaders | undefined;
  /**
   * The headers but the per-request ones (content type, host, target, the endpoint's, the user
   * agent's), checked and rendered once.
   */
  readonly fixed: FixedHeaders;
  readonly signer: RequestSigner;
}

/** The headers each attempt has its own value of, signed (the date, token and payload hash aside). */
const PER_REQUEST_HEADERS = ["amz-sdk-invocation-id", "amz-sdk-request", "content-length"];

const SDK_DEFAULT_USER_AGENT_SOURCE = new WeakMap<object, boolean>();

/**
 * Whether `provider` is the SDK's own default user-agent provider (a closure made per client: the
 * same code as a fresh client's, whose answer depends on the environment only).
 */
function isSdkDefaultUserAgentProvider(provider: unknown): boolean {
  if (typeof provider !== "function") return false;
  let known = SDK_DEFAULT_USER_AGENT_SOURCE.get(provider);
  if (known === undefined) {
    known = String(provider) === String(sdkDefault("defaultUserAgentProvider"));
    SDK_DEFAULT_USER_AGENT_SOURCE.set(provider, known);
  }
  return known;
}

const templates = new WeakMap<ResolvedEndpoint, Map<OperationName, RequestTemplate>>();

function templateOf(
  state: ClientState,
  endpoint: ResolvedEndpoint,
  operation: OperationName,
  agent: UserAgentHeaders | undefined,
): RequestTemplate {
  let byOperation = templates.get(endpoint);
  if (!byOperation) templates.set(endpoint, (byOperation = new Map()));
  let template = byOperation.get(operation);
  if (template && template.agent === agent) return template;
  const headers: Record<string, string> = {
    ...endpoint.headers,
    "content-type": CONTENT_TYPE,
    host: endpoint.port ? `${endpoint.hostname}:${endpoint.port}` : endpoint.hostname,
    "x-amz-target": `${SERVICE_TARGET}.${operation}`,
  };
  const userAgent = agent?.["x-amz-user-agent"];
  if (userAgent !== undefined) headers["x-amz-user-agent"] = userAgent;
  // As the SDK's signer: the endpoint's auth scheme, else the scope its first signing wrote into the config.
  const config = state.config as ResolvedConfig & { signingRegion?: string; serviceId?: string };
  config.signingRegion ||= endpoint.signingRegion ?? endpoint.region;
  config.signingName ||= endpoint.signingName ?? config.defaultSigningName ?? config.serviceId;
  const signer = new RequestSigner(
    "POST",
    endpoint.path,
    headers,
    endpoint.signingRegion ?? config.signingRegion,
    endpoint.signingName ?? config.signingName ?? "dynamodb",
    state.keys,
    PER_REQUEST_HEADERS,
  );
  const headerList = Object.entries(headers).flat();
  if (agent) headerList.push("user-agent", agent["user-agent"]); // not signed, as by the SDK's signer
  template = { agent, fixed: fixedHeaders(headerList), signer };
  byOperation.set(operation, template);
  return template;
}

/**
 * Sends `request` directly, retried as the client's retry strategy says; the client's logger
 * is told of the outcome as the SDK's logger middleware tells it.
 */
async function send(request: WireRequest, state: ClientState): Promise<unknown> {
  const { client, operation, input, signal } = request;
  const config = state.config;
  const logger = commandLogger(config as unknown as { logger?: unknown });
  try {
    const known = answersOf(state);
    const settings = known.ready.get(state.ready);
    let ready = settings;
    if (ready === UNSETTLED) known.ready.remember(state.ready, (ready = await state.ready));
    const { http, retry, acquireAtOnce, noSkewCorrection } = ready;
    // Every provider the request needs is asked, each per request and in the order the SDK's
    // middleware asks them (the auth scheme's region and identity, the endpoint's parameters, the
    // user agent's, the retry middleware's), then their answers are awaited together: one wait,
    // where the SDK awaits each in turn. When some fail, the first in that order is thrown.
    const asked: unknown[] = [];
    const region = answerOf(config, "region");
    asked.push(region);
    const credentialsAt = asked.push(answerOf(config, "credentials")) - 1; // one identity per call, for the endpoint's account ID and every attempt's signature
    const question = state.endpoints.ask(operation, input as object, asked, region);
    const agentAt = asked.length;
    state.userAgent.ask(asked);
    const attemptsAnswer = answerOf(config, "maxAttempts");
    const knownAttempts =
      attemptsAnswer instanceof Promise ? known.maxAttempts.get(attemptsAnswer) : UNSETTLED;
    const attemptsAt = knownAttempts === UNSETTLED ? asked.push(attemptsAnswer) - 1 : -1;
    // a first token handed at once (no rate limiter: taking it and not using it changes nothing) is awaited with them
    const tokenAt = acquireAtOnce ? asked.push(retry.acquireInitialRetryToken("")) - 1 : -1; // the SDK's, which does not throw
    const waiting = thenablesOf(asked);
    if (waiting.length > 0) {
      let values: unknown[];
      try {
        values = await Promise.all(waiting);
      } catch {
        values = await firstFailureInOrder(asked);
      }
      putSettled(asked, values);
    }
    const credentials = asked[credentialsAt] as SigningCredentials & object;
    const endpoint = state.endpoints.answer(question, asked, credentials);
    if (!endpoint) return sdkSender(request); // the SDK's endpoint rules are needed: its path (which logs itself)
    const body = requestBody(operation, input as object);
    refuseIllFormedBody(operation, input, body);
    // the SDK's retry and user-agent middleware's headers
    const invocationId = randomUUID();
    let maxAttempts = knownAttempts as number;
    if (attemptsAt >= 0) {
      maxAttempts = asked[attemptsAt] as number;
      if (attemptsAnswer instanceof Promise)
        known.maxAttempts.remember(attemptsAnswer, maxAttempts);
    }
    const agent = state.userAgent.headers(
      endpoint.hostname,
      credentials,
      (retry as { mode?: unknown }).mode,
      asked,
      agentAt,
    );
    const template = templateOf(state, endpoint, operation, agent);
    const length = String(Buffer.byteLength(body));

    let token =
      tokenAt >= 0
        ? (asked[tokenAt] as RetryToken)
        : await race(retry.acquireInitialRetryToken(""), signal);
    if (signal.aborted) throw abortError(signal); // as the race would have
    let attempts = 0;
    let totalRetryDelay = 0;
    for (;;) {
      let response: WireResponse | undefined;
      let sentAt = 0;
      let signedOffset = 0;
      try {
        const hooks = wireHooksOf(client); // e.g. injected faults: the same per attempt as on the SDK path
        const plan: AttemptPlan = hooks?.beforeAttempt(operation, JSON.parse(body) as WireBody);
        const sent = plan?.body ? JSON.stringify(plan.body) : body;
        // the offset this attempt is signed with: whether its failure was a skew that got corrected compares with it
        signedOffset = noSkewCorrection ? 0 : (config.systemClockOffset ?? 0);
        const extra: Record<string, string> = {
          "amz-sdk-invocation-id": invocationId,
          "amz-sdk-request": `attempt=${attempts + 1}; max=${maxAttempts}`,
          "content-length": sent === body ? length : String(Buffer.byteLength(sent)),
        };
        const trace = lambdaTraceId();
        if (trace !== undefined) extra["x-amzn-trace-id"] = trace; // not signed, as by the SDK's signer
        const date = new Date(Date.now() + signedOffset);
        const auth = template.signer.sign(sent, credentials, date, extra, true);
        sentAt = Date.now();
        response = plan?.answer
          ? answered(plan.answer.status, plan.answer.body)
          : await post(endpoint, template.fixed, withSignature(extra, auth), sent, http, signal);
        if (plan?.body && response.statusCode === 200)
          response = answered(
            200,
            plan.complete(parsed(response, JSON.parse) as WireBody),
            response,
          );
        if (response.statusCode >= 300) throw responseError(response);
        const output = parsed(response);
        if (!noSkewCorrection) correctClock(config, response, sentAt, signedOffset);
        retry.recordSuccess(token);
        const metadata = responseMetadata(response);
        metadata.attempts = attempts + 1;
        metadata.totalRetryDelay = totalRetryDelay;
        output.$metadata = metadata;
        if (logger) logOutput(logger, config, operation, input, output);
        return output;
      } catch (error) {
        const failure = asError(error);
        if (response && !noSkewCorrection)
          correctClock(config, response, sentAt, signedOffset, failure);
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
  } catch (error) {
    logError(logger, config, operation, input, error);
    throw error;
  }
}

/**
 * Lambda's trace header, as the SDK's recursion-detection middleware adds it (read per request:
 * Lambda sets `_X_AMZN_TRACE_ID` per invocation).
 */
function lambdaTraceId(): string | undefined {
  const env = process.env;
  if (!env.AWS_LAMBDA_FUNCTION_NAME) return undefined;
  return env._X_AMZN_TRACE_ID || undefined;
}

/** The request's headers after its template's: its own (signed or not) and the signature's. */
function withSignature(extra: Record<string, string>, auth: SignedHeaders): string[] {
  const headers: string[] = [];
  for (const name in extra) headers.push(name, extra[name]!);
  headers.push("x-amz-date", auth["x-amz-date"]);
  const token = auth["x-amz-security-token"];
  if (token !== undefined) headers.push("x-amz-security-token", token);
  headers.push("x-amz-content-sha256", auth["x-amz-content-sha256"]!);
  headers.push("authorization", auth.authorization);
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

/**
 * The SDK's clock-skew sampling (`AwsSdkSigV4Signer`): the offset follows the server's time (a
 * failure's `ServerTime`, else the `Date` header), and a failed attempt counts as skew-corrected
 * (so it is retried) when the offset is now far off and differs from the one the attempt was
 * signed with, even when a concurrent attempt made the correction first.
 */
function correctClock(
  config: ResolvedConfig,
  response: WireResponse,
  sentAt: number,
  signedOffset: number,
  error?: Error,
): void {
  const failure = error as
    { ServerTime?: unknown; $metadata?: Record<string, unknown> } | undefined;
  const date = failure?.ServerTime ?? response.headers["date"];
  if (date === undefined || date === null || date === "") return;
  const offset = updatedOffset(
    String(date),
    config.systemClockOffset ?? 0,
    sentAt,
    response.headers["age"],
  );
  config.systemClockOffset = offset;
  if (failure?.$metadata && Math.abs(offset) >= 240_000 && offset !== signedOffset)
    failure.$metadata.clockSkewCorrected = true;
}

/** The SDK's `getUpdatedSystemClockOffset`. */
function updatedOffset(date: string, current: number, sentAt: number, age: unknown): number {
  if (age !== undefined) return current;
  const serverTime = parsedDate(date);
  if (Number.isNaN(serverTime)) return current;
  const now = Date.now();
  if (now - sentAt > 900_000) return current;
  return serverTime - now;
}

let lastDate = "";
let lastTime = Number.NaN;

/** `Date.parse` of a `Date` header (the same for a second: the last one's is kept). */
function parsedDate(date: string): number {
  if (date !== lastDate) {
    lastTime = Date.parse(date);
    lastDate = date;
  }
  return lastTime;
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
