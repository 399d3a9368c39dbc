import { test } from "node:test";
import assert from "node:assert/strict";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { AbortError, Dyno, DynoError, Operation, type AnyMiddleware } from "../../src/index.js";
import { localClientConfig } from "../../src/local/index.js";
import { createTestTable, testDyno, testTransport } from "../support/db.js";
import { blackHole } from "../support/http.js";

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

test("a running operation: id, name, input, state, timings, result, await and then", async () => {
  const dyno = await testDyno();
  const TableName = await createTestTable(dyno.client);
  const input = { TableName, Item: { pk: { S: "a" }, sk: { S: "1" } } };
  const before = Date.now();
  const op = dyno.putItem(input);
  assert.equal(op.name, "PutItem");
  assert.equal(op.input, input);
  assert.equal(op.state, "running");
  assert.match(op.id, /^[a-z0-9]+-[a-z0-9]+$/);
  assert.notEqual(dyno.putItem(input).id, op.id);
  assert.ok(op.startedAt! >= before && op.startedAt! <= Date.now());
  assert.equal(op.endedAt, undefined);
  assert.equal(op.result(), undefined);
  assert.ok(op.durationMs! >= 0);

  const output = await op;
  assert.equal(op.state, "done");
  assert.equal(output.$metadata.httpStatusCode, 200);
  assert.ok(op.endedAt! >= op.startedAt!);
  assert.deepEqual(op.result(), { output });
  const total = op.durationMs!;
  await tick(5);
  assert.equal(op.durationMs, total, "durationMs is frozen once done");
  assert.equal(await op.await(), output);
  assert.equal(await op.then((o) => o.$metadata.httpStatusCode), 200);
});

test("a failed operation rejects with the SDK's own error, untouched, and result() holds it", async () => {
  const dyno = await testDyno();
  const op = dyno.getItem({ TableName: "no_such_table_xyz", Key: { pk: { S: "a" } } });
  const error = await op.then(
    () => assert.fail("should reject"),
    (e: unknown) => e as Error,
  );
  assert.equal(error.name, "ResourceNotFoundException");
  assert.ok(!(error instanceof DynoError));
  assert.equal(op.state, "done");
  assert.equal(op.result()?.error, error);
});

test("a pending operation waits to be run; awaiting it waits until it has run", async () => {
  const dyno = await testDyno();
  const op = Operation.create("ListTables", {});
  assert.equal(op.state, "pending");
  assert.equal(op.startedAt, undefined);
  assert.equal(op.durationMs, undefined);
  let settled = false;
  const waiting = op.then(() => (settled = true));
  await tick(20);
  assert.equal(settled, false);
  assert.equal(dyno.do(op), op);
  assert.equal(op.state, "running");
  await waiting;
  assert.equal(op.state, "done");
  assert.ok(Array.isArray((await op).TableNames));
  dyno.do(op); // running a done operation again does nothing
  assert.equal(op.state, "done");
});

test("cancel() of a pending operation: it never starts and rejects with AbortError", async () => {
  const dyno = await testDyno();
  let calls = 0;
  const count: AnyMiddleware = (next) => (ctx) => (calls++, next(ctx));
  const op = Operation.create("ListTables", {}, count);
  op.cancel("not needed");
  assert.equal(op.state, "done");
  dyno.do(op);
  await assert.rejects(
    op.await(),
    (e: Error) => e instanceof AbortError && /not needed/.test(e.message),
  );
  assert.equal(calls, 0);
  assert.equal(op.startedAt, undefined);
});

test("cancel() of a running operation aborts its HTTP request", async () => {
  const server = await blackHole();
  const client = new DynamoDBClient({ ...localClientConfig(server.endpoint), maxAttempts: 1 });
  const dyno = new Dyno({ client, transport: testTransport });
  const op = dyno.getItem({ TableName: "t", Key: { pk: { S: "a" } } });
  while (server.received === 0) await tick(5);
  assert.equal(op.state, "running");
  const started = performance.now();
  op.cancel();
  await assert.rejects(op.await(), AbortError);
  assert.ok(performance.now() - started < 100, "rejects at once");
  while (server.closed === 0) await tick(5); // the socket was really torn down
  assert.equal(op.state, "done");
  client.destroy();
  await server.stop();
});

test("withSignal: aborting the scope cancels running operations and refuses new ones", async () => {
  const server = await blackHole();
  const client = new DynamoDBClient({ ...localClientConfig(server.endpoint), maxAttempts: 1 });
  const controller = new AbortController();
  const scoped = new Dyno({ client, transport: testTransport }).withSignal(controller.signal);
  assert.equal(scoped.client, client);
  const op = scoped.listTables({});
  while (server.received === 0) await tick(5);
  controller.abort(new Error("shutting down"));
  await assert.rejects(
    op.await(),
    (e: Error) => e instanceof AbortError && /shutting down/.test(e.message),
  );
  const late = scoped.listTables({});
  await assert.rejects(late.await(), AbortError);
  assert.equal(server.received, 1);
  client.destroy();
  await server.stop();
});

test("an operation nobody awaits never causes an unhandledRejection", async () => {
  const dyno = await testDyno();
  const unhandled: unknown[] = [];
  const listener = (reason: unknown) => unhandled.push(reason);
  process.on("unhandledRejection", listener);
  try {
    const failing = dyno.getItem({ TableName: "no_such_table_xyz", Key: { pk: { S: "a" } } });
    const cancelled = Operation.create("ListTables", {});
    cancelled.cancel();
    while (failing.state !== "done") await tick(5);
    await tick(20);
    assert.deepEqual(unhandled, []);
  } finally {
    process.off("unhandledRejection", listener);
  }
});

test("bad arguments get clear errors", async () => {
  assert.throws(
    () => new Dyno({} as never),
    /options: expected \{ client \} or \{ clientConfig \}/,
  );
  assert.throws(() => new Dyno({ client: {} as never }), /client: expected a DynamoDBClient/);
  const dyno = await testDyno();
  assert.throws(() => dyno.do({} as never), /operation: expected an Operation/);
  assert.throws(() => dyno.use("log" as never), /middleware\[0\]: expected a function/);
  assert.throws(() => Operation.create("Scan", { TableName: "t" }, 42 as never), /middleware\[0\]/);
});

test("ctx.signal belongs to its operation: cancelling one never aborts another's", async () => {
  const dyno = await testDyno();
  const signals: AbortSignal[] = [];
  const keep: AnyMiddleware = (next) => (ctx) => (signals.push(ctx.signal), next(ctx));
  await dyno.listTables({}, keep);
  const second = Operation.create("ListTables", {}, keep);
  second.cancel();
  for (let i = 0; i < 5; i++) await dyno.listTables({}, keep);
  assert.equal(signals.length, 6);
  assert.ok(signals.every((s) => !s.aborted));
  assert.equal(new Set(signals).size, 6, "one signal per operation");
});

test("cancel() still aborts the request when a middleware passes a copy of the context", async () => {
  const server = await blackHole();
  const client = new DynamoDBClient({ ...localClientConfig(server.endpoint), maxAttempts: 1 });
  const dyno = new Dyno({ client, transport: testTransport });
  const copying: AnyMiddleware = (next) => (ctx) => next({ ...ctx, input: { ...ctx.input } });
  const op = dyno.listTables({}, copying);
  while (server.received === 0) await tick(5);
  op.cancel();
  await assert.rejects(op.await(), AbortError);
  while (server.closed === 0) await tick(5);
  client.destroy();
  await server.stop();
});
