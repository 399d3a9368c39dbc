/**
 * A job worker process for the multi-process tests (`node --import tsx test/jobs/worker.ts`).
 * Configuration from the environment: `DYNO_TEST_ENDPOINT`, `JOB_ID`, `JOB_TABLE`,
 * `LEASE_TABLE`, `SEGMENTS`, `LEASE_MS`, `CONCURRENCY`, `PAGE_SIZE`, `HANDLE_MS` (time each
 * page's handler takes), `FAIL_SEGMENT` (the handler always throws on that segment),
 * `CLOCK_SKEW_MS` (this process's wall clock is off by that much), `WAIT_FOR_GO` (print
 * `{ ready }`, then wait for a line on stdin before joining the job). One JSON line per event on
 * stdout: `{ start }` and `{ end }` around each page's handling (`segment`, `pages` = the page's
 * index in its segment, `ids`, `fence`, `at` on the host's monotonic clock, which every process
 * of the host shares), then `{ done: summary }` or `{ error: { name, segment, message } }`.
 */
import { Dyno, runJob } from "../../src/index.js";
import { localClientConfig } from "../../src/local/index.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`worker: ${name} is not set`);
  return value;
};
const skew = Number(env("CLOCK_SKEW_MS", "0"));
if (skew !== 0) {
  const realNow = Date.now.bind(Date);
  Date.now = () => realNow() + skew;
}
const clock = () => Number(process.hrtime.bigint()) / 1e6;
const print = (event: object) =>
  process.stdout.write(
    `${JSON.stringify(event, (_, v) => (typeof v === "bigint" ? v.toString() : v))}\n`,
  );
process.on("uncaughtException", (error) => {
  process.stderr.write(`worker ${process.pid}: ${error?.stack ?? error}\n`);
  process.exit(1);
});

const dyno = new Dyno({ clientConfig: localClientConfig(env("DYNO_TEST_ENDPOINT")) });
const handleMs = Number(env("HANDLE_MS", "0"));
const failSegment = process.env.FAIL_SEGMENT === undefined ? -1 : Number(process.env.FAIL_SEGMENT);
if (process.env.WAIT_FOR_GO) {
  print({ ready: process.pid });
  await new Promise<void>((resolve) => process.stdin.once("data", () => resolve()));
  process.stdin.destroy();
}
try {
  const summary = await runJob(dyno, {
    id: env("JOB_ID"),
    table: env("JOB_TABLE"),
    input: { Limit: Number(env("PAGE_SIZE", "25")) },
    segments: Number(env("SEGMENTS")),
    leaseTable: env("LEASE_TABLE"),
    leaseMs: Number(env("LEASE_MS")),
    concurrency: Number(env("CONCURRENCY", "2")),
    maxAttempts: 2,
    baseDelayMs: 10,
    handler: async (items, ctx) => {
      const page = {
        segment: ctx.segment,
        pages: ctx.pages,
        ids: items.map((item) => item.id as string),
        fence: ctx.fencingToken,
        pid: process.pid,
      };
      print({ start: { ...page, at: clock() } });
      if (ctx.segment === failSegment) throw new Error(`segment ${ctx.segment} refuses`);
      if (handleMs > 0) await new Promise((resolve) => setTimeout(resolve, handleMs));
      print({ end: { ...page, at: clock(), aborted: ctx.signal.aborted } });
    },
  });
  print({ done: summary });
} catch (error) {
  const e = error as { name?: string; segment?: number; message?: string };
  print({ error: { name: e.name, segment: e.segment, message: e.message } });
}
dyno.client.destroy();
