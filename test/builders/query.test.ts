/**
 * Query and Scan builders against the local DynamoDB: key conditions on string, number and
 * binary sort keys, filters, projections, paging, parallel scan segments, and index
 * queries on a table made by CreateTableBuilder.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  QueryCommand,
  ScanCommand,
  waitUntilTableExists,
  type DynamoDBClient,
  type QueryCommandInput,
} from "@aws-sdk/client-dynamodb";
import {
  BatchWriteItemBuilder,
  CreateTableBuilder,
  QueryBuilder,
  ScanBuilder,
  attr,
  cond,
  key,
  unmarshalItem,
} from "../../src/index.js";
import { createTestTable, testClient, uniqueTableName, type KeyDef } from "../support/db.js";

let client: DynamoDBClient;

before(async () => {
  client = await testClient();
});

async function putAll(table: string, items: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    const input = new BatchWriteItemBuilder().put(table, items.slice(i, i + 25)).build();
    await client.send(new BatchWriteItemCommand(input));
  }
}

/** Runs a query and returns the decoded items. */
async function query(input: QueryCommandInput): Promise<Record<string, unknown>[]> {
  const out = await client.send(new QueryCommand(input));
  return (out.Items ?? []).map((i) => unmarshalItem(i));
}

/** Makes a table with the given sort key type and loads items sk = values[i] under pk "p" (and a few under "q"). */
async function tableWith(sortKey: KeyDef, values: unknown[]): Promise<string> {
  const table = await createTestTable(client, { partitionKey: ["pk", "S"], sortKey });
  await putAll(table, [
    ...values.map((sk, i) => ({ pk: "p", sk, i })),
    ...values.slice(0, 2).map((sk, i) => ({ pk: "q", sk, i })),
  ]);
  return table;
}

const skOf = (items: Record<string, unknown>[]) => items.map((i) => i.sk);

