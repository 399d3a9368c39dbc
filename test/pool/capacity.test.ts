/**
 * Adaptive AIMD against a simulated table capacity: a loopback server (in a child process, so
 * that it does not take the client's CPU time) that admits 100 requests per second and
 * throttles the rest with ProvisionedThroughputExceededException. A pool must
 * settle near that capacity (not collapse), and come back after a spell of total throttling.
 * Throughput is what the server admitted, measured over windows; the margins are wide, since
 * this runs on a loaded machine.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Dyno, Pool, type PoolOptions } from "../../src/index.js";
import { localClientConfig } from "../../src/local/index.js";
import {
  admittedRate,
  capacityServerProcess,
  type CapacityStats,
} from "../support/capacity-server.js";

const CAPACITY = 100;
const clients: DynamoDBClient[] = [];
after(() => clients.forEach((c) => c.destroy()));

/** Keeps a pool busy with GetItems against a fresh capacity server until `stop()`. */
async function drive(options: Partial<PoolOptions>) {
  const server = await capacityServerProcess({ rate: CAPACITY });
  const client = new DynamoDBClient(localClientConfig(server.endpoint)); // the default retries
  clients.push(client);
  // The direct transport: on a loaded 2-core machine the SDK's own CPU per request can keep a
  // client below 100 requests/s, and then no limit is ever tested. The pool's limits are the
  // same on both transports (they sit above the sender).
  const pool = new Pool(new Dyno({ client, transport: "direct" }), {
    concurrency: 16,
    adaptive: true,
    ...options,
  });
  const limits: { at: number; rate: number | undefined }[] = [];
  const started = performance.now();
  let running = true;
  const worker = async () => {
    while (running) {
      await pool
        .getItem({ TableName: "T", Key: { pk: { S: "a" } } })
        .await()
        .catch(() => {});
    }
  };
  const workers = Array.from({ length: 32 }, worker);
  const sampler = setInterval(
    () => limits.push({ at: performance.now() - started, rate: pool.limits.requestsPerSecond }),
    250,
  );
  return {
    server,
    pool,
    limits,
    async stop() {
      running = false;
      clearInterval(sampler);
      await Promise.all(workers);
      await pool.close();
      await server.stop();
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The best share of the capacity admitted over any `window` ms between `from` and `to`. */
function bestShare(stats: CapacityStats, from: number, to: number, window: number): number {
  let best = 0;
  for (let start = from; start + window <= to; start += 100) {
    best = Math.max(best, admittedRate(stats, start, start + window) / CAPACITY);
  }
  return best;
}

const trace = (limits: { at: number; rate: number | undefined }[]) =>
  limits
    .filter((_, i) => i % 2 === 0)
    .map((l) => `${(l.at / 1000).toFixed(1)}s:${l.rate?.toFixed(0) ?? "-"}`)
    .join(" ");

for (const [label, options] of [
  ["requestsPerSecond: 300", { requestsPerSecond: 300 }],
  ["no configured rate", {}],
] as const) {
  test(`adaptive, ${label}: settles at >= 70% of a 100 requests/s capacity within 10 s, and recovers after 2 s of total throttling`, async () => {
    const run = await drive(options);
    try {
      const begin = (await run.server.stats()).elapsed;
      await sleep(10_000);
      const settling = await run.server.stats();
      const settled = admittedRate(settling, begin + 7000, begin + 10_000) / CAPACITY;
      const floor = Math.min(
        ...run.limits.filter((l) => l.at > 1000).map((l) => l.rate ?? Infinity),
      );
      run.server.throttleAll(true);
      await sleep(2000);
      run.server.throttleAll(false);
      const back = (await run.server.stats()).elapsed;
      await sleep(10_000);
      const end = await run.server.stats();
      const recovered = bestShare(end, back, end.elapsed, 3000);
      const detail = `limits ${trace(run.limits)}`;
      assert.ok(
        settled >= 0.7,
        `settled at ${(settled * 100).toFixed(0)}% (seconds 7-10); ${detail}`,
      );
      assert.ok(floor >= 35, `the limit fell to ${floor.toFixed(1)}/s while settling; ${detail}`);
      assert.ok(
        recovered >= 0.7,
        `after the outage, at best ${(recovered * 100).toFixed(0)}% over 3 s within 10 s; ${detail}`,
      );
    } finally {
      await run.stop();
    }
  });
}
