/**
 * The two transports side by side on the same local DynamoDB: every data-plane operation
 * gives deep-equal outputs (modulo request ids) and the same error classes and fields.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ConditionalCheckFailedException,
  DynamoDBServiceException,
  ResourceNotFoundException,
  TransactionCanceledException,
  type AttributeValue,
} from "@aws-sdk/client-dynamodb";
import { Dyno } from "../../src/index.js";
import { createTestTable, engine, needsTransactions, testClient } from "../support/db.js";

/** One client, two sessions: the SDK transport and the direct one. */
async function pair() {
  const client = await testClient();
  const sdk = new Dyno({ client });
  const direct = new Dyno({ client, transport: "direct" });
  assert.equal(direct.transport, "direct", direct.transportReason);
  assert.equal(sdk.transport, "sdk");
  return { client, sdk, direct };
}

/** A copy with `$metadata.requestId` blanked (after checking both have one). */
function sansRequestId<T>(value: T): T {
  const meta = (value as { $metadata?: { requestId?: string } }).$metadata;
  if (!meta) return value;
  if (engine === "dynamodb-local") assert.equal(typeof meta.requestId, "string");
  return { ...value, $metadata: { ...meta, requestId: "<id>" } } as T;
}

/**
 * Runs `call` on both sessions (SDK first) and asserts deep-equal outputs; `reset` runs
 * before each, so that writes start from the same state.
 */
async function same<T>(
  run: (dyno: Dyno) => PromiseLike<T>,
  sessions: { sdk: Dyno; direct: Dyno },
  reset?: () => PromiseLike<unknown>,
) {
  await reset?.();
  const viaSdk = await run(sessions.sdk);
  await reset?.();
  const viaDirect = await run(sessions.direct);
  assert.deepStrictEqual(sansRequestId(viaDirect), sansRequestId(viaSdk));
  return viaDirect;
}

/** Runs `call` on both sessions, expecting both to throw; asserts the same class and fields. */
async function sameError(
  run: (dyno: Dyno) => PromiseLike<unknown>,
  sessions: { sdk: Dyno; direct: Dyno },
) {
  const caught = async (dyno: Dyno) => {
    try {
      await run(dyno);
    } catch (error) {
      return error as DynamoDBServiceException;
    }
    assert.fail("expected an error");
  };
  const viaSdk = await caught(sessions.sdk);
  const viaDirect = await caught(sessions.direct);
  assert.equal(Object.getPrototypeOf(viaDirect), Object.getPrototypeOf(viaSdk));
  assert.equal(viaDirect.name, viaSdk.name);
  assert.equal(viaDirect.message, viaSdk.message);
  assert.deepStrictEqual(sansRequestId({ ...viaDirect }), sansRequestId({ ...viaSdk }));
  assert.deepStrictEqual(Object.keys(viaDirect).sort(), Object.keys(viaSdk).sort());
  return viaDirect;
}

const bytes = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * seed) % 256);

const richItem = (pk: string, sk: string): Record<string, AttributeValue> => ({
  pk: { S: pk },
  sk: { S: sk },
  n: { N: "12.5" },
  bin: { B: bytes(40, 7) },
  bins: { BS: [bytes(3, 1), bytes(5, 2)] },
  ss: { SS: ["a", "b"] },
  ns: { NS: ["1", "2"] },
  flag: { BOOL: true },
  nothing: { NULL: true },
  list: { L: [{ S: "x" }, { B: bytes(4, 3) }, { M: { deep: { B: bytes(2, 9) } } }] },
  map: { M: { B: { S: "an attribute named B" }, BS: { N: "1" }, inner: { BS: [bytes(1, 1)] } } },
  text: { S: 'unicode ✓ "quotes" \\ back\nslash' },
});

