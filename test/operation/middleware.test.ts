import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Dyno,
  Operation,
  isOperation,
  type AnyMiddleware,
  type Middleware,
} from "../../src/index.js";
import { createTestTable, testClient, testDyno, testTransport } from "../support/db.js";
import { recordingHandler } from "../support/http.js";

const tracer =
  (trace: string[], label: string): AnyMiddleware =>
  (next) =>
  async (ctx) => {
    trace.push(`${label}>`);
    try {
      return await next(ctx);
    } finally {
      trace.push(`<${label}`);
    }
  };

test("session middleware is outside per-call middleware; the first of a list is outermost", async () => {
  const trace: string[] = [];
  const dyno = (await testDyno()).use(tracer(trace, "s1"), tracer(trace, "s2"));
  dyno.use(tracer(trace, "s3"));
  await dyno.listTables({}, tracer(trace, "c1"), tracer(trace, "c2"));
  assert.deepEqual(trace, ["s1>", "s2>", "s3>", "c1>", "c2>", "<c2", "<c1", "<s3", "<s2", "<s1"]);

  trace.length = 0;
  const op = Operation.create("ListTables", {}, tracer(trace, "p1"));
  await dyno.do(op);
  assert.deepEqual(trace, ["s1>", "s2>", "s3>", "p1>", "<p1", "<s3", "<s2", "<s1"]);
});

test("a middleware can short-circuit: no request is sent", async () => {
  const handler = recordingHandler();
  const dyno = new Dyno({
    client: await testClient({ requestHandler: handler }),
    transport: testTransport,
  });
  const canned: Middleware<"GetItem"> = () => async () => ({
    $metadata: {},
    Item: { pk: { S: "cached" } },
  });
  const out = await dyno.getItem({ TableName: "anything", Key: { pk: { S: "x" } } }, canned);
  assert.deepEqual(out.Item, { pk: { S: "cached" } });
  assert.equal(handler.seen.length, 0);
});

test("a middleware can rewrite the input and transform the output", async () => {
  const client = await testClient();
  const TableName = await createTestTable(client, { sortKey: null });
  const dyno = new Dyno({ client, transport: testTransport });
  await dyno.putItem({ TableName, Item: { pk: { S: "k" }, v: { S: "hello" } } });
  const prefixTable: AnyMiddleware = (next) => (ctx) => {
    if (isOperation(ctx, "GetItem")) ctx.input = { ...ctx.input, TableName };
    return next(ctx);
  };
  const upper: Middleware<"GetItem"> = (next) => async (ctx) => {
    const out = await next(ctx);
    return { ...out, Item: { ...out.Item, v: { S: out.Item!.v.S!.toUpperCase() } } };
  };
  const input = { TableName: "wrong", Key: { pk: { S: "k" } } };
  const op = dyno.getItem(input, prefixTable, upper);
  const out = await op;
  assert.equal(out.Item?.v.S, "HELLO");
  assert.equal(input.TableName, "wrong", "the caller's input object is not mutated");
  assert.equal(op.input, input);
});

test("a middleware can retry next: the request is sent again", async () => {
  let failuresLeft = 2;
  const handler = recordingHandler((request) =>
    request.operation === "ListTables" && failuresLeft-- > 0
      ? {
          status: 400,
          body: {
            __type: "com.amazonaws.dynamodb.v20120810#ValidationException",
            message: "flaky",
          },
        }
      : undefined,
  );
  const dyno = new Dyno({
    client: await testClient({ requestHandler: handler }),
    transport: testTransport,
  });
  const retry: AnyMiddleware = (next) => async (ctx) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await next(ctx);
      } catch (error) {
        if (attempt >= 5) throw error;
      }
    }
  };
  const out = await dyno.listTables({}, retry);
  assert.ok(Array.isArray(out.TableNames));
  assert.equal(handler.seen.length, 3);
  failuresLeft = 9;
  await assert.rejects(dyno.listTables({}, retry).await(), /flaky/);
});

test("a middleware that throws synchronously rejects the operation", async () => {
  const dyno = await testDyno();
  const broken: AnyMiddleware = () => () => {
    throw new Error("boom");
  };
  await assert.rejects(dyno.listTables({}, broken).await(), /boom/);
  const brokenOuter: AnyMiddleware = () => {
    throw new Error("compose boom");
  };
  await assert.rejects(dyno.listTables({}, brokenOuter).await(), /compose boom/);
});

test("the context: operation, id, client, signal and meta shared down the chain", async () => {
  const dyno = await testDyno();
  const seen: unknown[] = [];
  const outer: AnyMiddleware = (next) => (ctx) => {
    ctx.meta.set("from-outer", 42);
    return next(ctx);
  };
  const inner: AnyMiddleware = (next) => (ctx) => {
    seen.push(
      ctx.operation,
      ctx.client === dyno.client,
      ctx.signal.aborted,
      ctx.meta.get("from-outer"),
    );
    return next(ctx);
  };
  const op = dyno.listTables({}, outer, inner);
  await op;
  assert.deepEqual(seen, ["ListTables", true, false, 42]);
});
