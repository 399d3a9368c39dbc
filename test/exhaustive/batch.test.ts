import { test } from "node:test";
import assert from "node:assert/strict";
import { AbortError, Dyno, DynoValidationError } from "../../src/index.js";
import type {
  BatchWriteItemCommandInput as SdkWriteInput,
  WriteRequest,
} from "@aws-sdk/client-dynamodb";
import { createTestTable } from "../support/db.js";
import { frozen, ids, item, pks, recordingDyno } from "./support.js";

type Body = { RequestItems: Record<string, unknown[]> };
const put = (id: string, extra = {}): WriteRequest => ({
  PutRequest: { Item: item(id, 100, extra) },
});
const del = (id: string): WriteRequest => ({ DeleteRequest: { Key: { pk: { S: id } } } });

async function tableIds(dyno: Dyno, TableName: string): Promise<string[]> {
  return pks((await dyno.scanAll({ TableName })).Items).sort();
}

test("batchWriteItemAll: 1,000 puts then puts and deletes across two tables, 25 per request", async () => {
  const { dyno, client, seen } = await recordingDyno();
  const [a, b] = [
    await createTestTable(client, { sortKey: null }),
    await createTestTable(client, { sortKey: null }),
  ];
  seen.length = 0; // the harness's own requests (CreateTable, DescribeTable until ACTIVE)
  const keys = ids(500);
  const input = frozen<SdkWriteInput>({
    RequestItems: { [a]: keys.map((id) => put(id)), [b]: keys.map((id) => put(id)) },
  });
  const progress: number[] = [];
  const out = await dyno.batchWriteItemAll(input, {
    concurrency: 4,
    onProgress: (p) => progress.push(p.done),
  });
  assert.deepEqual(out.UnprocessedItems, {});
  const writes = seen.filter((r) => r.operation === "BatchWriteItem").map((r) => r.body as Body);
  assert.equal(writes.length, 40);
  assert.ok(writes.every((w) => Object.values(w.RequestItems).flat().length <= 25));
  assert.equal(
    seen.filter((r) => r.operation === "DescribeTable").length,
    2,
    "key schema of each table, once",
  );
  assert.equal(progress.length, 40);
  assert.equal(progress.at(-1), 1000);
  assert.deepEqual(await tableIds(dyno, a), keys);
  assert.deepEqual(await tableIds(dyno, b), keys);

  seen.length = 0;
  const mixed: SdkWriteInput = {
    RequestItems: {
      [a]: [...keys.slice(0, 300).map(del), ...ids(200, "q").map((id) => put(id))],
      [b]: keys.slice(100).map(del),
    },
  };
  await dyno.batchWriteItemAll(mixed);
  assert.equal(seen.filter((r) => r.operation === "DescribeTable").length, 0, "cached per client");
  assert.deepEqual(await tableIds(dyno, a), [...keys.slice(300), ...ids(200, "q")].sort());
  assert.deepEqual(await tableIds(dyno, b), keys.slice(0, 100));
});

test("batchWriteItemAll: duplicate keys are written in the caller's order (puts, deletes, both)", async () => {
  for (const keySchema of [undefined, { pk: ["pk"] }]) {
    const { dyno, client, seen } = await recordingDyno();
    const t = await createTestTable(client, { sortKey: null });
    seen.length = 0;
    const putsOnly = [
      put("k1", { v: { N: "1" } }),
      put("k2"),
      put("k1", { v: { N: "2" } }),
      put("k1", { v: { N: "3" } }),
    ];
    await dyno.batchWriteItemAll(
      { RequestItems: { [t]: putsOnly } },
      keySchema ? { keySchema: { [t]: ["pk"] } } : {},
    );
    assert.equal(seen.filter((r) => r.operation === "DescribeTable").length, keySchema ? 0 : 1);
    const got = await dyno.getItem({ TableName: t, Key: { pk: { S: "k1" } } });
    assert.equal(got.Item?.v.N, "3", "the last put wins");
    const writes = seen.filter((r) => r.operation === "BatchWriteItem");
    assert.equal(writes.length, 3, "one request per generation of a duplicated key");
    await dyno.batchWriteItemAll({
      RequestItems: {
        [t]: [
          put("k3"),
          del("k1"),
          del("k3"),
          put("k1", { v: { N: "9" } }),
          del("k2"),
          put("k2", { v: { N: "7" } }),
          del("k2"),
        ],
      },
    });
    assert.deepEqual(await tableIds(dyno, t), ["k1"]);
    assert.equal((await dyno.getItem({ TableName: t, Key: { pk: { S: "k1" } } })).Item?.v.N, "9");
  }
});

test("batchWriteItemAll: an item over 400 KB is refused before anything is sent", async () => {
  const { dyno, client, seen } = await recordingDyno();
  const t = await createTestTable(client, { sortKey: null });
  seen.length = 0;
  const big = { pk: { S: "big" }, data: { S: "y".repeat(400 * 1024) } };
  await assert.rejects(
    dyno
      .batchWriteItemAll({
        RequestItems: { [t]: [put("a"), put("b"), put("c"), { PutRequest: { Item: big } }] },
      })
      .await(),
    (e: Error) =>
      e instanceof DynoValidationError &&
      e.field === `RequestItems.${t}[3]` &&
      /over DynamoDB's 400 KB/.test(e.message),
  );
  await assert.rejects(
    dyno.batchWriteItemAll({ RequestItems: { [t]: [{ PutRequest: {} } as never] } }).await(),
    (e: Error) => e instanceof DynoValidationError && e.field === `RequestItems.${t}[0]`,
  );
  assert.equal(seen.length, 0);
  const justUnder = { pk: { S: "ok" }, data: { S: "y".repeat(400 * 1024 - 20) } };
  await dyno.batchWriteItemAll(
    { RequestItems: { [t]: [{ PutRequest: { Item: justUnder } }] } },
    { keySchema: { [t]: ["pk"] } },
  );
  assert.deepEqual(await tableIds(dyno, t), ["ok"]);
});

