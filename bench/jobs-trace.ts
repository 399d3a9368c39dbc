/**
 * bench/jobs-trace: where a job's time goes. Records every request a client sends (its command,
 * for lease-table requests which item, start and end on the machine's clock), so that a run of
 * runJob can be laid next to scanAll's: requests per kind per worker, and the critical path.
 *
 *   node --import tsx bench/jobs-trace.ts [--items 20000] [--segments 8] [--workers 1,2,4]
 *
 * Workers of bench/jobs-worker.ts record theirs when JOBS_TRACE names a file (see `traceClient`).
 */
import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Dyno, runJob } from "../src/index.js";
import { localClientConfig, startLocal } from "../src/local/index.js";
import { arg, fillScanTable, fmt } from "./support.js";
import { summarise, traceClient, type Span } from "./jobs-tracing.js";

const ITEMS = arg("items", 20_000);
const SEGMENTS = arg("segments", 8);
const WORKERS = (process.argv[process.argv.indexOf("--workers") + 1] ?? "1,2,4")
  .split(",")
  .map(Number);
const TableName = "trace_jobs";
const leaseTable = "trace_jobs_leases";

const local = await startLocal({ engine: "dynamodb-local", startTimeoutMs: 600_000 });
const dyno = new Dyno({ client: new DynamoDBClient(localClientConfig(local.endpoint)) });
const spans: Span[] = [];
traceClient(dyno.client, spans);
let jobs = 0;
try {
  await fillScanTable(dyno, TableName, ITEMS);
  const job = () =>
    runJob(dyno, {
      id: `t-${++jobs}`,
      table: TableName,
      segments: SEGMENTS,
      leaseTable,
      concurrency: SEGMENTS,
      handler: () => {},
    });
  for (let i = 0; i < 2; i++)
    await dyno.scanAll({ TableName }, { segments: SEGMENTS, concurrency: SEGMENTS });
  await job();
  for (let round = 0; round < 2; round++) {
    for (const [name, run] of [
      ["scanAll", () => dyno.scanAll({ TableName }, { segments: SEGMENTS, concurrency: SEGMENTS })],
      ["runJob", job],
    ] as const) {
      spans.length = 0;
      const started = Date.now();
      await run();
      console.log(`\n## ${name}, round ${round}: ${Date.now() - started} ms`);
      console.log(summarise(spans, started));
    }
  }
  const worker = fileURLToPath(new URL("./jobs-worker.ts", import.meta.url));
  for (const count of WORKERS) {
    const id = `w-${count}-${++jobs}`;
    const files = Array.from(
      { length: count },
      (_, i) => `/tmp/jobs-trace-${process.pid}-${i}.json`,
    );
    const children = files.map((file) =>
      spawn(process.execPath, ["--import", "tsx", worker], {
        env: {
          ...process.env,
          ENDPOINT: local.endpoint,
          JOB_ID: id,
          TABLE: TableName,
          LEASE_TABLE: leaseTable,
          SEGMENTS: String(SEGMENTS),
          JOBS_TRACE: file,
        },
        stdio: ["pipe", "pipe", "inherit"],
      }),
    );
    const lines = children.map((c) =>
      createInterface({ input: c.stdout! })[Symbol.asyncIterator](),
    );
    for (const line of lines) await line.next();
    const started = Date.now();
    for (const child of children) child.stdin!.end("go\n");
    const ends = await Promise.all(
      lines.map(async (line) => (await line.next(), Date.now() - started)),
    );
    await Promise.all(
      children.map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : 0)),
    );
    console.log(
      `\n## ${count} worker processes: ${Math.max(...ends)} ms (${fmt(ITEMS / (Math.max(...ends) / 1000))} items/s); ends ${ends.join(", ")}`,
    );
    files.forEach((file, i) => {
      const s = JSON.parse(readFileSync(file, "utf8")) as Span[];
      rmSync(file);
      console.log(`### worker ${i}\n${summarise(s, started)}`);
    });
  }
} finally {
  dyno.client.destroy();
  await local.stop();
}
