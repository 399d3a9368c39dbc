/**
 * Endpoint resolution as the SDK's endpoint middleware does it: the command's endpoint
 * parameter instructions, the client's config values and its own `endpointProvider`
 * (custom endpoints, DynamoDB Local, FIPS, dual-stack and account-based endpoints included).
 * @module
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { commandClass, type OperationName } from "../operation/registry.js";
import type { Target } from "./http.js";
import { answerOf, isThenable, LastSettled, UNSETTLED } from "./settled.js";

type Instruction =
  | { type: "builtInParams" | "clientContextParams"; name: string }
  | { type: "contextParams"; name: string }
  | { type: "staticContextParams"; value: unknown }
  | { type: "operationContextParams"; get: (input: unknown) => unknown };

/** A resolved endpoint: where to send, what to sign with, and its extra headers. */
export interface ResolvedEndpoint extends Target {
  /** The client's region when it was resolved (what the request is signed for, unless the endpoint says). */
  readonly region: string;
  readonly signingRegion: string | undefined;
  readonly signingName: string | undefined;
  readonly headers: Record<string, string>;
}

/**
 * One request's endpoint, asked: where its providers' answers were appended (`from`, `count`), to
 * be awaited by the caller.
 */
export interface EndpointQuestion {
  /** The index in the caller's list of the first answer appended. */
  readonly from: number;
  /** How many answers were appended. */
  readonly count: number;
}

/** An {@link EndpointResolver}'s question: where each answer goes. */
interface ResolverQuestion extends EndpointQuestion {
  readonly operation: OperationName;
  readonly parameters: readonly Parameter[];
  /** The parameters' values; a pending one holds its answer (promise) until {@link EndpointResolver.answer}. */
  readonly values: unknown[];
  /** The index among the parameters of each answer appended for a parameter, in order. */
  readonly pendingAt: readonly number[];
  /** The `Endpoint` parameter's index when it is the custom endpoint's URL, else -1. */
  readonly endpointAt: number;
  readonly accountAt: number;
  /** The index in the caller's list of the custom endpoint's second answer (its headers), else -1. */
  readonly headersAt: number;
}

type Config = Record<string, unknown> & {
  endpointProvider: (params: Record<string, unknown>, context?: object) => EndpointV2;
  credentials?: () => Promise<{ accountId?: string }>;
  isCustomEndpoint?: boolean;
  ignoreConfiguredEndpointUrls?: boolean;
  serviceConfiguredEndpoint?: () => Promise<string | undefined>;
  endpoint?: () => Promise<unknown>;
  logger?: object;
  clientContextParams?: unknown;
};

interface EndpointV2 {
  url: URL;
  properties?: { authSchemes?: { name?: string; signingRegion?: string; signingName?: string }[] };
  headers?: Record<string, string[]>;
}

/** An endpoint parameter, as one operation's instructions define it. */
type Parameter =
  | { readonly name: string; readonly from: "input"; readonly get: (input: object) => unknown }
  | { readonly name: string; readonly from: "static"; readonly value: unknown }
  | {
      readonly name: string;
      readonly from: "config";
      readonly key: string;
      readonly clientContext: boolean;
      /** Its provider's last answer. */
      readonly answer: LastSettled<unknown>;
    }
  | { readonly name: string; readonly from: "account" };

/** Most endpoints a client keeps resolved (one per operation, account and table set in use). */
const CACHE_LIMIT = 500;

/**
 * Resolves endpoints for one client as the SDK's endpoint middleware does: per request, the
 * command's parameter instructions, the client's config values (region, FIPS, dual-stack, custom
 * or configured endpoint, account-ID endpoint mode: each provider called on every request, as
 * the SDK calls them, so a provider whose answer changes is followed) and its `endpointProvider`.
 * Each operation's instructions are read once; the SDK's own `endpointProvider` answers are
 * cached per parameter set (as it caches them itself), a custom one is called per request.
 */
export class EndpointResolver {
  readonly #config: Config;
  readonly #cache = new Map<string, ResolvedEndpoint>();
  readonly #parameters = new Map<OperationName, readonly Parameter[]>();
  readonly #cacheable: boolean;
  /** Per operation, its last request's parameter values and endpoint (when cacheable). */
  readonly #last = new Map<
    OperationName,
    { values: readonly unknown[]; customHeaders: boolean; resolved: ResolvedEndpoint }
  >();

  /** `sdkEndpointProvider`: the SDK's own `endpointProvider` (whose answers may be cached). */
  constructor(client: DynamoDBClient, sdkEndpointProvider: unknown) {
    this.#config = client.config as unknown as Config;
    this.#cacheable = this.#config.endpointProvider === sdkEndpointProvider;
  }

