/**
 * Issue 16 (attack): a string key with a lone UTF-16 surrogate ("a\uD800") has no UTF-8 form;
 * DynamoDB Local stores and matches it as "a\uFFFD", so batchGetItemAll could not match the
 * item it got back and returned 0 items where one GetItem per key returned 1. Every request
 * holding such a string (a value, a key, a name) is refused before sending, on both transports,
 * naming where; well-formed text (astral characters, U+FFFD, NUL) round-trips unchanged.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Dyno, DynoValidationError, s } from "../../src/index.js";
import { illFormedIn, isWellFormed } from "../../src/well-formed.js";
import { createTestTable, testClient, testTransport } from "../support/db.js";

const LONE = ["a\uD800", "a\uDC00", "\uDBFFz", "x\uDC00\uD800y"];
const FINE = ["a\uFFFD", "a\uD83D\uDE00", "a\u0000b", "\uD800\uDC00", ""];

const refused = (where: RegExp) => (e: unknown) => {
  assert.ok(e instanceof DynoValidationError, String(e));
  assert.match(e.field ?? "", where);
  assert.match(e.message, /lone UTF-16 surrogate/);
  assert.match(e.message, /UTF-8/);
  return true;
};

test("isWellFormed and illFormedIn: lone halves anywhere, names too; pairs are fine", () => {
  for (const t of LONE) assert.equal(isWellFormed(t), false, JSON.stringify(t));
  for (const t of FINE) assert.equal(isWellFormed(t), true, JSON.stringify(t));
  assert.equal(illFormedIn({ Key: { k: { S: "ok" } } }), undefined);
  assert.equal(illFormedIn({ Key: { k: { SS: ["ok", "a\uD800"] } } }), "input.Key.k.SS[1]");
  assert.equal(illFormedIn({ Item: { ["n\uDC00"]: { S: "v" } } }), 'input.Item["n\\udc00"]');
  assert.equal(illFormedIn({ B: new Uint8Array([0xd8, 0x00]) }), undefined, "bytes are bytes");
});

for (const transport of ["sdk", "direct"] as const) {
  test(`${transport}: every read and write path refuses a lone surrogate before sending; well-formed text round-trips`, async (t) => {
    const dyno = new Dyno({ client: await testClient(), transport });
    if (transport === "direct" && dyno.transport !== "direct") return t.skip("no direct path here");
    const TableName = await createTestTable(dyno.client, { sortKey: null });
    const key = (k: string) => ({ pk: { S: k } });
    for (const [i, k] of FINE.filter((f) => f !== "").entries())
      await dyno.putItem({ TableName, Item: { ...key(k), v: { N: String(i) } } });
    for (const lone of LONE) {
      await assert.rejects(
        async () => dyno.putItem({ TableName, Item: { ...key(lone), v: { N: "9" } } }),
        refused(/^input\.Item\.pk\.S$/),
      );
      await assert.rejects(
        async () => dyno.getItem({ TableName, Key: key(lone) }),
        refused(/Key\.pk\.S/),
      );
      await assert.rejects(
        async () =>
          dyno.batchGetItemAll({
            RequestItems: { [TableName]: { Keys: [key("a\uFFFD"), key(lone)] } },
          }),
        refused(/Keys\[1\]\.pk/),
      );
      await assert.rejects(
        async () =>
          dyno.batchWriteItemAll({
            RequestItems: { [TableName]: [{ PutRequest: { Item: key(lone) } }] },
          }),
        refused(/RequestItems\.\w+\[0\]\.pk$/),
      );
      await assert.rejects(
        async () =>
          dyno.scan({
            TableName,
            FilterExpression: "#v = :v",
            ExpressionAttributeNames: { "#v": "v" },
            ExpressionAttributeValues: { ":v": { S: lone } },
          }),
        refused(/ExpressionAttributeValues/),
      );
      await assert.rejects(
        async () => dyno.putItem({ TableName, Item: { ...key("n"), [`x${lone}`]: { S: "v" } } }),
        refused(/Item\[/),
      );
    }
    // The Table model encodes first, then the same check refuses.
    const users = dyno.table(TableName, {
      schema: s.object({ pk: s.string(), v: s.number().optional() }),
      partitionKey: "pk",
    });
    await assert.rejects(async () => users.put({ pk: "a\uD800" }), refused(/pk/));
    await assert.rejects(
      async () => users.batchGet([{ pk: "a\uFFFD" }, { pk: "a\uD800" }]),
      refused(/pk/),
    );
    // Nothing but the well-formed items was written; the batch finds each as GetItem does.
    const scanned = await dyno.scan({ TableName });
    assert.deepEqual(
      scanned.Items!.map((i) => i.pk!.S).sort(),
      FINE.filter((f) => f !== "").sort(),
    );
    const got = await dyno.batchGetItemAll({
      RequestItems: { [TableName]: { Keys: FINE.filter((f) => f !== "").map(key) } },
    });
    assert.equal(got.Responses![TableName]!.length, FINE.length - 1);
    for (const k of FINE.filter((f) => f !== "")) {
      const one = await dyno.getItem({ TableName, Key: key(k) });
      assert.equal(one.Item?.pk?.S, k);
    }
    await dyno.deleteTable({ TableName });
  });
}

test("the default transport of this run refuses too", async () => {
  const dyno = new Dyno({ client: await testClient(), transport: testTransport });
  await assert.rejects(
    async () => dyno.getItem({ TableName: "any", Key: { pk: { S: "\uDFFF" } } }),
    refused(/Key\.pk\.S/),
  );
});
