import { test } from "node:test";
import assert from "node:assert/strict";
import { acquireLock, LockLostError, LockTimeoutError } from "../../src/index.js";
import { testDyno } from "../support/db.js";
import { aborted, faultyDyno, lockTable, readItem } from "./support.js";

const dyno = await testDyno();
const table = await lockTable(dyno.client);
await (
  await acquireLock(dyno, { table, key: { id: "warm-up" }, leaseMs: 10_000, timeoutMs: 30_000 })
).release();

const MINUTE = 60_000;
// Leases are short, yet long enough that a loaded machine does not starve the holder's renewals.
const lease = { leaseMs: 2000, heartbeatMs: 250, retryMs: 20 };
const skewed = (offsetMs: number) => () => Date.now() + offsetMs;

test("contenders whose wall clocks run minutes ahead or behind never take a lease being renewed", async () => {
  const key = { id: "skew-live" };
  const holder = await acquireLock(dyno, {
    table,
    key,
    ...lease,
    timeoutMs: 5000,
    owner: "holder",
  });
  const contenders = [-10 * MINUTE, -2 * MINUTE, 2 * MINUTE, 10 * MINUTE].map(async (offset) => {
    const other = await testDyno();
    return acquireLock(other, {
      table,
      key,
      ...lease,
      timeoutMs: 2 * lease.leaseMs, // two whole leases of watching
      now: skewed(offset),
      owner: `skewed ${offset / MINUTE} min`,
    }).then(
      () =>
        assert.fail(
          `the contender ${offset / MINUTE} min off took the lease (holder lost it: ${holder.signal.reason})`,
        ),
      (error: unknown) => error,
    );
  });
  for (const error of await Promise.all(contenders)) {
    assert.ok(error instanceof LockTimeoutError, String(error));
    assert.equal(error.holder?.owner, "holder");
  }
  assert.equal(holder.held, true);
  assert.equal(holder.signal.aborted, false);
  await holder.release();
});

test("a holder whose wall clock is far off keeps its lease, and writes its own time for humans only", async () => {
  const key = { id: "skew-holder" };
  const holder = await acquireLock(dyno, {
    table,
    key,
    ...lease,
    timeoutMs: 5000,
    now: skewed(-30 * MINUTE),
  });
  const renewedAt = Date.parse((await readItem(dyno, table, key.id))!._lock_renewed_at.S!);
  assert.ok(
    Math.abs(renewedAt - (Date.now() - 30 * MINUTE)) < MINUTE,
    "the holder's skewed clock is what is stored",
  );
  const error = await acquireLock(dyno, {
    table,
    key,
    ...lease,
    timeoutMs: 2 * lease.leaseMs,
  }).catch((e: unknown) => e);
  assert.ok(error instanceof LockTimeoutError, String(error));
  assert.equal(holder.held, true);
  await holder.release();
});

test("skewed contenders still take over a dead holder's lease, after it knows it lost it", async () => {
  const key = { id: "skew-dead" };
  const { dyno: doomed, faults } = await faultyDyno();
  const holder = await acquireLock(doomed, { table, key, ...lease, timeoutMs: 5000 });
  const lostAt = aborted(holder.signal).then(() => performance.now());
  // The holder goes silent: every request it sends from now on hangs (a frozen or cut-off process).
  faults.decide = () => "hang";
  const contenders = [-10 * MINUTE, 10 * MINUTE].map(async (offset) => {
    const lock = await acquireLock(await testDyno(), {
      table,
      key,
      ...lease,
      timeoutMs: 10_000,
      now: skewed(offset),
    });
    const acquiredAt = performance.now();
    const token = lock.fencingToken;
    await lock.release();
    return { acquiredAt, token };
  });
  const results = await Promise.all(contenders);
  const lost = await holder.signal.reason;
  assert.ok(lost instanceof LockLostError);
  for (const { acquiredAt, token } of results) {
    assert.ok(
      acquiredAt >= (await lostAt),
      "a contender took over before the holder's lease ran out",
    );
    assert.ok(token > holder.fencingToken);
  }
  assert.notEqual(results[0].token, results[1].token);
  assert.equal(holder.held, false);
});
