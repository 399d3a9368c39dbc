/**
 * The client of a lean session: what the direct transport reads of a client (resolved settings,
 * HTTP agents, retry strategy, endpoint), made from the options and the environment without
 * loading the SDK, and an SDK `DynamoDBClient` made only when a request needs one (a
 * control-plane operation, a setting or endpoint the lean path does not cover).
 * @module
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Agent as HttpAgent } from "node:http";
import type { Agent as HttpsAgent } from "node:https";
import { platform, release } from "node:os";
import { loadSdk } from "../sdk-module.js";
import { SDK_VERSION } from "../sdk-snapshot.js";
import { directState } from "../transport/direct-state.js";
import type { DirectClientState } from "../transport/sender.js";
import type { EndpointQuestion } from "../transport/endpoint.js";
import type { OperationName } from "../operation/registry.js";
import { nodeHttp, nodeHttps } from "../transport/builtins.js";
import { SigningKeys } from "../transport/sigv4.js";
import { ClientUserAgent, type UserAgentConfig } from "../transport/user-agent.js";
import {
  memoize,
  planCredentials,
  type CredentialPlan,
  type CredentialProvider,
  type Credentials,
} from "./credentials.js";
import {
  leanEndpoint,
  needsSdkEndpoint,
  uncoveredReason,
  type EndpointSettings,
} from "./endpoint.js";
import { DYNAMODB_MAX_ATTEMPTS, StandardRetry } from "./retry.js";

/** How to make a lean session (API.md section 18). */
export interface LeanOptions {
  /** The region; default `AWS_REGION`, then `AWS_DEFAULT_REGION`. */
  region?: string;
  /** A custom endpoint URL (DynamoDB Local: `http://localhost:8000`). */
  endpoint?: string;
  /** Credentials or a provider of them; default: the environment, the container endpoint, else the SDK's chain. */
  credentials?: Credentials | CredentialProvider;
  /** Default `AWS_USE_FIPS_ENDPOINT`. */
  useFipsEndpoint?: boolean;
  /** Default `AWS_USE_DUALSTACK_ENDPOINT`. */
  useDualstackEndpoint?: boolean;
  /** At most this many attempts per request; default `AWS_MAX_ATTEMPTS`, else DynamoDB's 4. */
  maxAttempts?: number;
  /**
   * Milliseconds a connected request may go without data before it fails with a `TimeoutError`
   * (the SDK handler's `socketTimeout`); default {@link DEFAULT_SOCKET_TIMEOUT_MS}.
   */
  socketTimeout?: number;
  /** Milliseconds to establish a connection before the request fails (the handler's `connectionTimeout`); default none, as the SDK. */
  connectionTimeout?: number;
}

/**
 * DynamoDB's service default socket timeout in the SDK (`defaultSocketTimeout`), which the SDK
 * applies only under `AWS_ENABLE_DEFAULT_SOCKET_TIMEOUT_2026=true`; a lean session always does,
 * so that no request waits forever on a server that accepted it and never answers.
 */
export const DEFAULT_SOCKET_TIMEOUT_MS = 300_000;

/** A lean session's endpoint question: the request it is for. */
interface LeanQuestion extends EndpointQuestion {
  readonly operation: OperationName;
  readonly input: object;
}

/** A timeout option: a positive finite number of milliseconds, or undefined. */
function timeoutOption(options: LeanOptions, name: "socketTimeout" | "connectionTimeout") {
  const value = options[name];
  if (value !== undefined && !(typeof value === "number" && value > 0 && Number.isFinite(value)))
    throw new TypeError(
      `${name}: expected a positive number of milliseconds, got ${String(value)}`,
    );
  return value;
}

/** The SDK's `booleanSelector` of an env variable: `"true"`/`"false"`, else not honoured here. */
function envBoolean(env: NodeJS.ProcessEnv, name: string): boolean | string {
  const value = env[name];
  if (value === undefined || value === "false") return false;
  if (value === "true") return true;
  return `${name}=${JSON.stringify(value)} (the SDK's own error)`;
}

/** The settings of a lean client, or why it sends everything through the SDK. */
interface Settings extends EndpointSettings {
  readonly maxAttempts: number;
  readonly socketTimeout: number | undefined;
  readonly connectionTimeout: number | undefined;
  /** Set when the lean path does not cover the configuration: every request goes through the SDK. */
  readonly sdkReason: string | undefined;
}

