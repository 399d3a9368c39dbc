/**
 * The endpoint of a lean session's data-plane requests, as the SDK's DynamoDB endpoint rules
 * give it for the cases covered here: a custom endpoint, and the standard, FIPS and dual-stack
 * endpoints of the `aws` partition's regions. Anything else (another partition, an account-ID
 * endpoint, a table named by ARN) is `undefined`: the request then goes through the SDK.
 * `test/lean/endpoint.test.ts` compares these with the SDK's resolver over every combination.
 * @module
 */
import type { ResolvedEndpoint } from "../transport/endpoint.js";

/** What the endpoint depends on: the session's settings, fixed at construction. */
export interface EndpointSettings {
  readonly region: string;
  readonly useFipsEndpoint: boolean;
  readonly useDualstackEndpoint: boolean;
  /** A custom endpoint URL (`options.endpoint`). */
  readonly endpoint?: string | undefined;
}

/** The `aws` partition's region names (the partition's `regionRegex`). */
const AWS_REGION = /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/;
/** GovCloud regions match the pattern above too but belong to `aws-us-gov`. */
const GOV_REGION = /^us-gov-/;

/** Why the settings are not covered (the whole session then uses the SDK), or undefined. */
export function uncoveredReason(settings: EndpointSettings): string | undefined {
  if (settings.endpoint !== undefined) {
    if (settings.useFipsEndpoint || settings.useDualstackEndpoint)
      return "a custom endpoint with FIPS or dual-stack (the SDK's rules reject it)";
    let url: URL;
    try {
      url = new URL(settings.endpoint);
    } catch {
      return `the endpoint ${JSON.stringify(settings.endpoint)} is not a URL`;
    }
    if ((url.protocol !== "http:" && url.protocol !== "https:") || url.search || url.hash)
      return `the endpoint ${settings.endpoint} is not one the lean session resolves`;
    return undefined;
  }
  if (!AWS_REGION.test(settings.region) || GOV_REGION.test(settings.region))
    return `region ${settings.region} is outside the aws partition's standard regions`;
  return undefined;
}

/** The session's endpoint (settings covered by {@link uncoveredReason}). */
export function leanEndpoint(settings: EndpointSettings): ResolvedEndpoint {
  let href: string;
  if (settings.endpoint !== undefined) href = settings.endpoint;
  else {
    const service = settings.useFipsEndpoint ? "dynamodb-fips" : "dynamodb";
    const suffix = settings.useDualstackEndpoint ? "api.aws" : "amazonaws.com";
    href = `https://${service}.${settings.region}.${suffix}`;
  }
  const url = new URL(href);
  return {
    https: url.protocol === "https:",
    hostname: url.hostname,
    port: url.port,
    path: url.pathname.endsWith("/") ? url.pathname : `${url.pathname}/`,
    region: settings.region,
    signingRegion: undefined,
    signingName: undefined,
    headers: {},
  };
}

/**
 * Whether a request needs the SDK's rules: credentials carrying an account ID (account-ID
 * endpoints) or a table named by ARN (the ARN's account and region).
 */
export function needsSdkEndpoint(
  operation: string,
  input: Record<string, unknown>,
  credentials: { accountId?: string | undefined },
  settings: EndpointSettings,
): boolean {
  if (settings.endpoint !== undefined) return false; // the custom endpoint wins in the rules
  if (credentials.accountId) return true;
  return tableNames(operation, input).some(
    (name) => typeof name === "string" && name.startsWith("arn:"),
  );
}

function tableNames(operation: string, input: Record<string, unknown>): unknown[] {
  switch (operation) {
    case "BatchGetItem":
    case "BatchWriteItem":
      return Object.keys((input.RequestItems as object | undefined) ?? {});
    case "TransactGetItems":
    case "TransactWriteItems":
      return (
        (input.TransactItems as Record<string, { TableName?: unknown }>[] | undefined) ?? []
      ).flatMap((item) => Object.values(item ?? {}).map((action) => action?.TableName));
    default:
      return [input.TableName];
  }
}
