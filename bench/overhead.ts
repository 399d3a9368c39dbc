/**
 * bench/overhead: what dyno-ts costs over the raw SDK for a GetItem.
 *
 * The same GetItem runs through `dyno.getItem(...)` and through
 * `client.send(new GetItemCommand(...))`, interleaved in many small batches in one process:
 *   (a) against DynamoDB Local, at concurrency 1 and 16;
 *   (b) with a stub requestHandler that answers without a network, which isolates client CPU.
 * A third contender, the raw SDK given an `abortSignal`, shows what the SDK itself charges
 * for a cancellable call (dyno-ts passes one on every call, so that `cancel()` aborts the
 * HTTP request). Prints ops/s, this process's CPU µs per op, and the ratios to the raw SDK.
 * Target: dyno-ts at least 0.95x the raw client in every case.
 *
 *   npx tsx bench/overhead.ts [--batches 200] [--scale 1]
 */
import { setMaxListeners } from "node:events";
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { Dyno } from "../src/session.js";
import { localClientConfig, startLocal } from "../src/local/index.js";
import { compare, fmt, stubRequestHandler } from "./support.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const arg = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const BATCHES = arg("batches", 200);
const SCALE = arg("scale", 1);

const Key = { pk: { S: "bench" } };
const TableName = "bench_overhead";

const local = await startLocal({ engine: "dynamodb-local" });
await local.dyno.createTable({
  TableName,
  KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
  AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
  BillingMode: "PAY_PER_REQUEST",
});
const item = {
  pk: { S: "bench" },
  name: { S: "Ada Lovelace" },
  age: { N: "36" },
  tags: { SS: ["a", "b"] },
};
await local.dyno.putItem({ TableName, Item: item });

const networkClient = new DynamoDBClient(localClientConfig(local.endpoint));
const stubClient = new DynamoDBClient({
  ...localClientConfig("http://127.0.0.1:1"),
  requestHandler: stubRequestHandler({ Item: item }),
});

const cases = [
  { label: "DynamoDB Local", client: networkClient, concurrency: 1, batchSize: 10 },
  { label: "DynamoDB Local", client: networkClient, concurrency: 16, batchSize: 64 },
  { label: "stub handler (client CPU only)", client: stubClient, concurrency: 1, batchSize: 50 },
  { label: "stub handler (client CPU only)", client: stubClient, concurrency: 16, batchSize: 160 },
];

const rows: string[] = [];
let worst = Infinity;
for (const { label, client, concurrency, batchSize } of cases) {
  const dyno = new Dyno({ client });
  const signal = new AbortController().signal;
  setMaxListeners(0, signal); // shared by 16 concurrent calls here
  const totals = await compare(
    {
      raw: () => client.send(new GetItemCommand({ TableName, Key })),
      rawWithSignal: () =>
        client.send(new GetItemCommand({ TableName, Key }), { abortSignal: signal }),
      dyno: () => dyno.getItem({ TableName, Key }).await(),
    },
    { batches: Math.round(BATCHES * SCALE), batchSize, concurrency },
  );
  const opsPerSecond = (name: string) => totals[name].ops / (totals[name].wallMs / 1000);
  const cpu = (name: string) => totals[name].cpuMicros / totals[name].ops;
  const ratio = opsPerSecond("dyno") / opsPerSecond("raw");
  worst = Math.min(worst, ratio);
  rows.push(
    `| ${label} | ${concurrency} | ${totals.raw.ops} | ${fmt(opsPerSecond("raw"))} | ${fmt(opsPerSecond("dyno"))} | ` +
      `**${ratio.toFixed(3)}** | ${(opsPerSecond("rawWithSignal") / opsPerSecond("raw")).toFixed(3)} | ` +
      `${fmt(cpu("raw"), 1)} | ${fmt(cpu("dyno"), 1)} | ${(cpu("raw") / cpu("dyno")).toFixed(3)} |`,
  );
  console.error(`done: ${label} c=${concurrency}`);
}

console.log(`GetItem, interleaved batches (Node ${process.version}, ${local.engine})\n`);
console.log(
  "| transport | concurrency | ops each | raw SDK ops/s | dyno-ts ops/s | dyno/raw ops/s | raw+signal/raw ops/s | raw CPU µs/op | dyno-ts CPU µs/op | raw/dyno CPU |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const row of rows) console.log(row);
console.log(
  `\nworst dyno/raw ops/s ratio ${worst.toFixed(3)} (target >= 0.95): ${worst >= 0.95 ? "met" : "NOT met"}`,
);

networkClient.destroy();
stubClient.destroy();
await local.stop();
