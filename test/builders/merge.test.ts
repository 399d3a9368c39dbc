/**
 * Extending an input whose UpdateExpression or ProjectionExpression already names paths:
 * a new path that overlaps one of them is refused at build time, as DynamoDB would refuse it,
 * and what does not overlap is accepted by DynamoDB.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { GetItemCommandInput, UpdateItemCommandInput } from "@aws-sdk/client-dynamodb";
import {
  Dyno,
  DynoValidationError,
  GetItemBuilder,
  UpdateItemBuilder,
  update,
} from "../../src/index.js";
import { updateTargets } from "../../src/builders/expressions.js";
import { createTestTable, testClient } from "../support/db.js";

const existing = (TableName = "t"): UpdateItemCommandInput => ({
  TableName,
  Key: { pk: { S: "p" } },
  UpdateExpression:
    "SET #p.#n = :name, visits = if_not_exists(visits, :zero) + :one, #l[2] = :x REMOVE draft ADD #tags :t",
  ExpressionAttributeNames: { "#p": "profile", "#n": "name", "#l": "list", "#tags": "tags" },
  ExpressionAttributeValues: {
    ":name": { S: "Ada" },
    ":zero": { N: "0" },
    ":one": { N: "1" },
    ":x": { S: "x" },
    ":t": { SS: ["a"] },
  },
});

test("updateTargets reads the paths an update expression writes", () => {
  const { UpdateExpression, ExpressionAttributeNames } = existing();
  assert.deepEqual(updateTargets(UpdateExpression!, ExpressionAttributeNames), [
    ["profile", "name"],
    ["visits"],
    ["list", 2],
    ["draft"],
    ["tags"],
  ]);
  assert.deepEqual(updateTargets("SET a = list_append(a, :l), b.c = :v", {}), [["a"], ["b", "c"]]);
  assert.deepEqual(
    updateTargets("SET #unknown = :v", {}),
    [],
    "an unknown placeholder is left to DynamoDB",
  );
});

test("a new action on a path the existing UpdateExpression writes, or above or inside it, is refused", () => {
  const refused: [ReturnType<typeof update.set>, RegExp][] = [
    [update.set("profile", { name: "Bob" }), /update.set on "profile" overlaps "profile.name"/],
    [
      update.remove("profile.name"),
      /update.remove on "profile.name": the existing UpdateExpression already writes it/,
    ],
    [
      update.increment("visits"),
      /update.increment on "visits": the existing UpdateExpression already writes it/,
    ],
    [update.set("list[2].x", 1), /overlaps "list\[2\]"/],
    [update.set("draft", 1), /"draft"/],
    [update.delete("tags", new Set(["a"])), /"tags"/],
  ];
  for (const [action, message] of refused) {
    assert.throws(
      () => new UpdateItemBuilder(existing()).update(action).build(),
      (error: unknown) => {
        assert.ok(error instanceof DynoValidationError, String(error));
        assert.equal(error.field, "UpdateExpression");
        assert.match(error.message, message);
        return true;
      },
    );
  }
});

test("a ProjectionExpression extended with a path inside or above one it has is refused", () => {
  const input: GetItemCommandInput = {
    TableName: "t",
    Key: { pk: { S: "p" } },
    ProjectionExpression: "#a.#b, c",
    ExpressionAttributeNames: { "#a": "address", "#b": "city" },
  };
  assert.throws(
    () => new GetItemBuilder(input).project("address").build(),
    /"address" overlaps "address.city", which the existing ProjectionExpression projects/,
  );
  assert.throws(() => new GetItemBuilder(input).project("c.d").build(), /"c.d" overlaps "c"/);
  const same = new GetItemBuilder(input).project("address.city", "zip").build();
  assert.equal(same.ProjectionExpression, "#a.#b, c, #n0");
});

test("actions that do not overlap merge into one expression DynamoDB accepts", async () => {
  const client = await testClient();
  const TableName = await createTestTable(client, { sortKey: null });
  const dyno = new Dyno({ client });
  await dyno.putItem({
    TableName,
    Item: {
      pk: { S: "p" },
      profile: { M: {} },
      list: { L: [{ S: "a" }, { S: "b" }, { S: "c" }] },
      draft: { BOOL: true },
    },
  });
  const input = new UpdateItemBuilder(existing(TableName))
    .set("profile.age", 36)
    .set("list[1]", "B")
    .add("score", 5)
    .returnValues("ALL_NEW")
    .build();
  const { Attributes } = await dyno.updateItem(input);
  assert.deepEqual(Attributes, {
    pk: { S: "p" },
    profile: { M: { name: { S: "Ada" }, age: { N: "36" } } },
    visits: { N: "1" },
    list: { L: [{ S: "a" }, { S: "B" }, { S: "x" }] },
    tags: { SS: ["a"] },
    score: { N: "5" },
  });
});
