import { test } from "node:test";
import assert from "node:assert/strict";
import {
  acquireLock,
  AbortError,
  DistributedLock,
  DynoValidationError,
  LockLostError,
  LockTimeoutError,
  withLock,
} from "../../src/index.js";
import { createTestTable, testDyno } from "../support/db.js";
import { throttled } from "../support/http.js";
import {
  aborted,
  activeTable,
  activeTimers,
  faultyDyno,
  isRenewal,
  lockTable,
  readItem,
} from "./support.js";

const dyno = await testDyno();
const table = await lockTable(dyno.client);
// Tests that wait for a lease to run out use a short one; the others a long one, which costs no
// time and keeps a heavily loaded machine (renewals slowed to seconds) from failing them.
const lease = { leaseMs: 1000, heartbeatMs: 200, retryMs: 20 };
const steady = { leaseMs: 5000, heartbeatMs: 500, retryMs: 20 };
// Warm up the engine: its first requests can take longer than the short leases used here.
await (
  await acquireLock(dyno, { table, key: { id: "warm-up" }, leaseMs: 10_000, timeoutMs: 30_000 })
).release();
let keyCounter = 0;
const newKey = () => ({ id: `job-${++keyCounter}` });

test("acquire and release: the item carries the holder while held, and keeps the token after", async () => {
  const key = newKey();
  const timersBefore = activeTimers();
  const lock = await acquireLock(dyno, { table, key, ...steady, timeoutMs: 5000, owner: "alice" });
  assert.ok(lock instanceof DistributedLock);
  assert.equal(lock.held, true);
  assert.equal(lock.fencingToken, 1n);
  assert.equal(lock.signal.aborted, false);
  const held = await readItem(dyno, table, key.id);
  assert.equal(held?._lock_owner?.S, "alice");
  assert.equal(held?._lock_fence?.N, "1");
  assert.equal(held?._lock_lease_ms?.N, "5000");
  assert.ok(held?._lock_rvn?.S);
  assert.ok(!Number.isNaN(Date.parse(held!._lock_renewed_at!.S!)));

  await lock.release();
  assert.equal(lock.held, false);
  assert.equal(lock.signal.aborted, false, "a release is not a loss");
  const released = await readItem(dyno, table, key.id);
  assert.deepEqual(Object.keys(released!).sort(), ["_lock_fence", "_lock_rvn", "id"]);
  assert.equal(released!._lock_fence.N, "1");
  assert.notEqual(released!._lock_rvn.S, held!._lock_rvn.S, "release writes a new record version");
  assert.equal(activeTimers(), timersBefore, "no timer left running after release");

  const again = await acquireLock(dyno, { table, key, ...steady, timeoutMs: 0 });
  assert.equal(again.fencingToken, 2n, "the token continues from the kept one");
  await again.release();
});

test("release is idempotent, and await using releases at the end of the scope", async () => {
  const key = newKey();
  const lock = await acquireLock(dyno, { table, key, ...steady, timeoutMs: 5000 });
  const first = lock.release();
  assert.equal(lock.release(), first, "the same promise");
  await first;
  await lock.release();
  {
    await using scoped = await acquireLock(dyno, { table, key, ...steady, timeoutMs: 5000 });
    assert.equal(scoped.held, true);
    assert.equal((await readItem(dyno, table, key.id))?._lock_owner !== undefined, true);
  }
  assert.equal((await readItem(dyno, table, key.id))?._lock_owner, undefined);
});

test("a second acquirer waits, and gets the lock right after the release (not after a lease)", async () => {
  const key = newKey();
  const first = await acquireLock(dyno, {
    table,
    key,
    ...steady,
    leaseMs: 5000,
    heartbeatMs: 1000,
    timeoutMs: 5000,
  });
  let secondGot = false;
  const second = acquireLock(dyno, { table, key, ...steady, timeoutMs: 10_000 }).then((l) => {
    secondGot = true;
    return l;
  });
  // The second is refused while the first holds it (its heartbeats keep it alive).
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(secondGot, false);
  const released = performance.now();
  await first.release();
  const lock = await second;
  const waited = performance.now() - released;
  assert.ok(waited < 2000, `took ${waited} ms after a release with a 5 s lease`);
  assert.equal(lock.fencingToken, first.fencingToken + 1n);
  await lock.release();
});