test("GetItem, PutItem, UpdateItem, DeleteItem: same outputs, binary included", async () => {
  const s = await pair();
  const TableName = await createTestTable(s.client);
  const Key = { pk: { S: "p" }, sk: { S: "1" } };
  const absent = () => s.sdk.deleteItem({ TableName, Key });
  const present = () => s.sdk.putItem({ TableName, Item: richItem("p", "1") });
  await same(
    (d) => d.putItem({ TableName, Item: richItem("p", "1"), ReturnValues: "ALL_OLD" }),
    s,
    absent,
  );
  await same(
    (d) =>
      d.putItem({
        TableName,
        Item: richItem("p", "1"),
        ReturnValues: "ALL_OLD",
        ReturnConsumedCapacity: "TOTAL",
        ReturnItemCollectionMetrics: "SIZE",
      }),
    s,
    present,
  );
  const got = await same(
    (d) => d.getItem({ TableName, Key: { pk: { S: "p" }, sk: { S: "1" } }, ConsistentRead: true }),
    s,
  );
  assert.ok(got.Item?.bin?.B instanceof Uint8Array);
  assert.equal(Object.getPrototypeOf(got.Item.bin.B), Uint8Array.prototype);
  assert.deepStrictEqual(got.Item, richItem("p", "1"));
  await same((d) => d.getItem({ TableName, Key: { pk: { S: "none" }, sk: { S: "1" } } }), s);
  await same(
    (d) =>
      d.getItem({
        TableName,
        Key: { pk: { S: "p" }, sk: { S: "1" } },
        ProjectionExpression: "#b, #l[2]",
        ExpressionAttributeNames: { "#b": "bin", "#l": "list" },
        ReturnConsumedCapacity: "INDEXES",
      }),
    s,
  );
  await same(
    (d) =>
      d.updateItem({
        TableName,
        Key: { pk: { S: "p" }, sk: { S: "1" } },
        UpdateExpression: "SET #n = #n + :one, extra = :b",
        ExpressionAttributeNames: { "#n": "n" },
        ExpressionAttributeValues: { ":one": { N: "1" }, ":b": { B: bytes(8, 5) } },
        ReturnValues: "UPDATED_NEW",
      }),
    s,
    present,
  ).then((out) => assert.deepStrictEqual(out.Attributes?.extra, { B: bytes(8, 5) }));
  const deleted = await s.direct.deleteItem({
    TableName,
    Key: { pk: { S: "p" }, sk: { S: "1" } },
    ReturnValues: "ALL_OLD",
  });
  assert.ok(deleted.Attributes?.bin?.B instanceof Uint8Array);
  assert.equal(deleted.$metadata.attempts, 1);
  assert.equal(deleted.$metadata.httpStatusCode, 200);
  await same(
    (d) =>
      d.deleteItem({ TableName, Key: { pk: { S: "p" }, sk: { S: "1" } }, ReturnValues: "ALL_OLD" }),
    s,
    present,
  );
  await same((d) => d.deleteItem({ TableName, Key, ReturnValues: "ALL_OLD" }), s, absent);
});

test("a large item (~390 KB, binary and text) round-trips the same way", async () => {
  const s = await pair();
  const TableName = await createTestTable(s.client);
  const Item = {
    pk: { S: "big" },
    sk: { S: "1" },
    blob: { B: bytes(200_000, 13) },
    text: { S: "é".repeat(90_000) },
  };
  await s.direct.putItem({ TableName, Item });
  const out = await same(
    (d) => d.getItem({ TableName, Key: { pk: { S: "big" }, sk: { S: "1" } } }),
    s,
  );
  assert.deepStrictEqual(out.Item, Item);
});

test("Query and Scan: pages with binary keys and LastEvaluatedKey", async () => {
  const s = await pair();
  const TableName = await createTestTable(s.client, {
    partitionKey: ["pk", "S"],
    sortKey: ["sk", "B"],
  });
  for (let i = 0; i < 12; i++) {
    await s.direct.putItem({
      TableName,
      Item: { pk: { S: "q" }, sk: { B: Uint8Array.of(i, 255 - i) }, v: { N: String(i) } },
    });
  }
  const page = await same(
    (d) =>
      d.query({
        TableName,
        KeyConditionExpression: "pk = :p",
        ExpressionAttributeValues: { ":p": { S: "q" } },
        Limit: 5,
        ReturnConsumedCapacity: "TOTAL",
      }),
    s,
  );
  assert.equal(page.Items?.length, 5);
  assert.ok(page.LastEvaluatedKey?.sk?.B instanceof Uint8Array);
  await same(
    (d) =>
      d.query({
        TableName,
        KeyConditionExpression: "pk = :p",
        ExpressionAttributeValues: { ":p": { S: "q" } },
        ExclusiveStartKey: page.LastEvaluatedKey,
        ScanIndexForward: false,
        Select: "COUNT",
      }),
    s,
  );
  const scanned = await same((d) => d.scan({ TableName, Limit: 7 }), s);
  await same((d) => d.scan({ TableName, ExclusiveStartKey: scanned.LastEvaluatedKey }), s);
  await same(
    (d) =>
      d.scan({
        TableName,
        FilterExpression: "v > :n",
        ExpressionAttributeValues: { ":n": { N: "100" } },
      }),
    s,
  );
});

