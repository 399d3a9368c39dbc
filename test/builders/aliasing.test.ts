/**
 * Built inputs share no object with the builder, with other builds, or with the reusable
 * `cond` / `update` / `key` values they were made from: mutating one (as a middleware editing
 * `ctx.input` may) changes nothing else.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import {
  BatchGetItemBuilder,
  BatchWriteItemBuilder,
  DeleteItemBuilder,
  Dyno,
  DynoValidationError,
  ExpressionAttributes,
  GetItemBuilder,
  PutItemBuilder,
  QueryBuilder,
  ScanBuilder,
  TransactGetItemsBuilder,
  TransactWriteItemsBuilder,
  UpdateItemBuilder,
  cond,
  key,
  update,
  type AnyMiddleware,
} from "../../src/index.js";
import { createTestTable, testClient } from "../support/db.js";

/** Mutates every nested object and array of `value` in place (strings get a suffix, numbers change). */
function vandalise(value: unknown, seen = new Set<unknown>()): void {
  if (value === null || typeof value !== "object" || seen.has(value)) return;
  seen.add(value);
  if (value instanceof Uint8Array) {
    value.fill(255);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) vandalise(v, seen);
    value.push("extra");
    return;
  }
  const record = value as Record<string, unknown>;
  for (const [k, v] of Object.entries(record)) {
    if (typeof v === "string") record[k] = `${v}!`;
    else vandalise(v, seen);
  }
  record.vandalised = true;
}

const sharedCond = cond.and(cond.eq("status", "open"), cond.in("tier", ["gold", "silver"]));
const sharedUpdate = update.append("log", [{ at: 1, tags: ["a"] }]);
const sharedKey = key.and(key.eq("pk", "p"), key.beginsWith("sk", "s"));
const bytes = () => new Uint8Array([1, 2, 3]);

/** Builders over every shape of input, each built from the shared values above. */
const builders: [string, () => { build(): object }][] = [
  ["Get", () => new GetItemBuilder().table("t").key({ pk: "p", b: bytes() }).project("a.b", "c")],
  [
    "Put",
    () =>
      new PutItemBuilder()
        .table("t")
        .item({ pk: "p", nested: { list: [1, { x: "y" }], bin: bytes() } })
        .condition(sharedCond),
  ],
  [
    "Put from an AttributeValue map",
    () =>
      new PutItemBuilder()
        .table("t")
        .item({ pk: { S: "p" }, l: { L: [{ M: { x: { S: "y" } } }] } }),
  ],
  [
    "Update",
    () =>
      new UpdateItemBuilder()
        .table("t")
        .key({ pk: "p" })
        .update(sharedUpdate, update.set("m", { a: [1, 2] }))
        .condition(sharedCond),
  ],
  ["Delete", () => new DeleteItemBuilder().table("t").key({ pk: "p" }).condition(sharedCond)],
  [
    "Query",
    () =>
      new QueryBuilder()
        .table("t")
        .keyCondition(sharedKey)
        .filter(sharedCond)
        .startKey({ pk: "p", sk: "s1" }),
  ],
  ["Scan", () => new ScanBuilder().table("t").filter(sharedCond).project("a")],
  [
    "BatchGet",
    () => new BatchGetItemBuilder().get("t", [{ pk: "a" }, { pk: "b" }], { project: ["x.y"] }),
  ],
  [
    "BatchWrite",
    () =>
      new BatchWriteItemBuilder().put("t", [{ pk: "a", l: [1] }]).delete("u", { pk: { S: "b" } }),
  ],
  ["TransactGet", () => new TransactGetItemsBuilder().get("t", { pk: "a" }, { project: ["x"] })],
  [
    "TransactWrite",
    () =>
      new TransactWriteItemsBuilder()
        .put("t", { pk: "a", m: { x: [1] } }, sharedCond)
        .update("u", { pk: "b" }, [sharedUpdate], sharedCond)
        .conditionCheck("v", { pk: "c" }, sharedCond),
  ],
  [
    "extending an existing input",
    () =>
      new UpdateItemBuilder({
        TableName: "t",
        Key: { pk: { S: "p" } },
        UpdateExpression: "SET #a = :a",
        ExpressionAttributeNames: { "#a": "a" },
        ExpressionAttributeValues: { ":a": { M: { deep: { L: [{ S: "x" }] } } } },
      }).update(sharedUpdate),
  ],
];