function settingsOf(options: LeanOptions, env: NodeJS.ProcessEnv): Settings {
  const reasons: string[] = [];
  const region = options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) reasons.push("no region in the options or AWS_REGION/AWS_DEFAULT_REGION");
  const fips = options.useFipsEndpoint ?? envBoolean(env, "AWS_USE_FIPS_ENDPOINT");
  const dual = options.useDualstackEndpoint ?? envBoolean(env, "AWS_USE_DUALSTACK_ENDPOINT");
  if (typeof fips === "string") reasons.push(fips);
  if (typeof dual === "string") reasons.push(dual);
  if (
    options.endpoint === undefined &&
    (env.AWS_ENDPOINT_URL_DYNAMODB || env.AWS_ENDPOINT_URL) &&
    env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS !== "true"
  )
    reasons.push("an endpoint configured by AWS_ENDPOINT_URL(_DYNAMODB)");
  let maxAttempts = options.maxAttempts ?? DYNAMODB_MAX_ATTEMPTS;
  if (options.maxAttempts === undefined && env.AWS_MAX_ATTEMPTS !== undefined) {
    maxAttempts = Number(env.AWS_MAX_ATTEMPTS);
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
      reasons.push(`AWS_MAX_ATTEMPTS=${JSON.stringify(env.AWS_MAX_ATTEMPTS)}`);
  }
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    throw new TypeError(
      `maxAttempts: expected an integer >= 1, got ${String(options.maxAttempts)}`,
    );
  if (env.AWS_RETRY_MODE !== undefined && env.AWS_RETRY_MODE !== "standard")
    reasons.push(`AWS_RETRY_MODE=${env.AWS_RETRY_MODE}`);
  if (env.AWS_LAMBDA_MAX_CONCURRENCY)
    reasons.push("Lambda's multi-concurrency mode (trace headers from the SDK's invoke store)");
  const settings = {
    region: region ?? "",
    useFipsEndpoint: fips === true,
    useDualstackEndpoint: dual === true,
    endpoint: options.endpoint,
    maxAttempts,
    socketTimeout: timeoutOption(options, "socketTimeout"),
    connectionTimeout: timeoutOption(options, "connectionTimeout"),
  };
  if (reasons.length === 0) {
    const uncovered = uncoveredReason(settings);
    if (uncovered) reasons.push(uncovered);
  }
  return { ...settings, sdkReason: reasons.length ? reasons.join("; ") : undefined };
}

/** The SDK chain's credentials: `@aws-sdk/credential-provider-node`, else the SDK client's own. */
function sdkChain(client: () => Promise<DynamoDBClient>): CredentialProvider {
  let chain: CredentialProvider | undefined;
  return async () => {
    if (!chain) {
      try {
        const node = await import("@aws-sdk/credential-provider-node");
        chain = node.defaultProvider() as CredentialProvider;
      } catch {
        const sdkClient = await client();
        chain = sdkClient.config.credentials as unknown as CredentialProvider;
      }
    }
    return chain();
  };
}

/**
 * The client of a lean session: a data-plane request is sent by the direct transport with the
 * settings below; anything else by an SDK client made on first need, with the same settings and
 * credentials. Looks to the rest of dyno-ts as a client does (`send`, `config`, `destroy`).
 */
export class LeanClient {
  /** Where the credentials come from (`"sdk"`: the SDK's default chain, loaded lazily). */
  readonly credentialSource: CredentialPlan["source"];
  /** Why every request goes through the SDK, or undefined when the data plane is sent directly. */
  readonly sdkReason: string | undefined;
  /** The resolved settings the direct transport reads (as a `DynamoDBClient`'s resolved config). */
  readonly config: Record<string, unknown>;
  readonly [directState]: DirectClientState | undefined;
  readonly #settings: Settings;
  #sdkClient: Promise<DynamoDBClient> | undefined;
  readonly #httpAgent: HttpAgent;
  // made (and `node:https` loaded) on the first request to an https endpoint
  #httpsAgent: HttpsAgent | undefined;