test("BatchWriteItem and BatchGetItem: same outputs", async () => {
  const s = await pair();
  const TableName = await createTestTable(s.client);
  const requests = Array.from({ length: 25 }, (_, i) => ({
    PutRequest: { Item: richItem("b", String(i)) },
  }));
  await same(
    (d) =>
      d.batchWriteItem({
        RequestItems: { [TableName]: requests },
        ReturnConsumedCapacity: "TOTAL",
      }),
    s,
  );
  const Keys = requests.map((r) => ({ pk: r.PutRequest.Item.pk!, sk: r.PutRequest.Item.sk! }));
  const sdkOut = await s.sdk.batchGetItem({ RequestItems: { [TableName]: { Keys } } });
  const directOut = await s.direct.batchGetItem({ RequestItems: { [TableName]: { Keys } } });
  // The order of the items within a table's response is not specified: compare as sets.
  const order = (items: Record<string, AttributeValue>[] | undefined) =>
    [...(items ?? [])].sort((a, b) => Number(a.sk!.S) - Number(b.sk!.S));
  assert.deepStrictEqual(
    order(directOut.Responses?.[TableName]),
    order(sdkOut.Responses?.[TableName]),
  );
  assert.deepStrictEqual(directOut.UnprocessedKeys, sdkOut.UnprocessedKeys);
  assert.deepStrictEqual(
    sansRequestId({ ...directOut, Responses: {} }),
    sansRequestId({ ...sdkOut, Responses: {} }),
  );
  await same(
    (d) =>
      d.batchWriteItem({
        RequestItems: { [TableName]: Keys.map((Key) => ({ DeleteRequest: { Key } })) },
      }),
    s,
  );
});

test(
  "TransactWriteItems and TransactGetItems: same outputs",
  { skip: needsTransactions },
  async () => {
    const s = await pair();
    const TableName = await createTestTable(s.client);
    await same(
      (d) =>
        d.transactWriteItems({
          TransactItems: [
            { Put: { TableName, Item: richItem("t", "1") } },
            { Put: { TableName, Item: richItem("t", "2") } },
          ],
          ReturnConsumedCapacity: "TOTAL",
        }),
      s,
    );
    await same(
      (d) =>
        d.transactGetItems({
          TransactItems: [
            { Get: { TableName, Key: { pk: { S: "t" }, sk: { S: "1" } } } },
            { Get: { TableName, Key: { pk: { S: "t" }, sk: { S: "nope" } } } },
            { Get: { TableName, Key: { pk: { S: "t" }, sk: { S: "2" } } } },
          ],
        }),
      s,
    );
  },
);

test(
  "PartiQL: ExecuteStatement, BatchExecuteStatement, ExecuteTransaction",
  { skip: needsTransactions },
  async () => {
    const s = await pair();
    const TableName = await createTestTable(s.client);
    await s.direct.putItem({ TableName, Item: richItem("x", "1") });
    await same(
      (d) =>
        d.executeStatement({
          Statement: `SELECT * FROM "${TableName}" WHERE pk = ?`,
          Parameters: [{ S: "x" }],
        }),
      s,
    );
    await same(
      (d) =>
        d.batchExecuteStatement({
          Statements: [
            {
              Statement: `SELECT * FROM "${TableName}" WHERE pk = ? AND sk = ?`,
              Parameters: [{ S: "x" }, { S: "1" }],
            },
            {
              Statement: `SELECT * FROM "${TableName}" WHERE pk = ? AND sk = ?`,
              Parameters: [{ S: "x" }, { S: "9" }],
            },
          ],
        }),
      s,
    );
    await same(
      (d) =>
        d.executeTransaction({
          TransactStatements: [
            {
              Statement: `UPDATE "${TableName}" SET b2 = ? WHERE pk = ? AND sk = ?`,
              Parameters: [{ B: bytes(3, 3) }, { S: "x" }, { S: "1" }],
            },
          ],
        }),
      s,
    );
    const back = await s.direct.getItem({ TableName, Key: { pk: { S: "x" }, sk: { S: "1" } } });
    assert.deepStrictEqual(back.Item?.b2, { B: bytes(3, 3) });
  },
);

