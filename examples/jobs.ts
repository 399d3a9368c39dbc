/**
 * A backfill that survives a crash (`npx tsx examples/jobs.ts`): two worker processes share one
 * job over 2,000 items; one is killed (SIGKILL) in the middle; the other takes its segments over
 * after a lease, resumes them from their checkpoints, and finishes the job.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Dyno, jobStatus, runJob, s } from "../src/index.js";
import { localClientConfig, startLocal } from "../src/local/index.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const job = { id: "backfill", table: "Users", segments: 8, leaseTable: "Jobs", leaseMs: 2000 };

if (process.argv[2] === "worker") {
  // A worker: any number of them, on any machines, run this same call.
  const dyno = new Dyno({ clientConfig: localClientConfig(process.argv[3]!) });
  await runJob(dyno, {
    ...job,
    input: { Limit: 50 }, // pages of 50 items
    concurrency: 2,
    handler: async (users, ctx) => {
      await new Promise((resolve) => setTimeout(resolve, 40)); // the work, e.g. a write per user
      console.log(`segment ${ctx.segment}: ${users.length} users`);
    },
  });
  dyno.client.destroy();
} else {
  await using local = await startLocal();
  const users = local.dyno.table("Users", {
    schema: s.object({ id: s.string(), n: s.number() }),
    partitionKey: "id",
  });
  await users.create();
  await users.batchPut(Array.from({ length: 2000 }, (_, n) => ({ id: `u${n}`, n })));
  const worker = () =>
    spawn(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), "worker", local.endpoint],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
  const [doomed, survivor] = [worker(), worker()];
  let pages = 0;
  for await (const _ of createInterface({ input: doomed.stdout! })) if (++pages === 3) break;
  doomed.kill("SIGKILL"); // mid-job, perhaps mid-page: its leases simply stop being renewed
  await new Promise((resolve) => survivor.once("exit", resolve));
  const status = await jobStatus(local.dyno, { id: job.id, leaseTable: job.leaseTable });
  console.log(`killed a worker after ${pages} pages; the job is ${status?.state}:`);
  console.log(
    `${status?.items} items, ${status?.segmentsDone}/${status?.segments} segments, ${status?.workers} workers`,
  );
}
