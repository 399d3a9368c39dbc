/**
 * The SDK's `user-agent` and `x-amz-user-agent` headers, built per request as its user-agent
 * middleware builds them: the client's `defaultUserAgentProvider` sections, the feature metadata
 * (`m/...`: custom endpoint, retry mode, account-ID endpoint mode, the credentials' sources),
 * `userAgentAppId` and `customUserAgent`.
 * @module
 */

import { answerOf } from "./settled.js";

/** The config keys the headers are made from. */
export interface UserAgentConfig {
  readonly defaultUserAgentProvider?: () => Promise<readonly (readonly string[])[]>;
  readonly customUserAgent?: readonly (readonly string[])[];
  readonly userAgentAppId?: () => Promise<string | undefined>;
  readonly isCustomEndpoint?: boolean;
  readonly accountIdEndpointMode?: () => Promise<string | undefined>;
}

/** The two headers. */
export interface UserAgentHeaders {
  readonly "user-agent": string;
  /** Absent when there is nothing to send in it (as in the SDK). */
  readonly "x-amz-user-agent"?: string;
}

const NAME_ESCAPE = /[^!$%&'*+\-.^_`|~\w]/g;
const VALUE_ESCAPE = /[^!$%&'*+\-.^_`|~\w#]/g;
const ACCOUNT_ID_ENDPOINT = /\d{12}\.ddb/;
const FEATURE_BYTES = 1024;
const ACCOUNT_ID_MODES: Record<string, string> = { disabled: "Q", preferred: "P", required: "R" };

/**
 * The user-agent headers of one client's requests, as its user-agent middleware makes them per
 * request; the same inputs give the same headers object (so a request template can hold them).
 * `sdkDefaultProvider`: the client's `defaultUserAgentProvider` is the SDK's own, whose answer
 * depends only on the process (its platform, Node version and `AWS_EXECUTION_ENV`, set before a
 * Lambda function starts): then it is asked once, not per request; any other provider is asked
 * per request, as the SDK asks it.
 */
export class ClientUserAgent {
  readonly #config: UserAgentConfig;
  readonly #sdkDefaultProvider: boolean;
  #sections?: readonly (readonly string[])[];
  #features?: {
    readonly credentials: object;
    readonly hostname: string;
    readonly mode: unknown;
    readonly accountMode: unknown;
    readonly value: string;
  };
  #last?: {
    readonly sections: readonly (readonly string[])[];
    readonly features: string;
    readonly appId: unknown;
    readonly headers: UserAgentHeaders;
  };

  constructor(config: UserAgentConfig, sdkDefaultProvider: boolean) {
    this.#config = config;
    this.#sdkDefaultProvider = sdkDefaultProvider;
  }

  /**
   * Asks the providers of one request's headers (each per request, as the SDK's middleware asks
   * them; the SDK's own default user-agent provider once): appends their answers to `asked`, to
   * be awaited by the caller and passed to {@link headers}.
   */
  ask(asked: unknown[]): void {
    const config = this.#config;
    if (typeof config.defaultUserAgentProvider !== "function") return;
    asked.push(
      this.#sections ?? answerOf(config, "defaultUserAgentProvider"),
      typeof config.accountIdEndpointMode === "function"
        ? answerOf(config, "accountIdEndpointMode")
        : NO_ACCOUNT_MODE,
      answerOf(config, "userAgentAppId"),
    );
  }

  /**
   * The headers of one request to `hostname`, signed with `credentials` (their `$source` and
   * `accountId` are features), retried by a strategy of `retryMode`; `answers` holds, from index
   * `from` on, the settled answers of what {@link ask} appended. Undefined: the client has no
   * user-agent provider.
   */
  headers(
    hostname: string,
    credentials: object,
    retryMode: unknown,
    answers: readonly unknown[],
    from: number,
  ): UserAgentHeaders | undefined {
    const config = this.#config;
    if (typeof config.defaultUserAgentProvider !== "function") return undefined;
    const sections = answers[from] as readonly (readonly string[])[];
    if (this.#sdkDefaultProvider) this.#sections = sections;
    const accountMode = answers[from + 1];
    const appId = answers[from + 2] as string | undefined;
    const features = this.#featuresOf(hostname, credentials, retryMode, accountMode);
    const last = this.#last;
    if (last?.sections === sections && last.features === features && last.appId === appId)
      return last.headers;
    const headers = build(sections, features, appId, config.customUserAgent ?? []);
    this.#last = { sections, features, appId, headers };
    return headers;
  }

  /** The feature metadata (`m/...`), in the SDK's order: the endpoint middleware's, then the user-agent middleware's. */
  #featuresOf(hostname: string, credentials: object, mode: unknown, accountMode: unknown): string {
    const known = this.#features;
    if (
      known?.credentials === credentials &&
      known.hostname === hostname &&
      known.mode === mode &&
      known.accountMode === accountMode
    )
      return known.value;
    let features = this.#config.isCustomEndpoint ? "N" : "";
    const add = (code: unknown) => {
      if (typeof code !== "string") return;
      if (features.length + code.length + 1 > FEATURE_BYTES) return;
      features = features ? `${features},${code}` : code;
    };
    if (mode === "adaptive") add("F");
    else if (mode === "standard") add("E");
    if (accountMode !== NO_ACCOUNT_MODE) {
      if (ACCOUNT_ID_ENDPOINT.test(hostname)) add("O");
      add(ACCOUNT_ID_MODES[String(accountMode)]);
    }
    const identity = credentials as { accountId?: string; $source?: Record<string, unknown> };
    if (identity.$source) {
      if (identity.accountId) add("T");
      for (const code of Object.values(identity.$source)) add(code);
    }
    this.#features = { credentials, hostname, mode, accountMode, value: features };
    return features;
  }
}

