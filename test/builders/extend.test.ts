/**
 * Unit tests of the built inputs: AttributeValue maps vs plain objects, extending existing
 * inputs (expressions and placeholders kept, caller's object never mutated), repeated
 * builds, and the strings builders render.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type {
  QueryCommandInput,
  ScanCommandInput,
  UpdateItemCommandInput,
} from "@aws-sdk/client-dynamodb";
import {
  BatchGetItemBuilder,
  GetItemBuilder,
  PutItemBuilder,
  QueryBuilder,
  ScanBuilder,
  TransactWriteItemsBuilder,
  UpdateItemBuilder,
  cond,
  isAttributeValueMap,
  key,
  update,
} from "../../src/index.js";

describe("isAttributeValueMap", () => {
  test("recognises DynamoDB's format, nested M and L included", () => {
    const bytes = new Uint8Array([1]);
    assert.equal(isAttributeValueMap({ a: { S: "x" }, b: { N: "1" }, c: { B: bytes } }), true);
    assert.equal(
      isAttributeValueMap({ a: { SS: ["x"] }, b: { NS: ["1"] }, c: { BS: [bytes] } }),
      true,
    );
    assert.equal(isAttributeValueMap({ a: { NULL: true }, b: { BOOL: false } }), true);
    assert.equal(isAttributeValueMap({ a: { M: { b: { L: [{ S: "x" }, { M: {} }] } } } }), true);
  });

  test("rejects plain objects that only look similar", () => {
    assert.equal(isAttributeValueMap({}), false);
    assert.equal(isAttributeValueMap({ a: "x" }), false);
    assert.equal(isAttributeValueMap({ a: { S: 1 } }), false);
    assert.equal(isAttributeValueMap({ a: { N: 1 } }), false);
    assert.equal(isAttributeValueMap({ a: { S: "x", N: "1" } }), false);
    assert.equal(isAttributeValueMap({ a: { X: "x" } }), false);
    assert.equal(isAttributeValueMap({ a: { M: 1 } }), false);
    assert.equal(isAttributeValueMap({ a: { M: { b: "plain" } } }), false);
    assert.equal(isAttributeValueMap({ a: { L: ["x"] } }), false);
    assert.equal(isAttributeValueMap({ a: { NULL: false } }), false);
    assert.equal(isAttributeValueMap({ a: { BOOL: "true" } }), false);
    assert.equal(isAttributeValueMap({ a: { S: "x" }, b: 2 }), false);
    assert.equal(isAttributeValueMap([{ S: "x" }]), false);
    assert.equal(isAttributeValueMap(null), false);
  });

  test("builders take AttributeValue maps as they are and encode plain objects", () => {
    const av = { id: { S: "x" }, n: { N: "1" } };
    assert.deepEqual(new GetItemBuilder().table("t").key(av).build().Key, av);
    assert.deepEqual(new GetItemBuilder().table("t").key({ id: "x", n: 1 }).build().Key, av);
    // A plain object whose values merely resemble the format is encoded.
    assert.deepEqual(
      new PutItemBuilder()
        .table("t")
        .item({ id: "x", m: { S: 1 } })
        .build().Item,
      {
        id: { S: "x" },
        m: { M: { S: { N: "1" } } },
      },
    );
  });
});

describe("extending an existing input", () => {
  test("Query: key condition, filter, projection ANDed/added; placeholders never collide", () => {
    const existing: QueryCommandInput = {
      TableName: "t",
      KeyConditionExpression: "#n0 = :v0",
      FilterExpression: "#n1 > :v1 OR attribute_not_exists(#n1)",
      ProjectionExpression: "#n1",
      ExpressionAttributeNames: { "#n0": "pk", "#n1": "score" },
      ExpressionAttributeValues: { ":v0": { S: "a" }, ":v1": { N: "3" } },
      Limit: 5,
    };
    const snapshot = structuredClone(existing);
    const built = new QueryBuilder(existing)
      .keyCondition(key.gt("sk", 10))
      .filter(cond.eq("status", "open"))
      .project("status", "score")
      .build();
    assert.deepEqual(existing, snapshot);
    assert.equal(built.Limit, 5);
    const names = built.ExpressionAttributeNames!;
    const values = built.ExpressionAttributeValues!;
    assert.equal(names["#n0"], "pk");
    assert.equal(names["#n1"], "score");
    assert.deepEqual(values[":v0"], { S: "a" });
    assert.deepEqual(values[":v1"], { N: "3" });
    assert.equal(Object.keys(names).length, 4);
    assert.equal(Object.keys(values).length, 4);
    assert.deepEqual(new Set(Object.values(names)), new Set(["pk", "score", "sk", "status"]));
    assert.match(built.KeyConditionExpression!, /^#n0 = :v0 AND #n\d+ > :v\d+$/);
    assert.match(
      built.FilterExpression!,
      /^\(#n1 > :v1 OR attribute_not_exists\(#n1\)\) AND \(#n\d+ = :v\d+\)$/,
    );
    // The existing name "score" re-uses its placeholder and is not projected twice.
    assert.match(built.ProjectionExpression!, /^#n1, #n\d+$/);
  });

  test("Update: each clause appears once; a placeholder named like a keyword is not a clause", () => {
    const existing: UpdateItemCommandInput = {
      TableName: "t",
      Key: { id: { S: "1" } },
      UpdateExpression: "set #set = :add, #remove = :remove delete #delete :d",
      ExpressionAttributeNames: { "#set": "a", "#remove": "b", "#delete": "c" },
      ExpressionAttributeValues: { ":add": { N: "1" }, ":remove": { N: "2" }, ":d": { SS: ["x"] } },
    };
    const built = new UpdateItemBuilder(existing)
      .set("e", 5)
      .remove("f")
      .delete("g", new Set(["y"]))
      .build();
    const expr = built.UpdateExpression!;
    for (const clause of ["SET", "REMOVE", "DELETE"]) {
      assert.equal(expr.match(new RegExp(`(?<![#:])\\b${clause}\\b`, "gi"))!.length, 1, expr);
    }
    assert.match(
      expr,
      /^SET #set = :add, #remove = :remove, #n\d+ = :v\d+ REMOVE #n\d+ DELETE #delete :d, #n\d+ :v\d+$/,
    );
  });

  test("an input without expressions gets no empty maps; build() can be called again", () => {
    const b = new ScanBuilder().table("t").limit(10);
    const first = b.build();
    assert.deepEqual(first, { TableName: "t", Limit: 10 } satisfies ScanCommandInput);
    assert.deepEqual(b.build(), first);
    assert.notEqual(b.build(), first);
    const withFilter = new ScanBuilder().table("t").filter(cond.eq("a", 1));
    assert.deepEqual(withFilter.build(), withFilter.build());
  });

  test("the builder copies the existing input: later changes by the caller do not leak in", () => {
    const existing = { TableName: "t", Key: { id: { S: "1" } } };
    const b = new GetItemBuilder(existing);
    existing.Key.id.S = "2";
    assert.deepEqual(b.build().Key, { id: { S: "1" } });
  });

  test("BatchGet: projections per table with their own placeholders, existing entries kept", () => {
    const existing = {
      RequestItems: {
        a: {
          Keys: [{ id: { S: "1" } }],
          ProjectionExpression: "#p",
          ExpressionAttributeNames: { "#p": "x" },
        },
      },
    };
    const snapshot = structuredClone(existing);
    const built = new BatchGetItemBuilder(existing)
      .get("a", { id: "2" }, { project: ["y"] })
      .get("b", { id: "1" })
      .build();
    assert.deepEqual(existing, snapshot);
    const a = built.RequestItems!.a;
    assert.equal(a.Keys!.length, 2);
    assert.match(a.ProjectionExpression!, /^#p, #n\d+$/);
    assert.deepEqual(new Set(Object.values(a.ExpressionAttributeNames!)), new Set(["x", "y"]));
    assert.deepEqual(built.RequestItems!.b, { Keys: [{ id: { S: "1" } }] });
  });

  test("TransactWrite: each action has its own placeholder maps", () => {
    const built = new TransactWriteItemsBuilder()
      .update("t", { id: 1 }, [update.set("a", 1), update.remove("b")], cond.exists("a"))
      .put("t", { id: 2 }, cond.notExists("id"))
      .delete("t", { id: 3 })
      .returnValuesOnConditionCheckFailure()
      .build();
    const [u, p, d] = built.TransactItems!;
    assert.match(u.Update!.UpdateExpression!, /^SET #n\d+ = :v\d+ REMOVE #n\d+$/);
    assert.equal(u.Update!.ReturnValuesOnConditionCheckFailure, "ALL_OLD");
    assert.equal(p.Put!.ConditionExpression, "attribute_not_exists(#n0)");
    assert.deepEqual(p.Put!.ExpressionAttributeNames, { "#n0": "id" });
    assert.equal(p.Put!.ExpressionAttributeValues, undefined);
    assert.deepEqual(d.Delete, { TableName: "t", Key: { id: { N: "3" } } });
  });
});
