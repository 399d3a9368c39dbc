/**
 * Put/Get/Update/Delete builders against the local DynamoDB: every update action, reserved
 * words as attribute names, nested paths and names holding dots, conditions, and an
 * existing input extended by a builder.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type DynamoDBClient,
  type UpdateItemCommandInput,
} from "@aws-sdk/client-dynamodb";
import {
  DeleteItemBuilder,
  GetItemBuilder,
  PutItemBuilder,
  UpdateItemBuilder,
  attr,
  cond,
  size,
  unmarshalItem,
  update,
} from "../../src/index.js";
import { createTestTable, engine, testClient } from "../support/db.js";

let client: DynamoDBClient;
let table: string;

before(async () => {
  client = await testClient();
  table = await createTestTable(client, { partitionKey: ["pk", "S"], sortKey: null });
});

/** Reads an item back with GetItemBuilder (strongly consistent) and decodes it. */
async function read(
  pk: string,
  ...project: string[]
): Promise<Record<string, unknown> | undefined> {
  const get = new GetItemBuilder().table(table).key({ pk }).consistentRead();
  if (project.length) get.project(...project);
  const out = await client.send(new GetItemCommand(get.build()));
  return out.Item && unmarshalItem(out.Item);
}

/** An item whose attribute names are DynamoDB reserved words (year, size, status, name, count, ...). */
const seed = (pk: string) => ({
  pk,
  name: "Ada",
  count: 5,
  year: 1990,
  size: 3,
  status: "new",
  tags: new Set(["a", "b"]),
  nums: new Set([1, 2, 3]),
  list: [1, 2],
  plist: [1],
  gone: [10, 20, 30],
  tmp: "x",
  "weird.name": 1,
  profile: { address: { city: "Paris", zip: "75001" }, prefs: ["dark"] },
});