test("timeout: LockTimeoutError says how long it waited and who holds the lock", async () => {
  const key = newKey();
  const holder = await acquireLock(dyno, {
    table,
    key,
    ...steady,
    timeoutMs: 5000,
    owner: "holder-1",
  });
  const started = performance.now();
  const error = await acquireLock(dyno, {
    table,
    key,
    ...steady,
    timeoutMs: 400,
    owner: "waiter",
  }).then(
    () => assert.fail("acquired a held lock"),
    (e: unknown) => e,
  );
  const elapsed = performance.now() - started;
  assert.ok(error instanceof LockTimeoutError, String(error));
  assert.ok(error.waitedMs >= 400 && error.waitedMs <= elapsed + 1, `waitedMs ${error.waitedMs}`);
  assert.deepEqual(error.holder, {
    owner: "holder-1",
    leaseMs: 5000,
    fencingToken: holder.fencingToken,
  });
  assert.match(error.message, /holder-1/);
  // which lock, of the many one table holds: its table and key
  assert.ok(
    error.message.startsWith(`lock on ${table} {id: ${JSON.stringify(key.id)}} not acquired`),
    error.message,
  );
  assert.equal(error.table, table);
  assert.deepEqual(error.key, { id: { S: key.id } });
  assert.equal(holder.held, true, "the holder kept it through the whole wait");

  const once = await acquireLock(dyno, { table, key, ...steady, timeoutMs: 0 }).catch(
    (e: unknown) => e,
  );
  assert.ok(once instanceof LockTimeoutError, "timeoutMs 0 tries once");
  await holder.release();
});

test("fencing tokens increase strictly over 20 handoffs between two contenders", async () => {
  const key = newKey();
  const tokens: bigint[] = [];
  const other = await testDyno();
  let current = await acquireLock(dyno, { table, key, ...steady, timeoutMs: 2000 });
  tokens.push(current.fencingToken);
  for (let i = 1; i <= 20; i++) {
    const next = acquireLock(i % 2 ? other : dyno, { table, key, ...steady, timeoutMs: 5000 });
    await new Promise((r) => setTimeout(r, 5));
    await current.release();
    current = await next;
    tokens.push(current.fencingToken);
  }
  await current.release();
  for (let i = 1; i < tokens.length; i++)
    assert.ok(tokens[i] > tokens[i - 1], `tokens ${tokens.join(",")}`);
  assert.equal(tokens.length, 21);
  assert.equal((await readItem(dyno, table, key.id))?._lock_fence?.N, String(tokens[20]));
});

test("withLock releases on success and on throw", async () => {
  const key = newKey();
  const value = await withLock(dyno, { table, key, ...steady, timeoutMs: 5000 }, async (lock) => {
    assert.equal(lock.held, true);
    return 42;
  });
  assert.equal(value, 42);
  assert.equal((await readItem(dyno, table, key.id))?._lock_owner, undefined);

  let inside: DistributedLock | undefined;
  await assert.rejects(
    withLock(dyno, { table, key, ...steady, timeoutMs: 5000 }, async (lock) => {
      inside = lock;
      throw new Error("boom");
    }),
    /boom/,
  );
  assert.equal(inside?.held, false);
  assert.equal((await readItem(dyno, table, key.id))?._lock_owner, undefined, "released on throw");
  const next = await acquireLock(dyno, { table, key, ...steady, timeoutMs: 0 });
  assert.equal(next.fencingToken, 3n);
  await next.release();
});

test("the lock's attributes live beside the item's own, which are never touched", async () => {
  const client = dyno.client;
  const TableName = await activeTable(
    client,
    await createTestTable(client, { partitionKey: ["pk", "S"], sortKey: ["sk", "N"] }),
  );
  const Key = { pk: { S: "order" }, sk: { N: "7" } };
  const own = {
    status: { S: "open" },
    total: { N: "12.5" },
    lines: { L: [{ M: { sku: { S: "a" } } }] },
    tags: { SS: ["x", "y"] },
  };
  await dyno.putItem({ TableName, Item: { ...Key, ...own } });
  const lock = await acquireLock(dyno, {
    table: TableName,
    key: { pk: "order", sk: 7 },
    ...steady,
    timeoutMs: 5000,
  });
  // Someone else updates the item's own attributes while the lock is held and renewed.
  await dyno.updateItem({
    TableName,
    Key,
    UpdateExpression: "SET #s = :s",
    ExpressionAttributeNames: { "#s": "status" },
    ExpressionAttributeValues: { ":s": { S: "paid" } },
  });
  await new Promise((r) => setTimeout(r, 2 * lease.heartbeatMs + 50)); // a couple of renewals
  assert.equal(lock.held, true);
  await lock.release();
  const item = (await dyno.getItem({ TableName, Key, ConsistentRead: true })).Item!;
  const { _lock_fence, _lock_rvn, ...rest } = item;
  assert.equal(_lock_fence.N, "1");
  assert.ok(_lock_rvn.S);
  assert.deepEqual(rest, { ...Key, ...own, status: { S: "paid" } });
});

