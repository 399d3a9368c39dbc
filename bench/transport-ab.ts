/**
 * In-process A/B of the direct transport: this checkout's against an older checkout's (its own
 * module graph, same process, same DynamoDB Local), with the raw SDK, in interleaved rounds;
 * client CPU µs per request (median) and GC time per request.
 *
 *   git worktree add /tmp/dyno-old <commit> && ln -s "$PWD/node_modules" /tmp/dyno-old/
 *   node --expose-gc --import tsx bench/transport-ab.ts /tmp/dyno-old [n] [get|put|query|batch] [rounds] [concurrency]
 *
 * With DYNO_BENCH_BUILT=1 it runs both checkouts' built `dist` (run `npx tsup` in each first).
 *
 * `query`: a page of 100 items of ~1 KB; `batch`: a BatchWriteItem of 25 items of ~1 KB.
 */
import {
  BatchWriteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  CreateTableCommand,
  GetItemCommand,
  QueryCommand,
  type AttributeValue,
} from "@aws-sdk/client-dynamodb";
import { resolve } from "node:path";
import type * as NewSource from "../src/index.js";
import { localClientConfig, startLocal } from "../src/local/index.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const [oldDir, n, operation, roundCount, concurrency] = process.argv.slice(2);
if (!oldDir)
  throw new Error(
    "usage: bench/transport-ab.ts <older checkout> [n] [get|put|query|batch] [rounds] [concurrency]",
  );
// DYNO_BENCH_BUILT=1: both checkouts' built dist (as users run it: no tsx, no keepNames wrappers)
const entry = process.env.DYNO_BENCH_BUILT ? "dist/index.js" : "src/index.ts";
const Old = (await import(resolve(oldDir, entry))) as typeof NewSource;
const New = (await import(resolve(entry))) as typeof NewSource;
const N = Number(n ?? 3000);
const op = operation ?? "get";
const C = Number(concurrency ?? 16);
await using local = await startLocal({ engine: "dynamodb-local", startTimeoutMs: 180_000 });
const mk = () => new DynamoDBClient({ ...localClientConfig(local.endpoint), maxAttempts: 3 });
const raw = mk();
const old = new Old.Dyno({ client: mk(), transport: "direct" });
const neu = new New.Dyno({ client: mk(), transport: "direct" });
if (old.transport !== "direct" || neu.transport !== "direct") throw new Error("not direct");
const TableName = "ab_bench";
await raw.send(
  new CreateTableCommand({
    TableName,
    BillingMode: "PAY_PER_REQUEST",
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
    AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
  }),
);
await raw.send(
  new PutItemCommand({ TableName, Item: { pk: { S: "a" }, v: { S: "x".repeat(200) } } }),
);
const PageTable = "ab_page";
await raw.send(
  new CreateTableCommand({
    TableName: PageTable,
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
/** An item of ~1 KB of JSON: strings, numbers, a list and a list of maps. */
const item = (pk: string, sk: string): Record<string, AttributeValue> => ({
  pk: { S: pk },
  sk: { S: sk },
  title: { S: `title of ${sk} `.repeat(8) },
  price: { N: "1234.5" },
  qty: { N: "7" },
  tags: { L: ["a", "bb", "ccc", "dddd"].map((S) => ({ S })) },
  lines: {
    L: Array.from({ length: 4 }, (_, i) => ({
      M: { sku: { S: `sku-${i}` }, qty: { N: String(i) }, title: { S: "line ".repeat(12) } },
    })),
  },
  note: { S: "n".repeat(200) },
});
if (op === "query")
  for (let i = 0; i < 100; i++)
    await raw.send(
      new PutItemCommand({ TableName: PageTable, Item: item("q", String(i).padStart(3, "0")) }),
    );
const queryInput = {
  TableName: PageTable,
  KeyConditionExpression: "pk = :p",
  ExpressionAttributeValues: { ":p": { S: "q" } },
};
const batchInput = (i: number) => ({
  RequestItems: {
    [PageTable]: Array.from({ length: 25 }, (_, j) => ({
      PutRequest: { Item: item("w", String((i * 25 + j) % 5000)) },
    })),
  },
});
type Call = (i: number) => PromiseLike<unknown>;
type Session = Pick<
  InstanceType<typeof New.Dyno>,
  "getItem" | "putItem" | "query" | "batchWriteItem"
>;
const callsOf = (d: Session): Call =>
  op === "get"
    ? () => d.getItem({ TableName, Key: { pk: { S: "a" } } })
    : op === "query"
      ? () => d.query(queryInput).await()
      : op === "batch"
        ? (i) => d.batchWriteItem(batchInput(i)).await()
        : (i) =>
            d.putItem({
              TableName,
              Item: { pk: { S: "b" + (i % 50) }, v: { S: "x".repeat(200) } },
            });
const sdkCall: Record<string, Call> = {
  get: () => raw.send(new GetItemCommand({ TableName, Key: { pk: { S: "a" } } })),
  put: (i) =>
    raw.send(
      new PutItemCommand({
        TableName,
        Item: { pk: { S: "b" + (i % 50) }, v: { S: "x".repeat(200) } },
      }),
    ),
  query: () => raw.send(new QueryCommand(queryInput)),
  batch: (i) => raw.send(new BatchWriteItemCommand(batchInput(i))),
};
if (!sdkCall[op]) throw new Error(`unknown operation ${op}: get, put, query or batch`);
const contenders: Record<string, Call> = {
  old: callsOf(old),
  new: callsOf(neu),
  sdk: sdkCall[op],
};
if (process.env.ONLY)
  for (const k of Object.keys(contenders)) if (k !== process.env.ONLY) delete contenders[k];
async function run(call: Call, n: number) {
  let i = 0;
  await Promise.all(
    Array.from({ length: C }, async () => {
      while (i++ < n) await call(i);
    }),
  );
}
for (const c of Object.values(contenders)) await run(c, Math.min(N, 2000));
const res: Record<string, number[]> = {};
const gcres: Record<string, number[]> = {};
import { PerformanceObserver } from "node:perf_hooks";
let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
}).observe({ entryTypes: ["gc"] });
const rounds = Number(roundCount ?? 8);
for (let r = 0; r < rounds; r++) {
  const order = Object.entries(contenders);
  if (r % 2) order.reverse();
  for (const [name, call] of order) {
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((r) => setTimeout(r, 5));
    const g0 = gcMs;
    const c0 = process.cpuUsage();
    await run(call, N);
    const c = process.cpuUsage(c0);
    (res[name] ??= []).push((c.user + c.system) / N);
    await new Promise((r) => setTimeout(r, 5));
    (gcres[name] ??= []).push(((gcMs - g0) * 1000) / N);
  }
}
const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;
const sdk = med(res.sdk ?? [1]),
  o = med(res.old ?? [1]);
for (const [k, v] of Object.entries(res))
  console.log(
    `${op} c${C} ${k.padEnd(4)} median ${med(v).toFixed(1)} µs/op  ÷sdk ${(med(v) / sdk).toFixed(3)}  ÷old ${(med(v) / o).toFixed(3)}  paired ÷old ${res.old ? med(v.map((x, r) => x / res.old![r]!)).toFixed(3) : "-"}  gc ${med(gcres[k]!).toFixed(1)} µs/op [${v.map((x) => x.toFixed(0)).join(" ")}]`,
  );