test("batchGetItemAll: 250 keys over two tables (with missing and repeated keys), 100 per request", async () => {
  const { dyno, client, seen } = await recordingDyno();
  const [a, b] = [
    await createTestTable(client, { sortKey: null }),
    await createTestTable(client, { sortKey: null }),
  ];
  const keys = ids(125);
  await dyno.batchWriteItemAll({
    RequestItems: { [a]: keys.map((id) => put(id)), [b]: keys.map((id) => put(id)) },
  });
  seen.length = 0;
  const key = (id: string) => ({ pk: { S: id } });
  const input = frozen({
    RequestItems: {
      [a]: { Keys: [...keys.map(key), key("missing"), key(keys[0])], ProjectionExpression: "pk" },
      [b]: { Keys: keys.map(key), ConsistentRead: true },
    },
  });
  const out = await dyno.batchGetItemAll(input);
  assert.deepEqual(pks(out.Responses![a]).sort(), keys);
  assert.deepEqual(pks(out.Responses![b]).sort(), keys);
  assert.deepEqual(Object.keys(out.Responses![a][0]), ["pk"], "per-table options kept");
  const gets = seen
    .filter((r) => r.operation === "BatchGetItem")
    .map((r) => r.body as { RequestItems: Record<string, { Keys: unknown[] }> });
  assert.equal(gets.length, 3);
  assert.ok(
    gets.every((g) => Object.values(g.RequestItems).reduce((n, e) => n + e.Keys.length, 0) <= 100),
  );
});

test("batchWriteItemAll: cancelled mid-run, the error says what was written and what was not", async () => {
  const { dyno, client } = await recordingDyno();
  const t = await createTestTable(client, { sortKey: null });
  const all = ids(1000);
  const input = { RequestItems: { [t]: all.map((id) => put(id)) } };
  let chunks = 0;
  const op = dyno.batchWriteItemAll(input, {
    concurrency: 1,
    keySchema: { [t]: ["pk"] },
    onProgress: () => {
      if (++chunks === 3) op.cancel("stop");
    },
  });
  const error = await op.await().then(
    () => assert.fail("should have been cancelled"),
    (e: unknown) => e as AbortError,
  );
  assert.ok(error instanceof AbortError);
  const done = error.done as SdkWriteInput;
  const unprocessed = error.unprocessed as SdkWriteInput;
  assert.equal(done.RequestItems![t].length, 75);
  assert.equal(unprocessed.RequestItems![t].length, 925);
  assert.deepEqual(await tableIds(dyno, t), all.slice(0, 75), "exactly what it reported written");
  await dyno.batchWriteItemAll(unprocessed);
  assert.deepEqual(await tableIds(dyno, t), all, "the rest passed back in");
});

test("batch options are validated by name", async () => {
  const { dyno, seen } = await recordingDyno();
  const input = { RequestItems: { t: [put("a")] } };
  for (const [options, field] of [
    [{ maxAttempts: 0 }, "options.maxAttempts"],
    [{ baseDelayMs: -1 }, "options.baseDelayMs"],
    [{ concurrency: "4" }, "options.concurrency"],
    [{ keySchema: { t: [] } }, "options.keySchema"],
    [{ segments: 2 }, "options.segments"],
  ] as const) {
    assert.throws(
      () => dyno.batchWriteItemAll(input, options as never),
      (e: Error) => e instanceof DynoValidationError && e.field === field,
      field,
    );
  }
  assert.throws(
    () => dyno.batchGetItemAll({ RequestItems: {} }, { keySchema: {} } as never),
    /options\.keySchema: not an option of batchGetItemAll/,
  );
  await assert.rejects(
    dyno.batchGetItemAll({ RequestItems: { t: {} as never } }).await(),
    /RequestItems\.t\.Keys: expected an array/,
  );
  assert.equal(seen.length, 0);
});

test("batchWriteItemAll: a keySchema option that is not the table's key ends in an error naming it", async () => {
  const { dyno, client } = await recordingDyno();
  const t = await createTestTable(client, { sortKey: null });
  for (const given of [["x"], ["pk", "x"]]) {
    // Planned under the wrong key, two writes of one item go in one request as two keys.
    const writes = [put("a", { x: { S: "x1" } }), put("a", { x: { S: "x2" } })];
    await assert.rejects(
      dyno
        .batchWriteItemAll({ RequestItems: { [t]: writes } }, { keySchema: { [t]: given } })
        .await(),
      (e: Error) => {
        assert.ok(e instanceof DynoValidationError, String(e));
        assert.equal(e.field, `keySchema.${t}`);
        assert.match(e.message, /the option names .* but table .*'s key is \["pk"\]/);
        assert.match(String((e.cause as Error)?.message), /duplicates/);
        const progress = e as { done?: unknown; unprocessed?: unknown };
        assert.ok(progress.done !== undefined && progress.unprocessed !== undefined, "progress");
        return true;
      },
    );
  }
});
