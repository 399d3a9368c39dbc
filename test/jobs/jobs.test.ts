/**
 * runJob and jobStatus in one process: options, resuming, finished and failed jobs, a worker
 * stopped by its signal, models and raw items, lost answers to checkpoints, fencing.
 */
import { test } from "node:test";
import { createServer } from "node:http";
import assert from "node:assert/strict";
import {
  AbortError,
  Dyno,
  DynoValidationError,
  JobFailedError,
  Pool,
  jobStatus,
  runJob,
  s,
  tryAcquireLock,
  type JobProgress,
} from "../../src/index.js";
import { localClientConfig } from "../../src/local/index.js";
import { keyOf, segmentPart, writeCheckpoint, readSegmentItem } from "../../src/jobs/records.js";
import { createTestTable, testDyno, testEndpoint, uniqueTableName } from "../support/db.js";
import { filledTable, itemId, lossyProxy } from "./support.js";
import { forwardTo, listenOnLoopback, readRequest } from "../support/loopback-server.js";

const dyno = await testDyno();
const leaseTable = uniqueTableName("jobs");
const ITEMS = 400;
const table = await filledTable(dyno, ITEMS);
let jobCounter = 0;
const newId = () => `job-${++jobCounter}`;

const base = (id: string) => ({
  id,
  table,
  segments: 4,
  leaseTable,
  leaseMs: 6000, // exactly-once is asserted: a lease that lapses on a loaded machine would (rightly) redo a page
  input: { Limit: 30 },
});

test("a job handles every item once, reports exact progress, and a finished job resolves at once", async () => {
  const id = newId();
  const seen = new Map<string, number>();
  const progress: JobProgress[] = [];
  const summary = await runJob(dyno, {
    ...base(id),
    handler: (items, ctx) => {
      assert.equal(ctx.job, id);
      assert.equal(typeof ctx.fencingToken, "bigint");
      for (const item of items) seen.set(item.id as string, (seen.get(item.id as string) ?? 0) + 1);
    },
    onProgress: (p) => progress.push(p),
  });
  assert.equal(seen.size, ITEMS);
  assert.deepEqual(
    [...seen].filter(([, n]) => n !== 1),
    [],
    "items handled more than once",
  );
  assert.equal(summary.items, ITEMS);
  assert.equal(summary.segments, 4);
  assert.equal(summary.workers, 1);
  assert.ok(summary.pages >= Math.ceil(ITEMS / 30));
  const last = progress.at(-1)!;
  assert.deepEqual([last.items, last.segmentsDone, last.segments, last.etaMs], [ITEMS, 4, 4, 0]);
  for (let i = 1; i < progress.length; i++) {
    assert.ok(progress[i]!.items >= progress[i - 1]!.items, `progress went back at ${i}`);
  }

  let calls = 0;
  const again = await runJob(dyno, { ...base(id), handler: () => void calls++ });
  assert.deepEqual(again, summary);
  assert.equal(calls, 0);
  const status = await jobStatus(dyno, { id, leaseTable });
  assert.equal(status?.state, "done");
  assert.deepEqual(status?.summary, summary);
  assert.equal(status?.segmentStates.length, 4);
  assert.deepEqual(
    status?.segmentStates.filter((seg) => seg.state !== "done" || seg.owner !== undefined),
    [],
  );
});

test("bad options are DynoValidationErrors naming the option, before any request", async () => {
  const handler = () => {};
  const cases: [object, string][] = [
    [{ ...base("x"), segments: 0, handler }, "segments"],
    [{ ...base("x"), segments: 1.5, handler }, "segments"],
    [{ ...base("x"), segments: 1_000_001, handler }, "segments"],
    [{ ...base("x"), id: "", handler }, "id"],
    [{ ...base("x"), handler: undefined }, "handler"],
    [{ ...base("x"), table: undefined, handler }, "table"],
    [{ ...base("x"), leaseTable: "", handler }, "leaseTable"],
    [{ ...base("x"), leaseMs: Number.NaN, handler }, "leaseMs"],
    [{ ...base("x"), concurrency: 0, handler }, "concurrency"],
    [{ ...base("x"), input: { Segment: 1 }, handler }, "input.Segment"],
    [{ ...base("x"), input: { ExclusiveStartKey: {} }, handler }, "input.ExclusiveStartKey"],
    [{ ...base("x"), input: { TableName: "t" }, handler }, "input.TableName"],
    [{ ...base("x"), bogus: 1, handler }, "bogus"],
    [{ ...base("x"), constructor: 1, handler }, "constructor"],
    [
      {
        ...base("x"),
        model: dyno.table(table, { schema: s.object({ id: s.string() }), partitionKey: "id" }),
        handler,
      },
      "table",
    ],
  ];
  for (const [options, field] of cases) {
    await assert.rejects(
      runJob(dyno, options as never),
      (e: unknown) => e instanceof DynoValidationError && e.field === field,
      `expected a DynoValidationError on ${field}`,
    );
  }
  await assert.rejects(runJob({} as Dyno, { ...base("x"), handler }), DynoValidationError);
});

