import { test } from "node:test";
import assert from "node:assert/strict";
import { DynoEncodingError, marshalItem, s, unmarshalInto } from "../../src/index.js";
import { createTestTable, testDyno } from "../support/db.js";

const Reading = s.object({
  pk: s.string(),
  sk: s.number(),
  at: s.date({ as: "epochMs" }),
  tags: s.stringSet(),
});
type Reading = s.Infer<typeof Reading>;

async function setup() {
  const dyno = await testDyno();
  const TableName = await createTestTable(dyno.client, { sortKey: ["sk", "N"] });
  const readings: Reading[] = [1, 2, 3].map((i) => ({
    pk: "sensor",
    sk: i,
    at: new Date(Date.UTC(2026, 0, i)),
    tags: new Set(i === 2 ? [] : ["t" + i]),
  }));
  for (const r of readings) await dyno.putItem({ TableName, Item: marshalItem(r, Reading) });
  return { dyno, TableName, readings };
}

test("unmarshalInto decodes Query, Scan, GetItem and BatchGetItem outputs into an array", async () => {
  const { dyno, TableName, readings } = await setup();
  const queried: Reading[] = [];
  const out = await dyno.query(
    {
      TableName,
      KeyConditionExpression: "pk = :p",
      ExpressionAttributeValues: { ":p": { S: "sensor" } },
    },
    unmarshalInto(queried, Reading),
  );
  assert.equal(out.Items?.length, 3, "the output itself is unchanged");
  assert.deepEqual(queried, readings);

  const scanned: Reading[] = [];
  await dyno.scan({ TableName }, unmarshalInto(scanned, Reading));
  assert.deepEqual(
    scanned.sort((a, b) => a.sk - b.sk),
    readings,
  );

  const one: Reading[] = [];
  await dyno.getItem(
    { TableName, Key: { pk: { S: "sensor" }, sk: { N: "2" } } },
    unmarshalInto(one, Reading),
  );
  await dyno.getItem(
    { TableName, Key: { pk: { S: "sensor" }, sk: { N: "9" } } },
    unmarshalInto(one, Reading),
  );
  assert.deepEqual(one, [readings[1]], "a missing item adds nothing");

  const batch: Record<string, unknown>[] = [];
  await dyno.batchGetItem(
    { RequestItems: { [TableName]: { Keys: [{ pk: { S: "sensor" }, sk: { N: "1" } }] } } },
    unmarshalInto(batch),
  );
  assert.deepEqual(batch, [
    { pk: "sensor", sk: 1, at: Date.UTC(2026, 0, 1), tags: new Set(["t1"]) },
  ]);
});

test("unmarshalInto rejects the operation with the path of an item that does not fit the schema", async () => {
  const { dyno, TableName } = await setup();
  await dyno.putItem({
    TableName,
    Item: { pk: { S: "sensor" }, sk: { N: "4" }, at: { S: "not a number" } },
  });
  const into: Reading[] = [];
  await assert.rejects(
    dyno.scan({ TableName }, unmarshalInto(into, Reading)).await(),
    (e: Error) => e instanceof DynoEncodingError && /^\[\d\]\.at/.test(e.path),
  );
});

test("unmarshalInto only types for item-reading operations", async () => {
  const { dyno, TableName } = await setup();
  const into: Reading[] = [];
  const middleware = unmarshalInto(into, Reading);
  const input = { TableName, Item: { pk: { S: "x" }, sk: { N: "1" } } };
  // @ts-expect-error PutItem has no items to decode
  await dyno.putItem(input, middleware);
  assert.deepEqual(into, []);
});
