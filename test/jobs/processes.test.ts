/**
 * Jobs with real worker processes on the suite's DynamoDB: shared work, workers SIGKILLed
 * mid-page, every worker killed then a new one, a handler that keeps failing, skewed clocks.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { jobStatus } from "../../src/index.js";
import { testDyno, testEndpoint, uniqueTableName } from "../support/db.js";
import { spawnChild, type Child } from "../support/proc.js";
import { filledTable, itemId } from "./support.js";

const dyno = await testDyno();
const endpoint = await testEndpoint();
const workerPath = fileURLToPath(new URL("./worker.ts", import.meta.url));
const leaseTable = uniqueTableName("jobs");
const ITEMS = 3200;
const SEGMENTS = 16;
const table = await filledTable(dyno, ITEMS);

interface Page {
  segment: number;
  pages: number;
  ids: string[];
  fence: string;
  pid: number;
  at: number;
}

function startWorker(id: string, env: Record<string, string> = {}): Child {
  return spawnChild(
    workerPath,
    [],
    {
      DYNO_TEST_ENDPOINT: endpoint,
      JOB_ID: id,
      JOB_TABLE: table,
      LEASE_TABLE: leaseTable,
      SEGMENTS: String(SEGMENTS),
      LEASE_MS: "2000",
      CONCURRENCY: "2",
      PAGE_SIZE: "25",
      ...env,
    },
    { stdin: env.WAIT_FOR_GO ? "pipe" : "ignore" },
  );
}

const pagesOf = (w: Child, kind: "start" | "end"): Page[] =>
  w.events.filter((e) => e[kind]).map((e) => e[kind] as Page);

/** Resolves with the worker's final event, `{ done }` or `{ error }`. */
async function outcome(w: Child): Promise<Record<string, unknown>> {
  const code = await w.exited;
  const last = w.events.find((e) => e.done || e.error);
  assert.ok(last, `worker ${w.child.pid} exited ${code} without an outcome: ${w.stderr()}`);
  return last;
}