test("joining a job with other options is refused naming each option, stored and given; a lease table of another schema too", async () => {
  const id = newId();
  await runJob(dyno, { ...base(id), handler: () => {} });
  const refused = (pattern: RegExp) => (e: unknown) =>
    e instanceof DynoValidationError && pattern.test(e.message);
  await assert.rejects(
    runJob(dyno, { ...base(id), segments: 8, handler: () => {} }),
    refused(/other options: segments: stored 4, given 8;/),
  );
  await assert.rejects(
    runJob(dyno, { ...base(id), input: { Limit: 31 }, handler: () => {} }),
    refused(/other options: input\.Limit: stored 30, given 31;/),
  );
  await assert.rejects(
    runJob(dyno, {
      ...base(id),
      input: { Limit: 30, FilterExpression: "attribute_exists(n)" },
      handler: () => {},
    }),
    refused(/input\.FilterExpression: stored \(none\), given "attribute_exists\(n\)"/),
  );
  await assert.rejects(
    runJob(dyno, { ...base(id), raw: true, handler: () => {} }),
    refused(/items: stored as table, given raw: true/),
  );
  const other = await createTestTable(dyno.client, { partitionKey: ["id", "S"], sortKey: null });
  await assert.rejects(
    runJob(dyno, { ...base(newId()), leaseTable: other, handler: () => {} }),
    (e: unknown) =>
      e instanceof DynoValidationError && e.field === "leaseTable" && /"job" \(S\)/.test(e.message),
  );
});

test("a handler failing once is retried (ctx.attempt); counts stay exact", async () => {
  const attempts: number[] = [];
  let failed = false;
  const summary = await runJob(dyno, {
    ...base(newId()),
    baseDelayMs: 1,
    handler: (_items, ctx) => {
      attempts.push(ctx.attempt);
      if (!failed && ctx.segment === 2 && ctx.pages === 1) {
        failed = true;
        throw new Error("once");
      }
    },
  });
  assert.ok(attempts.includes(2));
  assert.equal(summary.items, ITEMS);
});

test("a failed job rejects every later join at once, and resumes with retryFailed", async () => {
  const id = newId();
  let refuse = true;
  const handler = (_items: unknown[], ctx: { segment: number }) => {
    if (refuse && ctx.segment === 1) throw new TypeError("bad page");
  };
  const error = await runJob(dyno, { ...base(id), maxAttempts: 2, baseDelayMs: 1, handler }).then(
    () => assert.fail("resolved"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof JobFailedError);
  assert.equal(error.segment, 1);
  assert.equal(error.job, id);
  assert.ok(error.cause instanceof TypeError);
  const late = await runJob(dyno, { ...base(id), handler }).catch((e: unknown) => e);
  assert.ok(late instanceof JobFailedError);
  assert.equal((late.cause as Error).name, "TypeError");
  assert.match((late.cause as Error).message, /bad page/);
  assert.equal((await jobStatus(dyno, { id, leaseTable }))?.failure?.segment, 1);
  refuse = false;
  const summary = await runJob(dyno, { ...base(id), retryFailed: true, handler });
  assert.equal(summary.items, ITEMS);
});

test("signal stops one worker: it releases its leases at once, and another takes over well within a lease", async () => {
  const id = newId();
  const leaseMs = 6000;
  const stopA = new AbortController();
  const pagesA: number[] = [];
  let firstB: number | undefined;
  let abortedAt = 0;
  const a = runJob(dyno, {
    ...base(id),
    leaseMs,
    concurrency: 4,
    signal: stopA.signal,
    handler: async (_items, ctx) => {
      pagesA.push(ctx.segment);
      // Works slowly until stopped.
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 5_000);
        ctx.signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
      });
    },
  });
  while (new Set(pagesA).size < 4) await new Promise((r) => setTimeout(r, 20));
  const b = runJob(dyno, {
    ...base(id),
    leaseMs,
    concurrency: 4,
    handler: () => {
      firstB ??= performance.now() - abortedAt;
    },
  });
  await new Promise((r) => setTimeout(r, 300));
  abortedAt = performance.now();
  stopA.abort(new Error("enough"));
  await assert.rejects(
    a,
    (e: unknown) => e instanceof AbortError && /aborted/.test((e as Error).message),
  );
  const summary = await b;
  assert.equal(summary.items, ITEMS);
  assert.equal(summary.workers, 2);
  assert.ok(firstB !== undefined && firstB < leaseMs / 2, `B started ${firstB} ms after the abort`);
});

