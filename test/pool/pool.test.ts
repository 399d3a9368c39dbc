import { test } from "node:test";
import assert from "node:assert/strict";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  AbortError,
  Dyno,
  DynoValidationError,
  Operation,
  Pool,
  operationNames,
  methodName,
} from "../../src/index.js";
import { localClientConfig } from "../../src/local/index.js";
import { testDyno } from "../support/db.js";
import { blackHole } from "../support/http.js";
import { gate, inFlightCounter, tableWithItem } from "./support.js";

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));
const isAbort = (e: unknown) => e instanceof AbortError;

test("the pool has every operation method of the session, from the registry", async () => {
  const pool = new Pool(await testDyno(), { concurrency: 1 });
  for (const name of operationNames) {
    assert.equal(
      typeof (pool as unknown as Record<string, unknown>)[methodName(name)],
      "function",
      name,
    );
  }
  const op = pool.listTables({});
  assert.ok(op instanceof Operation);
  assert.equal(op.name, "ListTables");
  assert.ok(Array.isArray((await op).TableNames));
});

test("a burst of 500 operations never has more than `concurrency` in flight", async () => {
  const dyno = await testDyno();
  const { get } = await tableWithItem(dyno);
  const { middleware, state } = inFlightCounter();
  dyno.use(middleware);
  const pool = new Pool(dyno, { concurrency: 8 });
  const ops = Array.from({ length: 500 }, () => pool.getItem(get));
  assert.equal(pool.active, 8);
  assert.equal(pool.pending, 492);
  assert.equal(ops.filter((op) => op.state === "running").length, 8);
  assert.ok(ops.slice(8).every((op) => op.state === "pending" && op.startedAt === undefined));
  const outputs = await Promise.all(ops);
  assert.ok(outputs.every((o) => o.Item?.pk.S === "a"));
  assert.equal(state.max, 8, "the bound is reached and never exceeded");
  assert.equal(pool.active, 0);
  assert.equal(pool.pending, 0);
});

test("queued operations start in FIFO order", async () => {
  const dyno = await testDyno();
  const { get } = await tableWithItem(dyno);
  const { middleware, state } = inFlightCounter();
  const pool = new Pool(dyno, { concurrency: 3 });
  const ops = Array.from({ length: 60 }, (_, i) =>
    i % 2 ? pool.getItem(get, middleware) : pool.do(Operation.create("GetItem", get, middleware)),
  );
  await pool.idle();
  assert.deepEqual(
    state.started,
    ops.map((op) => op.id),
  );
  for (let i = 1; i < ops.length; i++) assert.ok(ops[i].startedAt! >= ops[i - 1].startedAt!);
});

test("idle() resolves when nothing is running or queued, at once when idle", async () => {
  const dyno = await testDyno();
  const { get } = await tableWithItem(dyno);
  const pool = new Pool(dyno, { concurrency: 2 });
  await pool.idle(); // an empty pool is idle
  const g = gate();
  const ops = Array.from({ length: 5 }, () => pool.getItem(get, g.middleware));
  let idle = false;
  const waiting = pool.idle().then(() => (idle = true));
  const second = pool.idle();
  await g.whenHeld(2);
  assert.equal(idle, false);
  g.releaseAll();
  await g.whenHeld(2);
  assert.equal(idle, false);
  g.releaseAll();
  await g.whenHeld(1);
  g.releaseAll();
  await waiting;
  await second;
  assert.ok(ops.every((op) => op.state === "done" && op.result()?.output));
  assert.equal(pool.active + pool.pending, 0);
});

