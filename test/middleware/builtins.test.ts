import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Dyno,
  cacheMiddleware,
  logMiddleware,
  metricsMiddleware,
  type LogEntry,
  type OperationMetrics,
} from "../../src/index.js";
import { createTestTable, testClient, testTransport } from "../support/db.js";
import { recordingHandler, throttled } from "../support/http.js";

async function setup(intercept?: Parameters<typeof recordingHandler>[0]) {
  const handler = recordingHandler(intercept);
  const client = await testClient({ requestHandler: handler, retryStrategy: undefined });
  const TableName = await createTestTable(client, { sortKey: null });
  handler.seen.length = 0;
  return { handler, client, TableName, dyno: new Dyno({ client, transport: testTransport }) };
}

test("cacheMiddleware: a repeated read is answered from memory with a copy", async () => {
  const { handler, dyno, TableName } = await setup();
  await dyno.putItem({ TableName, Item: { pk: { S: "a" }, v: { N: "1" } } });
  const cache = cacheMiddleware();
  dyno.use(cache);
  const first = await dyno.getItem({ TableName, Key: { pk: { S: "a" } } });
  const second = await dyno.getItem({ TableName, Key: { pk: { S: "a" } } });
  assert.deepEqual(second.Item, first.Item);
  assert.notEqual(second, first, "a hit is a copy");
  second.Item!.v = { N: "999" };
  const third = await dyno.getItem({ TableName, Key: { pk: { S: "a" } } });
  assert.equal(third.Item?.v.N, "1", "mutating a returned output does not corrupt the cache");
  assert.deepEqual(cache.stats, { hits: 2, misses: 1 });
  assert.equal(handler.seen.filter((r) => r.operation === "GetItem").length, 1);
  assert.equal(cache.size, 1);
});

test("cacheMiddleware: consistent reads bypass it; writes to the table invalidate it", async () => {
  const { handler, dyno, TableName } = await setup();
  await dyno.putItem({ TableName, Item: { pk: { S: "a" }, v: { N: "1" } } });
  dyno.use(cacheMiddleware());
  const get = () => dyno.getItem({ TableName, Key: { pk: { S: "a" } } });
  await get();
  await dyno.getItem({ TableName, Key: { pk: { S: "a" } }, ConsistentRead: true });
  await dyno.getItem({ TableName, Key: { pk: { S: "a" } }, ConsistentRead: true });
  assert.equal(handler.seen.filter((r) => r.operation === "GetItem").length, 3);
  await dyno.updateItem({
    TableName,
    Key: { pk: { S: "a" } },
    UpdateExpression: "SET v = :two",
    ExpressionAttributeValues: { ":two": { N: "2" } },
  });
  assert.equal((await get()).Item?.v.N, "2", "the write invalidated the cached GetItem");
  assert.equal(handler.seen.filter((r) => r.operation === "GetItem").length, 4);
});

test("cacheMiddleware: entries expire after ttlMs and the oldest go past maxEntries", async () => {
  const { handler, dyno, TableName } = await setup();
  let now = 1_000;
  const cache = cacheMiddleware({ ttlMs: 100, maxEntries: 2, now: () => now });
  dyno.use(cache);
  const get = (pk: string) => dyno.getItem({ TableName, Key: { pk: { S: pk } } });
  await get("a");
  now += 50;
  await get("a");
  assert.equal(handler.seen.length, 1);
  now += 60;
  await get("a");
  assert.equal(handler.seen.length, 2, "expired");
  await get("b");
  await get("c");
  assert.equal(cache.size, 2);
  await get("a");
  assert.equal(handler.seen.length, 5, "'a' was evicted as least recently used");
  cache.clear();
  assert.equal(cache.size, 0);
});

test("metricsMiddleware: duration, consumed capacity, retries, errors", async () => {
  let throttles = 2;
  const { dyno, TableName } = await setup((request) =>
    request.operation === "PutItem" && throttles-- > 0 ? throttled : undefined,
  );
  const metrics: OperationMetrics[] = [];
  dyno.use(metricsMiddleware((m) => metrics.push(m), { returnConsumedCapacity: true }));
  const input = { TableName, Item: { pk: { S: "a" } } };
  await dyno.putItem(input);
  assert.equal((input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity, undefined);
  const [put] = metrics;
  assert.equal(put.operation, "PutItem");
  assert.equal(put.table, TableName);
  assert.equal(put.ok, true);
  assert.equal(put.retries, 2, "two throttled attempts retried by the SDK");
  assert.ok(put.consumedCapacity! > 0);
  assert.ok(put.durationMs > 0);

  await dyno.getItem({ TableName: "no_such_table_xyz", Key: { pk: { S: "a" } } }).then(
    () => assert.fail(),
    () => undefined,
  );
  const failed = metrics[1];
  assert.equal(failed.ok, false);
  assert.equal((failed.error as Error).name, "ResourceNotFoundException");
});

test("logMiddleware: one entry per outcome; a console-like logger; inputs only when asked", async () => {
  const { dyno, TableName } = await setup();
  const entries: LogEntry[] = [];
  dyno.use(logMiddleware((e) => entries.push(e), { logStart: true }));
  await dyno.putItem({ TableName, Item: { pk: { S: "a" } } });
  await dyno.scan({ TableName });
  await dyno.getItem({ TableName: "no_such_table_xyz", Key: { pk: { S: "a" } } }).then(
    () => assert.fail(),
    () => undefined,
  );
  assert.deepEqual(
    entries.map((e) => `${e.operation}:${e.event}`),
    ["PutItem:start", "PutItem:done", "Scan:start", "Scan:done", "GetItem:start", "GetItem:error"],
  );
  assert.equal(entries[3].count, 1);
  assert.equal(entries[5].error?.name, "ResourceNotFoundException");
  assert.ok(entries.every((e) => e.input === undefined));

  const lines: string[] = [];
  const consoleLike = {
    info: (m: string) => lines.push(`info ${m}`),
    error: (m: string) => lines.push(`error ${m}`),
  };
  const quiet = new Dyno({ client: dyno.client, transport: testTransport }).use(
    logMiddleware(consoleLike, { logInput: true }),
  );
  await quiet.scan({ TableName });
  assert.match(lines[0], new RegExp(`^info dyno Scan done ${TableName} \\d+\\.\\dms$`));
});

test("a callback that throws does not fail the operation", async () => {
  const { dyno, TableName } = await setup();
  const errors: unknown[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => errors.push(args);
  try {
    dyno.use(
      metricsMiddleware(() => {
        throw new Error("bad callback");
      }),
    );
    const out = await dyno.scan({ TableName });
    assert.equal(out.Count, 0);
    assert.equal(errors.length, 1);
  } finally {
    console.error = original;
  }
});
