import { test } from "node:test";
import assert from "node:assert/strict";
import { Dyno } from "../src/index.js";
import { localClientConfig } from "../src/local/index.js";
import {
  needsTransactions,
  testDyno,
  testEndpoint,
  uniqueTableName,
  waitForTable,
} from "./support/db.js";

test("a round of table and item operations through the session", async () => {
  const dyno = await testDyno();
  const TableName = uniqueTableName("round");
  await dyno.createTable({
    TableName,
    KeySchema: [
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ],
    AttributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" },
      { AttributeName: "sk", AttributeType: "N" },
    ],
    BillingMode: "PAY_PER_REQUEST",
  });
  await waitForTable(dyno.client, TableName); // CREATING first on dynalite (as on DynamoDB)
  const described = await dyno.describeTable({ TableName });
  assert.equal(described.Table?.TableStatus, "ACTIVE");
  assert.ok((await dyno.listTables({})).TableNames?.includes(TableName));

  for (let i = 1; i <= 3; i++) {
    await dyno.putItem({
      TableName,
      Item: { pk: { S: "user" }, sk: { N: String(i) }, n: { N: "0" } },
    });
  }
  const got = await dyno.getItem({
    TableName,
    Key: { pk: { S: "user" }, sk: { N: "2" } },
    ConsistentRead: true,
  });
  assert.deepEqual(got.Item, { pk: { S: "user" }, sk: { N: "2" }, n: { N: "0" } });

  const updated = await dyno.updateItem({
    TableName,
    Key: { pk: { S: "user" }, sk: { N: "2" } },
    UpdateExpression: "ADD #n :one",
    ExpressionAttributeNames: { "#n": "n" },
    ExpressionAttributeValues: { ":one": { N: "1" } },
    ReturnValues: "ALL_NEW",
  });
  assert.equal(updated.Attributes?.n.N, "1");

  await dyno.deleteItem({ TableName, Key: { pk: { S: "user" }, sk: { N: "1" } } });
  const queried = await dyno.query({
    TableName,
    KeyConditionExpression: "pk = :pk AND sk > :zero",
    ExpressionAttributeValues: { ":pk": { S: "user" }, ":zero": { N: "0" } },
  });
  assert.deepEqual(
    queried.Items?.map((item) => item.sk.N),
    ["2", "3"],
  );
  const scanned = await dyno.scan({ TableName });
  assert.equal(scanned.Count, 2);

  await dyno.deleteTable({ TableName });
  assert.ok(!(await dyno.listTables({})).TableNames?.includes(TableName));
});

test("transactions and PartiQL through the session", { skip: needsTransactions }, async () => {
  const dyno = await testDyno();
  const TableName = uniqueTableName("tx");
  await dyno.createTable({
    TableName,
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
    AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
    BillingMode: "PAY_PER_REQUEST",
  });
  await waitForTable(dyno.client, TableName);
  await dyno.transactWriteItems({
    TransactItems: [
      { Put: { TableName, Item: { pk: { S: "a" }, v: { N: "1" } } } },
      { Put: { TableName, Item: { pk: { S: "b" }, v: { N: "2" } } } },
    ],
  });
  const read = await dyno.transactGetItems({
    TransactItems: [
      { Get: { TableName, Key: { pk: { S: "a" } } } },
      { Get: { TableName, Key: { pk: { S: "b" } } } },
    ],
  });
  assert.deepEqual(
    read.Responses?.map((r) => r.Item?.v.N),
    ["1", "2"],
  );

  const failed = await dyno
    .transactWriteItems({
      TransactItems: [
        { Put: { TableName, Item: { pk: { S: "c" } } } },
        {
          ConditionCheck: {
            TableName,
            Key: { pk: { S: "a" } },
            ConditionExpression: "attribute_not_exists(pk)",
          },
        },
      ],
    })
    .then(
      () => undefined,
      (e: Error & { CancellationReasons?: { Code?: string }[] }) => e,
    );
  assert.equal(failed?.name, "TransactionCanceledException");
  assert.deepEqual(
    failed?.CancellationReasons?.map((r) => r.Code),
    ["None", "ConditionalCheckFailed"],
  );

  await dyno.executeStatement({
    Statement: `INSERT INTO "${TableName}" VALUE {'pk': 'p', 'v': 7}`,
  });
  const selected = await dyno.executeStatement({
    Statement: `SELECT * FROM "${TableName}" WHERE pk = ?`,
    Parameters: [{ S: "p" }],
  });
  assert.equal(selected.Items?.[0].v.N, "7");
  const batch = await dyno.batchExecuteStatement({
    Statements: [
      { Statement: `SELECT * FROM "${TableName}" WHERE pk = ?`, Parameters: [{ S: "a" }] },
      { Statement: `SELECT * FROM "${TableName}" WHERE pk = ?`, Parameters: [{ S: "b" }] },
    ],
  });
  assert.deepEqual(
    batch.Responses?.map((r) => r.Item?.v.N),
    ["1", "2"],
  );
  await dyno.executeTransaction({
    TransactStatements: [{ Statement: `UPDATE "${TableName}" SET v = 8 WHERE pk = 'p'` }],
  });
  const after = await dyno.getItem({ TableName, Key: { pk: { S: "p" } } });
  assert.equal(after.Item?.v.N, "8");
});

test("a session built from a client config owns a working client", async () => {
  const dyno = new Dyno({ clientConfig: localClientConfig(await testEndpoint()) });
  assert.ok(Array.isArray((await dyno.listTables({})).TableNames));
  dyno.client.destroy();
});
