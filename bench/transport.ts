/**
 * The direct transport against the SDK and its peers on DynamoDB Local: GetItem, PutItem,
 * Query (a page of 100 items of ~1 KB) and BatchWriteItem (25 items), at concurrency 1 and 16,
 * through the raw SDK, the DocumentClient, @aws-lite/client, dyno "sdk" and dyno "direct",
 * plus a typed path (schema-encoded put/get through "direct" vs the DocumentClient).
 * Interleaved batches; ops/s and client CPU µs/op, with ratios to the raw SDK.
 *
 *   node --expose-gc --import tsx bench/transport.ts [batches]
 *
 * With DYNO_BENCH_BUILT=1 the dyno rows run the built `dist` (run `npx tsup` first).
 *
 * (`--expose-gc` lets each batch start from a collected heap, so that no contender pays for
 * another's garbage; without it the SDK's garbage is partly collected in the others' batches.)
 */
import {
  BatchWriteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type AttributeValue,
} from "@aws-sdk/client-dynamodb";
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand as DocQueryCommand,
} from "@aws-sdk/lib-dynamodb";
import awsLite from "@aws-lite/client";
import type * as DynoSource from "../src/index.js";
import { localClientConfig, startLocal } from "../src/local/index.js";
import { compare, fmt, type Totals } from "./support.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
// DYNO_BENCH_BUILT=1: dyno-ts's built dist (as users run it: no tsx, no keepNames wrappers)
const { Dyno, marshalItem, s, unmarshalItem } = (await import(
  process.env.DYNO_BENCH_BUILT ? "../dist/index.js" : "../src/index.js"
)) as typeof DynoSource;
const batches = Number(process.argv[2] ?? 4);
if (!(globalThis as { gc?: unknown }).gc)
  console.error("run with node --expose-gc: each batch then starts from a collected heap");
const local = await startLocal({ engine: "dynamodb-local", startTimeoutMs: 180_000 });
const port = Number(new URL(local.endpoint).port);
const TableName = "bench_transport";

const newClient = () =>
  new DynamoDBClient({ ...localClientConfig(local.endpoint), maxAttempts: 3 });
const raw = newClient();
const doc = DynamoDBDocumentClient.from(newClient());
const dynoSdk = new Dyno({ client: newClient() });
const dynoDirect = new Dyno({ client: newClient(), transport: "direct" });
if (dynoDirect.transport !== "direct")
  throw new Error(`direct unavailable: ${dynoDirect.transportReason}`);
/** The part of @aws-lite/client's DynamoDB plugin the bench calls (the plugin ships no types). */
type LiteDynamoDB = Record<
  "GetItem" | "PutItem" | "Query" | "BatchWriteItem",
  (input: object) => Promise<unknown>
>;
const lite = (await awsLite({
  region: "local",
  accessKeyId: "local",
  secretAccessKey: "local",
  protocol: "http",
  host: "127.0.0.1",
  port,
  // @ts-expect-error the plugin ships no type declarations
  plugins: [import("@aws-lite/dynamodb")],
})) as unknown as { DynamoDB: LiteDynamoDB };

await raw.send(
  new (await import("@aws-sdk/client-dynamodb")).CreateTableCommand({
    TableName,
    BillingMode: "PAY_PER_REQUEST",
    KeySchema: [
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ],
    AttributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" },
      { AttributeName: "sk", AttributeType: "S" },
    ],
  }),
);

// A ~1 KB item, as plain JS and as AttributeValues.
const plain = (pk: string, sk: string) => ({
  pk,
  sk,
  title: "A reasonably long product title for the benchmark item",
  price: 1999,
  qty: 3,
  tags: ["alpha", "beta", "gamma"],
  lines: Array.from({ length: 8 }, (_, i) => ({
    sku: `SKU-${i}-XYZ`,
    qty: i + 1,
    price: 100 + i,
    title: `line ${i} of the order, with text`,
  })),
  note: "x".repeat(300),
});
const av = (pk: string, sk: string): Record<string, AttributeValue> => {
  const p = plain(pk, sk);
  return {
    pk: { S: p.pk },
    sk: { S: p.sk },
    title: { S: p.title },
    price: { N: String(p.price) },
    qty: { N: String(p.qty) },
    tags: { L: p.tags.map((t) => ({ S: t })) },
    lines: {
      L: p.lines.map((l) => ({
        M: {
          sku: { S: l.sku },
          qty: { N: String(l.qty) },
          price: { N: String(l.price) },
          title: { S: l.title },
        },
      })),
    },
    note: { S: p.note },
  };
};
console.error(`item size ~${JSON.stringify(av("p", "s")).length} bytes of JSON`);
for (let i = 0; i < 100; i++)
  await raw.send(new PutItemCommand({ TableName, Item: av("q", String(i).padStart(3, "0")) }));
await raw.send(new PutItemCommand({ TableName, Item: av("g", "1") }));

const Key = { pk: { S: "g" }, sk: { S: "1" } };
const queryInput = {
  TableName,
  KeyConditionExpression: "pk = :p",
  ExpressionAttributeValues: { ":p": { S: "q" } },
};
let n = 0;
const batch = () => Array.from({ length: 25 }, () => av("w", String(++n % 5000)));

const schema = s.object({
  pk: s.string(),
  sk: s.string(),
  title: s.string(),
  price: s.number(),
  qty: s.number(),
  tags: s.list(s.string()),
  lines: s.list(
    s.object({ sku: s.string(), qty: s.number(), price: s.number(), title: s.string() }),
  ),
  note: s.string(),
});

