/**
 * bench/pool: what the Pool costs per operation, against p-limit and p-queue, and what it
 * does for a bulk load.
 *
 * (a) 100,000 GetItem operations per contender whose final handler is short-circuited by a
 *     session middleware (no request at all: the cost measured is the scheduler's and the
 *     engine's), at concurrency 16, in interleaved batches (order reversed every batch):
 *       - pool:            `pool.getItem(input)` for each, then `await pool.idle()`
 *       - pool+await:      the same, then `await Promise.all(ops)` (when every result is wanted)
 *       - p-limit:         `Promise.all(inputs.map(() => limit(() => dyno.getItem(input))))`
 *       - p-queue:         `queue.add(() => dyno.getItem(input))` for each, then `await queue.onIdle()`
 *     Prints ops/s, CPU µs per op and the ratios to p-limit. Target: pool >= 1.0x p-limit.
 * (b) A bulk write of 20,000 items (~200 bytes) to DynamoDB Local in chunks of 500, each chunk a
 *     `batchWriteItemAll`: through a Pool at concurrency 8, versus `Promise.all` over the same
 *     chunks (all at once), interleaved rounds. Prints items/s and the peak of requests in flight.
 *
 *   npx tsx bench/pool.ts [--batches 20] [--batch-size 5000] [--rounds 2] [--items 20000]
 */
import { DynamoDBClient, type AttributeValue } from "@aws-sdk/client-dynamodb";
import pLimit from "p-limit";
import PQueue from "p-queue";
import { Dyno, Pool, type AnyMiddleware, type Operation } from "../src/index.js";
import { localClientConfig, startLocal } from "../src/local/index.js";
import { fmt, median } from "./support.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const arg = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const BATCHES = arg("batches", 20);
const BATCH_SIZE = arg("batch-size", 5000);
const ROUNDS = arg("rounds", 2);
const ITEMS = arg("items", 20_000);
const CONCURRENCY = 16;

// ---- (a) scheduler overhead -------------------------------------------------------------------

const canned = { $metadata: {}, Item: { pk: { S: "bench" } } };
const shortCircuit: AnyMiddleware = () => async () => canned as never;
const stubClient = new DynamoDBClient(localClientConfig("http://127.0.0.1:1"));
const dyno = new Dyno({ client: stubClient, middleware: [shortCircuit] });
const input = { TableName: "bench", Key: { pk: { S: "bench" } } };

const pool = new Pool(dyno, { concurrency: CONCURRENCY });
const limit = pLimit(CONCURRENCY);
const queue = new PQueue({ concurrency: CONCURRENCY });

const contenders: Record<string, (n: number) => Promise<unknown>> = {
  pool: async (n) => {
    for (let i = 0; i < n; i++) pool.getItem(input);
    await pool.idle();
  },
  "pool+await": async (n) => {
    const ops: Operation<"GetItem">[] = new Array(n);
    for (let i = 0; i < n; i++) ops[i] = pool.getItem(input);
    await Promise.all(ops);
  },
  "p-limit": async (n) => {
    const results: Promise<unknown>[] = new Array(n);
    for (let i = 0; i < n; i++) results[i] = limit(() => dyno.getItem(input));
    await Promise.all(results);
  },
  "p-queue": async (n) => {
    for (let i = 0; i < n; i++) void queue.add(() => dyno.getItem(input));
    await queue.onIdle();
  },
};

