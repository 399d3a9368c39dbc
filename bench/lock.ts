/**
 * bench/lock: what the distributed lock costs on DynamoDB Local.
 *
 *   (a) uncontended: `acquireLock` + `release()` of a free lock, one after the other, against
 *       the floor of the same work done by hand: two raw SDK UpdateItems (a conditional take
 *       and a conditional clear), interleaved in small batches; ms per cycle and the ratio;
 *   (b) contended: 4 worker processes (this script with `--worker`) loop `withLock` on one key
 *       for `--seconds`, each critical section a strongly consistent GetItem; handoffs per
 *       second, in total and per process.
 *
 *   npx tsx bench/lock.ts [--batches 30] [--seconds 10] [--processes 4] [--retry 20]
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { DynamoDBClient, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { Dyno, acquireLock, withLock } from "../src/index.js";
import { localClientConfig, startLocal } from "../src/local/index.js";
import { compare, fmt } from "./support.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const arg = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const TableName = "bench_lock";
const RETRY_MS = arg("retry", 20);

if (process.argv.includes("--worker")) {
  // One contender: count lock acquisitions until the deadline, print the count.
  const [endpoint, seconds] = [process.env.BENCH_ENDPOINT!, Number(process.env.BENCH_SECONDS)];
  const dyno = new Dyno({ clientConfig: localClientConfig(endpoint) });
  const options = { table: TableName, key: { id: "contended" }, leaseMs: 5000, retryMs: RETRY_MS };
  await acquireLock(dyno, { ...options, timeoutMs: 30_000 }).then((l) => l.release()); // warm up
  process.stdout.write("ready\n");
  await new Promise<void>((resolve) => process.stdin.once("data", () => resolve()));
  const until = performance.now() + seconds * 1000;
  let count = 0;
  while (performance.now() < until) {
    await withLock(dyno, { ...options, timeoutMs: 30_000 }, () =>
      dyno.getItem({ TableName, Key: { id: { S: "data" } }, ConsistentRead: true }),
    );
    count++;
  }
  process.stdout.write(`${count}\n`);
  dyno.client.destroy();
  process.exit(0);
}

const local = await startLocal({ engine: "dynamodb-local" });
try {
  await local.dyno.createTable({
    TableName,
    KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
    BillingMode: "PAY_PER_REQUEST",
  });
  const client = new DynamoDBClient(localClientConfig(local.endpoint));
  const dyno = new Dyno({ client });

  // (a) uncontended
  const Key = { id: { S: "raw" } };
  const rawCycle = async () => {
    await client.send(
      new UpdateItemCommand({
        TableName,
        Key,
        UpdateExpression: "SET #o = :o, #r = :r ADD #f :one",
        ConditionExpression: "attribute_not_exists(#o)",
        ExpressionAttributeNames: { "#o": "owner", "#r": "rvn", "#f": "fence" },
        ExpressionAttributeValues: { ":o": { S: "me" }, ":r": { S: "1" }, ":one": { N: "1" } },
        ReturnValues: "UPDATED_NEW",
      }),
    );
    await client.send(
      new UpdateItemCommand({
        TableName,
        Key,
        UpdateExpression: "REMOVE #o SET #r = :r2",
        ConditionExpression: "#r = :r",
        ExpressionAttributeNames: { "#o": "owner", "#r": "rvn" },
        ExpressionAttributeValues: { ":r": { S: "1" }, ":r2": { S: "2" } },
      }),
    );
  };
  const lockCycle = async () => {
    const lock = await acquireLock(dyno, {
      table: TableName,
      key: { id: "uncontended" },
      leaseMs: 5000,
      timeoutMs: 5000,
    });
    await lock.release();
  };
  const totals = await compare(
    { raw: rawCycle, lock: lockCycle },
    { batches: arg("batches", 30), batchSize: 5, concurrency: 1 },
  );
  const msPer = (name: string) => totals[name].wallMs / totals[name].ops;
  const cpuPer = (name: string) => totals[name].cpuMicros / totals[name].ops;
  console.log("\n(a) uncontended acquire + release, one at a time");
  console.log("| | ms per cycle | client CPU µs per cycle |");
  console.log("|---|---|---|");
  console.log(`| two raw UpdateItems (floor) | ${fmt(msPer("raw"), 2)} | ${fmt(cpuPer("raw"))} |`);
  console.log(`| acquireLock + release | ${fmt(msPer("lock"), 2)} | ${fmt(cpuPer("lock"))} |`);
  console.log(`ratio lock / raw: ${fmt(msPer("lock") / msPer("raw"), 2)} (wall)`);

  // (b) contended
  const processes = arg("processes", 4);
  const seconds = arg("seconds", 10);
  const script = fileURLToPath(import.meta.url);
  const children = Array.from({ length: processes }, () =>
    spawn(process.execPath, ["--import", "tsx", script, "--worker", "--retry", String(RETRY_MS)], {
      env: { ...process.env, BENCH_ENDPOINT: local.endpoint, BENCH_SECONDS: String(seconds) },
      stdio: ["pipe", "pipe", "inherit"],
    }),
  );
  try {
    const lines = children.map((child) => {
      const out: string[] = [];
      let buffer = "";
      const waiters: (() => void)[] = [];
      child.stdout!.on("data", (chunk) => {
        buffer += chunk;
        const parts = buffer.split("\n");
        buffer = parts.pop()!;
        out.push(...parts);
        waiters.splice(0).forEach((w) => w());
      });
      return {
        async nth(n: number): Promise<string> {
          while (out.length <= n) await new Promise<void>((r) => waiters.push(r));
          return out[n];
        },
      };
    });
    await Promise.all(lines.map((l) => l.nth(0))); // all warmed up
    children.forEach((c) => c.stdin!.write("go\n"));
    const counts = (await Promise.all(lines.map((l) => l.nth(1)))).map(Number);
    const total = counts.reduce((a, b) => a + b, 0);
    console.log(`\n(b) contended: ${processes} processes, ${seconds} s, retryMs ${RETRY_MS}`);
    console.log(
      `handoffs/s: ${fmt(total / seconds, 1)} in total; per process ${counts.map((c) => fmt(c / seconds, 1)).join(", ")}`,
    );
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  }
  client.destroy();
} finally {
  await local.stop();
}
