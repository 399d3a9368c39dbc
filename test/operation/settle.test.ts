import { test } from "node:test";
import assert from "node:assert/strict";
import {
  DynoValidationError,
  Operation,
  type AnyMiddleware,
  type Handler,
  type Middleware,
} from "../../src/index.js";
import { createTestTable, testDyno } from "../support/db.js";

/** A handler written in plain JS: it returns whatever it likes, typed away. */
const untyped = (value: () => unknown): Handler<"GetItem"> =>
  value as unknown as Handler<"GetItem">;

const input = { TableName: "anything", Key: { pk: { S: "x" } } };
const canned = { $metadata: {}, Item: { pk: { S: "canned" } } };

test("a middleware that returns a plain value (not a promise) settles the operation with it", async () => {
  const dyno = await testDyno();
  const plain: Middleware<"GetItem"> = () => untyped(() => canned);
  const op = dyno.getItem(input, plain); // used to throw `running.then is not a function`
  assert.deepEqual(await op, canned);
  assert.equal(op.state, "done");

  const prepared = Operation.create("GetItem", input, plain);
  dyno.do(prepared);
  assert.deepEqual(await prepared, canned, "a prepared operation run with do() settles too");
  assert.deepEqual(prepared.result(), { output: canned });
});

test("next() is always a promise, whatever the inner middleware returned", async () => {
  const dyno = await testDyno();
  const outer: Middleware<"GetItem"> = (next) => (ctx) =>
    next(ctx).then((out) => ({ ...out, Item: { pk: { S: "outer saw it" } } }));
  const inner: Middleware<"GetItem"> = () => untyped(() => canned);
  assert.deepEqual((await dyno.getItem(input, outer, inner)).Item, { pk: { S: "outer saw it" } });

  const throwsInside: Middleware<"GetItem"> = () =>
    untyped(() => {
      throw new Error("inner sync");
    });
  const catcher: Middleware<"GetItem"> = (next) => (ctx) =>
    next(ctx).catch((error: Error) => ({ $metadata: {}, Item: { pk: { S: error.message } } }));
  assert.deepEqual((await dyno.getItem(input, catcher, throwsInside)).Item, {
    pk: { S: "inner sync" },
  });
});

test("thenables are adopted: fulfilled, rejected, or with a throwing then", async () => {
  const dyno = await testDyno();
  const fulfilled: Middleware<"GetItem"> = () =>
    untyped(() => ({ then: (ok: (v: unknown) => void) => ok(canned) }));
  assert.deepEqual(await dyno.getItem(input, fulfilled), canned);

  const rejected: Middleware<"GetItem"> = () =>
    untyped(() => ({
      then: (_ok: unknown, fail: (e: unknown) => void) => fail(new Error("nope")),
    }));
  await assert.rejects(dyno.getItem(input, rejected).await(), /nope/);

  const throwing: Middleware<"GetItem"> = () =>
    untyped(() => ({
      then() {
        throw new Error("then threw");
      },
    }));
  const op = dyno.do(Operation.create("GetItem", input, throwing));
  await assert.rejects(op.await(), /then threw/);
  assert.equal(op.state, "done");
});

test("a middleware that returns nothing rejects the operation with a clear error", async () => {
  const dyno = await testDyno();
  const TableName = await createTestTable(dyno.client, { sortKey: null });
  const forgotReturn: AnyMiddleware = (next) => (ctx) => {
    void next(ctx).catch(() => undefined);
    return undefined as never;
  };
  const forgotAsync: AnyMiddleware = (next) => async (ctx) => {
    await next(ctx);
    return undefined as never;
  };
  for (const mw of [forgotReturn, forgotAsync]) {
    const op = dyno.getItem({ TableName, Key: { pk: { S: "a" } } }, mw);
    await assert.rejects(op.await(), (error: unknown) => {
      assert.ok(error instanceof DynoValidationError);
      assert.equal(error.field, "middleware");
      assert.match(error.message, /GetItem .* no output \(undefined\).*return next\(ctx\)/);
      return true;
    });
    assert.equal(op.state, "done");
  }
});

test("a middleware that does not return a handler rejects the operation, naming it", async () => {
  const dyno = await testDyno();
  const notAHandler = (() => 42) as unknown as AnyMiddleware;
  const op = dyno.listTables({}, (next) => next, notAHandler);
  await assert.rejects(op.await(), (error: unknown) => {
    assert.ok(error instanceof DynoValidationError);
    assert.equal(error.field, "middleware[1]");
    assert.match(error.message, /returned number, not a handler function/);
    return true;
  });
});
