/**
 * Whether the direct transport can honour a client's configuration exactly, decided live: the
 * verdict is kept per client only while the client stays as it was (its middleware stack, see
 * `watch.ts`, and every key of `client.config`, compared per request), and made again as soon as
 * anything changes. Every configuration key is accounted for ({@link CONFIG_RULES}): honoured as
 * the SDK honours it, required to be the SDK's own default, or, when unknown, a reason to keep the
 * SDK path; nothing is silently ignored.
 * @module
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { requireSdk } from "../sdk-module.js";
import { WIRE_HOOK_MIDDLEWARE } from "../operation/wire-hooks.js";
import { clientGeneration, onClientDestroyed } from "./watch.js";
import { directState as leanMark } from "./direct-state.js";

/** The verdict on one client: `"direct"`, or `"sdk"` with the reason. */
export type DirectSupport =
  | { readonly transport: "direct"; readonly reason?: undefined }
  | { readonly transport: "sdk"; readonly reason: string };

/**
 * How the direct transport treats each key of a resolved `DynamoDBClient` config:
 * - `"honoured"`: read and applied as the SDK applies it (or without effect on DynamoDB's data
 *   plane in the SDK too);
 * - `"default"`: honoured only with the SDK's own default value (the same function, class or
 *   value as a fresh client's); anything else keeps the SDK path;
 * - `"checked"`: checked by a rule of its own below.
 * A key not listed here (an option of a newer SDK, or one this module does not know) keeps the
 * SDK path when it is set.
 */
export const CONFIG_RULES: Readonly<Record<string, "honoured" | "default" | "checked">> = {
  // where to send, and what to sign with
  region: "honoured",
  credentials: "honoured",
  credentialDefaultProvider: "honoured", // made `credentials` at construction
  profile: "honoured", // read at construction (region, credentials, retry settings)
  endpoint: "honoured",
  isCustomEndpoint: "honoured",
  ignoreConfiguredEndpointUrls: "honoured",
  serviceConfiguredEndpoint: "honoured",
  endpointProvider: "honoured",
  useFipsEndpoint: "honoured",
  useDualstackEndpoint: "honoured",
  accountIdEndpointMode: "honoured",
  authSchemePreference: "honoured", // DynamoDB has one auth scheme, SigV4: nothing to prefer
  defaultSigningName: "honoured",
  signingName: "honoured", // written by the SDK's signer; both sign with the endpoint's scheme
  signingRegion: "honoured", // likewise
  systemClockOffset: "honoured",
  disableClockSkewCorrection: "honoured",
  tls: "honoured", // the SDK's endpoint rules do not read it: the endpoint's scheme decides
  disableHostPrefix: "honoured", // no DynamoDB operation has a host prefix
  // retries
  maxAttempts: "honoured",
  retryMode: "honoured",
  retryStrategy: "checked",
  // HTTP
  requestHandler: "checked",
  defaultSocketTimeout: "honoured",
  defaultsMode: "honoured", // its defaults are in the handler's and retry settings
  // headers and logging
  customUserAgent: "honoured",
  userAgentAppId: "honoured",
  defaultUserAgentProvider: "honoured",
  logger: "honoured",
  // endpoint discovery: used only when enabled, and then the SDK path is kept
  endpointDiscoveryEnabled: "checked",
  endpointDiscoveryEnabledProvider: "honoured",
  isClientEndpointDiscoveryEnabled: "checked",
  endpointCache: "honoured",
  endpointCacheSize: "honoured",
  endpointDiscoveryCommandCtor: "honoured",
  // made at construction, their effects already in the keys above
  extensions: "honoured",
  cacheMiddleware: "honoured", // caches the SDK's own handler chain only
  apiVersion: "honoured", // not sent
  // the SDK's machinery: only its defaults are honoured
  signer: "checked",
  httpAuthSchemes: "checked",
  httpAuthSchemeProvider: "default",
  protocol: "checked",
  protocolSettings: "checked",
  serviceId: "default",
  runtime: "default",
  signingEscapePath: "default",
  sha256: "default",
  base64Decoder: "default",
  base64Encoder: "default",
  utf8Decoder: "default",
  utf8Encoder: "default",
  urlParser: "default",
  bodyLengthChecker: "default",
  streamCollector: "default",
  signerConstructor: "default",
  regionInfoProvider: "default",
};