test(
  "signal stops a worker whose handler ignores ctx.signal: it rejects and releases its leases at once",
  { timeout: 30_000 },
  async () => {
    // Stop 23 attack: the aborted worker kept renewing its leases while its handler hung; the job stalled.
    const id = newId();
    const stopA = new AbortController();
    const a = runJob(dyno, {
      ...base(id),
      concurrency: 4,
      signal: stopA.signal,
      handler: () => {
        if (!stopA.signal.aborted) setTimeout(() => stopA.abort(new Error("enough")), 200);
        return new Promise<void>(() => {}); // never settles, never looks at ctx.signal
      },
    });
    const started = performance.now();
    await assert.rejects(a, (e: unknown) => e instanceof AbortError);
    const status = await jobStatus(dyno, { id, leaseTable });
    assert.ok(status);
    assert.deepEqual(
      status.segmentStates.filter((seg) => seg.state === "held").map((seg) => seg.segment),
      [],
      "no lease is held once runJob rejected",
    );
    const summary = await runJob(dyno, { ...base(id), concurrency: 4, handler: () => {} });
    assert.equal(summary.items, ITEMS);
    assert.ok(performance.now() - started < 6000 * 2, "the job finished well within two leases");
  },
);

/**
 * A session through a loopback proxy that forwards the requests `pick` chooses `delayMs` late
 * (they still land, as a slow network's would); `delayed` counts them.
 */
async function delaying(
  pick: (operation: string, body: Record<string, unknown>) => boolean,
  delayMs: number,
): Promise<{ dyno: Dyno; readonly delayed: number; stop(): Promise<void> }> {
  const endpoint = await testEndpoint();
  let delayed = 0;
  const server = createServer((req, res) =>
    readRequest(req, (raw, operation) => {
      const body = raw.length ? (JSON.parse(raw.toString("utf8")) as Record<string, unknown>) : {};
      if (!pick(operation, body)) return forwardTo(endpoint, req, res, raw);
      delayed++;
      setTimeout(() => forwardTo(endpoint, req, res, raw), delayMs);
    }),
  );
  const proxy = await listenOnLoopback(server);
  const slow = new Dyno({ clientConfig: localClientConfig(proxy.endpoint) });
  return {
    dyno: slow,
    get delayed() {
      return delayed;
    },
    stop: async () => {
      slow.client.destroy();
      await proxy.stop();
    },
  };
}

const onSegment = (body: Record<string, unknown>) => JSON.stringify(body.Key).includes("segment#");

test("signal stops a worker while its lease acquisitions are in flight: none is left held", async () => {
  const id = newId();
  const stop = new AbortController();
  // Lease acquisitions (ReturnValues ALL_NEW on a segment's item) reach DynamoDB 800 ms late.
  const slow = await delaying(
    (operation, body) =>
      operation === "UpdateItem" && body.ReturnValues === "ALL_NEW" && onSegment(body),
    800,
  );
  try {
    const run = runJob(slow.dyno, { ...base(id), signal: stop.signal, handler: () => {} });
    while (slow.delayed === 0) await new Promise((r) => setTimeout(r, 10));
    stop.abort();
    await assert.rejects(run, AbortError);
    await new Promise((r) => setTimeout(r, 1500)); // every delayed acquisition has landed
    const status = await jobStatus(dyno, { id, leaseTable });
    const left = status?.segmentStates.filter((s) => s.state === "held").map((s) => s.segment);
    assert.deepEqual(left, [], "segments left held after the worker stopped");
  } finally {
    await slow.stop();
  }
});

test("slow checkpoint writes do not hold the scan back: one write covers the pages handled meanwhile, counts stay exact", async () => {
  const id = newId();
  // Checkpoints (conditioned on the checkpoint they follow) reach DynamoDB 400 ms late.
  const slow = await delaying(
    (operation, body) =>
      operation === "UpdateItem" &&
      String(body.ConditionExpression).includes(":prev") &&
      onSegment(body),
    400,
  );
  try {
    const seen = new Map<string, number>();
    const summary = await runJob(slow.dyno, {
      ...base(id),
      segments: 1,
      input: { Limit: 20 }, // 20 pages
      handler: (items) => {
        for (const item of items)
          seen.set(item.id as string, (seen.get(item.id as string) ?? 0) + 1);
      },
    });
    assert.deepEqual([summary.items, summary.pages], [ITEMS, ITEMS / 20 + 1]);
    assert.equal(seen.size, ITEMS);
    assert.ok(
      [...seen.values()].every((n) => n === 1),
      "every item handled once",
    );
    assert.ok(
      slow.delayed < summary.pages / 2,
      `${slow.delayed} checkpoint writes for ${summary.pages} pages: not coalesced`,
    );
    const status = await jobStatus(dyno, { id, leaseTable });
    assert.deepEqual([status?.items, status?.pages, status?.state], [ITEMS, summary.pages, "done"]);
  } finally {
    await slow.stop();
  }
});