test("cancel() of a queued operation removes it at once; it never runs", async () => {
  const dyno = await testDyno();
  const { get } = await tableWithItem(dyno);
  const g = gate();
  const pool = new Pool(dyno, { concurrency: 1 });
  const first = pool.getItem(get, g.middleware);
  const queued = [1, 2, 3].map(() => pool.getItem(get, g.middleware));
  await g.whenHeld(1);
  assert.equal(pool.pending, 3);
  queued[1].cancel("changed my mind");
  assert.equal(pool.pending, 2, "removed from the queue at once");
  assert.equal(queued[1].state, "done");
  await assert.rejects(
    queued[1].await(),
    (e: Error) => isAbort(e) && /changed my mind/.test(e.message),
  );
  queued[0].cancel(); // the head of the queue
  assert.equal(pool.pending, 1);
  g.releaseAll();
  await g.whenHeld(1);
  g.releaseAll();
  await pool.idle();
  assert.deepEqual(g.started, [first.id, queued[2].id]);
  assert.ok((await queued[2]).Item);
  assert.equal(queued[1].startedAt, undefined);
  // cancelling every queued operation leaves an idle pool
  const more = [1, 2].map(() => pool.getItem(get, g.middleware));
  const tail = [1, 2, 3].map(() => pool.getItem(get, g.middleware));
  await g.whenHeld(1);
  tail.forEach((op) => op.cancel());
  more[1].cancel();
  assert.equal(pool.pending, 0);
  g.releaseAll();
  await pool.idle();
});

test("close(): queued operations reject with AbortError, running ones finish, later ones reject", async () => {
  const dyno = await testDyno();
  const { get } = await tableWithItem(dyno);
  const g = gate();
  const pool = new Pool(dyno, { concurrency: 2 });
  const running = [1, 2].map(() => pool.getItem(get, g.middleware));
  const queued = [1, 2, 3].map(() => pool.getItem(get, g.middleware));
  await g.whenHeld(2);
  let closed = false;
  const closing = pool.close().then(() => (closed = true));
  assert.equal(pool.closed, true);
  assert.equal(pool.pending, 0);
  for (const op of queued)
    await assert.rejects(op.await(), (e: Error) => isAbort(e) && /closed/.test(e.message));
  const late = pool.getItem(get);
  await assert.rejects(late.await(), AbortError);
  assert.equal(late.startedAt, undefined);
  await tick(10);
  assert.equal(closed, false, "close() waits for the running operations");
  assert.ok(running.every((op) => op.state === "running"));
  g.releaseAll();
  await closing;
  for (const op of running) assert.ok((await op).Item);
  assert.equal(g.started.length, 2);
});

test("close() with 200,000 queued operations rejects every one, each with its own AbortError", async () => {
  const dyno = await testDyno();
  const { get } = await tableWithItem(dyno);
  const g = gate();
  const pool = new Pool(dyno, { concurrency: 1 });
  const running = pool.getItem(get, g.middleware);
  await g.whenHeld(1);
  const queued = Array.from({ length: 200_000 }, () => pool.getItem(get));
  const awaited = queued.slice(0, 1000).map((op) => op.await()); // awaited before the close
  const closing = pool.close();
  assert.equal(pool.pending, 0);
  assert.ok(queued.every((op) => op.state === "done" && op.startedAt === undefined));
  // Unawaited ones too: result() gives the error, the same object every time and on await.
  for (const op of [...queued.slice(0, 10), ...queued.slice(-10)]) {
    const error = op.result()?.error;
    assert.ok(isAbort(error) && error.message.includes(op.id) && /closed/.test(error.message));
    assert.equal(op.result()?.error, error);
    await assert.rejects(op.await(), (e) => e === error);
  }
  const settled = await Promise.allSettled(awaited);
  assert.ok(settled.every((s) => s.status === "rejected" && isAbort(s.reason)));
  assert.equal(new Set(settled.map((s) => (s as PromiseRejectedResult).reason)).size, 1000);
  g.releaseAll();
  await closing;
  assert.ok((await running).Item);
});

test("a cancelled running operation's signal aborts with the error it rejects with", async () => {
  const dyno = await testDyno();
  const { get } = await tableWithItem(dyno);
  const g = gate();
  let signal: AbortSignal | undefined;
  const op = dyno.getItem(get, (next) => (ctx) => ((signal = ctx.signal), next(ctx)), g.middleware);
  await g.whenHeld(1);
  op.cancel("stop");
  assert.ok(signal?.aborted);
  await assert.rejects(
    op.await(),
    (e) => e === signal!.reason && /stop/.test((e as Error).message),
  );
  g.releaseAll();
});

