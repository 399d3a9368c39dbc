/** The lease taker's decisions (a pure function of a listing and what was watched). */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { JobView, SegmentRecord } from "../../src/jobs/records.js";
import { idleRoundMs, LeaseWatch, plan } from "../../src/jobs/taker.js";

const segment = (n: number, owner?: string, rvn?: string, done = false): SegmentRecord => ({
  segment: n,
  lease: { owner, rvn, fence: 1n, leaseMs: 1000 },
  lastKey: undefined,
  items: 0,
  pages: 0,
  done,
  lostAt: undefined,
  lost: 0,
});
const view = (segments: SegmentRecord[], workers: string[] = []): JobView => ({
  job: undefined,
  segments: new Map(segments.map((s) => [s.segment, s])),
  workers: workers.map((owner) => ({ owner, beat: "1", left: false })),
});

test("free segments are taken up to the share; live holders are left alone until their lease lapses", () => {
  const watch = new LeaseWatch();
  const v = view([segment(0, "b", "r0"), segment(1), segment(2, undefined, "x", true)], ["b"]);
  watch.observe(v, 0);
  const me = { owner: "a", held: new Set<number>(), concurrency: 4, segments: 4 };
  const first = plan(v, watch, me, 0, 1000);
  assert.deepEqual(first.take.map((t) => t.segment).sort(), [1, 3]); // 3 segments left, 2 workers: 2 each
  assert.equal(first.workers, 2);
  // b's version (and beat) unchanged for a whole lease on our clock: b is dead, its segment
  // expired, and taken on exactly that version.
  const later = plan(v, watch, me, 1000, 1000);
  assert.equal(later.workers, 1);
  assert.deepEqual(later.take.find((t) => t.segment === 0)?.accept, ["r0"]);
  // Just before that, nothing of b's is taken.
  assert.equal(
    plan(v, watch, me, 999, 1000).take.find((t) => t.segment === 0),
    undefined,
  );
});

test("a lease of this worker's own that lapsed is taken back at once, on exactly its version", () => {
  const watch = new LeaseWatch();
  const v = view([segment(0, "a", "mine"), segment(1, "b", "theirs")], ["a", "b"]);
  watch.observe(v, 0);
  const decided = plan(
    v,
    watch,
    { owner: "a", held: new Set(), concurrency: 2, segments: 2 },
    1,
    1000,
  );
  assert.deepEqual(decided.take, [{ segment: 0, accept: ["mine"] }]);
});

test("a worker above its share gives one segment back per round", () => {
  const watch = new LeaseWatch();
  const v = view(
    [0, 1, 2, 3].map((n) => segment(n, "a", `r${n}`)),
    ["a", "b", "c"],
  );
  watch.observe(v, 0);
  const decided = plan(
    v,
    watch,
    { owner: "a", held: new Set([0, 1, 2, 3]), concurrency: 4, segments: 4 },
    1,
    1000,
  );
  assert.equal(decided.shed, 1); // 4 left, 3 live workers: a share of 2
  assert.deepEqual(decided.take, []);
});

test("a worker holding no segment lists again after a quarter of the job's remaining time, 50 ms to a round", () => {
  // Before: every round waited a full round (2 s at the default lease), so a worker left without
  // segments learned of the job's end up to 3 s late (bench/jobs (b): 2 workers at 0.39x of 1).
  assert.equal(idleRoundMs(2000, 4000), 1000);
  assert.equal(idleRoundMs(2000, 60_000), 2000, "never beyond a round");
  assert.equal(idleRoundMs(2000, 0), 50, "never below 50 ms");
  assert.equal(idleRoundMs(2000, undefined), 500, "a quarter round with no estimate");
  assert.equal(idleRoundMs(50, 10), 50);
});