test("a model job hands the handler typed, decoded items; raw hands AttributeValue maps", async () => {
  const Thing = s.object({ id: s.string(), n: s.number(), at: s.date() });
  const things = dyno.table(uniqueTableName("things"), { schema: Thing, partitionKey: "id" });
  await things.create();
  await things.batchPut(
    Array.from({ length: 50 }, (_, n) => ({ id: itemId(n), n, at: new Date(n * 1000) })),
  );
  const got: s.Infer<typeof Thing>[] = [];
  const summary = await runJob(dyno, {
    id: newId(),
    model: things,
    segments: 2,
    leaseTable,
    leaseMs: 2000,
    handler: (items) => void got.push(...items),
  });
  assert.equal(summary.items, 50);
  assert.ok(got.every((t) => t.at instanceof Date && t.at.getTime() === t.n * 1000));

  const raw: unknown[] = [];
  await runJob(dyno, { ...base(newId()), raw: true, handler: (items) => void raw.push(...items) });
  assert.equal(raw.length, ITEMS);
  assert.ok(raw.every((item) => typeof (item as { id: { S: string } }).id.S === "string"));
});

test("a job through a pool: the pool runs the scans", async () => {
  const pool = new Pool(dyno, { concurrency: 1 });
  let scans = 0;
  const summary = await runJob(dyno, {
    ...base(newId()),
    pool,
    handler: () => {
      scans++;
      assert.ok(pool.active <= 1);
    },
  });
  assert.equal(summary.items, ITEMS);
  assert.equal(summary.pages, scans);
  await pool.close();
});

test("a checkpoint whose answer is lost is recognised when retried: counts stay exact", async () => {
  let lose = 3;
  const proxy = await lossyProxy(await testEndpoint(), (operation, body) => {
    const checkpoint =
      operation === "UpdateItem" && String(body.ConditionExpression).includes("#p");
    return checkpoint && lose-- > 0;
  });
  const lossy = new Dyno({
    clientConfig: { ...localClientConfig(proxy.endpoint), maxAttempts: 3 },
  });
  try {
    const summary = await runJob(lossy, { ...base(newId()), handler: () => {} });
    assert.equal(proxy.lost, 3);
    assert.equal(summary.items, ITEMS);
  } finally {
    lossy.client.destroy();
    await proxy.stop();
  }
});

test("a stale fencing token can never move a checkpoint", async () => {
  const id = newId();
  const lease = {
    table: leaseTable,
    key: keyOf(id, segmentPart(0)),
    leaseMs: 60_000,
  };
  const first = await tryAcquireLock(dyno, lease);
  assert.ok(first.lock);
  await first.lock.release();
  const second = await tryAcquireLock(dyno, lease);
  assert.ok(second.lock && second.lock.fencingToken > first.lock.fencingToken);
  const write = { segment: 0, previousPages: 0, lastKey: { id: { S: "a" } }, items: 5, pages: 1 };
  const checkpointUnder = (fencingToken: bigint) =>
    writeCheckpoint(dyno, leaseTable, id, { ...write, fencingToken }, undefined);
  assert.equal(await checkpointUnder(first.lock.fencingToken), false);
  assert.equal((await readSegmentItem(dyno, leaseTable, id, 0, undefined))?.pages, 0);
  assert.equal(await checkpointUnder(second.lock.fencingToken), true);
  // The same write again (a retry after a lost answer) is recognised, not applied twice.
  assert.equal(await checkpointUnder(second.lock.fencingToken), true);
  const record = await readSegmentItem(dyno, leaseTable, id, 0, undefined);
  assert.deepEqual([record?.pages, record?.items, record?.lastKey], [1, 5, { id: { S: "a" } }]);
  // A held lease cannot be taken by a one-shot attempt.
  const third = await tryAcquireLock(dyno, lease);
  assert.equal(third.lock, undefined);
  assert.equal(third.record?.fence, second.lock.fencingToken);
  await second.lock.release();
});

test("jobStatus of an unknown job or lease table is undefined", async () => {
  assert.equal(await jobStatus(dyno, { id: "nope", leaseTable }), undefined);
  assert.equal(
    await jobStatus(dyno, { id: "nope", leaseTable: uniqueTableName("none") }),
    undefined,
  );
  await assert.rejects(jobStatus(dyno, { id: "", leaseTable }), DynoValidationError);
});