/** Keys the SDK itself writes while it runs (a change there is not the user's). */
/** Config keys the SDK itself sets while it runs (also spelt out in {@link unchanged}). */
const RUNTIME_KEYS = ["systemClockOffset", "signingRegion", "signingName"] as const;

function isRuntimeKey(key: string): boolean {
  return (RUNTIME_KEYS as readonly string[]).includes(key);
}

interface Reference {
  readonly middleware: ReadonlySet<string>;
  readonly config: Record<string, unknown>;
}

let reference: Reference | undefined;

/** A fresh client's defaults, to tell the user's own settings from the SDK's (made once). */
function defaults(): Reference {
  if (reference) return reference;
  const fresh = new (requireSdk().DynamoDBClient)({
    region: "us-east-1",
    credentials: { accessKeyId: "reference", secretAccessKey: "reference" },
  });
  reference = {
    middleware: new Set(fresh.middlewareStack.identify()),
    config: { ...(fresh.config as unknown as Record<string, unknown>) },
  };
  fresh.destroy();
  return reference;
}

/** The SDK's own default for config `key` (a fresh client's value). */
export function sdkDefault(key: string): unknown {
  return defaults().config[key];
}

/** One verdict, valid while the client's generation and config stay as they were. */
interface Verdict {
  readonly generation: number;
  /** The config's keys and values when the verdict was made (the SDK's runtime keys left out). */
  readonly keys: readonly string[];
  readonly values: readonly unknown[];
  readonly handler: unknown;
  readonly handlerConfig: unknown;
  support: DirectSupport;
  /** Settles once what can only be read asynchronously (the retry strategy) was checked. */
  readonly settled: Promise<void>;
  /** True once `settled` has. */
  checked: boolean;
  /** Bumped per verdict: what the sender derived from a client is made again when it changes. */
  readonly revision: number;
}

const verdicts = new WeakMap<DynamoDBClient, Verdict>();
onClientDestroyed((client) => verdicts.delete(client));
let revisions = 0;

/**
 * Whether the direct transport honours `client`'s configuration exactly, and if not, why. Live:
 * a change to the client's middleware stack or config since the last call gives a new verdict.
 * The retry strategy is checked as soon as it resolves (a microtask after the first call).
 */
export function directSupport(client: DynamoDBClient): DirectSupport {
  const lean = client as { sdkReason?: unknown; [leanMark]?: unknown };
  if (leanMark in lean) {
    // a lean session's client: its settings were judged when it was made
    return typeof lean.sdkReason === "string"
      ? { transport: "sdk", reason: lean.sdkReason }
      : { transport: "direct" };
  }
  return currentVerdict(client).support;
}

/** The client's current verdict (made again when the client changed). */
export function currentVerdict(client: DynamoDBClient): Verdict {
  const generation = clientGeneration(client);
  const verdict = verdicts.get(client);
  if (verdict && verdict.generation === generation && unchanged(client, verdict)) return verdict;
  const made = makeVerdict(client, generation);
  verdicts.set(client, made);
  return made;
}

function unchanged(client: DynamoDBClient, verdict: Verdict): boolean {
  const config = client.config as unknown as Record<string, unknown>;
  const handler = config.requestHandler as { configProvider?: unknown } | undefined;
  if (handler !== verdict.handler || handler?.configProvider !== verdict.handlerConfig)
    return false;
  // One pass in the config's own key order, allocating nothing (this runs on every request): a
  // key added, removed, moved or given another value ends the verdict; the SDK's runtime keys aside.
  const keys = verdict.keys;
  const values = verdict.values;
  let i = 0;
  for (const key in config) {
    if (key === "systemClockOffset" || key === "signingRegion" || key === "signingName") continue;
    if (key !== keys[i] || config[key] !== values[i]) return false;
    i++;
  }
  return i === keys.length;
}

