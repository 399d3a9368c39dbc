/**
 * The lean session's endpoint against the SDK's own resolver over every combination of region
 * (aws, aws-cn, aws-us-gov and the iso partitions), FIPS and dual-stack (given as options or by
 * the environment) and an explicit endpoint: equal where the lean session resolves it, and where
 * it does not, the session says so (`sdkReason`) and every request goes through the SDK.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { LeanClient } from "../../src/lean/client.js";
import { directState } from "../../src/transport/direct-state.js";
import type { DirectClientState } from "../../src/transport/sender.js";
import type { OperationName } from "../../src/operation/registry.js";

const credentials = { accessKeyId: "AKID", secretAccessKey: "secret" };
const REGIONS = [
  "us-east-1",
  "eu-west-1",
  "ap-southeast-2",
  "il-central-1",
  "mx-central-1",
  "ca-west-1",
  "us-gov-west-1",
  "us-gov-east-1",
  "cn-north-1",
  "cn-northwest-1",
  "us-iso-east-1",
  "us-isob-east-1",
  "eu-isoe-west-1",
  "us-isof-south-1",
  "local",
];
const ENDPOINTS = [undefined, "http://127.0.0.1:8000", "https://ddb.example.com/base"];
const FLAGS = [false, true];
const ENV_KEYS = [
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
  "AWS_USE_FIPS_ENDPOINT",
  "AWS_USE_DUALSTACK_ENDPOINT",
  "AWS_ENDPOINT_URL",
  "AWS_ENDPOINT_URL_DYNAMODB",
  "AWS_PROFILE",
  "AWS_CONFIG_FILE",
  "AWS_SHARED_CREDENTIALS_FILE",
];

/** The SDK's endpoint for GetItem of table "T", from a client made under `env` with `options`. */
async function sdkEndpoint(
  options: Record<string, unknown>,
  env: Record<string, string>,
): Promise<string> {
  const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
  for (const k of ENV_KEYS) delete process.env[k];
  Object.assign(process.env, env, {
    AWS_CONFIG_FILE: "/nonexistent",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent",
  });
  try {
    const client = new DynamoDBClient({ ...options, credentials });
    const config = client.config as unknown as {
      region(): Promise<string>;
      useFipsEndpoint(): Promise<boolean>;
      useDualstackEndpoint(): Promise<boolean>;
      endpoint?: () => Promise<{ protocol: string; hostname: string; port?: number; path: string }>;
      endpointProvider(params: object): { url: URL };
    };
    const custom = config.endpoint ? await config.endpoint() : undefined;
    const url = config.endpointProvider({
      Region: await config.region(),
      UseFIPS: await config.useFipsEndpoint(),
      UseDualStack: await config.useDualstackEndpoint(),
      ...(custom && {
        Endpoint: `${custom.protocol}//${custom.hostname}${custom.port ? `:${custom.port}` : ""}${custom.path}`,
      }),
      AccountIdEndpointMode: "preferred",
      ResourceArn: "T",
    }).url;
    client.destroy();
    // the request's path, as both transports send it (`transport/endpoint.ts`): the endpoint's path and "/"
    if (!url.pathname.endsWith("/")) url.pathname += "/";
    return url.href;
  } catch (error) {
    return `error: ${(error as Error).message}`;
  } finally {
    for (const k of ENV_KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
}

/** A direct state's endpoint for one request, its providers' answers awaited (as the sender does). */
async function resolveEndpoint(
  endpoints: DirectClientState["endpoints"],
  operation: OperationName,
  input: object,
  credentials: object,
) {
  const asked: unknown[] = [];
  const question = endpoints.ask(operation, input, asked, undefined);
  return endpoints.answer(question, await Promise.all(asked), credentials);
}

/** The lean client's endpoint for the same request, or its reason to use the SDK. */
async function leanEndpoint(
  options: Record<string, unknown>,
  env: Record<string, string>,
): Promise<{ href?: string; sdkReason?: string }> {
  const client = new LeanClient({ ...options, credentials }, { HOME: "/nonexistent", ...env });
  try {
    if (client.sdkReason) return { sdkReason: client.sdkReason };
    const e = await resolveEndpoint(
      client[directState]!.endpoints,
      "GetItem",
      { TableName: "T" },
      {},
    );
    assert.ok(e, "a covered session resolves its endpoint");
    return {
      href: `${e.https ? "https" : "http"}://${e.hostname}${e.port ? `:${e.port}` : ""}${e.path}`,
    };
  } finally {
    client.destroy();
  }
}

test("endpoint: equal to the SDK's resolver wherever the lean session resolves it; elsewhere it says so", async () => {
  let covered = 0;
  let deferred = 0;
  for (const region of REGIONS)
    for (const endpoint of ENDPOINTS)
      for (const fips of FLAGS)
        for (const dual of FLAGS)
          for (const via of ["options", "env"] as const) {
            const options: Record<string, unknown> = { region };
            const env: Record<string, string> = {};
            if (endpoint) options.endpoint = endpoint;
            if (via === "options") {
              if (fips) options.useFipsEndpoint = true;
              if (dual) options.useDualstackEndpoint = true;
            } else {
              delete options.region;
              env.AWS_REGION = region;
              if (fips) env.AWS_USE_FIPS_ENDPOINT = "true";
              if (dual) env.AWS_USE_DUALSTACK_ENDPOINT = "true";
            }
            const what = JSON.stringify({ options, env });
            const sdk = await sdkEndpoint(options, env);
            const lean = await leanEndpoint(options, env);
            if (lean.href !== undefined) {
              covered++;
              assert.equal(lean.href, sdk, what);
            } else {
              deferred++;
              assert.ok(lean.sdkReason && lean.sdkReason.length > 10, `${what}: a reason`);
            }
          }
  // the common cases are covered: every aws-partition region, with and without FIPS/dual-stack
  assert.ok(covered >= 6 * 2 * 2 * 2, `covered ${covered}`);
  assert.ok(deferred > 0, `deferred ${deferred}`);
});

test("endpoint: an endpoint set by AWS_ENDPOINT_URL(_DYNAMODB), an account ID or a table ARN goes to the SDK", async () => {
  for (const name of ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB"]) {
    const lean = await leanEndpoint({ region: "us-east-1" }, { [name]: "http://127.0.0.1:1" });
    assert.match(lean.sdkReason ?? "", /AWS_ENDPOINT_URL/);
  }
  const client = new LeanClient({ region: "us-east-1", credentials }, { HOME: "/nonexistent" });
  try {
    const { endpoints } = client[directState]!;
    assert.equal(
      await resolveEndpoint(
        endpoints,
        "GetItem",
        { TableName: "T" },
        { accountId: "123456789012" },
      ),
      undefined,
    );
    assert.equal(
      await resolveEndpoint(
        endpoints,
        "GetItem",
        { TableName: "arn:aws:dynamodb:eu-west-1:123456789012:table/T" },
        {},
      ),
      undefined,
    );
    assert.equal(
      await resolveEndpoint(
        endpoints,
        "BatchGetItem",
        { RequestItems: { "arn:aws:dynamodb:eu-west-1:123456789012:table/T": { Keys: [] } } },
        {},
      ),
      undefined,
    );
    assert.ok(await resolveEndpoint(endpoints, "GetItem", { TableName: "T" }, {}));
  } finally {
    client.destroy();
  }
});