const names = Object.keys(contenders);
const totals = Object.fromEntries(names.map((n) => [n, { ms: 0, cpu: 0, rates: [] as number[] }]));
for (let warm = 0; warm < 3; warm++) for (const name of names) await contenders[name](BATCH_SIZE);
for (let batch = 0; batch < BATCHES; batch++) {
  const order = batch % 2 ? names : [...names].reverse();
  for (const name of order) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    await contenders[name](BATCH_SIZE);
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    totals[name].ms += ms;
    totals[name].cpu += used.user + used.system;
    totals[name].rates.push(BATCH_SIZE / (ms / 1000));
  }
}
const ops = BATCHES * BATCH_SIZE;
const rate = (name: string) => ops / (totals[name].ms / 1000);
console.log(
  `(a) ${fmt(ops)} short-circuited GetItem operations per contender, concurrency ${CONCURRENCY}, ` +
    `${BATCHES} interleaved batches of ${fmt(BATCH_SIZE)} (Node ${process.version})\n`,
);
console.log("| contender | ops/s | median batch ops/s | CPU µs/op | ops/s vs p-limit |");
console.log("|---|---:|---:|---:|---:|");
for (const name of names) {
  console.log(
    `| ${name} | ${fmt(rate(name))} | ${fmt(median(totals[name].rates))} | ` +
      `${fmt(totals[name].cpu / ops, 2)} | **${(rate(name) / rate("p-limit")).toFixed(2)}x** |`,
  );
}
const ratio = rate("pool") / rate("p-limit");
console.log(
  `\npool / p-limit ops/s ${ratio.toFixed(2)} (target >= 1.0): ${ratio >= 1 ? "met" : "NOT met"}\n`,
);
stubClient.destroy();

// ---- (b) bulk write -----------------------------------------------------------------------------

const local = await startLocal({ engine: "dynamodb-local" });
const client = new DynamoDBClient(localClientConfig(local.endpoint));
let inFlight = 0;
let peak = 0;
const writer = new Dyno({ client });
const TableName = "bench_pool_bulk";
await writer.createTable({
  TableName,
  KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
  AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
  BillingMode: "PAY_PER_REQUEST",
});
// counts requests in flight at the wire (every chunk of every batchWriteItemAll, retries included)
client.middlewareStack.add(
  (next) => async (args) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    try {
      return await next(args);
    } finally {
      inFlight--;
    }
  },
  { step: "finalizeRequest", name: "benchInFlight" },
);

const CHUNK = 500;
const chunks = (round: number, who: string) =>
  Array.from({ length: Math.ceil(ITEMS / CHUNK) }, (_, c) => ({
    RequestItems: {
      [TableName]: Array.from({ length: Math.min(CHUNK, ITEMS - c * CHUNK) }, (_, i) => {
        const item: Record<string, AttributeValue> = {
          pk: { S: `${who}-${round}-${c * CHUNK + i}` },
          data: { S: "x".repeat(160) },
        };
        return { PutRequest: { Item: item } };
      }),
    },
  }));

const bulk: Record<string, (round: number) => Promise<void>> = {
  "Pool(8)": async (round) => {
    const loader = new Pool(writer, { concurrency: 8 });
    for (const chunk of chunks(round, "pool")) loader.batchWriteItemAll(chunk);
    await loader.idle();
  },
  "Promise.all": async (round) => {
    await Promise.all(chunks(round, "all").map((chunk) => writer.batchWriteItemAll(chunk)));
  },
};
const bulkNames = Object.keys(bulk);
const bulkTotals = Object.fromEntries(bulkNames.map((n) => [n, { ms: [] as number[], peak: 0 }]));
await bulk["Pool(8)"](-1); // warm DynamoDB Local
for (let round = 0; round < ROUNDS; round++) {
  for (const name of round % 2 ? bulkNames : [...bulkNames].reverse()) {
    peak = 0;
    const started = performance.now();
    await bulk[name](round);
    bulkTotals[name].ms.push(performance.now() - started);
    bulkTotals[name].peak = Math.max(bulkTotals[name].peak, peak);
  }
}
console.log(
  `(b) bulk write of ${fmt(ITEMS)} items (~200 B) to DynamoDB Local, chunks of ${CHUNK} as ` +
    `batchWriteItemAll, ${ROUNDS} interleaved rounds\n`,
);
console.log(
  "| contender | median s | items/s | peak requests in flight | items/s vs Promise.all |",
);
console.log("|---|---:|---:|---:|---:|");
const itemsPerSecond = (name: string) => ITEMS / (median(bulkTotals[name].ms) / 1000);
for (const name of bulkNames) {
  console.log(
    `| ${name} | ${fmt(median(bulkTotals[name].ms) / 1000, 2)} | ${fmt(itemsPerSecond(name))} | ` +
      `${bulkTotals[name].peak} | ${(itemsPerSecond(name) / itemsPerSecond("Promise.all")).toFixed(2)}x |`,
  );
}
client.destroy();
await local.stop();
