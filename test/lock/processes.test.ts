import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { acquireLock } from "../../src/index.js";
import { testDyno, testEndpoint } from "../support/db.js";
import { spawnChild, type Child } from "../support/proc.js";
import { lockTable } from "./support.js";

const dyno = await testDyno();
const table = await lockTable(dyno.client);
const workerPath = fileURLToPath(new URL("./worker.ts", import.meta.url));

/** Starts a lock worker process in `mode`. */
async function startWorker(mode: string, env: Record<string, string>): Promise<Child> {
  return spawnChild(workerPath, [mode], {
    DYNO_TEST_ENDPOINT: await testEndpoint(),
    LOCK_TABLE: table,
    ...env,
  });
}

test("6 processes × 30 lock-protected increments: exactly 180, critical sections never overlap", async (t) => {
  // No takeover happens here, so a long lease costs nothing and rides out a loaded machine.
  const env = {
    LOCK_KEY: "counter-lock",
    LOCK_LEASE_MS: "5000",
    LOCK_HEARTBEAT_MS: "1000",
    LOCK_RETRY_MS: "60",
    LOCK_COUNT: "30",
  };
  const started = performance.now();
  const workers = await Promise.all(Array.from({ length: 6 }, () => startWorker("count", env)));
  const codes = await Promise.all(workers.map((w) => w.exited));
  assert.deepEqual(codes, [0, 0, 0, 0, 0, 0], workers.map((w) => w.stderr()).join("\n"));

  const counter = await dyno.getItem({
    TableName: table,
    Key: { id: { S: "counter-lock-counter" } },
    ConsistentRead: true,
  });
  assert.equal(counter.Item?.count?.N, "180");

  const sections = workers
    .flatMap((w) => w.events.filter((e) => e.fence !== undefined))
    .map((e) => ({
      fence: BigInt(e.fence as string),
      start: e.start as number,
      end: e.end as number,
      pid: e.pid,
    }))
    .sort((a, b) => (a.fence < b.fence ? -1 : a.fence > b.fence ? 1 : 0));
  assert.equal(sections.length, 180);
  assert.equal(new Set(workers.map((w) => w.child.pid)).size, 6);
  for (let i = 1; i < sections.length; i++) {
    const [prev, cur] = [sections[i - 1], sections[i]];
    assert.ok(cur.fence > prev.fence, `fencing tokens repeat: ${prev.fence}`);
    assert.ok(
      prev.end <= cur.start,
      `critical sections overlap: token ${prev.fence} (pid ${prev.pid}) ended at ${prev.end}, ` +
        `token ${cur.fence} (pid ${cur.pid}) started at ${cur.start}`,
    );
  }
  // Every worker got its turns, none starved.
  for (const w of workers) assert.equal(w.events.filter((e) => e.fence !== undefined).length, 30);
  const span = sections[179].end - sections[0].start;
  t.diagnostic(
    `180 sections in ${Math.round(span)} ms (${Math.round(180 / (span / 1000))} handoffs/s); ` +
      `${Math.round(performance.now() - started)} ms with process start-up`,
  );
});

test("a holder killed with SIGKILL is replaced within about two leases, with a higher token", async () => {
  const leaseMs = 1000;
  const holder = await startWorker("hold", {
    LOCK_KEY: "crash-lock",
    LOCK_LEASE_MS: String(leaseMs),
    LOCK_HEARTBEAT_MS: "150",
  });
  const { fence } = await holder.next<{ fence: string }>((e) => e.acquired === true);

  let acquiredAt: number | undefined;
  const waiting = acquireLock(dyno, {
    table,
    key: { id: "crash-lock" },
    leaseMs,
    retryMs: 25,
    timeoutMs: 20_000,
  }).then((lock) => {
    acquiredAt = performance.now();
    return lock;
  });
  // While the holder lives and heartbeats, the waiter does not get the lock.
  await new Promise((r) => setTimeout(r, leaseMs * 1.5));
  assert.equal(acquiredAt, undefined, "took the lock from a live holder");

  const killedAt = performance.now();
  holder.child.kill("SIGKILL");
  const lock = await waiting;
  const after = acquiredAt! - killedAt;
  assert.ok(
    after <= 2 * leaseMs,
    `replaced ${Math.round(after)} ms after the kill (lease ${leaseMs} ms)`,
  );
  assert.ok(lock.fencingToken > BigInt(fence), `token ${lock.fencingToken} after ${fence}`);
  assert.equal(await holder.exited, null, "killed by the signal");
  await lock.release();
});
