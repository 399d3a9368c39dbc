/**
 * bench/jobs: the cost of a job's leases and checkpoints, and how it scales with workers, on
 * DynamoDB Local.
 *
 *   (a) one worker (runJob, in this process, a trivial handler) against scanAll with the same
 *       segments and concurrency: items/s and the ratio (target: the job >= 0.95x scanAll). The
 *       job hands its handler decoded items, scanAll returns them as stored: "runJob raw" (items
 *       as stored, as scanAll's) is the like-for-like row, "runJob" the bar's row as first defined;
 *   (b) 1, 2 and 4 worker processes on one job (each joins, then all start together on a signal):
 *       items/s from the signal to the last worker's end, and the ratios to 1 worker.
 * Contenders are interleaved round by round (order reversed every round); medians are printed.
 *
 *   node --import tsx bench/jobs.ts [--items 20000] [--segments 8] [--rounds 5]
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Dyno, runJob } from "../src/index.js";
import { localClientConfig, startLocal } from "../src/local/index.js";
import { fillScanTable, fmt, median } from "./support.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const arg = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const ITEMS = arg("items", 20_000);
const SEGMENTS = arg("segments", 8);
const ROUNDS = arg("rounds", 5);
const TableName = "bench_jobs";
const leaseTable = "bench_jobs_leases";

const local = await startLocal({ engine: "dynamodb-local", startTimeoutMs: 600_000 });
const dyno = new Dyno({ client: new DynamoDBClient(localClientConfig(local.endpoint)) });
let jobs = 0;
try {
  await fillScanTable(dyno, TableName, ITEMS);
  // DynamoDB Local's first full scans are slower than later ones: warm up.
  for (let i = 0; i < 2; i++)
    await dyno.scanAll({ TableName }, { segments: SEGMENTS, concurrency: SEGMENTS });
  await runJob(dyno, {
    id: `warm-${++jobs}`,
    table: TableName,
    segments: SEGMENTS,
    leaseTable,
    concurrency: SEGMENTS,
    handler: () => {},
  });

  console.log(
    `# jobs: ${fmt(ITEMS)} items of ~1 KB, ${SEGMENTS} segments, ${ROUNDS} rounds, DynamoDB Local`,
  );

  // (a) one worker against scanAll.
  const a: Record<string, number[]> = {
    scanAll: [],
    "runJob, 1 worker": [],
    "runJob raw, 1 worker": [],
  };
  const job = async (raw: boolean) => {
    let seen = 0;
    const options = {
      id: `a-${++jobs}`,
      table: TableName,
      segments: SEGMENTS,
      leaseTable,
      concurrency: SEGMENTS,
      handler: (items: unknown[]) => void (seen += items.length),
    };
    const summary = await (raw ? runJob(dyno, { ...options, raw: true }) : runJob(dyno, options));
    // At least once: a lease lost to a renewal slower than the lease (a starved machine)
    // hands a page again; the stored totals count each item once.
    if (summary.items !== ITEMS || seen < ITEMS)
      throw new Error(`job saw ${seen}, summary ${summary.items}`);
    if (seen > ITEMS) console.log(`  (a runJob round handled ${fmt(seen - ITEMS)} items again)`);
    return ITEMS;
  };
  const contendersA: Record<string, () => Promise<number>> = {
    scanAll: async () => {
      const out = await dyno.scanAll({ TableName }, { segments: SEGMENTS, concurrency: SEGMENTS });
      return out.Count ?? 0;
    },
    "runJob, 1 worker": () => job(false),
    "runJob raw, 1 worker": () => job(true),
  };
  for (let round = 0; round < ROUNDS; round++) {
    const names = Object.keys(contendersA);
    if (round % 2) names.reverse();
    for (const name of names) {
      const started = performance.now();
      const count = await contendersA[name]!();
      a[name]!.push(count / ((performance.now() - started) / 1000));
    }
  }
  const scanRate = median(a.scanAll!);
  console.log("\n(a) one worker against scanAll (same segments and concurrency, trivial handler)");
  for (const [name, rates] of Object.entries(a)) {
    console.log(
      `  ${name.padEnd(22)} ${fmt(median(rates)).padStart(8)} items/s  ${(median(rates) / scanRate).toFixed(3)}x`,
    );
  }

  // (b) 1, 2 and 4 worker processes.
  const worker = fileURLToPath(new URL("./jobs-worker.ts", import.meta.url));
  const runWorkers = async (count: number): Promise<number> => {
    const id = `b-${count}-${++jobs}`;
    const children = Array.from({ length: count }, () =>
      spawn(process.execPath, ["--import", "tsx", worker], {
        env: {
          ...process.env,
          ENDPOINT: local.endpoint,
          JOB_ID: id,
          TABLE: TableName,
          LEASE_TABLE: leaseTable,
          SEGMENTS: String(SEGMENTS),
        },
        stdio: ["pipe", "pipe", "inherit"],
      }),
    );
    const lines = children.map((child) =>
      createInterface({ input: child.stdout! })[Symbol.asyncIterator](),
    );
    for (const line of lines)
      if ((await line.next()).value !== "ready") throw new Error("worker not ready");
    const started = performance.now();
    for (const child of children) child.stdin!.end("go\n");
    const summaries = await Promise.all(
      lines.map(
        async (line) => JSON.parse((await line.next()).value as string) as { items: number },
      ),
    );
    const elapsed = performance.now() - started;
    await Promise.all(
      children.map((c) =>
        c.exitCode === null ? new Promise((r) => c.once("exit", r)) : undefined,
      ),
    );
    if (summaries.some((s) => s.items !== ITEMS))
      throw new Error(`a worker's totals: ${JSON.stringify(summaries)}`);
    return ITEMS / (elapsed / 1000);
  };
  const b: Record<number, number[]> = { 1: [], 2: [], 4: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const counts = [1, 2, 4];
    if (round % 2) counts.reverse();
    for (const count of counts) b[count]!.push(await runWorkers(count));
  }
  console.log(
    `\n(b) worker processes on one job (${SEGMENTS} segments, each worker up to ${SEGMENTS} at once), from the start signal to the last worker's end`,
  );
  const one = median(b[1]!);
  for (const count of [1, 2, 4]) {
    console.log(
      `  ${count} worker${count > 1 ? "s" : " "}  ${fmt(median(b[count]!)).padStart(8)} items/s  ${(median(b[count]!) / one).toFixed(2)}x`,
    );
  }
  console.log(`\n  (scanAll in this process, for reference: ${fmt(scanRate)} items/s)`);
} finally {
  dyno.client.destroy();
  await local.stop();
}