type Contenders = Record<string, () => Promise<unknown>>;
const suites: Record<string, Contenders> = {
  GetItem: {
    sdk: () => raw.send(new GetItemCommand({ TableName, Key })),
    doc: () => doc.send(new GetCommand({ TableName, Key: { pk: "g", sk: "1" } })),
    "aws-lite": () => lite.DynamoDB.GetItem({ TableName, Key: { pk: "g", sk: "1" } }),
    'dyno "sdk"': () => dynoSdk.getItem({ TableName, Key }).await(),
    'dyno "direct"': () => dynoDirect.getItem({ TableName, Key }).await(),
  },
  PutItem: {
    sdk: () => raw.send(new PutItemCommand({ TableName, Item: av("p", "1") })),
    doc: () => doc.send(new PutCommand({ TableName, Item: plain("p", "1") })),
    "aws-lite": () => lite.DynamoDB.PutItem({ TableName, Item: plain("p", "1") }),
    'dyno "sdk"': () => dynoSdk.putItem({ TableName, Item: av("p", "1") }).await(),
    'dyno "direct"': () => dynoDirect.putItem({ TableName, Item: av("p", "1") }).await(),
  },
  "Query (100 × ~1 KB)": {
    sdk: () => raw.send(new QueryCommand(queryInput)),
    doc: () =>
      doc.send(
        new DocQueryCommand({
          TableName,
          KeyConditionExpression: "pk = :p",
          ExpressionAttributeValues: { ":p": "q" },
        }),
      ),
    "aws-lite": () =>
      lite.DynamoDB.Query({
        TableName,
        KeyConditionExpression: "pk = :p",
        ExpressionAttributeValues: { ":p": "q" },
      }),
    'dyno "sdk"': () => dynoSdk.query(queryInput).await(),
    'dyno "direct"': () => dynoDirect.query(queryInput).await(),
  },
  "BatchWriteItem (25)": {
    sdk: () =>
      raw.send(
        new BatchWriteItemCommand({
          RequestItems: { [TableName]: batch().map((Item) => ({ PutRequest: { Item } })) },
        }),
      ),
    doc: () =>
      doc.send(
        new BatchWriteCommand({
          RequestItems: {
            [TableName]: Array.from({ length: 25 }, () => ({
              PutRequest: { Item: plain("w", String(++n % 5000)) },
            })),
          },
        }),
      ),
    "aws-lite": () =>
      lite.DynamoDB.BatchWriteItem({
        RequestItems: {
          [TableName]: Array.from({ length: 25 }, () => ({
            PutRequest: { Item: plain("w", String(++n % 5000)) },
          })),
        },
      }),
    'dyno "sdk"': () =>
      dynoSdk
        .batchWriteItem({
          RequestItems: { [TableName]: batch().map((Item) => ({ PutRequest: { Item } })) },
        })
        .await(),
    'dyno "direct"': () =>
      dynoDirect
        .batchWriteItem({
          RequestItems: { [TableName]: batch().map((Item) => ({ PutRequest: { Item } })) },
        })
        .await(),
  },
  "typed put+get (schema)": {
    doc: async () => {
      await doc.send(new PutCommand({ TableName, Item: plain("t", "1") }));
      return doc.send(new GetCommand({ TableName, Key: { pk: "t", sk: "1" } }));
    },
    'dyno "direct"': async () => {
      await dynoDirect.putItem({ TableName, Item: marshalItem(plain("t", "1"), schema) }).await();
      const { Item } = await dynoDirect
        .getItem({ TableName, Key: { pk: { S: "t" }, sk: { S: "1" } } })
        .await();
      return unmarshalItem(Item!, schema);
    },
  },
};

/** Calls per batch: enough that each contender pays for its own garbage collections. */
const perBatch: Record<string, { c1: number; c16: number }> = {
  GetItem: { c1: 300, c16: 1500 },
  PutItem: { c1: 300, c16: 1500 },
  "Query (100 × ~1 KB)": { c1: 30, c16: 100 },
  "BatchWriteItem (25)": { c1: 30, c16: 80 },
  "typed put+get (schema)": { c1: 150, c16: 600 },
};

console.log(
  `bench/transport (Node ${process.version}, ${local.engine}, ${batches} interleaved batches per row, ` +
    `${(globalThis as { gc?: unknown }).gc ? "a full GC before each batch" : "no GC between batches"})\n`,
);
console.log(
  "| operation | conc. | contender | ops/s | CPU µs/op | ops/s ÷ baseline | CPU ÷ baseline |",
);
console.log("|---|---:|---|---:|---:|---:|---:|");
for (const [operation, contenders] of Object.entries(suites)) {
  for (const concurrency of [1, 16]) {
    const batchSize = concurrency === 1 ? perBatch[operation]!.c1 : perBatch[operation]!.c16;
    const totals: Record<string, Totals> = await compare(contenders, {
      batches,
      batchSize,
      concurrency,
      warmups: 2,
    });
    const baselineName = "sdk" in contenders ? "sdk" : "doc";
    const rate = (t: Totals) => t.ops / (t.wallMs / 1000);
    const cpu = (t: Totals) => t.cpuMicros / t.ops;
    const base = totals[baselineName]!;
    for (const [name, t] of Object.entries(totals)) {
      console.log(
        `| ${operation} | ${concurrency} | ${name} | ${fmt(rate(t))} | ${fmt(cpu(t))} | ${fmt(rate(t) / rate(base), 2)}× | ${fmt(cpu(t) / cpu(base), 2)}× |`,
      );
    }
  }
}
console.log(`\nbaseline: the raw SDK (typed row: the DocumentClient)`);
raw.destroy();
await local.stop();
