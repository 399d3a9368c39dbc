/**
 * Update actions rendered by dyno-ts, run with raw UpdateItem commands on the suite's
 * DynamoDB, checking the item that comes back.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  ConditionalCheckFailedException,
  PutItemCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import {
  attr,
  cond,
  ExpressionAttributes,
  renderUpdate,
  update,
  type Condition,
  type UpdateAction,
} from "../../src/index.js";
import { createTestTable, testClient } from "../support/db.js";
import { fromItem, toItem } from "./support.js";

const base = {
  name: "n",
  status: "open",
  count: 5,
  tags: new Set(["a", "b"]),
  nums: new Set([1, 2]),
  list: [1, 2],
  data: { timestamp: 100, inner: { deep: "x" }, items: [{ v: 1 }, { v: 2 }] },
  "weird.name": { "x[0]": 1 },
  source: "copied",
};

describe("update actions on DynamoDB", () => {
  let client: DynamoDBClient;
  let table: string;
  let counter = 0;
  before(async () => {
    client = await testClient();
    table = await createTestTable(client, { partitionKey: ["id", "S"], sortKey: null });
  });

  /** Puts a fresh copy of `base` and applies the actions; returns the new item. */
  async function apply(actions: UpdateAction[], condition?: Condition) {
    const id = `item${++counter}`;
    await client.send(new PutItemCommand({ TableName: table, Item: toItem({ id, ...base }) }));
    const ctx = new ExpressionAttributes();
    const UpdateExpression = renderUpdate(actions, ctx);
    const ConditionExpression = condition?.render(ctx);
    const out = await client.send(
      new UpdateItemCommand({
        TableName: table,
        Key: toItem({ id }),
        UpdateExpression,
        ConditionExpression,
        ReturnValues: "ALL_NEW",
        ...ctx.toInput(),
      }),
    );
    const { id: _id, ...rest } = fromItem(out.Attributes!);
    return rest;
  }

  test("set", async () => {
    const item = await apply([update.set("status", "closed")]);
    assert.equal(item.status, "closed");
  });
  test("set a new attribute of each type", async () => {
    const item = await apply([
      update.set("s", "x"),
      update.set("n", 1.25),
      update.set("b", false),
      update.set("z", null),
      update.set("l", [1, "a"]),
      update.set("m", { k: { j: 1 } }),
      update.set("ss", new Set(["q"])),
    ]);
    assert.deepEqual(
      { s: item.s, n: item.n, b: item.b, z: item.z, l: item.l, m: item.m, ss: item.ss },
      { s: "x", n: 1.25, b: false, z: null, l: [1, "a"], m: { k: { j: 1 } }, ss: new Set(["q"]) },
    );
  });
  test("set nested map and list paths", async () => {
    const item = await apply([
      update.set("data.inner.deep", "y"),
      update.set("data.items[1].v", 20),
      update.set("list[0]", 10),
      update.set("data.newKey", true),
    ]);
    assert.deepEqual(item.data, {
      timestamp: 100,
      inner: { deep: "y" },
      items: [{ v: 1 }, { v: 20 }],
      newKey: true,
    });
    assert.deepEqual(item.list, [10, 2]);
  });
  test("set with names holding dots and brackets", async () => {
    const item = await apply([update.set(["weird.name", "x[0]"], 2)]);
    assert.deepEqual(item["weird.name"], { "x[0]": 2 });
  });
  test("set from another attribute", async () => {
    const item = await apply([
      update.set("copy", attr("source")),
      update.set("ts", attr("data.timestamp")),
    ]);
    assert.equal(item.copy, "copied");
    assert.equal(item.ts, 100);
  });
  test("setIfNotExists keeps an existing value and writes a missing one", async () => {
    const item = await apply([
      update.setIfNotExists("status", "new"),
      update.setIfNotExists("created", 7),
    ]);
    assert.equal(item.status, "open");
    assert.equal(item.created, 7);
  });
  test("add a number, to an existing and a missing attribute", async () => {
    const item = await apply([update.add("count", 3), update.add("visits", 2)]);
    assert.equal(item.count, 8);
    assert.equal(item.visits, 2);
  });
  test("add elements to a set, existing and missing", async () => {
    const item = await apply([
      update.add("tags", new Set(["c", "a"])),
      update.add("ids", new Set([7])),
    ]);
    assert.deepEqual(item.tags, new Set(["a", "b", "c"]));
    assert.deepEqual(item.ids, new Set([7]));
  });
  test("remove attributes, map keys and list elements", async () => {
    const item = await apply([
      update.remove("status"),
      update.remove("data.inner"),
      update.remove("list[0]"),
      update.remove("missing"),
    ]);
    assert.equal("status" in item, false);
    assert.deepEqual(item.data, { timestamp: 100, items: [{ v: 1 }, { v: 2 }] });
    assert.deepEqual(item.list, [2]);
  });
  test("delete elements from a set", async () => {
    const item = await apply([
      update.delete("tags", new Set(["a", "zz"])),
      update.delete("nums", new Set([1, 2])),
    ]);
    assert.deepEqual(item.tags, new Set(["b"]));
    assert.equal("nums" in item, false, "a set emptied by DELETE is removed");
  });
  test("append and prepend, to existing and missing lists", async () => {
    const item = await apply([
      update.append("list", [3, 4]),
      update.prepend("data.items", [{ v: 0 }]),
      update.append("fresh", ["x"]),
      update.prepend("fresher", ["y"]),
    ]);
    assert.deepEqual(item.list, [1, 2, 3, 4]);
    assert.deepEqual(item.data && (item.data as { items: unknown }).items, [
      { v: 0 },
      { v: 1 },
      { v: 2 },
    ]);
    assert.deepEqual(item.fresh, ["x"]);
    assert.deepEqual(item.fresher, ["y"]);
  });
  test("increment and decrement, existing and missing", async () => {
    const item = await apply([
      update.increment("count"),
      update.decrement("data.timestamp", 40),
      update.increment("hits", 5),
      update.decrement("debt"),
      update.increment("data.items[0].v", 0.5),
    ]);
    assert.equal(item.count, 6);
    assert.equal((item.data as { timestamp: number }).timestamp, 60);
    assert.equal(item.hits, 5);
    assert.equal(item.debt, -1);
    assert.deepEqual((item.data as { items: unknown }).items, [{ v: 1.5 }, { v: 2 }]);
  });
  test("every clause in one expression, with reserved words", async () => {
    const item = await apply([
      update.set("name", "renamed"),
      update.remove("status"),
      update.add("count", 1),
      update.delete("tags", new Set(["a"])),
      update.increment("size"),
      update.set("data.timestamp", 5),
    ]);
    assert.equal(item.name, "renamed");
    assert.equal("status" in item, false);
    assert.equal(item.count, 6);
    assert.deepEqual(item.tags, new Set(["b"]));
    assert.equal(item.size, 1);
    assert.equal((item.data as { timestamp: number }).timestamp, 5);
  });
  test("an update with a condition shares placeholders", async () => {
    const item = await apply(
      [update.set("status", "closed"), update.increment("count")],
      cond.and(cond.eq("status", "open"), cond.lt("count", attr("data.timestamp"))),
    );
    assert.equal(item.status, "closed");
    assert.equal(item.count, 6);
    await assert.rejects(
      apply([update.set("status", "closed")], cond.eq("status", "closed")),
      ConditionalCheckFailedException,
    );
  });

  test("DynamoDB rejects the overlapping paths renderUpdate rejects", async () => {
    const send = (UpdateExpression: string) =>
      client.send(
        new UpdateItemCommand({
          TableName: table,
          Key: toItem({ id: "x" }),
          UpdateExpression,
          ExpressionAttributeNames: { "#a": "a", "#b": "b" },
          ExpressionAttributeValues: { ":v": { N: "1" } },
        }),
      );
    await assert.rejects(send("SET #a = :v, #a.#b = :v"), /overlap/);
    await assert.rejects(send("SET #a = :v ADD #a :v"), /overlap/);
    await assert.rejects(send("SET #a[0] = :v REMOVE #a"), /overlap/);
    for (const actions of [
      [update.set("a", 1), update.set("a.b", 1)],
      [update.set("a", 1), update.add("a", 1)],
      [update.set("a[0]", 1), update.remove("a")],
    ]) {
      assert.throws(() => renderUpdate(actions, new ExpressionAttributes()), /overlap|two actions/);
    }
  });
});