describe("key conditions through QueryBuilder", () => {
  test("string sort key: eq, lt, le, gt, ge, between, beginsWith", async () => {
    const table = await tableWith(["sk", "S"], ["a", "ab", "abc", "b", "ba", "c"]);
    const q = () => new QueryBuilder().table(table).keyCondition(key.eq("pk", "p"));
    const cases: [ReturnType<typeof key.eq>, string[]][] = [
      [key.eq("sk", "ab"), ["ab"]],
      [key.lt("sk", "b"), ["a", "ab", "abc"]],
      [key.le("sk", "b"), ["a", "ab", "abc", "b"]],
      [key.gt("sk", "b"), ["ba", "c"]],
      [key.ge("sk", "b"), ["b", "ba", "c"]],
      [key.between("sk", "ab", "b"), ["ab", "abc", "b"]],
      [key.beginsWith("sk", "ab"), ["ab", "abc"]],
    ];
    for (const [sortCondition, expected] of cases) {
      assert.deepEqual(skOf(await query(q().keyCondition(sortCondition).build())), expected);
      // The same through one key.and(...) call.
      const combined = new QueryBuilder()
        .table(table)
        .keyCondition(key.and(key.eq("pk", "p"), sortCondition))
        .build();
      assert.deepEqual(skOf(await query(combined)), expected);
    }
    assert.deepEqual(skOf(await query(q().descending().build())), [
      "c",
      "ba",
      "b",
      "abc",
      "ab",
      "a",
    ]);
    assert.deepEqual(
      skOf(await query(new QueryBuilder().table(table).keyCondition(key.eq("pk", "q")).build())),
      ["a", "ab"],
    );
  });

  test("number sort key: numeric (not lexical) order, negatives and decimals", async () => {
    const table = await tableWith(["sk", "N"], [-5, -0.5, 0, 2, 10, 100]);
    const q = (sortCondition: ReturnType<typeof key.eq>) =>
      query(
        new QueryBuilder()
          .table(table)
          .keyCondition(key.and(key.eq("pk", "p"), sortCondition))
          .build(),
      );
    assert.deepEqual(skOf(await q(key.lt("sk", 2))), [-5, -0.5, 0]);
    assert.deepEqual(skOf(await q(key.ge("sk", 10))), [10, 100]);
    assert.deepEqual(skOf(await q(key.between("sk", -1, 10))), [-0.5, 0, 2, 10]);
    assert.deepEqual(skOf(await q(key.eq("sk", 100n))), [100]);
    assert.deepEqual(skOf(await q(key.gt("sk", -5))), [-0.5, 0, 2, 10, 100]);
  });

  test("binary sort key: byte order, between and begins_with on bytes", async () => {
    const b = (...bytes: number[]) => new Uint8Array(bytes);
    const table = await tableWith(
      ["sk", "B"],
      [b(0x01), b(0x01, 0x02), b(0x01, 0xff), b(0x02), b(0x80), b(0xff)],
    );
    const q = (sortCondition: ReturnType<typeof key.eq>) =>
      query(
        new QueryBuilder()
          .table(table)
          .keyCondition(key.eq("pk", "p"))
          .keyCondition(sortCondition)
          .build(),
      );
    const hex = (items: Record<string, unknown>[]) =>
      items.map((i) => Buffer.from(i.sk as Uint8Array).toString("hex"));
    assert.deepEqual(hex(await q(key.beginsWith("sk", b(0x01)))), ["01", "0102", "01ff"]);
    assert.deepEqual(hex(await q(key.lt("sk", b(0x02)))), ["01", "0102", "01ff"]);
    assert.deepEqual(hex(await q(key.ge("sk", b(0x80)))), ["80", "ff"]);
    assert.deepEqual(hex(await q(key.between("sk", b(0x01, 0x05), b(0x80)))), ["01ff", "02", "80"]);
    assert.deepEqual(hex(await q(key.eq("sk", Buffer.from([0xff])))), ["ff"]);
  });

  test("filter, projection, Select COUNT and paging with limit/startKey", async () => {
    const table = await tableWith(["sk", "N"], [1, 2, 3, 4, 5, 6, 7, 8]);
    const base = () => new QueryBuilder().table(table).keyCondition(key.eq("pk", "p"));
    const filtered = await query(
      base().filter(cond.ge("i", 2)).filter(cond.lt("i", 6)).project("sk").build(),
    );
    assert.deepEqual(filtered, [{ sk: 3 }, { sk: 4 }, { sk: 5 }, { sk: 6 }]);
    const count = await client.send(
      new QueryCommand(base().select("COUNT").filter(cond.gt("i", 3)).build()),
    );
    assert.equal(count.Count, 4);
    const seen: unknown[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = base().limit(3).consistentRead();
      if (startKey) page.startKey(startKey);
      const out = await client.send(new QueryCommand(page.build()));
      seen.push(...(out.Items ?? []).map((i) => unmarshalItem(i).sk));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

describe("ScanBuilder", () => {
  test("segments of a parallel scan cover the table once; filters and projections apply", async () => {
    const table = await createTestTable(client, { partitionKey: ["id", "N"], sortKey: null });
    await putAll(
      table,
      Array.from({ length: 40 }, (_, id) => ({ id, even: id % 2 === 0, size: id })),
    );
    const ids: number[] = [];
    for (let segment = 0; segment < 4; segment++) {
      const input = new ScanBuilder()
        .table(table)
        .segment(segment, 4)
        .filter(cond.eq("even", true))
        .filter(cond.lt("size", 30))
        .filter(cond.eq("size", attr("id")))
        .project("id")
        .build();
      const out = await client.send(new ScanCommand(input));
      ids.push(...(out.Items ?? []).map((i) => unmarshalItem(i).id as number));
    }
    assert.deepEqual(
      ids.sort((a, b) => a - b),
      Array.from({ length: 15 }, (_, i) => i * 2),
    );
  });
});

describe("index queries on a table made by CreateTableBuilder", () => {
  let table: string;
  const orders = [
    { customer: "c1", orderId: "o1", status: "open", total: 30, placedAt: 3, note: "a" },
    { customer: "c1", orderId: "o2", status: "shipped", total: 10, placedAt: 1, note: "b" },
    { customer: "c1", orderId: "o3", status: "open", total: 20, placedAt: 2, note: "c" },
    { customer: "c2", orderId: "o4", status: "open", total: 50, placedAt: 4, note: "d" },
    { customer: "c2", orderId: "o5", status: "shipped", total: 5, placedAt: 5 },
  ];

  before(async () => {
    table = uniqueTableName("orders");
    const input = new CreateTableBuilder()
      .table(table)
      .partitionKey("customer", "S")
      .sortKey("orderId", "S")
      .gsi("byStatus", {
        partitionKey: ["status", "S"],
        sortKey: ["placedAt", "N"],
        projection: ["total"],
      })
      .gsi("byTotal", {
        partitionKey: ["status", "S"],
        sortKey: ["total", "N"],
        projection: "KEYS_ONLY",
      })
      .lsi("byPlacedAt", { sortKey: ["placedAt", "N"] })
      .lsi("customerTotal", { sortKey: ["total", "N"], projection: "KEYS_ONLY" })
      .build();
    await client.send(new CreateTableCommand(input));
    await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: table });
    await putAll(table, orders);
  });

  test("GSI with an INCLUDE projection, key condition on its sort key, descending", async () => {
    const items = await query(
      new QueryBuilder()
        .table(table)
        .index("byStatus")
        .keyCondition(key.and(key.eq("status", "open"), key.ge("placedAt", 2)))
        .descending()
        .build(),
    );
    // INCLUDE projection: table keys, index keys and "total" only (no "note").
    assert.deepEqual(items, [
      { customer: "c2", orderId: "o4", status: "open", placedAt: 4, total: 50 },
      { customer: "c1", orderId: "o1", status: "open", placedAt: 3, total: 30 },
      { customer: "c1", orderId: "o3", status: "open", placedAt: 2, total: 20 },
    ]);
  });

  test("KEYS_ONLY GSI with between and ALL_PROJECTED_ATTRIBUTES", async () => {
    const items = await query(
      new QueryBuilder()
        .table(table)
        .index("byTotal")
        .keyCondition(key.eq("status", "shipped"))
        .keyCondition(key.between("total", 1, 10))
        .select("ALL_PROJECTED_ATTRIBUTES")
        .build(),
    );
    assert.deepEqual(items, [
      { customer: "c2", orderId: "o5", status: "shipped", total: 5 },
      { customer: "c1", orderId: "o2", status: "shipped", total: 10 },
    ]);
  });

  test("LSIs: another sort order within a partition, with consistent reads and a filter", async () => {
    const byPlaced = await query(
      new QueryBuilder()
        .table(table)
        .index("byPlacedAt")
        .keyCondition(key.eq("customer", "c1"))
        .consistentRead()
        .filter(cond.exists("note"))
        .project("orderId", "placedAt")
        .build(),
    );
    assert.deepEqual(byPlaced, [
      { orderId: "o2", placedAt: 1 },
      { orderId: "o3", placedAt: 2 },
      { orderId: "o1", placedAt: 3 },
    ]);
    const byTotal = await query(
      new QueryBuilder()
        .table(table)
        .index("customerTotal")
        .keyCondition(key.and(key.eq("customer", "c1"), key.gt("total", 10)))
        .build(),
    );
    assert.deepEqual(
      byTotal.map((i) => i.orderId),
      ["o3", "o1"],
    );
  });
});