test("the lost-lease signal fires when the lock item is changed behind the holder's back", async () => {
  const key = newKey();
  const lock = await acquireLock(dyno, { table, key, ...steady, timeoutMs: 5000 });
  await dyno.updateItem({
    TableName: table,
    Key: { id: { S: key.id } },
    UpdateExpression: "SET #r = :r, #o = :o",
    ExpressionAttributeNames: { "#r": "_lock_rvn", "#o": "_lock_owner" },
    ExpressionAttributeValues: { ":r": { S: "tampered" }, ":o": { S: "mallory" } },
  });
  const reason = await aborted(lock.signal);
  assert.ok(reason instanceof LockLostError, String(reason));
  assert.equal(reason.reason, "changed");
  assert.equal(reason.fencingToken, lock.fencingToken);
  assert.equal(reason.holder?.owner, "mallory");
  assert.ok(
    reason.message.startsWith(`lock on ${table} {id: ${JSON.stringify(key.id)}} lost`),
    reason.message,
  );
  assert.equal(reason.table, table);
  assert.deepEqual(reason.key, { id: { S: key.id } });
  assert.equal(lock.held, false);
  await lock.release(); // resolves, and does not touch mallory's record
  assert.equal((await readItem(dyno, table, key.id))?._lock_rvn?.S, "tampered");
});

