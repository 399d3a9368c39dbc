/**
 * The SDK's `user-agent` and `x-amz-user-agent` headers, built per request as its user-agent
 * middleware builds them: the client's `defaultUserAgentProvider` sections, the feature metadata
 * (`m/...`: custom endpoint, retry mode, account-ID endpoint mode, the credentials' sources),
 * `userAgentAppId` and `customUserAgent`.
 * @module
 */

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
 * The headers of one request to `hostname`, signed with `credentials` (their `$source` and
 * `accountId` are features), retried by a strategy of `retryMode`.
 */
export async function userAgentHeaders(
  config: UserAgentConfig,
  hostname: string,
  credentials: object,
  retryMode: unknown,
): Promise<UserAgentHeaders | undefined> {
  if (typeof config.defaultUserAgentProvider !== "function") return undefined;
  const sections = await config.defaultUserAgentProvider();
  // features in the SDK's order: the endpoint middleware's, then the user-agent middleware's
  let features = config.isCustomEndpoint ? "N" : "";
  const add = (code: unknown) => {
    if (typeof code !== "string") return;
    if (features.length + code.length + 1 > FEATURE_BYTES) return;
    features = features ? `${features},${code}` : code;
  };
  if (retryMode === "adaptive") add("F");
  else if (retryMode === "standard") add("E");
  if (typeof config.accountIdEndpointMode === "function") {
    if (ACCOUNT_ID_ENDPOINT.test(hostname)) add("O");
    add(ACCOUNT_ID_MODES[String(await config.accountIdEndpointMode())]);
  }
  const identity = credentials as { accountId?: string; $source?: Record<string, unknown> };
  if (identity.$source) {
    if (identity.accountId) add("T");
    for (const code of Object.values(identity.$source)) add(code);
  }
  const appId = await config.userAgentAppId?.();
  const customUserAgent = config.customUserAgent ?? [];
  // the same inputs give the same headers: the escaping is done once per set of inputs
  const key = `${sections.join("\u0001")}\u0002${features}\u0002${appId ?? ""}\u0002${customUserAgent.join("\u0001")}`;
  let headers = cache.get(key);
  if (headers) return headers;
  const defaults = sections.map(escape);
  defaults.push(`m/${features}`);
  const custom = customUserAgent.map(escape);
  if (appId) defaults.push(escape(["app", `${appId}`]));
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