describe("UpdateItemBuilder against DynamoDB", () => {
  test("every update action, on reserved words, nested paths and dotted names", async () => {
    await client.send(
      new PutItemCommand(new PutItemBuilder().table(table).item(seed("all")).build()),
    );
    const input = new UpdateItemBuilder()
      .table(table)
      .key({ pk: "all" })
      .set("name", "Grace")
      .set("profile.address.city", "Berlin")
      .set("profile.prefs[0]", "light")
      .set("year", 2000)
      .set(["weird.name"], 2)
      .set("copy", attr("name"))
      .setIfNotExists("status", "ignored")
      .setIfNotExists("created", "today")
      .add("count", 2)
      .add("tags", new Set(["c"]))
      .add("fresh", 7)
      .remove("tmp", "profile.address.zip", "gone[1]")
      .delete("nums", new Set([2]))
      .append("list", [3, 4])
      .prepend("plist", [0])
      .increment("visits")
      .decrement("size", 2)
      .update(update.set("via", { update: { deep: true } }), [update.increment("year2", 3)])
      .condition(cond.eq("status", "new"))
      .condition(size("list").eq(2))
      .returnValues("ALL_NEW")
      .build();
    const out = await client.send(new UpdateItemCommand(input));
    const expected = {
      pk: "all",
      name: "Grace",
      copy: "Ada",
      count: 7,
      year: 2000,
      year2: 3,
      size: 1,
      status: "new",
      created: "today",
      fresh: 7,
      visits: 1,
      tags: new Set(["a", "b", "c"]),
      nums: new Set([1, 3]),
      list: [1, 2, 3, 4],
      plist: [0, 1],
      gone: [10, 30],
      "weird.name": 2,
      via: { update: { deep: true } },
      profile: { address: { city: "Berlin" }, prefs: ["light"] },
    };
    assert.deepEqual(unmarshalItem(out.Attributes!), expected);
    assert.deepEqual(await read("all"), expected);
  });

  test("a failed condition surfaces the old item with returnValuesOnConditionCheckFailure", async () => {
    await client.send(
      new PutItemCommand(new PutItemBuilder().table(table).item(seed("cond")).build()),
    );
    const input = new UpdateItemBuilder()
      .table(table)
      .key({ pk: "cond" })
      .set("status", "done")
      .condition(cond.eq("status", "shipped"))
      .returnValuesOnConditionCheckFailure()
      .build();
    const error = await client.send(new UpdateItemCommand(input)).catch((e: unknown) => e);
    assert.ok(error instanceof ConditionalCheckFailedException, String(error));
    if (engine === "dynalite") return; // dynalite does not return the item on a failed condition
    assert.equal(unmarshalItem(error.Item!).status, "new");
    assert.equal((await read("cond"))!.status, "new");
  });

  test("projection of nested paths and reserved words through GetItemBuilder", async () => {
    await client.send(
      new PutItemCommand(new PutItemBuilder().table(table).item(seed("proj")).build()),
    );
    const get = new GetItemBuilder()
      .table(table)
      .key({ pk: { S: "proj" } })
      .project("profile.address.city", "size")
      .project(["weird.name"], "gone[2]")
      .build();
    const out = await client.send(new GetItemCommand(get));
    assert.deepEqual(unmarshalItem(out.Item!), {
      profile: { address: { city: "Paris" } },
      size: 3,
      "weird.name": 1,
      gone: [30],
    });
  });

  test("put with a condition, then delete with a condition and ALL_OLD", async () => {
    const put = () =>
      new PutItemBuilder()
        .table(table)
        .item({ pk: "pd", status: "new" })
        .condition(cond.notExists("pk"))
        .build();
    await client.send(new PutItemCommand(put()));
    await assert.rejects(client.send(new PutItemCommand(put())), ConditionalCheckFailedException);
    const del = new DeleteItemBuilder()
      .table(table)
      .key({ pk: "pd" })
      .condition(cond.in("status", "new", "open"))
      .returnValues("ALL_OLD")
      .build();
    const out = await client.send(new DeleteItemCommand(del));
    assert.deepEqual(unmarshalItem(out.Attributes!), { pk: "pd", status: "new" });
    assert.equal(await read("pd"), undefined);
  });

  test("an existing input is extended: clauses merged, placeholders kept, caller's object untouched", async () => {
    await client.send(
      new PutItemCommand(new PutItemBuilder().table(table).item(seed("ext")).build()),
    );
    const existing: UpdateItemCommandInput = {
      TableName: table,
      Key: { pk: { S: "ext" } },
      UpdateExpression: "SET #set = :v0 REMOVE #n0 ADD #c :one",
      ConditionExpression: "attribute_exists(#n0) OR #c > :v1",
      ExpressionAttributeNames: { "#set": "name", "#n0": "tmp", "#c": "count" },
      ExpressionAttributeValues: { ":v0": { S: "Grace" }, ":one": { N: "1" }, ":v1": { N: "100" } },
    };
    const snapshot = structuredClone(existing);
    const input = new UpdateItemBuilder(existing)
      .set("year", 2001)
      .remove("gone")
      .add("tags", new Set(["z"]))
      .condition(cond.eq("name", "Ada"))
      .returnValues("ALL_NEW")
      .build();
    assert.deepEqual(existing, snapshot);
    assert.match(
      input.UpdateExpression!,
      /^SET #set = :v0, \S+ = :\S+ REMOVE #n0, \S+ ADD #c :one, \S+ :\S+$/,
    );
    assert.match(input.ConditionExpression!, /^\(attribute_exists\(#n0\) OR #c > :v1\) AND \(/);
    const item = unmarshalItem((await client.send(new UpdateItemCommand(input))).Attributes!);
    assert.equal(item.name, "Grace");
    assert.equal(item.year, 2001);
    assert.equal(item.count, 6);
    assert.equal(item.tmp, undefined);
    assert.equal(item.gone, undefined);
    assert.deepEqual(item.tags, new Set(["a", "b", "z"]));
  });
});
