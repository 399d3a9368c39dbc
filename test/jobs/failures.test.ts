/**
 * What fails a job, and how it says so: a handler that holds the event loop past its lease (the
 * page's lease losses are counted beside its checkpoint, by every worker, and end the job), a
 * missing table, a Scan DynamoDB refuses, an item that cannot be decoded (a number beyond a
 * double's precision).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  DynoValidationError,
  JobFailedError,
  NumberValue,
  jobStatus,
  runJob,
  s,
} from "../../src/index.js";
import { testDyno, uniqueTableName } from "../support/db.js";
import { filledTable, itemId } from "./support.js";

const dyno = await testDyno();
const leaseTable = uniqueTableName("jobfail");
let jobCounter = 0;
const newId = () => `fail-${++jobCounter}`;

/** Holds the event loop for `ms` (synchronous work: no timer, no renewal runs meanwhile). */
function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}

/** The job's rejection (fails the test when it resolves). */
const rejection = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => assert.fail("the job resolved"),
    (e: unknown) => e,
  );

const LEASE_MS = 1000;
/** Well past the lease, so that it lapses on any machine however loaded. */
const BLOCK_MS = LEASE_MS + 500;

test("a handler holding the event loop past the lease on every call fails the job after maxAttempts losses, saying why", async () => {
  const table = await filledTable(dyno, 10);
  const id = newId();
  const attempts: number[] = [];
  const started = performance.now();
  const error = await rejection(
    runJob(dyno, {
      id,
      table,
      segments: 1,
      leaseTable,
      leaseMs: LEASE_MS,
      maxAttempts: 3,
      baseDelayMs: 1,
      handler: (_items, ctx) => {
        attempts.push(ctx.attempt);
        busyWait(BLOCK_MS);
      },
    }),
  );
  assert.ok(error instanceof JobFailedError, String(error));
  assert.equal(error.segment, 0);
  assert.match(error.message, /lost its lease 3 times while its handler ran/);
  assert.match(error.message, /held the event loop longer than the lease \(leaseMs 1000\)/);
  assert.match(error.message, /synchronous work blocks lease renewal/);
  assert.match(error.message, /larger leaseMs, or yield/);
  assert.equal((error.cause as Error).name, "LockLostError");
  // Each loss was a handler call; ctx.attempt counted them.
  assert.deepEqual(attempts, [1, 2, 3]);
  assert.ok(performance.now() - started < 60_000, "bounded time");
  const status = await jobStatus(dyno, { id, leaseTable });
  assert.equal(status?.state, "failed");
  assert.match(status?.failure?.message ?? "", /lost its lease 3 times/);
  // A later join rejects with the same explanation.
  const late = await rejection(
    runJob(dyno, { id, table, segments: 1, leaseTable, handler: () => {} }),
  );
  assert.ok(late instanceof JobFailedError);
  assert.match(late.message, /held the event loop longer than the lease/);
  // retryFailed starts the page's count afresh: a handler that blocks once more is retried, not failed.
  const retried: number[] = [];
  const summary = await runJob(dyno, {
    id,
    table,
    segments: 1,
    leaseTable,
    leaseMs: LEASE_MS,
    maxAttempts: 3,
    baseDelayMs: 1,
    retryFailed: true,
    handler: (_items, ctx) => {
      retried.push(ctx.attempt);
      if (retried.length === 1) busyWait(BLOCK_MS);
    },
  });
  assert.equal(summary.items, 10);
  assert.deepEqual(retried, [1, 2], "the retried job's attempts count from 1 again");
});

test("retryFailed gives every segment its full maxAttempts again, not only the failed one", async () => {
  const table = await filledTable(dyno, 10);
  const id = newId();
  const options = {
    id,
    table,
    segments: 2,
    concurrency: 2,
    leaseTable,
    leaseMs: LEASE_MS,
    maxAttempts: 3,
    baseDelayMs: 1,
  };
  // Segment 0's handler holds the event loop, so segment 1's lease (its handler waiting) lapses too:
  // both segments count losses, one reaches maxAttempts and fails the job.
  const error = await rejection(
    runJob(dyno, {
      ...options,
      handler: async (_items, ctx) => {
        if (ctx.segment === 0) return busyWait(BLOCK_MS);
        await new Promise((_, reject) =>
          ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason as Error), {
            once: true,
          }),
        );
      },
    }),
  );
  assert.ok(error instanceof JobFailedError, String(error));
  const attempts: number[] = [];
  const summary = await runJob(dyno, {
    ...options,
    retryFailed: true,
    handler: (_items, ctx) => void attempts.push(ctx.attempt),
  });
  assert.equal(summary.items, 10);
  assert.ok(attempts.length > 0 && attempts.every((a) => a === 1), `attempts ${attempts}`);
});

test("two workers: the count of a page's lease losses follows the segment from one to the other", async () => {
  const table = await filledTable(dyno, 10);
  const id = newId();
  let calls = 0;
  const owners = new Set<string>();
  const worker = (owner: string) =>
    rejection(
      runJob(dyno, {
        id,
        table,
        segments: 1,
        leaseTable,
        leaseMs: LEASE_MS,
        maxAttempts: 3,
        baseDelayMs: 1,
        owner,
        handler: () => {
          calls++;
          owners.add(owner);
          busyWait(BLOCK_MS);
        },
      }),
    );
  const errors = await Promise.all([worker("worker-a"), worker("worker-b")]);
  for (const error of errors) {
    assert.ok(error instanceof JobFailedError, String(error));
    // The worker that counted the third loss fails the job; the other may have taken the segment
    // (and lost it once more) before it learnt of the failure: one more at most per other worker.
    assert.match(error.message, /lost its lease [34] times while its handler ran/);
  }
  // Three losses in all, whoever held the segment each time, then the job ended.
  assert.ok(calls === 3 || calls === 4, `${calls} calls`);
});

