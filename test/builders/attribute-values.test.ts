/**
 * The rule for keys and items given to builders: an `AttributeValue` map (every value a
 * well-formed AttributeValue) is taken as it is, a plain object is encoded, a mix is refused;
 * `asPlainObject` / `asAttributeValues` state the form. Round trips through DynamoDB.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Dyno,
  DynoValidationError,
  GetItemBuilder,
  PutItemBuilder,
  QueryBuilder,
  TransactWriteItemsBuilder,
  asAttributeValues,
  asPlainObject,
  isAttributeValue,
  key,
  unmarshalItem,
} from "../../src/index.js";
import { createTestTable, testClient } from "../support/db.js";

test("isAttributeValue: one member of the union, with the JS type DynamoDB's format requires", () => {
  for (const good of [
    { S: "" },
    { N: "-1.5e3" },
    { N: ".5" },
    { NS: ["1", "2.0"] },
    { SS: ["a"] },
    { BS: [new Uint8Array([1])] },
    { M: {} },
    { L: [] },
    { NULL: true },
    { BOOL: false },
  ]) {
    assert.equal(isAttributeValue(good), true, JSON.stringify(good));
  }
  for (const bad of [
    { N: "abc" },
    { N: "0x1F" },
    { N: " 12" },
    { N: "" },
    { NS: ["1", "x"] },
    { SS: [] },
    { NS: [] },
    { L: [{ N: "one" }] },
    { M: { a: { S: 1 } } },
    { S: "x", N: "1" },
    { toString: "x" },
    { constructor: { S: "x" } },
    Object.assign(new (class Box {})(), { S: "x" }),
    new Map([["S", "x"]]),
  ]) {
    assert.equal(isAttributeValue(bad), false, String(JSON.stringify(bad)));
  }
});

test("an item whose values all look like AttributeValues is taken as encoded; asPlainObject says it is plain", async () => {
  const client = await testClient();
  const TableName = await createTestTable(client, { sortKey: null });
  const dyno = new Dyno({ client });

  const encoded = new PutItemBuilder()
    .table(TableName)
    .item({ pk: { S: "enc" }, size: { S: "small" } })
    .build();
  assert.deepEqual(encoded.Item, { pk: { S: "enc" }, size: { S: "small" } });
  await dyno.putItem(encoded);

  const plain = new PutItemBuilder()
    .table(TableName)
    .item(asPlainObject({ pk: { S: "plain" }, size: { S: "small" } }))
    .build();
  assert.deepEqual(plain.Item, {
    pk: { M: { S: { S: "plain" } } },
    size: { M: { S: { S: "small" } } },
  });
  // A plain object whose key is itself a map does not fit this table's string key:
  await assert.rejects(dyno.putItem(plain).await(), /Type mismatch|type/i);

  const withStringKey = new PutItemBuilder()
    .table(TableName)
    .item(asPlainObject({ pk: "plain", size: { S: "small" } }))
    .build();
  await dyno.putItem(withStringKey);
  const got = await dyno.getItem(
    new GetItemBuilder().table(TableName).key({ pk: "plain" }).build(),
  );
  assert.deepEqual(unmarshalItem(got.Item!), { pk: "plain", size: { S: "small" } });
  const back = await dyno.getItem(
    new GetItemBuilder()
      .table(TableName)
      .key({ pk: { S: "enc" } })
      .build(),
  );
  assert.deepEqual(unmarshalItem(back.Item!), { pk: "enc", size: "small" });
});

test("values that only resemble the format are plain: a number that is not one, an empty set", async () => {
  const client = await testClient();
  const TableName = await createTestTable(client, { sortKey: null });
  const dyno = new Dyno({ client });
  const item = { pk: "r", amount: { N: "twelve" }, tags: { SS: [] } };
  const built = new PutItemBuilder().table(TableName).item(item).build();
  assert.deepEqual(built.Item, {
    pk: { S: "r" },
    amount: { M: { N: { S: "twelve" } } },
    tags: { M: { SS: { L: [] } } },
  });
  await dyno.putItem(built); // DynamoDB takes it (it would have refused `{ N: "twelve" }` as a number)
  const got = await dyno.getItem({ TableName, Key: { pk: { S: "r" } } });
  assert.deepEqual(unmarshalItem(got.Item!), item);
});

test("a key or item that mixes AttributeValues and plain values is refused as ambiguous", () => {
  assert.throws(
    () =>
      new GetItemBuilder()
        .table("t")
        .key({ pk: { S: "a" }, sk: 3 })
        .build(),
    (error: unknown) => {
      assert.ok(error instanceof DynoValidationError);
      assert.equal(error.field, "Key");
      assert.match(
        error.message,
        /ambiguous: "pk" looks like an AttributeValue but "sk" does not; wrap it in asPlainObject/,
      );
      return true;
    },
  );
  assert.throws(
    () => new TransactWriteItemsBuilder().put("t", { id: "x", when: { N: "1" } }),
    /Put.Item: is ambiguous/,
  );
  // Stated, it is fine either way.
  assert.deepEqual(
    new GetItemBuilder()
      .table("t")
      .key(asPlainObject({ pk: { S: "a" }, sk: 3 }))
      .build().Key,
    {
      pk: { M: { S: { S: "a" } } },
      sk: { N: "3" },
    },
  );
});

test("asAttributeValues checks every attribute strictly and takes the map as it is", async () => {
  const client = await testClient();
  const TableName = await createTestTable(client);
  const dyno = new Dyno({ client });
  await dyno.putItem({ TableName, Item: { pk: { S: "p" }, sk: { S: "1" } } });
  await dyno.putItem({ TableName, Item: { pk: { S: "p" }, sk: { S: "2" } } });
  const page = await dyno.query(
    new QueryBuilder().table(TableName).keyCondition(key.eq("pk", "p")).limit(1).build(),
  );
  const next = await dyno.query(
    new QueryBuilder()
      .table(TableName)
      .keyCondition(key.eq("pk", "p"))
      .startKey(asAttributeValues(page.LastEvaluatedKey!))
      .build(),
  );
  assert.deepEqual(
    next.Items?.map((i) => i.sk.S),
    ["2"],
  );

  assert.throws(
    () =>
      new GetItemBuilder().table("t").key(asAttributeValues({ pk: { S: "a" }, sk: { N: "x" } })),
    (error: unknown) => {
      assert.ok(error instanceof DynoValidationError);
      assert.equal(error.field, "Key.sk");
      assert.match(error.message, /not a well-formed AttributeValue.*\{"N":"x"\}/);
      return true;
    },
  );
});
