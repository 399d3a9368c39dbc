/** Unit tests: every validation error of `.build()` (and of builder calls), with the field it names. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  BatchGetItemBuilder,
  BatchWriteItemBuilder,
  CreateTableBuilder,
  DeleteItemBuilder,
  DynoValidationError,
  GetItemBuilder,
  PutItemBuilder,
  QueryBuilder,
  ScanBuilder,
  TransactGetItemsBuilder,
  TransactWriteItemsBuilder,
  UpdateItemBuilder,
  UpdateTableBuilder,
  cond,
  key,
  update,
} from "../../src/index.js";

/** Asserts that `fn` throws a DynoValidationError naming `field` (and matching `message`, if given). */
function invalid(fn: () => unknown, field: string, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DynoValidationError, `expected DynoValidationError, got ${String(e)}`);
    assert.equal(e.field, field, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("single-item builders", () => {
  test("missing TableName", () => {
    invalid(() => new GetItemBuilder().key({ id: 1 }).build(), "TableName");
    invalid(() => new PutItemBuilder().item({ id: 1 }).build(), "TableName");
    invalid(() => new UpdateItemBuilder().key({ id: 1 }).set("a", 1).build(), "TableName");
    invalid(() => new DeleteItemBuilder().key({ id: 1 }).build(), "TableName");
    invalid(() => new QueryBuilder().keyCondition(key.eq("id", 1)).build(), "TableName");
    invalid(() => new ScanBuilder().build(), "TableName");
    invalid(() => new ScanBuilder().table("").build(), "TableName");
  });

  test("missing Key", () => {
    invalid(() => new GetItemBuilder().table("t").build(), "Key");
    invalid(() => new UpdateItemBuilder().table("t").set("a", 1).build(), "Key");
    invalid(() => new DeleteItemBuilder().table("t").build(), "Key");
    invalid(() => new GetItemBuilder({ TableName: "t", Key: {} }).build(), "Key");
  });

  test("an empty or non-object key or item is rejected when given", () => {
    invalid(() => new GetItemBuilder().key({}), "Key");
    invalid(() => new PutItemBuilder().item({}), "Item");
    invalid(() => new PutItemBuilder().item({ a: undefined }), "Item");
    invalid(() => new DeleteItemBuilder().key(null as unknown as Record<string, unknown>), "Key");
    invalid(() => new ScanBuilder().startKey({}), "ExclusiveStartKey");
  });

  test("missing Item", () => {
    invalid(() => new PutItemBuilder().table("t").build(), "Item");
  });

  test("an update with no actions", () => {
    invalid(
      () => new UpdateItemBuilder().table("t").key({ id: 1 }).build(),
      "UpdateExpression",
      /at least one action/,
    );
    invalid(
      () => new UpdateItemBuilder().table("t").key({ id: 1 }).update().build(),
      "UpdateExpression",
    );
    invalid(
      () => new UpdateItemBuilder().table("t").key({ id: 1 }).remove().build(),
      "UpdateExpression",
    );
  });

  test("two update actions on the same or overlapping paths", () => {
    const same = new UpdateItemBuilder().table("t").key({ id: 1 }).set("a", 1).remove("a");
    invalid(() => same.build(), "UpdateExpression", /a/);
    const overlap = new UpdateItemBuilder().table("t").key({ id: 1 }).set("a.b", 1).add("a", 1);
    invalid(() => overlap.build(), "UpdateExpression", /overlap/);
    const tx = () =>
      new TransactWriteItemsBuilder().update("t", { id: 1 }, [
        update.set("a", 1),
        update.remove("a"),
      ]);
    invalid(tx, "UpdateExpression");
  });

  test("overlapping projection paths", () => {
    invalid(
      () => new GetItemBuilder().table("t").key({ id: 1 }).project("a").project("a.b").build(),
      "ProjectionExpression",
      /overlap/,
    );
  });

  test("something that is not an update action", () => {
    invalid(() => new UpdateItemBuilder().update(cond.eq("a", 1) as never), "UpdateExpression");
  });

  test("something that is not a condition", () => {
    invalid(
      () => new PutItemBuilder().condition({ render: () => "x" } as never),
      "ConditionExpression",
    );
    invalid(() => new ScanBuilder().filter(key.eq("a", 1) as never), "FilterExpression");
    invalid(() => new QueryBuilder().keyCondition({} as never), "KeyConditionExpression");
    // A cond.* tree is accepted only when DynamoDB allows it in a key condition.
    const or = cond.or(cond.eq("a", 1), cond.eq("b", 2));
    invalid(() => new QueryBuilder().keyCondition(or), "KeyConditionExpression", /OR/);
    const ok = new QueryBuilder().table("t").keyCondition(cond.eq("a", 1)).build();
    assert.ok(ok.KeyConditionExpression);
  });

  test("ReturnValues the operation does not accept", () => {
    const put = new PutItemBuilder({
      TableName: "t",
      Item: { id: { S: "a" } },
      ReturnValues: "ALL_NEW",
    });
    invalid(() => put.build(), "ReturnValues", /NONE, ALL_OLD/);
    const del = new DeleteItemBuilder({
      TableName: "t",
      Key: { id: { S: "a" } },
      ReturnValues: "UPDATED_NEW",
    });
    invalid(() => del.build(), "ReturnValues");
  });
});

describe("legacy parameters", () => {
  test("combined with the expression that replaces them", () => {
    const legacyKey = {
      TableName: "t",
      KeyConditions: { pk: { ComparisonOperator: "EQ" as const } },
    };
    invalid(
      () => new QueryBuilder(legacyKey).keyCondition(key.eq("pk", 1)).build(),
      "KeyConditions",
    );
    const legacyFilter = { TableName: "t", ScanFilter: {} };
    invalid(() => new ScanBuilder(legacyFilter).filter(cond.eq("a", 1)).build(), "ScanFilter");
    const expected = { TableName: "t", Item: { id: { S: "1" } }, Expected: {} };
    invalid(() => new PutItemBuilder(expected).condition(cond.exists("id")).build(), "Expected");
    const legacyUpdate = { TableName: "t", Key: { id: { S: "1" } }, AttributeUpdates: {} };
    invalid(() => new UpdateItemBuilder(legacyUpdate).set("a", 1).build(), "AttributeUpdates");
    const legacyGet = { TableName: "t", Key: { id: { S: "1" } }, AttributesToGet: ["a"] };
    invalid(() => new GetItemBuilder(legacyGet).project("b").build(), "AttributesToGet");
    // Alone, legacy parameters pass through to DynamoDB.
    assert.ok(new UpdateItemBuilder(legacyUpdate).build());
  });
});

describe("Query", () => {
  test("without a key condition", () => {
    invalid(() => new QueryBuilder().table("t").build(), "KeyConditionExpression", /key condition/);
  });

  test("a key condition without a partition key equality", () => {
    invalid(
      () => new QueryBuilder().table("t").keyCondition(key.beginsWith("sk", "a")).build(),
      "KeyConditionExpression",
    );
  });

  test("a sort key condition may extend an existing partition key condition", () => {
    const existing = {
      TableName: "t",
      KeyConditionExpression: "#pk = :pk",
      ExpressionAttributeNames: { "#pk": "pk" },
      ExpressionAttributeValues: { ":pk": { S: "a" } },
    };
    const built = new QueryBuilder(existing).keyCondition(key.beginsWith("sk", "x")).build();
    assert.match(built.KeyConditionExpression!, /^#pk = :pk AND /);
  });

  test("the same key attribute twice, or more than two", () => {
    const twice = new QueryBuilder()
      .table("t")
      .keyCondition(key.eq("pk", 1))
      .keyCondition(key.eq("pk", 2));
    invalid(() => twice.build(), "KeyConditionExpression", /partition key/);
    const three = new QueryBuilder()
      .table("t")
      .keyCondition(key.and(key.eq("pk", 1), key.gt("sk", 1)))
      .keyCondition(key.lt("other", 3));
    invalid(() => three.build(), "KeyConditionExpression");
  });

  test("Select that contradicts the projection or lacks an index", () => {
    const q = () => new QueryBuilder().table("t").keyCondition(key.eq("pk", 1));
    invalid(() => q().select("SPECIFIC_ATTRIBUTES").build(), "Select", /projection/);
    invalid(() => q().select("COUNT").project("a").build(), "Select", /COUNT/);
    invalid(() => q().select("ALL_ATTRIBUTES").project("a").build(), "Select");
    invalid(() => q().select("ALL_PROJECTED_ATTRIBUTES").build(), "Select", /index/);
    assert.equal(
      q().select("ALL_PROJECTED_ATTRIBUTES").index("i").build().Select,
      "ALL_PROJECTED_ATTRIBUTES",
    );
    assert.equal(
      q().select("SPECIFIC_ATTRIBUTES").project("a").build().Select,
      "SPECIFIC_ATTRIBUTES",
    );
  });
});

describe("limit and segment", () => {
  test("limit must be a positive integer", () => {
    for (const n of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      invalid(() => new ScanBuilder().table("t").limit(n).build(), "Limit");
      invalid(
        () => new QueryBuilder().table("t").keyCondition(key.eq("pk", 1)).limit(n).build(),
        "Limit",
      );
    }
    assert.equal(new ScanBuilder().table("t").limit(1).build().Limit, 1);
  });

  test("segment(i, total) must have 1 <= total <= 1,000,000 and 0 <= i < total", () => {
    const scan = (i: number, total: number) => () =>
      new ScanBuilder().table("t").segment(i, total).build();
    invalid(scan(0, 0), "TotalSegments");
    invalid(scan(0, 1_000_001), "TotalSegments");
    invalid(scan(0, 1.5), "TotalSegments");
    invalid(scan(-1, 4), "Segment");
    invalid(scan(4, 4), "Segment", /0\.\.3/);
    invalid(scan(0.5, 4), "Segment");
    assert.deepEqual(
      (({ Segment, TotalSegments }) => ({ Segment, TotalSegments }))(scan(999_999, 1_000_000)()),
      { Segment: 999_999, TotalSegments: 1_000_000 },
    );
  });

  test("Segment without TotalSegments in an existing input", () => {
    invalid(() => new ScanBuilder({ TableName: "t", Segment: 1 }).build(), "Segment");
  });
});

describe("BatchGetItem", () => {
  test("no keys at all", () => {
    invalid(() => new BatchGetItemBuilder().build(), "RequestItems");
    invalid(() => new BatchGetItemBuilder().get("t", []).build(), "RequestItems.t.Keys");
  });

  test("more than 100 keys across tables", () => {
    const b = new BatchGetItemBuilder()
      .get(
        "a",
        range(60).map((i) => ({ id: i })),
      )
      .get(
        "b",
        range(41).map((i) => ({ id: i })),
      );
    invalid(() => b.build(), "RequestItems", /at most 100 keys.*101/);
    const ok = new BatchGetItemBuilder()
      .get(
        "a",
        range(60).map((i) => ({ id: i })),
      )
      .get(
        "b",
        range(40).map((i) => ({ id: i })),
      );
    assert.equal(Object.keys(ok.build().RequestItems!).length, 2);
  });

  test("the same key twice in a table (also when numbers are written differently)", () => {
    invalid(
      () => new BatchGetItemBuilder().get("t", [{ id: 1 }, { id: 1 }]).build(),
      "RequestItems.t.Keys",
      /twice/,
    );
    const spelled = new BatchGetItemBuilder().get("t", { id: 1 }).get("t", { id: { N: "1.0" } });
    invalid(() => spelled.build(), "RequestItems.t.Keys");
    // The same key in two tables is fine.
    assert.ok(new BatchGetItemBuilder().get("a", { id: 1 }).get("b", { id: 1 }).build());
  });

  test("an empty table name", () => {
    invalid(() => new BatchGetItemBuilder().get("", { id: 1 }), "RequestItems");
  });
});

describe("BatchWriteItem", () => {
  test("no requests", () => {
    invalid(() => new BatchWriteItemBuilder().build(), "RequestItems");
    invalid(() => new BatchWriteItemBuilder().put("t", []).build(), "RequestItems.t");
  });

  test("more than 25 requests", () => {
    const b = new BatchWriteItemBuilder()
      .put(
        "a",
        range(20).map((i) => ({ id: i })),
      )
      .delete(
        "b",
        range(6).map((i) => ({ id: i })),
      );
    invalid(() => b.build(), "RequestItems", /at most 25.*26/);
  });

  test("the same key twice in one table", () => {
    invalid(
      () => new BatchWriteItemBuilder().delete("t", [{ id: 1 }, { id: 1 }]).build(),
      "RequestItems.t",
      /twice/,
    );
    // Key names learned from a delete: a put of the same key is caught.
    const putAndDelete = new BatchWriteItemBuilder()
      .put("t", { id: 1, v: "x" })
      .delete("t", { id: 1 });
    invalid(() => putAndDelete.build(), "RequestItems.t");
    // Identical items are caught without knowing the key.
    invalid(
      () =>
        new BatchWriteItemBuilder()
          .put("t", [
            { id: 1, v: 1 },
            { id: 1, v: 1 },
          ])
          .build(),
      "RequestItems.t",
    );
    // Declared key schema: two puts of the same key with different attributes.
    const declared = new BatchWriteItemBuilder().keySchema("t", "id").put("t", [
      { id: 1, v: 1 },
      { id: 1, v: 2 },
    ]);
    invalid(() => declared.build(), "RequestItems.t");
    // Unknown key: different items may be different keys, left to DynamoDB.
    assert.ok(
      new BatchWriteItemBuilder()
        .put("t", [
          { id: 1, v: 1 },
          { id: 1, v: 2 },
        ])
        .build(),
    );
  });
});

describe("transactions", () => {
  test("no actions", () => {
    invalid(() => new TransactWriteItemsBuilder().build(), "TransactItems");
    invalid(() => new TransactGetItemsBuilder().build(), "TransactItems");
  });

  test("more than 100 actions", () => {
    const w = new TransactWriteItemsBuilder();
    for (const i of range(101)) w.delete("t", { id: i });
    invalid(() => w.build(), "TransactItems", /at most 100 actions.*101/);
    const g = new TransactGetItemsBuilder();
    for (const i of range(101)) g.get("t", { id: i });
    invalid(() => g.build(), "TransactItems");
  });

  test("the same item twice in one transaction", () => {
    const w = new TransactWriteItemsBuilder()
      .update("t", { id: 1 }, update.set("a", 1))
      .delete("t", { id: 1 });
    invalid(() => w.build(), "TransactItems", /twice/);
    const put = new TransactWriteItemsBuilder()
      .put("t", { id: 1, a: 2 })
      .conditionCheck("t", { id: 1 }, cond.exists("a"));
    invalid(() => put.build(), "TransactItems");
    const g = new TransactGetItemsBuilder().get("t", { id: "x" }).get("t", { id: "x" });
    invalid(() => g.build(), "TransactItems");
    assert.ok(
      new TransactWriteItemsBuilder().delete("a", { id: 1 }).delete("b", { id: 1 }).build(),
    );
  });

  test("missing table or key in an action", () => {
    invalid(
      () => new TransactWriteItemsBuilder().delete("", { id: 1 }).build(),
      "TransactItems[0].Delete.TableName",
    );
    const existing = {
      TransactItems: [{ Update: { TableName: "t", Key: {}, UpdateExpression: "SET a = :a" } }],
    };
    invalid(() => new TransactWriteItemsBuilder(existing).build(), "TransactItems[0].Update.Key");
    const noUpdate = { TransactItems: [{ Update: { TableName: "t", Key: { id: { S: "1" } } } }] };
    invalid(
      () => new TransactWriteItemsBuilder(noUpdate as never).build(),
      "TransactItems[0].Update.UpdateExpression",
    );
    const noCheck = {
      TransactItems: [{ ConditionCheck: { TableName: "t", Key: { id: { S: "1" } } } }],
    };
    invalid(
      () => new TransactWriteItemsBuilder(noCheck as never).build(),
      "TransactItems[0].ConditionCheck.ConditionExpression",
    );
  });

  test("an update with no actions, or a bad condition", () => {
    invalid(
      () => new TransactWriteItemsBuilder().update("t", { id: 1 }, []),
      "Update.UpdateExpression",
    );
    invalid(
      () => new TransactWriteItemsBuilder().put("t", { id: 1 }, update.set("a", 1) as never),
      "Put.ConditionExpression",
    );
    invalid(
      () => new TransactWriteItemsBuilder().conditionCheck("t", { id: 1 }, undefined as never),
      "ConditionCheck.ConditionExpression",
    );
  });

  test("a client token longer than 36 characters", () => {
    const w = new TransactWriteItemsBuilder().delete("t", { id: 1 }).token("x".repeat(37));
    invalid(() => w.build(), "ClientRequestToken");
    invalid(
      () => new TransactWriteItemsBuilder().delete("t", { id: 1 }).token("").build(),
      "ClientRequestToken",
    );
  });
});

describe("CreateTable", () => {
  const base = () =>
    new CreateTableBuilder().table("orders").partitionKey("pk", "S").sortKey("sk", "S");

  test("missing table name or partition key", () => {
    invalid(() => new CreateTableBuilder().partitionKey("pk", "S").build(), "TableName");
    invalid(() => new CreateTableBuilder().table("orders").build(), "KeySchema", /partition key/);
    invalid(() => new CreateTableBuilder().table("orders").sortKey("sk", "S").build(), "KeySchema");
  });

  test("duplicate index names (also across GSI and LSI)", () => {
    const gsi = { partitionKey: ["a", "S"] } as const;
    invalid(() => base().gsi("byA", gsi).gsi("byA", gsi).build(), "IndexName", /byA appears twice/);
    invalid(
      () =>
        base()
          .gsi("byA", gsi)
          .lsi("byA", { sortKey: ["b", "N"] })
          .build(),
      "IndexName",
    );
  });

  test("an invalid index name", () => {
    invalid(
      () =>
        base()
          .gsi("x", { partitionKey: ["a", "S"] })
          .build(),
      "IndexName",
    );
    invalid(
      () =>
        base()
          .gsi("a b c", { partitionKey: ["a", "S"] })
          .build(),
      "IndexName",
    );
  });

  test("an attribute defined with two different types", () => {
    invalid(
      () =>
        base()
          .gsi("byPk", { partitionKey: ["pk", "N"] })
          .build(),
      "AttributeDefinitions.pk",
      /both S and N/,
    );
    invalid(
      () =>
        base()
          .gsi("one", { partitionKey: ["a", "S"] })
          .lsi("two", { sortKey: ["a", "B"] })
          .build(),
      "AttributeDefinitions.a",
    );
    const existing = {
      TableName: "t",
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "N" as const }],
    };
    invalid(
      () => new CreateTableBuilder(existing).partitionKey("pk", "S").build(),
      "AttributeDefinitions.pk",
    );
  });

  test("attribute definitions not used by any key, or keys without a type", () => {
    const unused = {
      TableName: "t",
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" as const }],
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" as const },
        { AttributeName: "extra", AttributeType: "S" as const },
      ],
    };
    invalid(() => new CreateTableBuilder(unused).build(), "AttributeDefinitions.extra", /not used/);
    const untyped = {
      TableName: "t",
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" as const }],
    };
    invalid(
      () => new CreateTableBuilder(untyped).build(),
      "AttributeDefinitions.pk",
      /without a type/,
    );
  });

  test("more than 5 LSIs or 20 GSIs", () => {
    const lsis = base();
    for (const i of range(6)) lsis.lsi(`lsi${i}`, { sortKey: [`l${i}`, "S"] });
    invalid(() => lsis.build(), "LocalSecondaryIndexes", /at most 5/);
    const gsis = base();
    for (const i of range(21)) gsis.gsi(`gsi${i}`, { partitionKey: [`g${i}`, "S"] });
    invalid(() => gsis.build(), "GlobalSecondaryIndexes", /at most 20/);
  });

  test("an LSI on a table without a sort key, or without a sort key itself", () => {
    const noSort = new CreateTableBuilder()
      .table("orders")
      .partitionKey("pk", "S")
      .lsi("byA", { sortKey: ["a", "S"] });
    invalid(() => noSort.build(), "LocalSecondaryIndexes.byA", /table with a sort key/);
    invalid(
      () =>
        base()
          .lsi("byA", {} as never)
          .build(),
      "LocalSecondaryIndexes.byA",
      /sort key/,
    );
  });

  test("provisioned billing with non-positive or fractional capacities", () => {
    invalid(
      () => base().billing({ read: 0, write: 5 }).build(),
      "ProvisionedThroughput.ReadCapacityUnits",
    );
    invalid(
      () => base().billing({ read: 5, write: -1 }).build(),
      "ProvisionedThroughput.WriteCapacityUnits",
    );
    invalid(
      () => base().billing({ read: 1.5, write: 1 }).build(),
      "ProvisionedThroughput.ReadCapacityUnits",
    );
    const gsi = base()
      .billing({ read: 1, write: 1 })
      .gsi("byA", { partitionKey: ["a", "S"], throughput: { read: 0, write: 1 } });
    invalid(
      () => gsi.build(),
      "GlobalSecondaryIndexes.byA.ProvisionedThroughput.ReadCapacityUnits",
    );
  });

  test("provisioned capacity with on-demand billing, or provisioned billing without capacity", () => {
    const gsi = base().gsi("byA", { partitionKey: ["a", "S"], throughput: { read: 1, write: 1 } });
    invalid(
      () => gsi.build(),
      "GlobalSecondaryIndexes.byA.ProvisionedThroughput",
      /PAY_PER_REQUEST/,
    );
    const existing = { TableName: "t", BillingMode: "PROVISIONED" as const };
    invalid(
      () => new CreateTableBuilder(existing).partitionKey("pk", "S").build(),
      "ProvisionedThroughput",
    );
  });

  test("an INCLUDE projection without attributes", () => {
    invalid(
      () =>
        base()
          .gsi("byA", { partitionKey: ["a", "S"], projection: [] })
          .build(),
      "GlobalSecondaryIndexes.byA.Projection",
    );
    invalid(
      () =>
        base()
          .lsi("byB", { sortKey: ["b", "S"], projection: [] })
          .build(),
      "LocalSecondaryIndexes.byB.Projection",
    );
  });

  test("too many tags, or a bad tag", () => {
    const many = Object.fromEntries(range(51).map((i) => [`k${i}`, "v"]));
    invalid(() => base().tags(many).build(), "Tags", /at most 50/);
    invalid(() => base().tags({ "": "v" }).build(), "Tags");
    invalid(
      () =>
        base()
          .tags({ k: "v".repeat(257) })
          .build(),
      "Tags.k",
    );
  });

  test("an enabled stream without a view type", () => {
    const existing = { TableName: "t", StreamSpecification: { StreamEnabled: true } };
    invalid(
      () => new CreateTableBuilder(existing).partitionKey("pk", "S").build(),
      "StreamSpecification.StreamViewType",
    );
  });
});