  constructor(options: LeanOptions = {}, env: NodeJS.ProcessEnv = process.env) {
    const settings = settingsOf(options, env);
    this.#settings = settings;
    this.sdkReason = settings.sdkReason;
    const plan = planCredentials(options.credentials, env);
    this.credentialSource = plan.source;
    const credentials =
      plan.source === "sdk"
        ? memoize(sdkChain(() => this.sdkClient()))
        : plan.source === "env"
          ? withSource(plan.provider, { CREDENTIALS_ENV_VARS: "g" })
          : plan.provider;
    // as the SDK's NodeHttpHandler's defaults
    this.#httpAgent = new (nodeHttp().Agent)({ keepAlive: true, maxSockets: 50 });
    const httpsAgent = (): HttpsAgent =>
      (this.#httpsAgent ??= new (nodeHttps().Agent)({ keepAlive: true, maxSockets: 50 }));
    const retry = new StandardRetry(settings.maxAttempts);
    const http = {
      connectionTimeout: settings.connectionTimeout,
      socketTimeout: settings.socketTimeout,
      defaultSocketTimeout: DEFAULT_SOCKET_TIMEOUT_MS,
      httpAgent: this.#httpAgent,
      get httpsAgent() {
        return httpsAgent();
      },
      httpAgentProvider: () => Promise.resolve(this.#httpAgent),
    };
    this.config = {
      region: () => Promise.resolve(settings.region),
      credentials,
      maxAttempts: () => Promise.resolve(settings.maxAttempts),
      retryStrategy: () => Promise.resolve(retry),
      requestHandler: { config: http },
      systemClockOffset: 0,
      isCustomEndpoint: settings.endpoint !== undefined,
      defaultSigningName: "dynamodb",
      serviceId: "DynamoDB",
      accountIdEndpointMode: () => Promise.resolve(env.AWS_ACCOUNT_ID_ENDPOINT_MODE ?? "preferred"),
      userAgentAppId: () => Promise.resolve(env.AWS_SDK_UA_APP_ID),
      defaultUserAgentProvider: () => Promise.resolve(userAgentSections(env)),
    };
    if (settings.sdkReason) {
      this[directState] = undefined;
      return;
    }
    const endpoint = leanEndpoint(settings);
    this[directState] = {
      revision: 0,
      config: this.config as never,
      keys: new SigningKeys(),
      // lean's user-agent provider answers the same for the life of the process: asked once
      userAgent: new ClientUserAgent(this.config as unknown as UserAgentConfig, true),
      endpoints: {
        // no provider to ask: the endpoint is the session's, or the SDK's rules are needed
        ask: (operation, input, asked) => {
          const question: LeanQuestion = { from: asked.length, count: 0, operation, input };
          return question;
        },
        answer: (question, _answers, identity) => {
          const { operation, input } = question as LeanQuestion;
          const sdkNeeded = needsSdkEndpoint(
            operation,
            input as Record<string, unknown>,
            identity as { accountId?: string },
            settings,
          );
          return sdkNeeded ? undefined : endpoint;
        },
      },
      ready: Promise.resolve({
        http: {
          httpAgent: http.httpAgent,
          get httpsAgent() {
            return httpsAgent();
          },
          connectionTimeout: settings.connectionTimeout,
          socketTimeout: settings.socketTimeout ?? DEFAULT_SOCKET_TIMEOUT_MS,
          socketTimeoutIsDefault: settings.socketTimeout === undefined,
        },
        retry,
        acquireAtOnce: true, // its StandardRetry hands the first token at once
        noSkewCorrection: false,
      }),
    };
  }

  /** The SDK client for what the direct transport does not send (made, and the SDK loaded, on first need). */
  sdkClient(): Promise<DynamoDBClient> {
    return (this.#sdkClient ??= loadSdk().then((sdk) => {
      const s = this.#settings;
      return new sdk.DynamoDBClient({
        ...(s.region && { region: s.region }),
        ...(s.endpoint !== undefined && { endpoint: s.endpoint }),
        ...(s.useFipsEndpoint && { useFipsEndpoint: true }),
        ...(s.useDualstackEndpoint && { useDualstackEndpoint: true }),
        maxAttempts: s.maxAttempts,
        // the SDK's NodeHttpHandler options: the same deadlines as the direct requests'
        requestHandler: {
          defaultSocketTimeout: DEFAULT_SOCKET_TIMEOUT_MS,
          ...(s.socketTimeout !== undefined && { socketTimeout: s.socketTimeout }),
          ...(s.connectionTimeout !== undefined && { connectionTimeout: s.connectionTimeout }),
        },
        ...(this.credentialSource !== "sdk" && {
          credentials: this.config.credentials as CredentialProvider,
        }),
      });
    }));
  }

  /** Sends an SDK command through the SDK client (as `DynamoDBClient.send`). */
  async send(command: unknown, options?: unknown): Promise<unknown> {
    const client = await this.sdkClient();
    return client.send(command as never, options as never);
  }

  /** Closes the HTTP agents' sockets and the SDK client, if one was made. */
  destroy(): void {
    this.#httpAgent.destroy();
    this.#httpsAgent?.destroy();
    void this.#sdkClient?.then((client) => client.destroy());
  }
}

/** Marks the credentials' source, as the SDK's providers do (a user-agent feature). */
function withSource(
  provider: CredentialProvider,
  source: Record<string, string>,
): CredentialProvider {
  return () => provider().then((c) => ({ ...c, $source: source }) as Credentials);
}

/** The SDK's `defaultUserAgentProvider` sections for DynamoDB. */
function userAgentSections(env: NodeJS.ProcessEnv): string[][] {
  const sections = [
    ["aws-sdk-js", SDK_VERSION],
    ["ua", "2.1"],
    [`os/${platform()}`, release()],
    ["lang/js"],
    ["md/nodejs", process.versions.node],
    ["api/DynamoDB", SDK_VERSION],
  ];
  if (env.AWS_EXECUTION_ENV) sections.push([`exec-env/${env.AWS_EXECUTION_ENV}`]);
  return sections;
}
