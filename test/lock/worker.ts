/**
 * A lock worker process for the multi-process tests (`node --import tsx test/lock/worker.ts <mode>`).
 * Configuration comes from the environment: `DYNO_TEST_ENDPOINT`, `LOCK_TABLE`, `LOCK_KEY`,
 * `LOCK_LEASE_MS`, `LOCK_HEARTBEAT_MS`, `LOCK_RETRY_MS`, `LOCK_COUNT`. One JSON line per event
 * on stdout.
 *
 * - `count`: `LOCK_COUNT` lock-protected read-modify-write increments of the counter item
 *   `<LOCK_KEY>-counter`; prints each critical section `{ fence, start, end, pid }` (times in
 *   ms of the host's monotonic clock, `process.hrtime`, which all processes of a host share),
 *   then `{ done: true }`.
 * - `hold`: acquires the lock, prints `{ acquired: true, fence }`, and holds it (heartbeating)
 *   until killed.
 */
import { Dyno, acquireLock, withLock, type LockOptions } from "../../src/index.js";
import { localClientConfig } from "../../src/local/index.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`worker: ${name} is not set`);
  return value;
};
const mode = process.argv[2];
const table = env("LOCK_TABLE");
const id = env("LOCK_KEY");
const dyno = new Dyno({ clientConfig: localClientConfig(env("DYNO_TEST_ENDPOINT")) });
const options: LockOptions = {
  table,
  key: { id },
  leaseMs: Number(env("LOCK_LEASE_MS")),
  heartbeatMs: Number(env("LOCK_HEARTBEAT_MS")),
  retryMs: Number(process.env.LOCK_RETRY_MS ?? 20),
  timeoutMs: 60_000,
  owner: `worker-${process.pid}`,
};
// CLOCK_MONOTONIC is one clock for the whole host (unlike performance.timeOrigin, which each
// process estimates at its start and which can be off by tens of ms on a loaded machine).
const clock = () => Number(process.hrtime.bigint()) / 1e6;
const print = (event: object) =>
  process.stdout.write(
    `${JSON.stringify(event, (_, v) => (typeof v === "bigint" ? v.toString() : v))}\n`,
  );

process.on("uncaughtException", (error) => {
  process.stderr.write(`worker ${process.pid}: ${error?.stack ?? error}\n`);
  process.exit(1);
});

if (mode === "count") {
  const counter = { id: { S: `${id}-counter` } };
  for (let i = 0; i < Number(env("LOCK_COUNT")); i++) {
    await withLock(dyno, options, async (lock) => {
      const start = clock();
      const got = await dyno.getItem({ TableName: table, Key: counter, ConsistentRead: true });
      const next = Number(got.Item?.count?.N ?? 0) + 1;
      // The write is fenced: refused if a later holder's token has already written.
      await dyno.updateItem({
        TableName: table,
        Key: counter,
        UpdateExpression: "SET #c = :c, #f = :f",
        ConditionExpression: "attribute_not_exists(#f) OR #f < :f",
        ExpressionAttributeNames: { "#c": "count", "#f": "fence" },
        ExpressionAttributeValues: {
          ":c": { N: String(next) },
          ":f": { N: String(lock.fencingToken) },
        },
      });
      print({ fence: lock.fencingToken, start, end: clock(), pid: process.pid });
    });
  }
  print({ done: true });
  dyno.client.destroy();
} else if (mode === "hold") {
  const lock = await acquireLock(dyno, options);
  print({ acquired: true, fence: lock.fencingToken, pid: process.pid });
  lock.signal.addEventListener("abort", () => {
    print({ lost: true });
    process.exit(3);
  });
  // The held lock's heartbeats keep this process alive until it is killed.
} else {
  throw new Error(`worker: unknown mode ${mode}`);
}
