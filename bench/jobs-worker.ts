/**
 * One worker process of bench/jobs (b): joins when told `go` on stdin, prints its summary.
 * Environment: ENDPOINT, JOB_ID, TABLE, LEASE_TABLE, SEGMENTS; JOBS_TRACE, a file to write its
 * requests to (bench/jobs-trace).
 */
import { writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { Dyno, runJob } from "../src/index.js";
import { localClientConfig } from "../src/local/index.js";
import { traceClient, type Span } from "./jobs-tracing.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const env = (name: string) => process.env[name]!;
const dyno = new Dyno({ clientConfig: localClientConfig(env("ENDPOINT")) });
const spans: Span[] = [];
if (process.env.JOBS_TRACE) traceClient(dyno.client, spans);
await dyno.listTables({}); // connections and credentials ready before the clock starts
process.stdout.write("ready\n");
for await (const line of createInterface({ input: process.stdin })) if (line === "go") break;
const summary = await runJob(dyno, {
  id: env("JOB_ID"),
  table: env("TABLE"),
  segments: Number(env("SEGMENTS")),
  leaseTable: env("LEASE_TABLE"),
  concurrency: Number(env("SEGMENTS")),
  handler: () => {},
});
process.stdout.write(`${JSON.stringify(summary)}\n`);
if (process.env.JOBS_TRACE) writeFileSync(process.env.JOBS_TRACE, JSON.stringify(spans));
dyno.client.destroy();
