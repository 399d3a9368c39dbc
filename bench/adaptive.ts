/**
 * bench/adaptive: the trajectory of a Pool's adaptive (AIMD) rate limit against a simulated
 * table capacity: a loopback server (a child process) that admits `--capacity` requests per
 * second and throttles the rest with ProvisionedThroughputExceededException
 * (test/support/capacity-server.ts).
 *
 * Two pools, one after the other, each kept busy with GetItems (`--workers` callers, pool
 * concurrency 16, the direct transport, or the SDK's with `--sdk`, default retries): one with `requestsPerSecond: 300`, one with no
 * configured rate. Each runs `--settle` seconds, then `--outage` seconds in which every request is
 * throttled, then `--recover` seconds. Every 500 ms it prints the pool's limit and the admitted
 * (successful) and throttled requests per second; at the end the achieved share of the capacity
 * over the last 3 s of the settle phase and of the recovery phase.
 *
 *   npx tsx bench/adaptive.ts [--capacity 100] [--settle 10] [--outage 2] [--recover 10] [--workers 32]
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Dyno, Pool, type PoolOptions } from "../src/index.js";
import { localClientConfig } from "../src/local/index.js";
import { admittedRate, capacityServerProcess } from "../test/support/capacity-server.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const arg = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const CAPACITY = arg("capacity", 100);
const SETTLE = arg("settle", 10) * 1000;
const OUTAGE = arg("outage", 2) * 1000;
const RECOVER = arg("recover", 10) * 1000;
const WORKERS = arg("workers", 32);
const TRANSPORT = process.argv.includes("--sdk") ? "sdk" : "direct";

async function run(label: string, options: Partial<PoolOptions>) {
  const server = await capacityServerProcess({ rate: CAPACITY });
  const client = new DynamoDBClient(localClientConfig(server.endpoint));
  const pool = new Pool(new Dyno({ client, transport: TRANSPORT }), {
    concurrency: 16,
    adaptive: true,
    ...options,
  });
  const total = SETTLE + OUTAGE + RECOVER;
  let stop = false;
  const worker = async () => {
    while (!stop) {
      await pool
        .getItem({ TableName: "T", Key: { pk: { S: "a" } } })
        .await()
        .catch(() => {});
    }
  };
  const workers = Array.from({ length: WORKERS }, worker);
  console.log(`\n${label} (capacity ${CAPACITY}/s, ${TRANSPORT} transport)`);
  console.log("     t   phase     limit  admitted/s  throttled/s");
  let lastThrottled = 0;
  const begin = (await server.stats()).elapsed;
  const started = performance.now();
  for (let t = 500; t <= total; t += 500) {
    await new Promise((r) => setTimeout(r, Math.max(0, t - (performance.now() - started))));
    if (t === SETTLE) server.throttleAll(true);
    if (t === SETTLE + OUTAGE) server.throttleAll(false);
    const phase = t <= SETTLE ? "settle" : t <= SETTLE + OUTAGE ? "outage" : "recover";
    const stats = await server.stats();
    const admitted = admittedRate(stats, begin + t - 500, begin + t);
    console.log(
      `${(t / 1000).toFixed(1).padStart(6)}   ${phase.padEnd(8)} ${(pool.limits.requestsPerSecond?.toFixed(1) ?? "none").padStart(6)}  ${admitted.toFixed(0).padStart(10)}  ${((stats.throttled - lastThrottled) * 2).toFixed(0).padStart(11)}`,
    );
    lastThrottled = stats.throttled;
  }
  stop = true;
  await Promise.all(workers);
  const stats = await server.stats();
  const settled = admittedRate(stats, begin + SETTLE - 3000, begin + SETTLE) / CAPACITY;
  const recovered = admittedRate(stats, begin + total - 3000, begin + total) / CAPACITY;
  console.log(
    `${label}: ${(settled * 100).toFixed(0)}% of capacity over the last 3 s of settling, ` +
      `${(recovered * 100).toFixed(0)}% over the last 3 s of recovery; ${stats.throttled} throttled of ${stats.admitted + stats.throttled}`,
  );
  await pool.close();
  client.destroy();
  await server.stop();
}

await run("requestsPerSecond: 300", { requestsPerSecond: 300 });
await run("no configured rate", {});