  /**
   * Asks the providers of `operation`'s endpoint parameters for a request with `input`, in the
   * SDK's order, each per request as the SDK asks it (a constant one's answer, a native promise
   * seen settled, is read at once): appends their answers to `asked`, which the caller awaits
   * with its other providers' and passes to {@link answer}: one wait per request, not one per
   * provider. `region`: the request's answer of `config.region()` (asked first, for the auth
   * scheme, as by the SDK), which is also the `Region` parameter's. The custom endpoint is asked
   * twice, as the SDK asks it: its URL is the `Endpoint` parameter, its headers (asked after the
   * parameters) are sent.
   */
  ask(
    operation: OperationName,
    input: object,
    asked: unknown[],
    region: unknown,
  ): EndpointQuestion {
    const config = this.#config;
    const parameters = this.#parametersOf(operation);
    const custom = config.isCustomEndpoint && typeof config.endpoint === "function";
    const from = asked.length;
    const values: unknown[] = [];
    const pendingAt: number[] = [];
    let endpointAt = -1;
    let accountAt = -1;
    for (const parameter of parameters) {
      let value: unknown;
      if (parameter.from === "input") value = parameter.get(input);
      else if (parameter.from === "static") value = parameter.value;
      else if (parameter.from === "account") accountAt = values.length;
      else {
        const endpoint = isEndpointParameter(parameter);
        if (endpoint && custom) endpointAt = values.length;
        value =
          parameter.key === "region" && !parameter.clientContext
            ? region
            : endpoint && custom
              ? answerOf(config, "endpoint")
              : this.#configValue(parameter);
        if (isThenable(value)) {
          const known = value instanceof Promise ? parameter.answer.get(value) : UNSETTLED;
          if (known !== UNSETTLED) value = known;
          else {
            asked.push(value);
            pendingAt.push(values.length);
          }
        }
      }
      values.push(value);
    }
    const headersAt = custom ? asked.push(answerOf(config, "endpoint")) - 1 : -1;
    const question: ResolverQuestion = {
      operation,
      parameters,
      values,
      from,
      count: asked.length - from,
      pendingAt,
      endpointAt,
      accountAt,
      headersAt,
    };
    return question;
  }

  /**
   * The endpoint `question` asked for, given `answers`: the list its answers were appended to,
   * each settled in place, for a request signed with `credentials` (their `accountId` is the
   * `AccountId` parameter, as the SDK reads it).
   */
  answer(
    asked: EndpointQuestion,
    answers: readonly unknown[],
    credentials: object | undefined,
  ): ResolvedEndpoint {
    const question = asked as ResolverQuestion;
    const { operation, parameters, values, pendingAt, from } = question;
    for (let i = 0; i < pendingAt.length; i++) {
      const at = pendingAt[i]!;
      const parameter = parameters[at] as { answer: LastSettled<unknown> };
      // a native promise's value never changes: the next request may read it without waiting
      if (values[at] instanceof Promise) parameter.answer.remember(values[at], answers[from + i]);
      values[at] = answers[from + i];
    }
    if (question.endpointAt >= 0)
      values[question.endpointAt] = customEndpointParam(values[question.endpointAt]);
    if (question.accountAt >= 0) {
      const identity = credentials as { accountId?: string; AccountId?: string } | undefined;
      values[question.accountAt] = identity?.accountId ?? identity?.AccountId;
    }
    const custom = question.headersAt >= 0 ? answers[question.headersAt] : undefined;
    const customHeaders = (custom as { headers?: Record<string, unknown> } | undefined)?.headers;
    if (!this.#cacheable) return this.#resolveParams(parameters, values, customHeaders);
    // the same parameters as this operation's last request: its endpoint (the key below would be the same)
    const last = this.#last.get(operation);
    if (last && !customHeaders && !last.customHeaders && sameValues(last.values, values))
      return last.resolved;
    let key: string = operation;
    for (const value of values)
      key += `\u0000${Array.isArray(value) ? value.join("\u0001") : String(value)}`;
    if (customHeaders) key += `\u0000${JSON.stringify(customHeaders)}`;
    let resolved = this.#cache.get(key);
    if (!resolved) {
      resolved = this.#resolveParams(parameters, values, customHeaders);
      if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
      this.#cache.set(key, resolved);
    }
    this.#last.set(operation, { values, customHeaders: customHeaders !== undefined, resolved });
    return resolved;
  }

  #resolveParams(
    parameters: readonly Parameter[],
    values: readonly unknown[],
    custom: Record<string, unknown> | undefined,
  ): ResolvedEndpoint {
    const params: Record<string, unknown> = {};
    let region: unknown;
    parameters.forEach((parameter, i) => {
      params[parameter.name] = values[i];
      if (parameter.from === "config" && parameter.key === "region") region = values[i];
    });
    const endpoint = this.#config.endpointProvider(params, { logger: this.#config.logger });
    const headers: Record<string, string> = {};
    for (const [name, values] of Object.entries(endpoint.headers ?? {}))
      headers[name.toLowerCase()] = values.join(",");
    for (const [name, value] of Object.entries(custom ?? {}))
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(",") : String(value);
    const url = endpoint.url;
    const scheme = endpoint.properties?.authSchemes?.find((s) => s.name === "sigv4");
    return {
      https: url.protocol === "https:",
      hostname: url.hostname,
      port: url.port,
      path: url.pathname.endsWith("/") ? url.pathname : `${url.pathname}/`,
      region: String(region ?? ""),
      signingRegion: scheme?.signingRegion,
      signingName: scheme?.signingName,
      headers,
    };
  }