test("transient renewal failures are retried within the lease; the lock stays held", async () => {
  const key = newKey();
  const { dyno: flaky, faults } = await faultyDyno();
  const lock = await acquireLock(flaky, { table, key, ...steady, timeoutMs: 5000 });
  let throttledCount = 0;
  faults.decide = (request) => {
    if (isRenewal(request) && throttledCount < 3) {
      throttledCount++;
      return throttled;
    }
    return "pass";
  };
  // Three throttled renewals in a row, then one that succeeds: all within one lease.
  while (throttledCount < 3) await new Promise((r) => setTimeout(r, 20));
  const rvnBefore = (await readItem(dyno, table, key.id))?._lock_rvn?.S;
  for (let i = 0; i < 50; i++) {
    if ((await readItem(dyno, table, key.id))?._lock_rvn?.S !== rvnBefore) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.notEqual(
    (await readItem(dyno, table, key.id))?._lock_rvn?.S,
    rvnBefore,
    "renewed after the throttling",
  );
  assert.equal(lock.held, true);
  assert.equal(lock.signal.aborted, false);
  await lock.release();
});

test("renewals that hang: the holder declares the lease lost by its own clock, then nothing runs on", async () => {
  const key = newKey();
  const { dyno: partitioned, faults } = await faultyDyno();
  const timersBefore = activeTimers();
  const lock = await acquireLock(partitioned, { table, key, ...lease, timeoutMs: 5000 });
  const acquiredAt = performance.now();
  faults.decide = (request) => (isRenewal(request) ? "hang" : "pass");
  const reason = await aborted(lock.signal);
  const lostAfter = performance.now() - acquiredAt;
  assert.ok(reason instanceof LockLostError);
  assert.equal(reason.reason, "expired");
  assert.match(reason.message, new RegExp(`^lock on \\S+ \\{id: "${key.id}"\\} lost: no renewal`));
  assert.deepEqual([reason.table, reason.key], [lock.table, { id: { S: key.id } }]);
  assert.ok(lostAfter <= lease.leaseMs + 400, `lost after ${lostAfter} ms, lease ${lease.leaseMs}`);
  assert.equal(lock.held, false);
  await new Promise(setImmediate); // let the aborted request's promise chain unwind
  assert.equal(faults.hanging, 0, "the hanging renewal was aborted");
  assert.equal(activeTimers(), timersBefore, "no timer left running after the loss");
  await lock.release(); // nothing to do: no request
  assert.equal(faults.seen.filter(isRenewal).length >= 1, true);
});

test("a takeover after the lease: the old holder's release never clears the new holder's lock", async () => {
  const key = newKey();
  const { dyno: partitioned, faults } = await faultyDyno();
  const old = await acquireLock(partitioned, { table, key, ...lease, timeoutMs: 5000 });
  faults.decide = (request) => (isRenewal(request) ? "hang" : "pass");
  const lostAt = aborted(old.signal).then(() => performance.now());
  const successor = await acquireLock(dyno, { table, key, ...lease, timeoutMs: 10_000 });
  const acquiredAt = performance.now();
  assert.ok((await lostAt) <= acquiredAt, "the old holder knew before the successor took over");
  assert.equal(successor.fencingToken, old.fencingToken + 1n);
  faults.decide = () => "pass";
  await old.release();
  const item = await readItem(dyno, table, key.id);
  assert.equal(item?._lock_owner?.S, successor.owner);
  assert.equal(successor.held, true);
  await successor.release();
});

test("withLock: a lost lease aborts fn's signal, and withLock rejects with LockLostError after fn settles", async () => {
  const key = newKey();
  const { dyno: partitioned, faults } = await faultyDyno();
  let fnSettled = false;
  const run = withLock(partitioned, { table, key, ...lease, timeoutMs: 5000 }, async (lock) => {
    faults.decide = (request) => (isRenewal(request) ? "hang" : "pass");
    await aborted(lock.signal);
    await new Promise((r) => setTimeout(r, 20));
    fnSettled = true;
    return "result computed without exclusion";
  });
  const error = await run.catch((e: unknown) => e);
  assert.ok(error instanceof LockLostError, String(error));
  assert.equal(fnSettled, true);
});

test("acquireLock honours its signal while waiting", async () => {
  const key = newKey();
  const holder = await acquireLock(dyno, { table, key, ...steady, timeoutMs: 5000 });
  const controller = new AbortController();
  const waiting = acquireLock(dyno, {
    table,
    key,
    ...steady,
    timeoutMs: 10_000,
    signal: controller.signal,
  });
  setTimeout(() => controller.abort(new Error("shutting down")), 100);
  const error = await waiting.catch((e: unknown) => e);
  assert.ok(error instanceof AbortError, String(error));
  assert.equal((error as AbortError).cause instanceof Error, true);
  await holder.release();
});

test("invalid options are rejected before any request, naming the option", async () => {
  const { dyno: counted, faults } = await faultyDyno();
  const base = { table, key: { id: "v" }, leaseMs: 1000, timeoutMs: 100 };
  const cases: [Record<string, unknown>, string][] = [
    [{ ...base, heartbeatMs: 1000 }, "heartbeatMs"],
    [{ ...base, heartbeatMs: 2000 }, "heartbeatMs"],
    [{ ...base, leaseMs: 0 }, "leaseMs"],
    [{ ...base, leaseMs: -5 }, "leaseMs"],
    [{ ...base, leaseMs: Number.NaN }, "leaseMs"],
    [{ ...base, heartbeatMs: 0 }, "heartbeatMs"],
    [{ ...base, retryMs: 0 }, "retryMs"],
    [{ ...base, timeoutMs: -1 }, "timeoutMs"],
    [{ ...base, timeoutMs: undefined }, "timeoutMs"],
    [{ ...base, table: "" }, "table"],
    [{ ...base, key: undefined }, "key"],
    [{ ...base, key: {} }, "key"],
    [{ ...base, key: { id: "" } }, "key.id"],
    [{ ...base, key: { id: true } }, "key.id"],
    [{ ...base, key: { _lock_owner: "x" } }, "key._lock_owner"],
    [{ ...base, owner: "" }, "owner"],
    [{ ...base, leaseMS: 1000 }, "leaseMS"],
    [{ ...base, signal: "no" }, "signal"],
  ];
  for (const [options, field] of cases) {
    await assert.rejects(
      acquireLock(counted, options as never),
      (e: unknown) => e instanceof DynoValidationError && e.field === field,
      `expected a DynoValidationError on ${field} for ${JSON.stringify(options)}`,
    );
  }
  await assert.rejects(withLock(counted, base, undefined as never), DynoValidationError);
  assert.deepEqual(faults.seen, [], "no request at all");
});

test("a key that does not fit the table is rejected before any write, naming the attribute", async () => {
  const { dyno: counted, faults } = await faultyDyno();
  const TableName = await activeTable(
    dyno.client,
    await createTestTable(dyno.client, { partitionKey: ["pk", "S"], sortKey: ["sk", "N"] }),
  );
  const base = { table: TableName, leaseMs: 1000, timeoutMs: 100 };
  const cases: [Record<string, unknown>, string, RegExp][] = [
    [{ pk: "a" }, "key.sk", /missing/],
    [{ sk: 1 }, "key.pk", /missing/],
    [{ pk: "a", sk: "1" }, "key.sk", /type N/],
    [{ pk: "a", sk: 1, extra: "x" }, "key.extra", /not a key attribute/],
  ];
  for (const [key, field, message] of cases) {
    await assert.rejects(
      acquireLock(counted, { ...base, key } as never),
      (e: unknown) =>
        e instanceof DynoValidationError && e.field === field && message.test(e.message),
      `${JSON.stringify(key)} → ${field}`,
    );
  }
  assert.deepEqual(
    faults.seen.map((r) => r.operation),
    ["DescribeTable"],
    "only one DescribeTable, no write",
  );
});