/** No `accountIdEndpointMode` in the config (unlike a provider that answers `undefined`). */
const NO_ACCOUNT_MODE = Symbol("no account ID endpoint mode");

/** The headers of one set of inputs (the escaping is done once per set, across clients). */
function build(
  sections: readonly (readonly string[])[],
  features: string,
  appId: unknown,
  customUserAgent: readonly (readonly string[])[],
): UserAgentHeaders {
  const key = `${sections.join("\u0001")}\u0002${features}\u0002${String(appId ?? "")}\u0002${customUserAgent.join("\u0001")}`;
  let headers = cache.get(key);
  if (headers) return headers;
  const defaults = sections.map(escape);
  defaults.push(`m/${features}`);
  const custom = customUserAgent.map(escape);
  if (appId) defaults.push(escape(["app", `${String(appId)}`]));
  const normal = [...defaults.filter((s) => s.startsWith("aws-sdk-")), ...custom].join(" ");
  const full = [...defaults, ...custom].join(" ");
  headers = normal ? { "user-agent": full, "x-amz-user-agent": normal } : { "user-agent": full };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, headers);
  return headers;
}

const CACHE_LIMIT = 100;
const cache = new Map<string, UserAgentHeaders>();

/** The SDK's `escapeUserAgent`: `prefix/name#version`. */
function escape(pair: readonly string[]): string {
  const name = pair[0]!
    .split("/")
    .map((part) => part.replace(NAME_ESCAPE, "-"))
    .join("/");
  const version = pair[1]?.replace(VALUE_ESCAPE, "-");
  const slash = name.indexOf("/");
  const prefix = name.substring(0, slash);
  let uaName = name.substring(slash + 1);
  if (prefix === "api") uaName = uaName.toLowerCase();
  return [prefix, uaName, version]
    .filter((item): item is string => item !== undefined && item.length > 0)
    .reduce(
      (acc, item, index) =>
        index === 0 ? item : index === 1 ? `${acc}/${item}` : `${acc}#${item}`,
      "",
    );
}