test("errors: the SDK's own classes with the same fields", async () => {
  const s = await pair();
  const TableName = await createTestTable(s.client);
  await s.direct.putItem({ TableName, Item: richItem("e", "1") });
  const conditional = await sameError(
    (d) =>
      d.putItem({
        TableName,
        Item: { pk: { S: "e" }, sk: { S: "1" } },
        ConditionExpression: "attribute_not_exists(pk)",
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      }),
    s,
  );
  assert.ok(conditional instanceof ConditionalCheckFailedException);
  assert.equal(conditional.$fault, "client");
  assert.equal(conditional.$metadata.httpStatusCode, 400);
  assert.equal(conditional.$metadata.attempts, 1);
  if (engine === "dynamodb-local") assert.deepStrictEqual(conditional.Item, richItem("e", "1"));
  const missing = await sameError(
    (d) => d.getItem({ TableName: "no_such_table", Key: { pk: { S: "a" } } }),
    s,
  );
  assert.ok(missing instanceof ResourceNotFoundException);
  const invalid = await sameError((d) => d.getItem({ TableName, Key: { nope: { S: "a" } } }), s);
  // ValidationException is not modelled by the SDK: a DynamoDBServiceException named so.
  assert.ok(invalid instanceof DynamoDBServiceException);
  assert.equal(invalid.name, "ValidationException");
  await sameError((d) => d.query({ TableName, KeyConditionExpression: "pk = :missing" }), s);
});

test(
  "TransactionCanceledException with CancellationReasons and their items",
  { skip: needsTransactions },
  async () => {
    const s = await pair();
    const TableName = await createTestTable(s.client);
    await s.direct.putItem({ TableName, Item: richItem("c", "1") });
    const cancelled = await sameError(
      (d) =>
        d.transactWriteItems({
          TransactItems: [
            { Put: { TableName, Item: richItem("c", "2") } },
            {
              ConditionCheck: {
                TableName,
                Key: { pk: { S: "c" }, sk: { S: "1" } },
                ConditionExpression: "attribute_not_exists(pk)",
                ReturnValuesOnConditionCheckFailure: "ALL_OLD",
              },
            },
          ],
        }),
      s,
    );
    assert.ok(cancelled instanceof TransactionCanceledException);
    assert.equal(cancelled.CancellationReasons?.length, 2);
    assert.equal(cancelled.CancellationReasons?.[1]?.Code, "ConditionalCheckFailed");
    assert.deepStrictEqual(cancelled.CancellationReasons?.[1]?.Item, richItem("c", "1"));
  },
);

test("null and undefined in input lists, loose AttributeValues: what the SDK path does", async () => {
  const s = await pair();
  const TableName = await createTestTable(s.client);
  const put = (sk: string) => ({ PutRequest: { Item: { pk: { S: "h" }, sk: { S: sk } } } });
  const holes = [null, undefined] as unknown as ReturnType<typeof put>[];
  await same(
    (d) => d.batchWriteItem({ RequestItems: { [TableName]: [put("1"), ...holes, put("2")] } }),
    s,
  );
  const Key = { pk: { S: "h" }, sk: { S: "1" } };
  await same(
    (d) =>
      d.batchGetItem({
        RequestItems: { [TableName]: { Keys: [Key, ...(holes as never[])], ConsistentRead: true } },
      }),
    s,
  );
  await same(
    (d) =>
      d.scan({ TableName, AttributesToGet: ["pk", ...(holes as never[])], ConsistentRead: true }),
    s,
  );
  if (!needsTransactions) {
    await same(
      (d) =>
        d.transactWriteItems({
          TransactItems: [
            { Put: { TableName, Item: { ...Key, x: { S: "t" } } } },
            ...(holes as never[]),
          ],
        }),
      s,
    );
    await same(
      (d) =>
        d.transactGetItems({ TransactItems: [{ Get: { TableName, Key } }, ...(holes as never[])] }),
      s,
    );
    await same(
      (d) =>
        d.batchExecuteStatement({
          Statements: [
            { Statement: `SELECT * FROM "${TableName}" WHERE pk = 'h'` },
            ...(holes as never[]),
          ],
        }),
      s,
    );
  }
  // a number, a bigint, an ArrayBuffer, a DataView as a key: the same ValidationException (the
  // SDK writes each as "", which a key cannot be)
  for (const loose of [
    { N: 5 },
    { N: 5n },
    { B: new ArrayBuffer(2) },
    { B: new DataView(new ArrayBuffer(2)) },
  ]) {
    const error = await sameError(
      (d) =>
        d.putItem({ TableName, Item: { pk: { S: "h" }, sk: loose as unknown as AttributeValue } }),
      s,
    );
    assert.equal(error.name, "ValidationException");
    assert.equal(error.$metadata.attempts, 1);
  }
});
