/**
 * The tour of dyno-ts (`npm start`): each capability once, against an embedded local
 * DynamoDB, with short results and timings. Read it top to bottom; every step prints what it
 * shows. The small files next to it show one feature each.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  Dyno,
  Pool,
  cacheMiddleware,
  jobStatus,
  marshalItem,
  metricsMiddleware,
  runJob,
  s,
  withLock,
  type OperationMetrics,
} from "../src/index.js";
import { localClientConfig, startLocal } from "../src/local/index.js";
import { injectFaults } from "../src/testing/index.js";

// The SDK warns (when a client is made) that its 2027 releases need Node 22; Node 20 is fine here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// Step 9's job: every worker process (this file, started with `job-worker <endpoint>`) runs this.
const job = { id: "tour-backfill", table: "Users", segments: 8, leaseTable: "Jobs", leaseMs: 1500 };
if (process.argv[2] === "job-worker") {
  const dyno = new Dyno({ clientConfig: localClientConfig(process.argv[3]!) });
  const summary = await runJob(dyno, {
    ...job,
    input: { Limit: 100 }, // pages of 100 items
    concurrency: 4,
    handler: async (items, ctx) => {
      await new Promise((resolve) => setTimeout(resolve, 20)); // the work on a page
      console.log(`page of segment ${ctx.segment}: ${items.length} items`);
    },
  });
  console.log(JSON.stringify(summary));
  dyno.client.destroy();
  process.exit(0); // a worker does not run the tour
}

const started = performance.now();
const ms = (since: number) => `${(performance.now() - since).toFixed(0)} ms`;
let clock = performance.now();
const step = (title: string) => {
  clock = performance.now();
  console.log(`\n== ${title}`);
};
const show = (label: string, value: unknown) => console.log(`   ${label}: ${String(value)}`);
const done = (what: string) => console.log(`   ${what} in ${ms(clock)}`);

/** A live progress bar on a terminal, a few plain lines otherwise. */
function progress(total: number) {
  const tty = process.stdout.isTTY === true;
  let shown = 0;
  return (n: number) => {
    const pct = Math.floor((n / total) * 100);
    if (tty) {
      const bar = "#".repeat(Math.round(pct / 4)).padEnd(25, ".");
      process.stdout.write(`\r   [${bar}] ${n}/${total}${n === total ? "\n" : ""}`);
    } else if (pct >= shown + 25 || n === total) {
      shown = pct - (pct % 25);
      console.log(`   ${n}/${total} written`);
    }
  };
}

step("1. An embedded local DynamoDB (dyno-ts/local)");
const local = await startLocal({ engine: "auto" });
show("engine", `${local.engine} at ${local.endpoint}`);
done("started");

