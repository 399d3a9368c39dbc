/**
 * bench/pool-close: what `pool.close()` costs with many operations queued (issue 16).
 *
 * A pool at concurrency 1 runs one operation that never finishes (a session middleware that
 * holds it), and N more `GetItem` operations are queued behind it. Measured, per round:
 *   - close:        the wall time of the `pool.close()` call itself (every queued operation is
 *                   rejected in it), nobody awaiting the operations;
 *   - close+await:  the same, then `Promise.allSettled` over every queued operation (each one's
 *                   AbortError is then made and delivered), measured until all have settled.
 * Rounds alternate the two; medians are printed, with the heap per queued operation before
 * the close (what the queue costs).
 *
 *   npx tsx bench/pool-close.ts [--ops 1000000] [--rounds 3]
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Dyno, Pool, type AnyMiddleware, type Operation } from "../src/index.js";
import { localClientConfig } from "../src/local/index.js";
import { fmt, median } from "./support.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const arg = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const OPS = arg("ops", 1_000_000);
const ROUNDS = arg("rounds", 3);

let release: (() => void) | undefined;
const hold: AnyMiddleware = () => () =>
  new Promise((resolve) => (release = () => resolve({ $metadata: {} } as never)));
const client = new DynamoDBClient(localClientConfig("http://127.0.0.1:1"));
const dyno = new Dyno({ client, middleware: [hold] });
const input = { TableName: "bench", Key: { pk: { S: "bench" } } };
const gc = (globalThis as { gc?: () => void }).gc;

async function round(awaitAll: boolean): Promise<{ ms: number; bytesPerOp: number }> {
  const pool = new Pool(dyno, { concurrency: 1 });
  pool.getItem(input); // runs, and holds its slot until released
  gc?.();
  const heap = process.memoryUsage().heapUsed;
  const ops: Operation<"GetItem">[] = new Array(OPS);
  for (let i = 0; i < OPS; i++) ops[i] = pool.getItem(input);
  const bytesPerOp = (process.memoryUsage().heapUsed - heap) / OPS;
  if (pool.pending !== OPS) throw new Error(`expected ${OPS} queued, got ${pool.pending}`);
  const started = performance.now();
  const closing = pool.close();
  if (awaitAll) {
    const settled = await Promise.allSettled(ops);
    if (settled.some((s) => s.status !== "rejected")) throw new Error("an operation resolved");
  }
  const ms = performance.now() - started;
  release!();
  await closing;
  if (ops.some((op) => op.state !== "done")) throw new Error("an operation was not settled");
  return { ms, bytesPerOp };
}

const results: Record<string, { ms: number[]; bytes: number[] }> = {
  close: { ms: [], bytes: [] },
  "close+await": { ms: [], bytes: [] },
};
await round(false); // warm-up
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 ? ["close+await", "close"] : ["close", "close+await"];
  for (const name of order) {
    const { ms, bytesPerOp } = await round(name === "close+await");
    results[name]!.ms.push(ms);
    results[name]!.bytes.push(bytesPerOp);
  }
}
console.log(`${fmt(OPS)} queued operations, ${ROUNDS} rounds, Node ${process.version}`);
console.log("| measured | median ms | runs (ms) | heap B per queued op |");
console.log("|---|---:|---|---:|");
for (const [name, { ms, bytes }] of Object.entries(results)) {
  console.log(
    `| ${name} | ${median(ms).toFixed(0)} | ${ms.map((m) => m.toFixed(0)).join(", ")} | ${median(bytes).toFixed(0)} |`,
  );
}