describe("UpdateTable", () => {
  test("missing table name, or nothing to update", () => {
    invalid(() => new UpdateTableBuilder().billing("PAY_PER_REQUEST").build(), "TableName");
    invalid(() => new UpdateTableBuilder().table("t").build(), "UpdateTable", /nothing to update/);
  });

  test("more than one index created or deleted", () => {
    const two = new UpdateTableBuilder()
      .table("t")
      .createGsi("byA", { partitionKey: ["a", "S"] })
      .deleteGsi("byB");
    invalid(() => two.build(), "GlobalSecondaryIndexUpdates", /only one/);
  });

  test("the same index twice", () => {
    const twice = new UpdateTableBuilder()
      .table("t")
      .updateGsi("byA", { read: 1, write: 1 })
      .deleteGsi("byA");
    invalid(() => twice.build(), "GlobalSecondaryIndexUpdates", /byA appears twice/);
  });

  test("non-positive capacities", () => {
    invalid(
      () => new UpdateTableBuilder().table("t").billing({ read: 0, write: 1 }).build(),
      "ProvisionedThroughput.ReadCapacityUnits",
    );
    invalid(
      () => new UpdateTableBuilder().table("t").updateGsi("byA", { read: 1, write: 0 }).build(),
      "GlobalSecondaryIndexUpdates.byA.ProvisionedThroughput.WriteCapacityUnits",
    );
  });

  test("a created index with conflicting key types, or capacity under on-demand billing", () => {
    const conflict = new UpdateTableBuilder({
      TableName: "t",
      AttributeDefinitions: [{ AttributeName: "a", AttributeType: "N" }],
    }).createGsi("byA", { partitionKey: ["a", "S"] });
    invalid(() => conflict.build(), "AttributeDefinitions.a");
    // The table's own key definitions may be listed; they are kept.
    const withTableKey = new UpdateTableBuilder({
      TableName: "t",
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
    }).createGsi("byA", { partitionKey: ["a", "S"] });
    assert.deepEqual(withTableKey.build().AttributeDefinitions, [
      { AttributeName: "id", AttributeType: "S" },
      { AttributeName: "a", AttributeType: "S" },
    ]);
    const onDemand = new UpdateTableBuilder()
      .table("t")
      .billing("PAY_PER_REQUEST")
      .createGsi("byA", { partitionKey: ["a", "S"], throughput: { read: 1, write: 1 } });
    invalid(() => onDemand.build(), "GlobalSecondaryIndexUpdates.byA.ProvisionedThroughput");
  });
});
