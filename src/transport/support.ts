/**
 * Whether the direct transport can honour a client's configuration exactly. It cannot when
 * the client has middleware of its own, a request handler other than the SDK's
 * `NodeHttpHandler`, its own signer, auth schemes or protocol, or endpoint discovery: such a
 * client keeps the SDK path, and the session says why.
 * @module
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";

/** The verdict on one client: `"direct"`, or `"sdk"` with the reason. */
export type DirectSupport =
  | { readonly transport: "direct"; readonly reason?: undefined }
  | { readonly transport: "sdk"; readonly reason: string };

interface Reference {
  readonly middleware: ReadonlySet<string>;
  readonly config: Record<string, unknown>;
}

let reference: Reference | undefined;

/** A fresh client's defaults, to tell the user's own settings from the SDK's (made once). */
function defaults(): Reference {
  if (reference) return reference;
  const fresh = new DynamoDBClient({
    region: "us-east-1",
    credentials: { accessKeyId: "reference", secretAccessKey: "reference" },
  });
  reference = {
    middleware: new Set(fresh.middlewareStack.identify()),
    config: fresh.config as unknown as Record<string, unknown>,
  };
  fresh.destroy();
  return reference;
}

const supported = new WeakMap<DynamoDBClient, DirectSupport>();

/** Whether the direct transport honours `client`'s configuration exactly, and if not, why. */
export function directSupport(client: DynamoDBClient): DirectSupport {
  let verdict = supported.get(client);
  if (!verdict) {
    const reason = unsupportedReason(client);
    verdict = reason ? { transport: "sdk", reason } : { transport: "direct" };
    supported.set(client, verdict);
  }
  return verdict;
}

function unsupportedReason(client: DynamoDBClient): string | undefined {
  const config = client.config as unknown as Record<string, unknown> | undefined;
  if (!config || typeof client.middlewareStack?.identify !== "function")
    return "the client is not a DynamoDBClient of @aws-sdk/client-dynamodb";
  const ref = defaults();
  const custom = client.middlewareStack.identify().filter((entry) => !ref.middleware.has(entry));
  if (custom.length > 0) return `client.middlewareStack has custom entries: ${custom.join(", ")}`;
  const handler = config.requestHandler as { constructor?: unknown } | undefined;
  const refHandler = ref.config.requestHandler as { constructor?: unknown };
  if (!handler || handler.constructor !== refHandler.constructor)
    return "the client has a custom requestHandler (only the SDK's NodeHttpHandler is honoured)";
  if (String(config.signer) !== String(ref.config.signer)) return "the client has a custom signer";
  if (config.httpAuthSchemeProvider !== ref.config.httpAuthSchemeProvider)
    return "the client has a custom httpAuthSchemeProvider";
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
  if (typeof config.endpointProvider !== "function") return "the client has no endpointProvider";
  if (config.isClientEndpointDiscoveryEnabled || endpointDiscoveryFromEnv())
    return "endpoint discovery is enabled";
  const strategy = config.retryStrategy;
  if (typeof strategy !== "function") return "the client has no retryStrategy";
  return undefined;
}

function endpointDiscoveryFromEnv(): boolean {
  const value =
    process.env.AWS_ENABLE_ENDPOINT_DISCOVERY ?? process.env.AWS_ENDPOINT_DISCOVERY_ENABLED;
  return value !== undefined && value !== "false" && value !== "0";
}
