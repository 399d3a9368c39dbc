/**
 * bench/overhead: what dyno-ts costs over the raw SDK for a GetItem.
 *
 * The same GetItem loop runs through `dyno.getItem(...)` and through
 * `client.send(new GetItemCommand(...))`, alternating round by round in one process:
 *   (a) against DynamoDB Local, at concurrency 1 and 16;
 *   (b) with a stub requestHandler that answers without a network, which isolates client CPU.
 * Prints ops/s (median of the rounds) and the ratio dyno/raw. Target: >= 0.95 in every case.
 *
 *   npx tsx bench/overhead.ts [--rounds 7] [--ops 2000] [--stub-ops 20000]
 */
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { Dyno } from "../src/session.js";
import { localClientConfig, startLocal } from "../src/local/index.js";
import { fmt, median, opsPerSecond, stubRequestHandler } from "./support.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const arg = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const ROUNDS = arg("rounds", 7);
const OPS = arg("ops", 2000);
const STUB_OPS = arg("stub-ops", 20000);

interface Case {
  label: string;
  client: DynamoDBClient;
  concurrency: number;
  ops: number;
}

const Key = { pk: { S: "bench" } };

async function runCase({ label, client, concurrency, ops }: Case, TableName: string) {
  const dyno = new Dyno({ client });
  const raw = () => client.send(new GetItemCommand({ TableName, Key }));
  const viaDyno = () => dyno.getItem({ TableName, Key }).await();
  // warm up both paths (JIT, sockets, DynamoDB Local's first-request costs)
  await opsPerSecond(Math.min(ops, 2000), concurrency, raw);
  await opsPerSecond(Math.min(ops, 2000), concurrency, viaDyno);
  const rawRates: number[] = [];
  const dynoRates: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // alternate which goes first, so drift (GC, thermal, server warm-up) hits both alike
    if (round % 2 === 0) {
      rawRates.push(await opsPerSecond(ops, concurrency, raw));
      dynoRates.push(await opsPerSecond(ops, concurrency, viaDyno));
    } else {
      dynoRates.push(await opsPerSecond(ops, concurrency, viaDyno));
      rawRates.push(await opsPerSecond(ops, concurrency, raw));
    }
  }
  const rawOps = median(rawRates);
  const dynoOps = median(dynoRates);
  return { label, concurrency, rawOps, dynoOps, ratio: dynoOps / rawOps };
}

const local = await startLocal({ engine: "dynamodb-local" });
const TableName = "bench_overhead";
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

const results = [];
for (const c of [
  { label: "DynamoDB Local", client: networkClient, concurrency: 1, ops: OPS },
  { label: "DynamoDB Local", client: networkClient, concurrency: 16, ops: OPS * 2 },
  { label: "stub handler (client CPU only)", client: stubClient, concurrency: 1, ops: STUB_OPS },
  { label: "stub handler (client CPU only)", client: stubClient, concurrency: 16, ops: STUB_OPS },
]) {
  const r = await runCase(c, TableName);
  results.push(r);
  console.error(`done: ${r.label} c=${r.concurrency}`);
}

console.log(
  `GetItem, ${ROUNDS} alternating rounds, median ops/s (Node ${process.version}, ${local.engine})\n`,
);
console.log(
  "| transport | concurrency | raw SDK ops/s | raw µs/op | dyno-ts ops/s | dyno-ts µs/op | dyno/raw |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|");
for (const r of results) {
  console.log(
    `| ${r.label} | ${r.concurrency} | ${fmt(r.rawOps)} | ${fmt(1e6 / r.rawOps, 1)} | ${fmt(r.dynoOps)} | ${fmt(1e6 / r.dynoOps, 1)} | ${r.ratio.toFixed(3)} |`,
  );
}
const worst = Math.min(...results.map((r) => r.ratio));
console.log(
  `\nworst ratio ${worst.toFixed(3)} (target >= 0.95): ${worst >= 0.95 ? "met" : "NOT met"}`,
);

networkClient.destroy();
stubClient.destroy();
await local.stop();