function makeVerdict(client: DynamoDBClient, generation: number): Verdict {
  const config = (client.config ?? {}) as unknown as Record<string, unknown>;
  // Only a speed matter, invisible to code: V8 keeps the SDK's config (dozens of keys added one by
  // one) in dictionary mode, where the per-request `for…in` of `unchanged` sorts its keys each
  // time; an object that is some object's prototype is made fast, with its keys' order cached
  // (0.06 µs instead of about 1.5 µs per check on Node 20, 22 and 24).
  if (client.config) Object.setPrototypeOf({}, config);
  const keys: string[] = [];
  const values: unknown[] = [];
  for (const key in config) {
    if (isRuntimeKey(key)) continue;
    keys.push(key);
    values.push(config[key]);
  }
  const handler = config.requestHandler as { configProvider?: unknown } | undefined;
  const reason = unsupportedReason(client);
  const verdict: Verdict = {
    generation,
    keys,
    values,
    handler,
    handlerConfig: handler?.configProvider,
    support: reason ? { transport: "sdk", reason } : { transport: "direct" },
    settled: reason ? Promise.resolve() : checkAsync(config),
    checked: reason !== undefined,
    revision: ++revisions,
  };
  return verdict;

  /**
   * What resolves asynchronously: a v1 retry strategy, or endpoint discovery enabled by the
   * shared config file, turns the verdict to `"sdk"`.
   */
  async function checkAsync(config: Record<string, unknown>): Promise<void> {
    // a failing provider fails the request as it would on the SDK path
    const set = (reason: string | undefined) => {
      if (reason && verdict.support.transport === "direct")
        verdict.support = { transport: "sdk", reason };
    };
    set(await retryReason(config).catch(() => undefined));
    set(await discoveryReason(config).catch(() => undefined));
    verdict.checked = true;
  }
}

let standardAcquire: Promise<unknown> | undefined;

/**
 * Whether `strategy` takes a request's first token as the SDK's `StandardRetryStrategy` does: at
 * once, never waiting (an adaptive strategy may wait for its rate limiter, a custom one for
 * anything), so that no race with the abort signal is needed for it.
 */
export async function acquiresAtOnce(strategy: unknown): Promise<boolean> {
  standardAcquire ??= (async () => {
    const fresh = new (requireSdk().DynamoDBClient)({
      region: "us-east-1",
      retryMode: "standard",
      credentials: { accessKeyId: "reference", secretAccessKey: "reference" },
    });
    try {
      const standard = (await fresh.config.retryStrategy()) as { mode?: unknown } & object;
      return standard.mode === "standard"
        ? (standard as { acquireInitialRetryToken?: unknown }).acquireInitialRetryToken
        : undefined;
    } finally {
      fresh.destroy();
    }
  })();
  const given = strategy as { mode?: unknown; acquireInitialRetryToken?: unknown } | undefined;
  const acquire = await standardAcquire;
  return (
    given?.mode === "standard" &&
    acquire !== undefined &&
    given.acquireInitialRetryToken === acquire
  );
}

async function retryReason(config: Record<string, unknown>): Promise<string | undefined> {
  const strategy = await (config.retryStrategy as () => Promise<unknown>)();
  const v2 = strategy as Record<string, unknown> | undefined;
  if (
    typeof v2?.acquireInitialRetryToken === "function" &&
    typeof v2.refreshRetryTokenForRetry === "function" &&
    typeof v2.recordSuccess === "function"
  )
    return undefined;
  const name = (strategy as object | undefined)?.constructor?.name ?? typeof strategy;
  return `the client's retryStrategy (${name}) is a v1 strategy, which only the SDK's retry middleware runs`;
}

async function discoveryReason(config: Record<string, unknown>): Promise<string | undefined> {
  const discovery = config.endpointDiscoveryEnabled as (() => Promise<unknown>) | undefined;
  if (typeof discovery === "function" && (await discovery()) === true)
    return "endpoint discovery is enabled";
  return undefined;
}

