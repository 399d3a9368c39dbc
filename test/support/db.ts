/**
 * Test harness: one local DynamoDB per test run (started by `scripts/test.ts`, or lazily by
 * this module when a test file runs on its own), clients pointed at it, and fresh tables.
 */
import { after } from "node:test";
import {
  CreateTableCommand,
  DynamoDBClient,
  waitUntilTableExists,
  type AttributeDefinition,
  type CreateTableCommandInput,
  type KeySchemaElement,
} from "@aws-sdk/client-dynamodb";
import { Dyno } from "../../src/index.js";
import { localClientConfig, startLocal, type LocalDynamo } from "../../src/local/index.js";

/** The engine the suite runs on. */
export const engine: "dynamodb-local" | "dynalite" =
  process.env.DYNO_TEST_ENGINE === "dynalite" ? "dynalite" : "dynamodb-local";

/** A `skip` value for tests that need transactions or PartiQL (dynalite has neither). */
export const needsTransactions: string | false =
  engine === "dynalite" ? "dynalite has no transactions or PartiQL" : false;

let started: Promise<LocalDynamo> | undefined;
if (!process.env.DYNO_TEST_ENDPOINT) {
  // Running one file directly: start a server for this process and stop it at the end.
  after(async () => {
    if (started) await (await started).stop();
  });
}

/** The endpoint of the suite's DynamoDB. */
export async function testEndpoint(): Promise<string> {
  if (process.env.DYNO_TEST_ENDPOINT) return process.env.DYNO_TEST_ENDPOINT;
  started ??= startLocal({
    engine: process.env.DYNO_TEST_ENGINE === "dynalite" ? "dynalite" : "auto",
    startTimeoutMs: 120_000,
  });
  return (await started).endpoint;
}

const clients: DynamoDBClient[] = [];
after(() => clients.forEach((c) => c.destroy()));

/** A new SDK client for the suite's DynamoDB (destroyed after the file's tests). */
export async function testClient(
  config: Partial<ConstructorParameters<typeof DynamoDBClient>[0]> = {},
): Promise<DynamoDBClient> {
  const client = new DynamoDBClient({ ...localClientConfig(await testEndpoint()), ...config });
  clients.push(client);
  return client;
}

/**
 * The transport sessions of the suite use: `DYNO_TEST_TRANSPORT=direct` runs the whole suite
 * on the direct transport (a client it cannot honour, e.g. one with a recording request
 * handler, still uses the SDK, as it would for a user).
 */
export const testTransport: "sdk" | "direct" =
  process.env.DYNO_TEST_TRANSPORT === "direct" || process.env.DYNO_TEST_TRANSPORT === "lean"
    ? "direct"
    : "sdk";

const leanClients: { destroy(): void }[] = [];
after(() => leanClients.forEach((c) => c.destroy()));

/**
 * A session over a new client for the suite's DynamoDB, on the suite's transport:
 * `DYNO_TEST_TRANSPORT=lean` makes it a `dyno-ts/lean` session (`leanDyno`), sessions over a
 * client of the test's own stay on the direct transport.
 */
export async function testDyno(): Promise<Dyno> {
  if (process.env.DYNO_TEST_TRANSPORT === "lean") {
    const { leanDyno } = await import("../../src/lean/index.js");
    const { endpoint, region, credentials } = localClientConfig(await testEndpoint());
    const dyno = leanDyno({ endpoint, region, credentials });
    leanClients.push(dyno.client as unknown as { destroy(): void });
    return dyno;
  }
  return new Dyno({ client: await testClient(), transport: testTransport });
}

let tableCounter = 0;
/** A table name no other test uses. */
export function uniqueTableName(prefix = "t"): string {
  tableCounter += 1;
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${tableCounter}`;
}

/** Key attribute: name and type. */
export type KeyDef = [name: string, type: "S" | "N" | "B"];

/**
 * Creates a fresh on-demand table with the given keys (default `pk: S`, `sk: S`) and
 * returns its name. `extra` is merged into the CreateTable input (e.g. indexes).
 */
export async function createTestTable(
  client: DynamoDBClient,
  keys: { partitionKey?: KeyDef; sortKey?: KeyDef | null } = {},
  extra: Partial<CreateTableCommandInput> = {},
): Promise<string> {
  const pk = keys.partitionKey ?? ["pk", "S"];
  const sk = keys.sortKey === undefined ? (["sk", "S"] as KeyDef) : keys.sortKey;
  const TableName = extra.TableName ?? uniqueTableName();
  const KeySchema: KeySchemaElement[] = [{ AttributeName: pk[0], KeyType: "HASH" }];
  const defs = new Map<string, AttributeDefinition>([
    [pk[0], { AttributeName: pk[0], AttributeType: pk[1] }],
  ]);
  if (sk) {
    KeySchema.push({ AttributeName: sk[0], KeyType: "RANGE" });
    defs.set(sk[0], { AttributeName: sk[0], AttributeType: sk[1] });
  }
  for (const def of extra.AttributeDefinitions ?? []) defs.set(def.AttributeName!, def);
  await client.send(
    new CreateTableCommand({
      BillingMode: "PAY_PER_REQUEST",
      ...extra,
      TableName,
      KeySchema,
      AttributeDefinitions: [...defs.values()],
    }),
  );
  await waitForTable(client, TableName);
  return TableName;
}

/**
 * Waits until a table just created is ACTIVE. DynamoDB (and dynalite) answer CreateTable while
 * the table is still CREATING, and item operations on it fail with ResourceNotFoundException
 * until then; DynamoDB Local happens to create tables ACTIVE at once.
 */
export async function waitForTable(client: DynamoDBClient, TableName: string): Promise<void> {
  await waitUntilTableExists(
    { client, maxWaitTime: 30, minDelay: 0.05, maxDelay: 0.5 },
    { TableName },
  );
}