for (const [name, make] of builders) {
  test(`${name}: mutating a built input changes neither later builds nor other builders`, () => {
    const builder = make();
    const first = builder.build();
    const snapshot = structuredClone(first);
    vandalise(first);
    assert.deepEqual(builder.build(), snapshot, "a later build of the same builder");
    assert.deepEqual(make().build(), snapshot, "another builder made from the same values");
  });
}

test("rendering a reusable condition into a context hands it fresh values", () => {
  const ctx = new ExpressionAttributes();
  sharedCond.render(ctx);
  const values = ctx.toInput().ExpressionAttributeValues!;
  (values[":v0"] as { S: string }).S = "closed";
  const again = new ExpressionAttributes();
  sharedCond.render(again);
  assert.deepEqual(again.toInput().ExpressionAttributeValues![":v0"], { S: "open" });
});

test("a middleware that edits ctx.input in place does not change what other inputs say", async () => {
  const client = await testClient();
  const TableName = await createTestTable(client, { sortKey: null });
  const dyno = new Dyno({ client });
  const open = cond.eq("status", "open");
  await dyno.putItem(
    new PutItemBuilder().table(TableName).item({ pk: "a", status: "open" }).build(),
  );
  await dyno.putItem(
    new PutItemBuilder().table(TableName).item({ pk: "b", status: "closed" }).build(),
  );

  // Say a middleware "normalises" values in place (a bad idea, but it must stay local).
  const closeEverything: AnyMiddleware = (next) => (ctx) => {
    const values = (ctx.input as { ExpressionAttributeValues?: Record<string, AttributeValue> })
      .ExpressionAttributeValues;
    for (const value of Object.values(values ?? {}))
      if (value.S) (value as { S: string }).S = "closed";
    return next(ctx);
  };
  const edited = await dyno.scan(
    new ScanBuilder().table(TableName).filter(open).build(),
    closeEverything,
  );
  assert.deepEqual(
    edited.Items?.map((i) => i.pk.S),
    ["b"],
  );

  const plain = await dyno.scan(new ScanBuilder().table(TableName).filter(open).build());
  assert.deepEqual(
    plain.Items?.map((i) => i.pk.S),
    ["a"],
    "the shared condition still says open",
  );
});

test("an existing input holding a function is refused, naming where", () => {
  const existing = {
    TableName: "t",
    Key: { pk: { S: "p" } },
    ExpressionAttributeValues: { ":v": { S: "x", toString: () => "x" } },
  };
  assert.throws(
    () => new GetItemBuilder(existing as never),
    (error: unknown) => {
      assert.ok(error instanceof DynoValidationError, String(error));
      assert.equal(error.field, 'ExpressionAttributeValues[":v"].toString');
      assert.match(error.message, /is a function; an input holds data only/);
      return true;
    },
  );
  assert.throws(
    () => new ScanBuilder({ TableName: "t", Limit: Symbol("x") } as never),
    (error: unknown) => error instanceof DynoValidationError && error.field === "Limit",
  );
  const cyclic: Record<string, unknown> = { TableName: "t" };
  cyclic.self = cyclic;
  assert.throws(() => new ScanBuilder(cyclic as never), /nested more than 200 levels/);
  // Dates (the SDK's own inputs hold some) and binary are data: copied, not refused.
  const at = new Date(0);
  const built = new ScanBuilder({ TableName: "t", at, b: bytes() } as never).build() as unknown as {
    at: Date;
    b: Uint8Array;
  };
  assert.deepEqual(built.at, at);
  assert.notEqual(built.at, at);
  assert.deepEqual(built.b, bytes());
});