function unsupportedReason(client: DynamoDBClient): string | undefined {
  const config = client.config as unknown as Record<string, unknown> | undefined;
  const stack = client.middlewareStack as
    (DynamoDBClient["middlewareStack"] & { identifyOnResolve?: () => boolean }) | undefined;
  if (!config || typeof stack?.identify !== "function")
    return "the client is not a DynamoDBClient of @aws-sdk/client-dynamodb";
  const ref = defaults();
  // dyno-ts's own wire hooks (fault injection) are applied by the direct transport too.
  const custom = stack
    .identify()
    .filter((entry) => !ref.middleware.has(entry) && !isWireHook(entry));
  if (custom.length > 0) return `client.middlewareStack has custom entries: ${custom.join(", ")}`;
  const missing = [...ref.middleware].filter((entry) => !stack.identify().includes(entry));
  if (missing.length > 0)
    return `client.middlewareStack lacks the SDK's entries: ${missing.join(", ")}`;
  if (process.env.AWS_LAMBDA_FUNCTION_NAME)
    return "in AWS Lambda the SDK's recursion-detection middleware adds trace headers (X-Amzn-Trace-Id, traceparent) that the direct transport does not";
  if (stack.identifyOnResolve?.() === true)
    return "client.middlewareStack.identifyOnResolve(true) logs the stack per request";
  for (const key in config) {
    const rule = CONFIG_RULES[key];
    const value = config[key];
    if (rule === "honoured" || rule === "checked") continue;
    if (rule === undefined) {
      if (value === undefined) continue;
      return `client.config.${key} is a setting the direct transport does not know`;
    }
    if (value !== ref.config[key]) return `the client has its own ${key}`;
  }
  return checkedReason(config, ref);
}

/** The rules of the `"checked"` keys. */
function checkedReason(config: Record<string, unknown>, ref: Reference): string | undefined {
  const handler = config.requestHandler as { constructor?: unknown } | undefined;
  const refHandler = ref.config.requestHandler as { constructor?: unknown };
  if (!handler || handler.constructor !== refHandler.constructor)
    return "the client has a custom requestHandler (only the SDK's NodeHttpHandler is honoured)";
  if (String(config.signer) !== String(ref.config.signer)) return "the client has a custom signer";
  const schemes = config.httpAuthSchemes as { schemeId?: string; signer?: object }[] | undefined;
  const refSchemes = ref.config.httpAuthSchemes as { signer: object }[];
  if (
    schemes?.length !== 1 ||
    schemes[0]!.schemeId !== "aws.auth#sigv4" ||
    schemes[0]!.signer?.constructor !== refSchemes[0]!.signer.constructor
  )
    return "the client has custom httpAuthSchemes";
  if (
    (config.protocol as object | undefined)?.constructor !==
    (ref.config.protocol as object).constructor
  )
    return "the client has a custom protocol";
  if (!sameSettings(config.protocolSettings, ref.config.protocolSettings))
    return "the client has its own protocolSettings";
  if (typeof config.endpointProvider !== "function") return "the client has no endpointProvider";
  // set either way, the SDK's endpoint discovery middleware acts on it
  if (config.isClientEndpointDiscoveryEnabled) return "endpointDiscoveryEnabled is set";
  if (endpointDiscoveryFromEnv()) return "endpoint discovery is enabled";
  if (typeof config.retryStrategy !== "function") return "the client has no retryStrategy";
  return undefined;
}

/**
 * Two `protocolSettings` objects alike: the same plain values and functions, objects of the same
 * class (each client has its own codec instance).
 */
function sameSettings(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!a || !b || typeof a !== "object" || typeof b !== "object") return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((key) => {
    const x = (a as Record<string, unknown>)[key];
    const y = (b as Record<string, unknown>)[key];
    if (x === y) return true;
    if (typeof x === "function") return typeof y === "function" && String(x) === String(y);
    return (
      typeof x === "object" &&
      x !== null &&
      !Array.isArray(x) &&
      typeof y === "object" &&
      y !== null &&
      Object.getPrototypeOf(x) === Object.getPrototypeOf(y) &&
      Object.getPrototypeOf(x) !== Object.prototype
    );
  });
}

function endpointDiscoveryFromEnv(): boolean {
  const value =
    process.env.AWS_ENABLE_ENDPOINT_DISCOVERY ?? process.env.AWS_ENDPOINT_DISCOVERY_ENABLED;
  return value !== undefined && value !== "false" && value !== "0";
}

/** `identify()` names entries `"<name> - <step>"`. */
function isWireHook(entry: string): boolean {
  const name = entry.split(" - ")[0]!;
  return (WIRE_HOOK_MIDDLEWARE as readonly string[]).includes(name);
}
