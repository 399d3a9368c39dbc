/**
 * Issue 16 item 13: batchWriteItemAll caches each table's key schema per client; when the table
 * was re-created with another key since, the cache is dropped and the table described again
 * (once), and the run goes on.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { DeleteTableCommand, waitUntilTableNotExists } from "@aws-sdk/client-dynamodb";
import { Dyno } from "../../src/index.js";
import { createTestTable, uniqueTableName } from "../support/db.js";
import { recordingDyno } from "./support.js";

async function recreate(
  client: Parameters<typeof createTestTable>[0],
  TableName: string,
  keys: Parameters<typeof createTestTable>[1],
): Promise<void> {
  await client.send(new DeleteTableCommand({ TableName }));
  await waitUntilTableNotExists(
    { client, maxWaitTime: 30, minDelay: 0.05, maxDelay: 0.5 },
    { TableName },
  );
  await createTestTable(client, keys, { TableName });
}

const scan = async (dyno: Dyno, TableName: string) =>
  ((await dyno.scanAll({ TableName })).Items ?? [])
    .map((i) => `${i.pk.S}/${i.sk?.S ?? ""}/${i.v.S}`)
    .sort();

test("batchWriteItemAll: a table re-created with another key is described again, not refused from the cache", async () => {
  const { dyno, client, seen } = await recordingDyno();
  const TableName = await createTestTable(
    client,
    { partitionKey: ["id", "S"], sortKey: null },
    {
      TableName: uniqueTableName("ks"),
    },
  );
  await dyno.batchWriteItemAll({
    RequestItems: { [TableName]: [{ PutRequest: { Item: { id: { S: "a" }, v: { S: "1" } } } }] },
  });
  // Now keyed by pk and sk: the cached ["id"] does not fit these items at all.
  await recreate(client, TableName, { partitionKey: ["pk", "S"], sortKey: ["sk", "S"] });
  seen.length = 0;
  await dyno.batchWriteItemAll({
    RequestItems: {
      [TableName]: [
        { PutRequest: { Item: { pk: { S: "a" }, sk: { S: "1" }, v: { S: "x" } } } },
        { PutRequest: { Item: { pk: { S: "a" }, sk: { S: "2" }, v: { S: "y" } } } },
      ],
    },
  });
  assert.equal(
    seen.filter((r) => r.operation === "DescribeTable").length,
    1,
    "described again, once",
  );
  assert.deepEqual(await scan(dyno, TableName), ["a/1/x", "a/2/y"]);

  // Now keyed by pk alone: under the cached [pk, sk] these look distinct, DynamoDB says duplicates.
  await recreate(client, TableName, { partitionKey: ["pk", "S"], sortKey: null });
  seen.length = 0;
  await dyno.batchWriteItemAll({
    RequestItems: {
      [TableName]: [
        { PutRequest: { Item: { pk: { S: "a" }, sk: { S: "1" }, v: { S: "first" } } } },
        { PutRequest: { Item: { pk: { S: "a" }, sk: { S: "2" }, v: { S: "second" } } } },
      ],
    },
  });
  assert.equal(
    seen.filter((r) => r.operation === "DescribeTable").length,
    1,
    "described again, once",
  );
  assert.deepEqual(await scan(dyno, TableName), ["a/2/second"], "the later write wins");

  // A key that is wrong for the real schema is still refused, after one description.
  seen.length = 0;
  await assert.rejects(
    dyno
      .batchWriteItemAll({
        RequestItems: { [TableName]: [{ PutRequest: { Item: { id: { S: "a" } } } }] },
      })
      .await(),
    /RequestItems\..*\[0\]\.pk: key attribute "pk" is missing/,
  );
  assert.equal(seen.filter((r) => r.operation === "DescribeTable").length, 1);
});