try {
  const dyno = local.dyno;

  step("2. A schema with embed, JSON and dates; a typed table created from it");
  const User = s.object({
    org: s.string(),
    id: s.string(),
    name: s.string().rename("Name"),
    age: s.number(),
    address: s.embed(s.object({ city: s.string(), zip: s.string() }), { prefix: "addr_" }),
    settings: s.json<{ theme: "dark" | "light" }>(),
    joined: s.date({ as: "epochSeconds" }),
    lastSeen: s.date(), // ISO 8601
    tags: s.stringSet(),
  });
  type User = s.Infer<typeof User>;
  const users = dyno.table("Users", {
    schema: User,
    partitionKey: "org",
    sortKey: "id",
    indexes: { byJoined: { local: true, sortKey: "joined" } },
  });
  await users.create();
  const cities = ["Paris", "London", "Lagos", "Lima", "Osaka"];
  const user = (i: number): User => ({
    org: `org-${i % 10}`,
    id: `u${String(i).padStart(5, "0")}`,
    name: `User ${i}`,
    age: 18 + (i % 60),
    address: { city: cities[i % cities.length]!, zip: String(10000 + i) },
    settings: { theme: i % 2 ? "dark" : "light" },
    joined: new Date(Date.UTC(2024, 0, 1) + i * 3_600_000),
    lastSeen: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
    tags: new Set(i % 3 ? ["a"] : ["a", "b"]),
  });
  show("stored as", Object.keys(marshalItem(user(1), User)).join(", "));
  done("table ACTIVE");

  step("3. Bulk load: batchWriteItemAll in a Pool, 4 at a time, with progress");
  const total = 3000;
  const pool = new Pool(dyno, { concurrency: 4 });
  const bar = progress(total);
  let written = 0;
  const chunks = [];
  for (let i = 0; i < total; i += 250) {
    const items = Array.from({ length: Math.min(250, total - i) }, (_, j) => user(i + j));
    let mine = 0;
    chunks.push(
      pool.batchWriteItemAll(
        {
          RequestItems: {
            Users: items.map((u) => ({ PutRequest: { Item: marshalItem(u, User) } })),
          },
        },
        {
          onProgress: (p) => {
            written += p.done - mine;
            mine = p.done;
            bar(written);
          },
        },
      ),
    );
  }
  await Promise.all(chunks);
  await pool.close();
  done(
    `${total} items written (${((total / (performance.now() - clock)) * 1000).toFixed(0)} items/s)`,
  );

  step("4. Query and filter through the Table model: property names, typed values");
  const parisians = await users
    .query(
      { org: "org-3" },
      {
        filter: (c) => c.and(c.eq("address.city", "Lima"), c.ge("age", 50)),
        project: ["name", "age"],
      },
    )
    .all();
  show(
    "org-3 in Lima, 50 or older",
    `${parisians.length} (first: ${parisians[0]?.name}, ${parisians[0]?.age})`,
  );
  const recent = await users
    .query(
      { org: "org-3", joined: { ge: new Date(Date.UTC(2024, 3, 1)) } },
      { index: "byJoined", maxItems: 3 },
    )
    .all();
  show(
    "org-3 joined since April 2024 (index byJoined)",
    recent.map((u) => u.joined.toISOString().slice(0, 10)).join(", "),
  );
  const bumped = await users.update(
    { org: "org-3", id: "u00003" },
    (u) => u.increment("age").add("tags", new Set(["vip"])),
    {
      returnValues: "ALL_NEW",
    },
  );
  show("updated u00003", `age ${bumped.age}, tags ${[...bumped.tags].join("+")}`);
  done("queried");

  step("5. A parallel scan: scanAll over 4 segments");
  const t0 = performance.now();
  const sequential = await dyno.scanAll({ TableName: "Users", Select: "COUNT" });
  const seqMs = ms(t0);
  const t1 = performance.now();
  const parallel = await dyno.scanAll({ TableName: "Users", Select: "COUNT" }, { segments: 4 });
  show("sequential", `${sequential.Count} items in ${seqMs}`);
  show("4 segments", `${parallel.Count} items in ${ms(t1)}`);
  done("scanned");

  step("6. Middleware: a cache hit and metrics");
  const metrics: OperationMetrics[] = [];
  const cache = cacheMiddleware({ ttlMs: 10_000 });
  const observed = new Dyno({ client: dyno.client }).use(
    metricsMiddleware((m) => metrics.push(m)),
    cache,
  );
  const cached = observed.table("Users", { schema: User, partitionKey: "org", sortKey: "id" });
  await cached.get({ org: "org-1", id: "u00001" });
  await cached.get({ org: "org-1", id: "u00001" }); // no request: served by the cache
  show("cache", `${cache.stats.hits} hit, ${cache.stats.misses} miss`);
  show("metrics", metrics.map((m) => `${m.operation} ${m.durationMs.toFixed(1)} ms`).join("; "));
  done("observed");

  step("7. Fault injection: throttling and unprocessed items, every item still written");
  const client = new DynamoDBClient({ ...localClientConfig(local.endpoint), maxAttempts: 10 });
  const faults = injectFaults(client, {
    seed: 7,
    throttleRate: 0.1,
    unprocessedRate: 0.3,
    operations: ["BatchWriteItem"],
  });
  const faulty = new Dyno({ client }).table("Users", {
    schema: User,
    partitionKey: "org",
    sortKey: "id",
  });
  const extra = Array.from({ length: 1000 }, (_, i) => ({ ...user(total + i), org: "faulty" }));
  await faulty.batchPut(extra, { baseDelayMs: 5, maxDelayMs: 100, maxAttempts: 30 });
  faults.remove();
  client.destroy();
  const landed = await dyno.queryAll({
    TableName: "Users",
    KeyConditionExpression: "org = :o",
    ExpressionAttributeValues: { ":o": { S: "faulty" } },
    Select: "COUNT",
  });
  show(
    "injected",
    `${faults.stats.throttled} throttled attempts, ${faults.stats.unprocessed} items sent back unprocessed`,
  );
  show("written", `${landed.Count} of ${extra.length}`);
  done("survived");

  step("8. A distributed lock contended by 5 workers");
  const locks = dyno.table("Locks", {
    schema: s.object({ id: s.string(), counter: s.number().optional() }),
    partitionKey: "id",
  });
  await locks.create();
  const tokens: bigint[] = [];
  const worker = async () => {
    for (let n = 0; n < 3; n++) {
      await withLock(
        dyno,
        { table: "Locks", key: { id: "job" }, leaseMs: 3000, timeoutMs: 30_000, retryMs: 25 },
        async (lock) => {
          tokens.push(lock.fencingToken);
          const before = (await locks.get({ id: "job" }, { consistentRead: true }))?.counter ?? 0;
          await new Promise((resolve) => setTimeout(resolve, 10)); // a read-modify-write that needs the lock
          await locks.update({ id: "job" }, (u) => u.set("counter", before + 1));
        },
      );
    }
  };
  await Promise.all(Array.from({ length: 5 }, worker));
  const counter = (await locks.get({ id: "job" }, { consistentRead: true }))?.counter;
  const increasing = tokens.every((t, i) => i === 0 || t > tokens[i - 1]!);
  show("counter", `${counter} (5 workers × 3 increments, none lost)`);
  show("fencing tokens", `${tokens.length}, strictly increasing: ${increasing}`);
  done("locked");

  step("9. A job over the table in 2 worker processes; one is killed, the job finishes anyway");
  const jobWorker = () =>
    spawn(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), "job-worker", local.endpoint],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
  const exited = (child: ReturnType<typeof jobWorker>) =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise((resolve) => child.once("exit", resolve));
  const [doomed, survivor] = [jobWorker(), jobWorker()];
  let last = "";
  const survivorOut = (async () => {
    for await (const line of createInterface({ input: survivor.stdout! })) last = line;
  })();
  let pages = 0;
  for await (const _ of createInterface({ input: doomed.stdout! })) if (++pages === 3) break;
  doomed.kill("SIGKILL"); // mid-job, perhaps mid-page: its leases simply stop being renewed
  await Promise.all([exited(doomed), exited(survivor), survivorOut]);
  const summary = JSON.parse(last) as { items: number; segments: number };
  const status = await jobStatus(dyno, { id: job.id, leaseTable: job.leaseTable });
  show("killed", `a worker (SIGKILL) after ${pages} of its pages`);
  show(
    "job",
    `${status?.state}: ${summary.items} items, ${status?.segmentsDone}/${summary.segments} segments (the survivor took the killed worker's segments over)`,
  );
  done("finished");

  await users.drop();
  await locks.drop();
  await dyno.deleteTable({ TableName: job.leaseTable });
} finally {
  step("10. Stopping the local DynamoDB");
  await local.stop();
  done("stopped");
}
console.log(`\nDone in ${ms(started)}. Read examples/tour.ts for the code of each step.`);
