/**
 * Endpoint resolution as the SDK's endpoint middleware does it: the command's endpoint
 * parameter instructions, the client's config values and its own `endpointProvider`
 * (custom endpoints, DynamoDB Local, FIPS, dual-stack and account-based endpoints included).
 * @module
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { commands, type OperationName } from "../operation/registry.js";
import type { Target } from "./http.js";

type Instruction =
  | { type: "builtInParams" | "clientContextParams"; name: string }
  | { type: "contextParams"; name: string }
  | { type: "staticContextParams"; value: unknown }
  | { type: "operationContextParams"; get: (input: unknown) => unknown };

/** A resolved endpoint: where to send, what to sign with, and its extra headers. */
export interface ResolvedEndpoint extends Target {
  readonly signingRegion: string | undefined;
  readonly signingName: string | undefined;
  readonly headers: Record<string, string>;
}

type Config = Record<string, unknown> & {
  endpointProvider: (params: Record<string, unknown>, context?: object) => EndpointV2;
  credentials?: () => Promise<{ accountId?: string }>;
  isCustomEndpoint?: boolean;
  ignoreConfiguredEndpointUrls?: boolean;
  serviceConfiguredEndpoint?: () => Promise<string | undefined>;
  endpoint?: () => Promise<unknown>;
  logger?: object;
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
  | { readonly name: string; readonly from: "config" }
  | { readonly name: string; readonly from: "account" };

/** Most endpoints a client keeps resolved (one per operation, account and table set in use). */
const CACHE_LIMIT = 500;

/**
 * Resolves endpoints for one client as the SDK's endpoint middleware does, at a fraction of
 * its cost per request: each operation's parameter instructions are read once, the client's
 * configuration values (region, FIPS, dual-stack, custom or configured endpoint, account-ID
 * endpoint mode) are read once per client (the SDK's config providers are constants), the
 * account ID comes from the credentials the request is signed with, and the result is cached
 * per operation, account and input-derived parameters (the table names).
 */
export class EndpointResolver {
  readonly #config: Config;
  readonly #cache = new Map<string, ResolvedEndpoint>();
  readonly #parameters = new Map<OperationName, readonly Parameter[]>();
  #configValues: Promise<Record<string, unknown>> | undefined;
  #configResolved: Record<string, unknown> | undefined;

  constructor(client: DynamoDBClient) {
    this.#config = client.config as unknown as Config;
  }

  /**
   * The endpoint of `operation` with `input`, for a request signed with `credentials` (their
   * `accountId` is the `AccountId` parameter, as the SDK reads it).
   */
  resolve(
    operation: OperationName,
    input: object,
    credentials: object | undefined,
  ): ResolvedEndpoint | Promise<ResolvedEndpoint> {
    const config = this.#configResolved;
    if (!config) {
      this.#configValues ??= this.#readConfig().catch((error: unknown) => {
        this.#configValues = undefined; // a failed read is retried by the next request
        throw error;
      });
      return this.#configValues.then(() => this.resolve(operation, input, credentials));
    }
    const parameters = this.#parametersOf(operation);
    const identity = credentials as { accountId?: string; AccountId?: string } | undefined;
    const accountId = identity?.accountId ?? identity?.AccountId;
    let key = `${operation}\u0000${accountId ?? ""}`;
    const dynamic: unknown[] = [];
    for (const parameter of parameters) {
      if (parameter.from !== "input") continue;
      const value = parameter.get(input);
      dynamic.push(value);
      key += `\u0000${Array.isArray(value) ? value.join("\u0001") : String(value)}`;
    }
    const cached = this.#cache.get(key);
    if (cached) return cached;
    const params: Record<string, unknown> = {};
    let next = 0;
    for (const parameter of parameters) {
      if (parameter.from === "input") params[parameter.name] = dynamic[next++];
      else if (parameter.from === "static") params[parameter.name] = parameter.value;
      else if (parameter.from === "account") params[parameter.name] = accountId;
      else params[parameter.name] = config[parameter.name];
    }
    return this.#resolveParams(key, params);
  }

  async #resolveParams(key: string, params: Record<string, unknown>): Promise<ResolvedEndpoint> {
    const endpoint = this.#config.endpointProvider(params, { logger: this.#config.logger });
    const headers: Record<string, string> = {};
    for (const [name, values] of Object.entries(endpoint.headers ?? {}))
      headers[name.toLowerCase()] = values.join(",");
    if (this.#config.isCustomEndpoint && this.#config.endpoint) {
      const custom = (await this.#config.endpoint()) as { headers?: Record<string, string> };
      for (const [name, value] of Object.entries(custom?.headers ?? {}))
        headers[name.toLowerCase()] = Array.isArray(value) ? value.join(",") : value;
    }
    const url = endpoint.url;
    const scheme = endpoint.properties?.authSchemes?.find((s) => s.name === "sigv4");
    const resolved: ResolvedEndpoint = {
      https: url.protocol === "https:",
      hostname: url.hostname,
      port: url.port,
      path: url.pathname.endsWith("/") ? url.pathname : `${url.pathname}/`,
      signingRegion: scheme?.signingRegion,
      signingName: scheme?.signingName,
      headers,
    };
    if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
    this.#cache.set(key, resolved);
    return resolved;
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
          return instruction.name === "accountId"
            ? { name, from: "account" }
            : { name, from: "config" };
      }
    });
    this.#parameters.set(operation, parameters);
    return parameters;
  }

  /**
   * The values of every configuration parameter any operation uses (built-in and client
   * context parameters but the account ID), read once per client.
   */
  async #readConfig(): Promise<Record<string, unknown>> {
    const values: Record<string, unknown> = {};
    for (const operation of commands.keys()) {
      for (const [name, instruction] of Object.entries(instructionsOf(operation))) {
        if (instruction.type !== "builtInParams" && instruction.type !== "clientContextParams")
          continue;
        if (instruction.name === "accountId" || name in values) continue;
        values[name] = await this.#configValue(instruction.name, name);
      }
    }
    this.#configResolved = values;
    return values;
  }

  async #configValue(key: string, paramName: string): Promise<unknown> {
    const config = this.#config;
    if (key === "endpoint") return this.#endpointParam();
    const value = config[key] ?? config[paramName];
    return typeof value === "function" ? (value as () => unknown)() : value;
  }

  /** The `Endpoint` parameter: the custom endpoint, or one configured by env/config file. */
  async #endpointParam(): Promise<string | undefined> {
    const config = this.#config;
    if (!config.isCustomEndpoint) {
      if (config.ignoreConfiguredEndpointUrls || !config.serviceConfiguredEndpoint)
        return undefined;
      return config.serviceConfiguredEndpoint();
    }
    const endpoint = await config.endpoint?.();
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
}

function instructionsOf(operation: OperationName): Record<string, Instruction> {
  const command = commands.get(operation) as unknown as {
    getEndpointParameterInstructions(): Record<string, Instruction>;
  };
  return command.getEndpointParameterInstructions();
}
