/**
 * CreateTableBuilder and UpdateTableBuilder: the inputs they build, and what DynamoDB makes
 * of them (DescribeTable after CreateTable and UpdateTable).
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  UpdateTableCommand,
  waitUntilTableExists,
  type DynamoDBClient,
  type TableDescription,
} from "@aws-sdk/client-dynamodb";
import { CreateTableBuilder, UpdateTableBuilder } from "../../src/index.js";
import { engine, testClient, uniqueTableName } from "../support/db.js";

let client: DynamoDBClient;

before(async () => {
  client = await testClient();
});

async function describeTable(name: string): Promise<TableDescription> {
  return (await client.send(new DescribeTableCommand({ TableName: name }))).Table!;
}

/** Waits until the table and its indexes are ACTIVE (instant on DynamoDB Local). */
async function waitActive(name: string): Promise<TableDescription> {
  for (;;) {
    const table = await describeTable(name);
    const indexes = table.GlobalSecondaryIndexes ?? [];
    if (table.TableStatus === "ACTIVE" && indexes.every((i) => i.IndexStatus === "ACTIVE"))
      return table;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const byName = <T extends { AttributeName?: string }>(list: T[] | undefined) =>
  [...(list ?? [])].sort((a, b) => String(a.AttributeName).localeCompare(String(b.AttributeName)));

describe("CreateTableBuilder", () => {
  test("the input: key schema, derived attribute definitions, indexes, billing, stream, SSE, tags", () => {
    const input = new CreateTableBuilder()
      .table("orders")
      .partitionKey("pk", "S")
      .sortKey("sk", "N")
      .gsi("byStatus", {
        partitionKey: ["status", "S"],
        sortKey: ["sk", "N"],
        projection: ["total", "note"],
      })
      .gsi("byUser", {
        partitionKey: ["user", "B"],
        projection: "KEYS_ONLY",
        throughput: { read: 2, write: 3 },
      })
      .lsi("byTotal", { sortKey: ["total", "N"] })
      .billing({ read: 5, write: 6 })
      .stream("NEW_AND_OLD_IMAGES")
      .sse({ kmsKeyId: "alias/mine" })
      .tableClass("STANDARD_INFREQUENT_ACCESS")
      .deletionProtection()
      .tags({ team: "shop" })
      .tags({ env: "test", team: "store" })
      .build();
    assert.deepEqual(input, {
      TableName: "orders",
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "N" },
        { AttributeName: "status", AttributeType: "S" },
        { AttributeName: "user", AttributeType: "B" },
        { AttributeName: "total", AttributeType: "N" },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: "byStatus",
          KeySchema: [
            { AttributeName: "status", KeyType: "HASH" },
            { AttributeName: "sk", KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["total", "note"] },
          ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 6 },
        },
        {
          IndexName: "byUser",
          KeySchema: [{ AttributeName: "user", KeyType: "HASH" }],
          Projection: { ProjectionType: "KEYS_ONLY" },
          ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 3 },
        },
      ],
      LocalSecondaryIndexes: [
        {
          IndexName: "byTotal",
          KeySchema: [
            { AttributeName: "pk", KeyType: "HASH" },
            { AttributeName: "total", KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: "ALL" },
        },
      ],
      BillingMode: "PROVISIONED",
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 6 },
      StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
      SSESpecification: { Enabled: true, SSEType: "KMS", KMSMasterKeyId: "alias/mine" },
      TableClass: "STANDARD_INFREQUENT_ACCESS",
      DeletionProtectionEnabled: true,
      Tags: [
        { Key: "team", Value: "store" },
        { Key: "env", Value: "test" },
      ],
    });
  });

  test("on-demand by default; an existing input is extended without being changed", () => {
    assert.equal(
      new CreateTableBuilder().table("t").partitionKey("id", "S").build().BillingMode,
      "PAY_PER_REQUEST",
    );
    const existing = {
      TableName: "t",
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" as const }],
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" as const }],
      BillingMode: "PROVISIONED" as const,
      ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
    };
    const snapshot = structuredClone(existing);
    const built = new CreateTableBuilder(existing)
      .sortKey("at", "N")
      .gsi("byAt", { partitionKey: ["at", "N"] })
      .build();
    assert.deepEqual(existing, snapshot);
    assert.deepEqual(built.KeySchema, [
      { AttributeName: "id", KeyType: "HASH" },
      { AttributeName: "at", KeyType: "RANGE" },
    ]);
    assert.deepEqual(built.GlobalSecondaryIndexes![0].ProvisionedThroughput, {
      ReadCapacityUnits: 1,
      WriteCapacityUnits: 1,
    });
    assert.deepEqual(byName(built.AttributeDefinitions), [
      { AttributeName: "at", AttributeType: "N" },
      { AttributeName: "id", AttributeType: "S" },
    ]);
  });

  test("DynamoDB creates the table as built", async () => {
    const name = uniqueTableName("created");
    const input = new CreateTableBuilder()
      .table(name)
      .partitionKey("pk", "S")
      .sortKey("sk", "N")
      .gsi("byStatus", {
        partitionKey: ["status", "S"],
        sortKey: ["sk", "N"],
        projection: ["total"],
      })
      .gsi("byUser", {
        partitionKey: ["user", "B"],
        projection: "KEYS_ONLY",
        throughput: { read: 2, write: 3 },
      })
      .lsi("byTotal", { sortKey: ["total", "N"], projection: "KEYS_ONLY" })
      .billing({ read: 5, write: 6 })
      .stream("NEW_IMAGE")
      .tags({ team: "shop" })
      .build();
    await client.send(new CreateTableCommand(input));
    await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: name });
    const table = await waitActive(name);
    assert.deepEqual(table.KeySchema, input.KeySchema);
    assert.deepEqual(byName(table.AttributeDefinitions), byName(input.AttributeDefinitions));
    assert.equal(table.ProvisionedThroughput?.ReadCapacityUnits, 5);
    assert.equal(table.ProvisionedThroughput?.WriteCapacityUnits, 6);
    const gsis = Object.fromEntries(
      (table.GlobalSecondaryIndexes ?? []).map((g) => [g.IndexName, g]),
    );
    assert.deepEqual(gsis.byStatus.Projection, {
      ProjectionType: "INCLUDE",
      NonKeyAttributes: ["total"],
    });
    assert.deepEqual(gsis.byStatus.KeySchema, input.GlobalSecondaryIndexes![0].KeySchema);
    assert.equal(gsis.byUser.ProvisionedThroughput?.ReadCapacityUnits, 2);
    assert.deepEqual(table.LocalSecondaryIndexes?.[0].Projection, { ProjectionType: "KEYS_ONLY" });
    if (engine === "dynamodb-local") {
      assert.deepEqual(table.StreamSpecification, {
        StreamEnabled: true,
        StreamViewType: "NEW_IMAGE",
      });
    }
  });
});