test("a handler holding the event loop past the lease once: the page is handled again (ctx.attempt 2), the job completes", async () => {
  const table = await filledTable(dyno, 40);
  const calls: { first: string; attempt: number }[] = [];
  let blocked = false;
  const summary = await runJob(dyno, {
    id: newId(),
    table,
    segments: 2,
    leaseTable,
    leaseMs: LEASE_MS,
    input: { Limit: 10 },
    baseDelayMs: 1,
    handler: (items, ctx) => {
      calls.push({ first: items[0]?.id as string, attempt: ctx.attempt });
      if (!blocked) {
        blocked = true;
        busyWait(BLOCK_MS);
      }
    },
  });
  assert.equal(summary.items, 40);
  const first = calls[0]!;
  assert.equal(first.attempt, 1);
  assert.ok(
    calls.some((c) => c.first === first.first && c.attempt === 2),
    `the blocked page was handled again with ctx.attempt 2: ${JSON.stringify(calls)}`,
  );
});

test("a missing table is a DynoValidationError naming it; a Scan DynamoDB refuses fails the job at once, saying so", async () => {
  const missing = uniqueTableName("nosuch");
  const error = await rejection(
    runJob(dyno, { id: newId(), table: missing, segments: 2, leaseTable, handler: () => {} }),
  );
  assert.ok(error instanceof DynoValidationError, String(error));
  assert.equal(error.field, "table");
  assert.match(error.message, new RegExp(`table "${missing}" does not exist`));
  assert.equal((error.cause as Error).name, "ResourceNotFoundException");

  const table = await filledTable(dyno, 10);
  let calls = 0;
  const bad = await rejection(
    runJob(dyno, {
      id: newId(),
      table,
      segments: 1,
      leaseTable,
      // A filter naming a placeholder it does not define: DynamoDB refuses the Scan.
      input: { FilterExpression: "#nope = :x", ExpressionAttributeValues: { ":x": { S: "x" } } },
      handler: () => void calls++,
    }),
  );
  assert.ok(bad instanceof JobFailedError, String(bad));
  assert.match(bad.message, /the Scan of segment 0 was refused \(ValidationException: /);
  assert.match(bad.message, /is not retried: the job fails at once/);
  assert.doesNotMatch(bad.message, /kept failing/);
  assert.equal((bad.cause as Error).name, "ValidationException");
  assert.equal(calls, 0);
});

test("an item that cannot be decoded (a number beyond a double) fails the job at once naming its key and attribute; wrapNumbers hands it over", async () => {
  const big = "123456789012345678901234567890";
  const table = await filledTable(dyno, 5);
  await dyno.putItem({ TableName: table, Item: { id: { S: "big-one" }, n: { N: big } } });
  let calls = 0;
  const error = await rejection(
    runJob(dyno, {
      id: newId(),
      table,
      segments: 1,
      leaseTable,
      baseDelayMs: 1,
      handler: () => void calls++,
    }),
  );
  assert.ok(error instanceof JobFailedError, String(error));
  assert.match(
    error.message,
    /the item \{"id":\{"S":"big-one"\}\} of segment 0 could not be decoded/,
  );
  assert.match(error.message, /\bn\b.*does not fit a JS number/);
  assert.match(error.message, /wrapNumbers: true/);
  assert.match(error.message, /not the handler's failure: the job fails at once/);
  assert.equal(calls, 0, "the handler was never called with the page");

  const got: Record<string, unknown>[] = [];
  const summary = await runJob(dyno, {
    id: newId(),
    table,
    segments: 1,
    leaseTable,
    wrapNumbers: true,
    handler: (items) => void got.push(...items),
  });
  assert.equal(summary.items, 6);
  const n = got.find((i) => i.id === "big-one")?.n;
  assert.ok(n instanceof NumberValue);
  assert.equal(n.value, big);
  assert.equal(got.find((i) => i.id === itemId(3))?.n, 3);

  // A model decodes with its schema: an s.number() field cannot hold it.
  const Thing = s.object({ id: s.string(), n: s.number() });
  const things = dyno.table(table, { schema: Thing, partitionKey: "id" });
  const modelError = await rejection(
    runJob(dyno, { id: newId(), model: things, segments: 1, leaseTable, handler: () => {} }),
  );
  assert.ok(modelError instanceof JobFailedError, String(modelError));
  assert.match(modelError.message, /the item \{"id":\{"S":"big-one"\}\}/);
  assert.match(modelError.message, /s\.bigint\(\)/);
  await assert.rejects(
    () =>
      runJob(dyno, {
        id: newId(),
        model: things,
        segments: 1,
        leaseTable,
        wrapNumbers: true, // for table jobs only
        handler: () => {},
      } as never),
    (e: unknown) => e instanceof DynoValidationError && e.field === "wrapNumbers",
  );
});