test("the pool's signal: queued operations reject, running ones are aborted, new ones refused", async () => {
  const server = await blackHole();
  const client = new DynamoDBClient({ ...localClientConfig(server.endpoint), maxAttempts: 1 });
  const controller = new AbortController();
  const pool = new Pool(new Dyno({ client }), { concurrency: 2, signal: controller.signal });
  const input = { TableName: "t", Key: { pk: { S: "a" } } };
  const ops = Array.from({ length: 5 }, () => pool.getItem(input));
  while (server.received < 2) await tick(5);
  assert.equal(pool.active, 2);
  controller.abort(new Error("shutting down"));
  assert.equal(pool.pending, 0);
  for (const op of ops)
    await assert.rejects(op.await(), (e: Error) => isAbort(e) && /shutting down/.test(e.message));
  assert.ok(ops.slice(2).every((op) => op.startedAt === undefined));
  await pool.idle();
  await assert.rejects(pool.listTables({}).await(), AbortError);
  while (server.closed < 2) await tick(5); // the running requests' sockets were torn down
  assert.equal(server.received, 2);
  client.destroy();
  await server.stop();
});

test("a session's signal scopes the pool too, and an aborted signal refuses at once", async () => {
  const dyno = await testDyno();
  const controller = new AbortController();
  const scoped = dyno.withSignal(controller.signal);
  const pool = new Pool(scoped, { concurrency: 1, signal: new AbortController().signal });
  const g = gate();
  const ops = [1, 2, 3].map(() => pool.listTables({}, g.middleware));
  await g.whenHeld(1);
  controller.abort("session over");
  for (const op of ops) await assert.rejects(op.await(), AbortError);
  assert.equal(pool.active + pool.pending, 0);
  const aborted = new Pool(dyno, { concurrency: 1, signal: AbortSignal.abort("gone") });
  await assert.rejects(
    aborted.listTables({}).await(),
    (e: Error) => isAbort(e) && /gone/.test(e.message),
  );
});

test("concurrency can be raised (queued ones start at once) and lowered (running ones finish)", async () => {
  const dyno = await testDyno();
  const { get } = await tableWithItem(dyno);
  const g = gate();
  const { middleware, state } = inFlightCounter();
  const limits: number[] = [];
  const pool = new Pool(dyno, {
    concurrency: 2,
    onLimitsChange: (l) => limits.push(l.concurrency),
  });
  const ops = Array.from({ length: 20 }, () => pool.getItem(get, middleware, g.middleware));
  await g.whenHeld(2);
  assert.equal(pool.active, 2);
  pool.concurrency = 5;
  assert.equal(pool.concurrency, 5);
  assert.equal(pool.active, 5, "raising starts queued operations at once");
  assert.equal(pool.pending, 15);
  await g.whenHeld(5);
  pool.concurrency = 1;
  assert.equal(pool.active, 5, "lowering lets running operations finish");
  g.releaseOne();
  await tick(20);
  assert.equal(g.held, 4, "no new start while more than the new bound run");
  g.releaseAll();
  while (pool.active > 1 || g.held < 1) await tick(5);
  assert.equal(pool.active, 1);
  const remaining = pool.pending + 1;
  state.max = 0;
  for (let i = 0; i < remaining; i++) {
    await g.whenHeld(1);
    assert.equal(pool.active, 1);
    g.releaseOne();
  }
  await Promise.all(ops);
  assert.equal(state.max, 1, "one at a time after lowering to 1");
  assert.deepEqual(limits, [5, 1]);
  assert.throws(
    () => (pool.concurrency = 0),
    (e: Error) =>
      e instanceof DynoValidationError &&
      /expected a positive integer or Infinity, given 0/.test(e.message),
  );
  assert.equal(pool.concurrency, 1);
  pool.concurrency = Infinity;
  const many = Array.from({ length: 30 }, () => pool.getItem(get));
  assert.equal(pool.active, 30);
  await Promise.all(many);
});

