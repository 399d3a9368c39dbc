/**
 * A holder that stalls past its lease (a synchronous busy loop: no timer can fire) must find its
 * `signal` aborted by the first code that runs after the stall, and nothing it sends under the
 * lock after the stall may reach DynamoDB; a write that lands late anyway is stopped by the fence.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  AbortError,
  acquireLock,
  Dyno,
  LockLostError,
  Pool,
  PutItemBuilder,
  UpdateItemBuilder,
  type AnyMiddleware,
} from "../../src/index.js";
import { testDyno } from "../support/db.js";
import { faultyDyno, isRenewal, lockTable, readItem } from "./support.js";

const dyno = await testDyno();
const table = await lockTable(dyno.client);
const lease = { leaseMs: 1000, heartbeatMs: 100, retryMs: 20 };
await (
  await acquireLock(dyno, { table, key: { id: "warm-up" }, leaseMs: 10_000, timeoutMs: 30_000 })
).release();

/** Keeps the thread busy for `ms`: no timer, I/O callback or other task runs meanwhile. */
function stall(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

const put = (id: string) => ({ TableName: table, Item: { id: { S: id } } });

test("a 3 s synchronous stall with a 1 s lease: the signal is aborted, and nothing sent under it after the stall lands", async (t) => {
  const acquire = (id: string) =>
    acquireLock(dyno, { table, key: { id }, ...lease, timeoutMs: 5000 });
  const [a, b, c, d, e] = await Promise.all(
    ["a", "b", "c", "d", "e"].map((x) => acquire(`s-${x}`)),
  );
  // Everything captured before the stall, as a holder's code would have it.
  const signal = a.signal;
  const scoped = dyno.withSignal(b.signal);
  const linked = new Dyno({
    client: dyno.client,
    signal: new AbortController().signal,
  }).withSignal(c.signal);
  const pool = new Pool(dyno, { concurrency: 2, signal: d.signal });
  t.after(() => Promise.all([pool.close(), ...[a, b, c, d, e].map((l) => l.release())]));
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const held: AnyMiddleware = (next) => async (ctx) => {
    await gate;
    return next(ctx);
  };
  // Started before the stall; its request goes out only after it.
  const early = dyno.withSignal(e.signal).putItem(put("w-early"), held);
  assert.equal(signal.aborted, false);

  stall(3000);

  // The first code after the stall: no expiry timer has fired yet.
  assert.equal(signal.aborted, true, "a signal captured before the stall reads aborted");
  assert.ok(signal.reason instanceof LockLostError);
  assert.equal(signal.reason.reason, "expired");
  assert.throws(() => signal.throwIfAborted(), LockLostError);
  assert.equal(a.held, false);
  open();
  const writes = [
    scoped.putItem(put("w-scoped")),
    linked.putItem(put("w-linked")),
    pool.putItem(put("w-pool")),
    early,
  ];
  const results = await Promise.allSettled(writes.map((op) => op.await()));
  for (const [i, result] of results.entries()) {
    assert.equal(result.status, "rejected", `write ${i} was sent`);
    assert.ok(result.reason instanceof AbortError, `write ${i}: ${String(result.reason)}`);
  }
  for (const id of ["w-scoped", "w-linked", "w-pool", "w-early"]) {
    assert.equal(await readItem(dyno, table, id), undefined, `${id} reached DynamoDB`);
  }
  for (const lock of [b, c, d, e]) assert.equal(lock.held, false);
});

test("the judged-on-read signal stays quiet while the lease is renewed", async (t) => {
  const lock = await acquireLock(dyno, {
    table,
    key: { id: "s-quiet" },
    leaseMs: 10_000,
    heartbeatMs: 200,
    timeoutMs: 10_000,
  });
  t.after(() => lock.release());
  const scoped = dyno.withSignal(lock.signal);
  for (let i = 0; i < 6; i++) {
    await new Promise((r) => setTimeout(r, 250));
    await scoped.putItem(put(`quiet-${i}`));
    assert.equal(lock.signal.aborted, false);
  }
  await lock.release();
  assert.equal(lock.signal.aborted, false, "a release is not a loss");
  await scoped.putItem(put("after-release")); // a released lock does not cancel anything
});

test("lock.fence: a stale holder's fenced write is refused after the new holder wrote", async (t) => {
  const key = { id: "s-fence" };
  const { dyno: partitioned, faults } = await faultyDyno();
  const old = await acquireLock(partitioned, { table, key, ...lease, timeoutMs: 5000 });
  t.after(() => old.release());
  // The old holder writes while it holds the lock.
  await dyno.putItem(
    new PutItemBuilder()
      .table(table)
      .item({ id: "report", body: "old-1", fence: old.fencingToken })
      .condition(old.fence("fence"))
      .build(),
  );
  // Its renewals are lost; a new holder takes over after the lease and writes.
  faults.decide = (request) => (isRenewal(request) ? "hang" : "pass");
  const successor = await acquireLock(dyno, { table, key, ...lease, timeoutMs: 10_000 });
  t.after(() => successor.release());
  assert.equal(successor.fencingToken, old.fencingToken + 1n);
  await dyno.updateItem(
    new UpdateItemBuilder()
      .table(table)
      .key({ id: "report" })
      .set("body", "new-1")
      .set("fence", successor.fencingToken)
      .condition(successor.fence("fence"))
      .build(),
  );
  // The old holder's late write, fenced, is refused; the new holder's stays.
  const late = await dyno
    .putItem(
      new PutItemBuilder()
        .table(table)
        .item({ id: "report", body: "old-2", fence: old.fencingToken })
        .condition(old.fence("fence"))
        .build(),
    )
    .await()
    .catch((error: unknown) => error);
  assert.equal((late as Error).name, "ConditionalCheckFailedException");
  const stored = await readItem(dyno, table, "report");
  assert.equal(stored?.body?.S, "new-1");
  assert.equal(stored?.fence?.N, String(successor.fencingToken));
  // The holder itself may write again with the same token.
  await dyno.updateItem(
    new UpdateItemBuilder()
      .table(table)
      .key({ id: "report" })
      .set("body", "new-2")
      .condition(successor.fence("fence"))
      .build(),
  );
  assert.equal((await readItem(dyno, table, "report"))?.body?.S, "new-2");
  faults.decide = () => "pass";
});

test("lock.fence: a name with a dot or bracket is refused as a string, and fences as segments", async (t) => {
  const key = { id: "s-fence-names" };
  const first = await acquireLock(dyno, { table, key, ...lease, timeoutMs: 5000 });
  await first.release();
  const second = await acquireLock(dyno, { table, key, ...lease, timeoutMs: 5000 });
  t.after(() => second.release());
  for (const name of ["a.b", "x[0]", "]"]) {
    // As a string, the condition would read a document path that the item never writes.
    assert.throws(
      () => second.fence(name),
      (error: Error) =>
        error.name === "DynoValidationError" &&
        error.message.includes(JSON.stringify(name)) &&
        error.message.includes(JSON.stringify([name])),
    );
    const id = `named-${name}`;
    const write = (holder: typeof first, body: string) =>
      dyno
        .putItem(
          new PutItemBuilder()
            .table(table)
            .item({ id, body, [name]: holder.fencingToken })
            .condition(holder.fence([name]))
            .build(),
        )
        .await()
        .then(
          () => "written",
          (error: unknown) => error,
        );
    assert.equal(await write(second, "new"), "written");
    assert.equal(((await write(first, "stale")) as Error).name, "ConditionalCheckFailedException");
    assert.equal((await readItem(dyno, table, id))?.body?.S, "new");
  }
  // A nested token, as segments: SET meta.fence, fenced on the same path.
  await dyno.putItem({ TableName: table, Item: { id: { S: "nested" }, meta: { M: {} } } });
  const update = (holder: typeof first, body: string) =>
    dyno
      .updateItem(
        new UpdateItemBuilder()
          .table(table)
          .key({ id: "nested" })
          .set("body", body)
          .set(["meta", "fence"], holder.fencingToken)
          .condition(holder.fence(["meta", "fence"]))
          .build(),
      )
      .await()
      .then(
        () => "written",
        (error: unknown) => error,
      );
  assert.equal(await update(second, "new"), "written");
  assert.equal(((await update(first, "stale")) as Error).name, "ConditionalCheckFailedException");
});
