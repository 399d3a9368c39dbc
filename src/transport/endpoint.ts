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

/** Resolves endpoints for one client: configured endpoint URLs looked up once, results cached. */
export class EndpointResolver {
  readonly #config: Config;
  readonly #cache = new Map<string, ResolvedEndpoint>();
  #configured: Promise<string | undefined> | undefined;

  constructor(client: DynamoDBClient) {
    this.#config = client.config as unknown as Config;
  }

  /** The endpoint of `operation` with `input`. */
  async resolve(operation: OperationName, input: object): Promise<ResolvedEndpoint> {
    const params = await this.#params(operation, input);
    const key = JSON.stringify(params);
    const cached = this.#cache.get(key);
    if (cached) return cached;
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
    if (this.#cache.size >= 50) this.#cache.clear();
    this.#cache.set(key, resolved);
    return resolved;
  }

  async #params(operation: OperationName, input: object): Promise<Record<string, unknown>> {
    const command = commands.get(operation) as unknown as {
      getEndpointParameterInstructions(): Record<string, Instruction>;
    };
    const params: Record<string, unknown> = {};
    for (const [name, instruction] of Object.entries(command.getEndpointParameterInstructions())) {
      switch (instruction.type) {
        case "staticContextParams":
          params[name] = instruction.value;
          break;
        case "contextParams":
          params[name] = (input as Record<string, unknown>)[instruction.name];
          break;
        case "operationContextParams":
          params[name] = instruction.get(input);
          break;
        default:
          params[name] = await this.#configValue(instruction.name, name);
      }
    }
    return params;
  }

  async #configValue(key: string, paramName: string): Promise<unknown> {
    const config = this.#config;
    if (key === "accountId") {
      const credentials = await config.credentials?.();
      return credentials?.accountId ?? (credentials as { AccountId?: string })?.AccountId;
    }
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
      this.#configured ??= config.serviceConfiguredEndpoint();
      return this.#configured;
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