describe("UpdateTableBuilder", () => {
  let name: string;

  before(async () => {
    name = uniqueTableName("updated");
    const input = new CreateTableBuilder()
      .table(name)
      .partitionKey("id", "S")
      .billing({ read: 1, write: 1 })
      .build();
    await client.send(new CreateTableCommand(input));
    await waitActive(name);
  });

  test("creates a GSI (attribute definitions and capacity filled in), then changes its capacity, then deletes it", async () => {
    const create = new UpdateTableBuilder()
      .table(name)
      .billing({ read: 2, write: 2 })
      .createGsi("byEmail", {
        partitionKey: ["email", "S"],
        sortKey: ["age", "N"],
        projection: "KEYS_ONLY",
      })
      .build();
    assert.deepEqual(byName(create.AttributeDefinitions), [
      { AttributeName: "age", AttributeType: "N" },
      { AttributeName: "email", AttributeType: "S" },
    ]);
    assert.deepEqual(create.GlobalSecondaryIndexUpdates![0].Create!.ProvisionedThroughput, {
      ReadCapacityUnits: 2,
      WriteCapacityUnits: 2,
    });
    await client.send(new UpdateTableCommand(create));
    let table = await waitActive(name);
    assert.equal(table.ProvisionedThroughput?.ReadCapacityUnits, 2);
    if (engine === "dynalite") return; // dynalite ignores GSI changes in UpdateTable
    assert.deepEqual(
      table.GlobalSecondaryIndexes?.map((g) => g.IndexName),
      ["byEmail"],
    );

    await client.send(
      new UpdateTableCommand(
        new UpdateTableBuilder().table(name).updateGsi("byEmail", { read: 3, write: 4 }).build(),
      ),
    );
    table = await waitActive(name);
    assert.equal(table.GlobalSecondaryIndexes?.[0].ProvisionedThroughput?.WriteCapacityUnits, 4);

    await client.send(
      new UpdateTableCommand(new UpdateTableBuilder().table(name).deleteGsi("byEmail").build()),
    );
    table = await waitActive(name);
    assert.equal(table.GlobalSecondaryIndexes?.length ?? 0, 0);
  });

  test("switches billing to on-demand, turns on a stream and deletion protection", async () => {
    const input = new UpdateTableBuilder().table(name).billing("PAY_PER_REQUEST").build();
    assert.deepEqual(input, { TableName: name, BillingMode: "PAY_PER_REQUEST" });
    await client.send(new UpdateTableCommand(input));
    const table = await waitActive(name);
    assert.equal(table.BillingModeSummary?.BillingMode, "PAY_PER_REQUEST");
    if (engine !== "dynamodb-local") return;
    await client.send(
      new UpdateTableCommand(new UpdateTableBuilder().table(name).stream("KEYS_ONLY").build()),
    );
    assert.deepEqual((await waitActive(name)).StreamSpecification, {
      StreamEnabled: true,
      StreamViewType: "KEYS_ONLY",
    });
    await client.send(
      new UpdateTableCommand(new UpdateTableBuilder().table(name).deletionProtection().build()),
    );
    await assert.rejects(client.send(new DeleteTableCommand({ TableName: name })));
    await client.send(
      new UpdateTableCommand(
        new UpdateTableBuilder().table(name).deletionProtection(false).build(),
      ),
    );
    await client.send(new DeleteTableCommand({ TableName: name }));
  });
});