/** How many times each item was handled (a handling counts once it ended). */
function handlings(workers: Child[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const w of workers) {
    for (const page of pagesOf(w, "end")) {
      for (const id of page.ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  }
  return counts;
}

/** Who handled the items handled more than once: for failure messages. */
function duplicates(workers: Child[]): string {
  const by = new Map<string, string[]>();
  for (const w of workers) {
    for (const page of pagesOf(w, "end")) {
      for (const id of page.ids) {
        const list = by.get(id) ?? [];
        list.push(
          `pid ${page.pid} seg ${page.segment} page ${page.pages} fence ${page.fence} at ${Math.round(page.at)}${(page as { aborted?: boolean }).aborted ? " (lease lost)" : ""}`,
        );
        by.set(id, list);
      }
    }
  }
  const twice = [...by].filter(([, l]) => l.length > 1);
  return `${twice.length} items handled more than once, e.g. ${JSON.stringify(twice.slice(0, 3))}`;
}

function assertEveryItem(counts: Map<string, number>): void {
  const missing = Array.from({ length: ITEMS }, (_, n) => itemId(n)).filter(
    (id) => !counts.has(id),
  );
  assert.deepEqual(missing, [], `${missing.length} items never handled`);
}

/** Asserts that no two workers handled pages of one segment at overlapping times. */
function assertNoOverlap(workers: Child[]): void {
  const bySegment = new Map<number, { pid: number; from: number; to: number }[]>();
  for (const w of workers) {
    const starts = pagesOf(w, "start");
    const ends = pagesOf(w, "end");
    for (const start of starts) {
      const end = ends.find(
        (e) => e.segment === start.segment && e.pages === start.pages && e.fence === start.fence,
      );
      if (!end) continue; // a page cut short by a kill
      const list = bySegment.get(start.segment) ?? [];
      list.push({ pid: w.child.pid!, from: start.at, to: end.at });
      bySegment.set(start.segment, list);
    }
  }
  for (const [segment, list] of bySegment) {
    list.sort((a, b) => a.from - b.from);
    for (let i = 1; i < list.length; i++) {
      const [a, b] = [list[i - 1]!, list[i]!];
      assert.ok(
        a.pid === b.pid || a.to <= b.from,
        `segment ${segment}: pid ${a.pid} handled it until ${a.to}, pid ${b.pid} from ${b.from}`,
      );
    }
  }
}

test("3 workers, 3,200 items, 16 segments: every item once, segments never shared, equal totals", async (t) => {
  const id = "shared";
  // No takeover is needed here: a long lease rides out a loaded machine (a lease that runs out
  // while its page is handled would, rightly, have the page handled again).
  // The workers join together (a worker that starts seconds late on a loaded machine could,
  // rightly, find every segment taken), and each page takes a little time.
  const env = { LEASE_MS: "6000", WAIT_FOR_GO: "1", HANDLE_MS: "10" };
  const workers = [startWorker(id, env), startWorker(id, env), startWorker(id, env)];
  await Promise.all(workers.map((w) => w.next((e) => e.ready !== undefined)));
  for (const w of workers) w.child.stdin!.end("go\n");
  const outcomes = await Promise.all(workers.map(outcome));
  for (const o of outcomes) assert.ok(o.done, JSON.stringify(o));
  const summaries = outcomes.map((o) => o.done as Record<string, number>);
  for (const s of summaries) {
    assert.deepEqual({ ...s, durationMs: 0 }, { ...summaries[0]!, durationMs: 0 });
    assert.equal(s.durationMs, summaries[0]!.durationMs);
  }
  assert.equal(summaries[0]!.items, ITEMS);
  assert.equal(summaries[0]!.segments, SEGMENTS);
  assert.equal(summaries[0]!.workers, 3);
  const counts = handlings(workers);
  assertEveryItem(counts);
  // No worker died: exactly once.
  assert.equal([...counts.values()].filter((n) => n !== 1).length, 0, duplicates(workers));
  assert.equal(counts.size, ITEMS);
  assertNoOverlap(workers);
  const perWorker = workers.map((w) => pagesOf(w, "end").length);
  t.diagnostic(
    `pages per worker: ${perWorker.join(", ")}; ${summaries[0]!.pages} pages in ${summaries[0]!.durationMs} ms`,
  );
  assert.ok(
    perWorker.every((n) => n > 0),
    `a worker got no segment: ${perWorker.join(", ")}`,
  );
  const status = await jobStatus(dyno, { id, leaseTable });
  assert.equal(status?.state, "done");
  assert.equal(status?.items, ITEMS);
  assert.equal(status?.segmentsDone, SEGMENTS);
});

test("a worker SIGKILLed mid-page: the job completes; only its pages are handled twice", async () => {
  const id = "one-killed";
  // A lease of 5 s: long enough that a surviving worker keeps its leases on a loaded machine
  // (at 2 s one lapsed once at load ~20, and its page was handled twice), short enough that the
  // killed worker's segments are taken over soon.
  const env = { HANDLE_MS: "60", LEASE_MS: "5000" };
  const workers = [startWorker(id, env), startWorker(id, env), startWorker(id, env)];
  const victim = workers[1]!;
  // Kill it in the middle of a page, a little way into the job.
  await victim.next((e) => e.start !== undefined && (e.start as Page).pages >= 1);
  await new Promise((r) => setTimeout(r, 20 + Math.random() * 30));
  victim.child.kill("SIGKILL");
  assert.equal(await victim.exited, null);
  const outcomes = await Promise.all([workers[0]!, workers[2]!].map(outcome));
  for (const o of outcomes) assert.ok(o.done, JSON.stringify(o));
  assert.equal((outcomes[0]!.done as { items: number }).items, ITEMS, "progress is exact");
  const counts = handlings(workers);
  assertEveryItem(counts);
  // Items handled twice are items of pages the killed worker started.
  const victimIds = new Set(pagesOf(victim, "start").flatMap((p) => p.ids));
  const twice = [...counts].filter(([, n]) => n > 1).map(([itemId]) => itemId);
  for (const itemId of twice)
    assert.ok(
      victimIds.has(itemId),
      `${itemId} handled twice, not by the killed worker: ${duplicates(workers)}`,
    );
  for (const n of counts.values()) assert.ok(n <= 2);
  assertNoOverlap([workers[0]!, workers[2]!]);
});

test("every worker killed, then one new worker: it resumes from the checkpoints", async () => {
  const id = "all-killed";
  const env = { HANDLE_MS: "40" };
  const first = [startWorker(id, env), startWorker(id, env)];
  await Promise.all(
    first.map((w) => w.next((e) => e.end !== undefined && (e.end as Page).pages >= 2)),
  );
  for (const w of first) w.child.kill("SIGKILL");
  await Promise.all(first.map((w) => w.exited));
  const before = await jobStatus(dyno, { id, leaseTable });
  assert.ok(before && before.state === "running" && before.items > 0 && before.items < ITEMS);
  // The pages before each segment's checkpoint, and their items.
  const committed = new Set<string>();
  for (const w of first) {
    for (const page of pagesOf(w, "end")) {
      if (page.pages < before.segmentStates[page.segment]!.pages)
        page.ids.forEach((i) => committed.add(i));
    }
  }
  assert.equal(
    committed.size,
    before.items,
    "the checkpoints count exactly the committed pages' items",
  );

  const last = startWorker(id, { CONCURRENCY: "4" });
  const o = await outcome(last);
  assert.ok(o.done, JSON.stringify(o));
  assert.equal((o.done as { items: number }).items, ITEMS);
  assert.equal((o.done as { workers: number }).workers, 3);
  const again = pagesOf(last, "start")
    .flatMap((p) => p.ids)
    .filter((i) => committed.has(i));
  assert.deepEqual(again, [], "items before the checkpoints were handled again");
  for (const page of pagesOf(last, "start")) {
    assert.ok(page.pages >= before.segmentStates[page.segment]!.pages);
  }
  assertEveryItem(handlings([...first, last]));
});

test("a handler that keeps failing: JobFailedError in every worker", async () => {
  const id = "failing";
  const workers = [startWorker(id, { FAIL_SEGMENT: "5" }), startWorker(id, { FAIL_SEGMENT: "5" })];
  const outcomes = await Promise.all(workers.map(outcome));
  for (const o of outcomes) {
    const error = o.error as { name: string; segment: number; message: string } | undefined;
    assert.equal(error?.name, "JobFailedError", JSON.stringify(o));
    assert.equal(error?.segment, 5);
    assert.match(error!.message, /segment 5 refuses/);
  }
  const status = await jobStatus(dyno, { id, leaseTable });
  assert.equal(status?.state, "failed");
  // Joining a failed job fails at once.
  const late = startWorker(id);
  const o = await outcome(late);
  assert.equal((o.error as { name: string }).name, "JobFailedError");
  assert.equal(pagesOf(late, "start").length, 0);
});

test("clock skew of ±10 minutes on workers changes nothing", async () => {
  const id = "skewed";
  const workers = [
    startWorker(id, { CLOCK_SKEW_MS: String(10 * 60_000), HANDLE_MS: "10", LEASE_MS: "6000" }),
    startWorker(id, { CLOCK_SKEW_MS: String(-10 * 60_000), HANDLE_MS: "10", LEASE_MS: "6000" }),
    startWorker(id, { HANDLE_MS: "10", LEASE_MS: "6000" }),
  ];
  const outcomes = await Promise.all(workers.map(outcome));
  for (const o of outcomes) assert.ok(o.done, JSON.stringify(o));
  for (const o of outcomes) assert.deepEqual(o.done, outcomes[0]!.done);
  assert.equal((outcomes[0]!.done as { items: number }).items, ITEMS);
  const counts = handlings(workers);
  assertEveryItem(counts);
  assert.equal([...counts.values()].filter((n) => n !== 1).length, 0, duplicates(workers));
  assertNoOverlap(workers);
});