test("options are validated up front: what was expected and what was given", async () => {
  const dyno = await testDyno();
  const bad: [unknown, string, RegExp][] = [
    [undefined, "options", /expected \{ concurrency/],
    [{}, "concurrency", /expected a positive integer or Infinity, given undefined/],
    [{ concurrency: 0 }, "concurrency", /given 0/],
    [{ concurrency: 2.5 }, "concurrency", /given 2.5/],
    [{ concurrency: "4" }, "concurrency", /given "4"/],
    [{ concurrency: NaN }, "concurrency", /given NaN/],
    [
      { concurrency: 1, requestsPerSecond: 0 },
      "requestsPerSecond",
      /expected a finite number > 0, given 0/,
    ],
    [{ concurrency: 1, requestsPerSecond: Infinity }, "requestsPerSecond", /given Infinity/],
    [{ concurrency: 1, capacityUnitsPerSecond: -5 }, "capacityUnitsPerSecond", /given -5/],
    [{ concurrency: 1, adaptive: "yes" }, "adaptive", /expected a boolean or/],
    [
      { concurrency: 1, adaptive: { decrease: 1 } },
      "adaptive.decrease",
      /between 0 and 1.*given 1/,
    ],
    [{ concurrency: 1, adaptive: { speed: 2 } }, "adaptive.speed", /unknown option/],
    [{ concurrency: 1, adaptive: { recoverPerSecond: 0 } }, "adaptive.recoverPerSecond", /given 0/],
    [{ concurrency: 1, signal: {} }, "signal", /expected an AbortSignal, given an object/],
    [{ concurrency: 1, onLimitsChange: 3 }, "onLimitsChange", /expected a function, given 3/],
    [
      { concurrency: 1, rps: 10 },
      "rps",
      /unknown option; expected one of concurrency, requestsPerSecond/,
    ],
  ];
  for (const [options, field, message] of bad) {
    assert.throws(
      () => new Pool(dyno, options as never),
      (e: Error) =>
        e instanceof DynoValidationError && e.field === field && message.test(e.message),
      `${JSON.stringify(options)}`,
    );
  }
  assert.throws(
    () => new Pool({ client: dyno.client } as never, { concurrency: 1 }),
    (e: Error) => e instanceof DynoValidationError && e.field === "dyno",
  );
  const pool = new Pool(dyno, { concurrency: Infinity, adaptive: { decrease: 0.5 } });
  assert.deepEqual(pool.limits, {
    concurrency: Infinity,
    requestsPerSecond: undefined,
    capacityUnitsPerSecond: undefined,
  });
  assert.throws(
    () => pool.do({} as never),
    (e: Error) => e instanceof DynoValidationError && e.field === "operation",
  );
  const running = dyno.listTables({});
  assert.throws(
    () => pool.do(Operation.create("ListTables", {}), running),
    (e: Error) =>
      e instanceof DynoValidationError &&
      e.field === "operations[1]" &&
      /already running/.test(e.message),
  );
  assert.equal(pool.active, 0, "nothing was started by a rejected do()");
  await running;
});

test("do(...ops) runs prepared operations and returns them; a pending op in one pool cannot join another", async () => {
  const dyno = await testDyno();
  const a = Operation.create("ListTables", {});
  const b = Operation.create("ListTables", { Limit: 1 });
  const g = gate();
  const pool = new Pool(dyno, { concurrency: 1 });
  const blocker = pool.listTables({}, g.middleware);
  const [x, y] = pool.do(a, b);
  assert.equal(x, a);
  assert.equal(y, b);
  assert.equal(a.state, "pending");
  const other = new Pool(dyno, { concurrency: 1 });
  assert.throws(
    () => other.do(a),
    (e: Error) => e instanceof DynoValidationError && /already queued in a pool/.test(e.message),
  );
  await g.whenHeld(1);
  g.releaseAll();
  await Promise.all([blocker, a, b]);
  assert.equal((await b).TableNames!.length <= 1, true);
  const cancelled = Operation.create("ListTables", {});
  cancelled.cancel();
  assert.equal(pool.do(cancelled), cancelled);
  await assert.rejects(cancelled.await(), AbortError);
});