  /** The endpoint parameters of `operation`, from its command's instructions (read once). */
  #parametersOf(operation: OperationName): readonly Parameter[] {
    let parameters = this.#parameters.get(operation);
    if (parameters) return parameters;
    parameters = Object.entries(instructionsOf(operation)).map(([name, instruction]): Parameter => {
      switch (instruction.type) {
        case "staticContextParams":
          return { name, from: "static", value: instruction.value };
        case "contextParams": {
          const member = instruction.name;
          return {
            name,
            from: "input",
            get: (input) => (input as Record<string, unknown>)[member],
          };
        }
        case "operationContextParams":
          return { name, from: "input", get: instruction.get };
        default:
          return instruction.name === "accountId" || name === "AccountId"
            ? { name, from: "account" }
            : {
                name,
                from: "config",
                key: instruction.name,
                clientContext: instruction.type === "clientContextParams",
                answer: new LastSettled(),
              };
      }
    });
    this.#parameters.set(operation, parameters);
    return parameters;
  }

  /**
   * A config parameter's value, its provider called as the SDK's `createConfigValueProvider` does
   * (a provider's promise is returned as it is: the caller awaits it). The `Endpoint` parameter
   * here is only one configured by env or config file (a custom endpoint's is made by the caller).
   */
  #configValue(parameter: { name: string; key: string; clientContext: boolean }) {
    const config = this.#config;
    if (isEndpointParameter(parameter)) {
      if (config.isCustomEndpoint) return undefined; // an `endpoint` provider not there: none
      if (config.ignoreConfiguredEndpointUrls || !config.serviceConfiguredEndpoint)
        return undefined;
      return answerOf(config, "serviceConfiguredEndpoint");
    }
    const nested = parameter.clientContext
      ? (config.clientContextParams as Record<string, unknown> | undefined)?.[parameter.key]
      : undefined;
    const value = nested ?? config[parameter.key] ?? config[parameter.name];
    if (typeof value !== "function") return value;
    try {
      return (value as () => unknown)();
    } catch (error) {
      return Promise.reject(error as Error); // fails in its turn among the request's answers
    }
  }
}

function isEndpointParameter(parameter: { name: string; key?: string }): boolean {
  return parameter.key === "endpoint" || parameter.name === "endpoint";
}

/** The `Endpoint` parameter of a custom endpoint (as `config.endpoint()` gave it for this request). */
function customEndpointParam(endpoint: unknown): string | undefined {
  if (endpoint && typeof endpoint === "object") {
    if ("url" in endpoint) return (endpoint as { url: URL }).url.href;
    if ("hostname" in endpoint) {
      const { protocol, hostname, port, path } = endpoint as {
        protocol: string;
        hostname: string;
        port?: number;
        path: string;
      };
      return `${protocol}//${hostname}${port ? `:${port}` : ""}${path}`;
    }
  }
  return endpoint as string | undefined;
}

/** The same parameter values: each the same value, or arrays of the same values. */
function sameValues(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
    for (let j = 0; j < x.length; j++) if (x[j] !== y[j]) return false;
  }
  return true;
}

function instructionsOf(operation: OperationName): Record<string, Instruction> {
  const command = commandClass(operation) as unknown as {
    getEndpointParameterInstructions(): Record<string, Instruction>;
  };
  return command.getEndpointParameterInstructions();
}
