/**
 * Conditions rendered by dyno-ts, run on the suite's DynamoDB (raw SDK commands): every
 * condition function as a filter and as a put condition, true and false cases, reserved
 * words, nested paths, attribute-to-attribute comparisons, size(), IN with 100 values.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { PutItemCommand, ScanCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { attr, cond, ExpressionAttributes, size, type Condition } from "../../src/index.js";
import { createTestTable, engine, testClient } from "../support/db.js";
import { ids, putIf, scanWith, toItem } from "./support.js";

const items: Record<string, unknown>[] = [
  {
    id: "alice",
    name: "Alice",
    status: "open",
    size: 3,
    data: { timestamp: 100, tags: ["x", "y"] },
    timestamp: 1,
    year: 2024,
    comment: "reserved",
    n: 5,
    s: "hello world",
    ss: new Set(["red", "blue"]),
    ns: new Set([1, 2, 3]),
    l: [1, "two", { x: 3 }],
    m: { nested: { deep: 1 }, "dot.key": "d" },
    flag: true,
    nul: null,
    bin: new Uint8Array([1, 2, 3]),
    budget: 10,
    spent: 4,
    "weird.name": "w1",
    "br[0]": "b1",
    a: "x",
    b: "x",
    colour: "red",
  },
  {
    id: "bob",
    name: "Bob",
    status: "closed",
    size: 10,
    data: { timestamp: 200, tags: [] },
    n: 50,
    s: "help",
    ss: new Set(["green"]),
    ns: new Set([4]),
    l: [2],
    m: { nested: { deep: 2 } },
    flag: false,
    bin: new Uint8Array([9]),
    budget: 5,
    spent: 8,
    "weird.name": "w2",
    a: "x",
    b: "y",
    colour: "red",
  },
  { id: "carol", status: "open", size: "big", n: -1.5, s: "zzz", l: [], m: {} },
];

const hundred = Array.from({ length: 99 }, (_, i) => 1000 + i);

/** Where dynalite evaluates differently from DynamoDB (Local and AWS), the case is skipped there. */
const dynalite = (reason: string): string | false =>
  engine === "dynalite" && `dynalite differs from DynamoDB: ${reason}`;

/** [name, condition, ids of the items it selects, skip reason] */
const cases: [string, Condition, string[], (string | false)?][] = [
  ["eq", cond.eq("status", "open"), ["alice", "carol"]],
  ["ne", cond.ne("status", "open"), ["bob"]],
  ["ne is true for a missing attribute", cond.ne("name", "Alice"), ["bob", "carol"]],
  ["eq on a missing attribute is false", cond.eq("name", "Carol"), []],
  ["lt", cond.lt("n", 5), ["carol"]],
  ["le", cond.le("n", 5), ["alice", "carol"]],
  ["gt", cond.gt("n", 5), ["bob"]],
  ["ge", cond.ge("n", 5), ["alice", "bob"]],
  ["lt on strings", cond.lt("s", "help"), ["alice"]],
  ["gt on binary", cond.gt("bin", new Uint8Array([2])), ["bob"]],
  ["between", cond.between("n", 0, 10), ["alice"]],
  ["between inclusive", cond.between("n", 5, 50), ["alice", "bob"]],
  ["between strings", cond.between("s", "hel", "helm"), ["alice"]],
  ["in", cond.in("status", "closed", "pending"), ["bob"]],
  ["in numbers", cond.in("n", 5, 50, 7), ["alice", "bob"]],
  ["in with 100 values", cond.in("n", ...hundred, 50), ["bob"]],
  ["in with 100 values, none matching", cond.in("n", ...hundred, 51), []],
  ["in with an attribute", cond.in("a", attr("b"), "none"), ["alice"]],
  ["in with an array of candidates", cond.in("status", ["closed", "pending"]), ["bob"]],
  ["in with an array of 100 candidates", cond.in("n", [...hundred, 50]), ["bob"]],
  ["in with one candidate in an array", cond.in("status", ["open"]), ["alice", "carol"]],
  [
    "in with a list value, wrapped in the array",
    cond.in("l", [[2]]),
    ["bob"],
    dynalite("IN never equals a list value"),
  ],
  [
    "in with list values as arguments",
    cond.in("l", [2], [3]),
    ["bob"],
    dynalite("IN never equals a list value"),
  ],
  ["beginsWith", cond.beginsWith("s", "hel"), ["alice", "bob"]],
  ["beginsWith is false", cond.beginsWith("s", "nope"), []],
  ["beginsWith on binary", cond.beginsWith("bin", new Uint8Array([1, 2])), ["alice"]],
  ["contains substring", cond.contains("s", "world"), ["alice"]],
  ["contains in a string set", cond.contains("ss", "green"), ["bob"]],
  ["contains in a number set", cond.contains("ns", 2), ["alice"]],
  ["contains in a list", cond.contains("l", "two"), ["alice"]],
  ["contains a number in a list", cond.contains("l", 2), ["bob"]],
  ["contains an attribute's value", cond.contains("ss", attr("colour")), ["alice"]],
  ["exists", cond.exists("name"), ["alice", "bob"]],
  ["notExists", cond.notExists("name"), ["carol"]],
  ["exists nested", cond.exists("data.tags"), ["alice", "bob"]],
  ["type S", cond.type("size", "S"), ["carol"]],
  ["type N", cond.type("size", "N"), ["alice", "bob"]],
  ["type NULL", cond.type("nul", "NULL"), ["alice"]],
  ["type M", cond.type("m", "M"), ["alice", "bob", "carol"]],
  ["type L", cond.type("l", "L"), ["alice", "bob", "carol"]],
  ["type SS", cond.type("ss", "SS"), ["alice", "bob"]],
  ["type NS", cond.type("ns", "NS"), ["alice", "bob"]],
  ["type B", cond.type("bin", "B"), ["alice", "bob"]],
  ["type BOOL", cond.type("flag", "BOOL"), ["alice", "bob"], dynalite("false is not of type BOOL")],
  ["not", cond.not(cond.eq("status", "open")), ["bob"]],
  ["not exists", cond.not(cond.exists("flag")), ["carol"]],
  ["and", cond.and(cond.eq("status", "open"), cond.gt("n", 0)), ["alice"]],
  ["or", cond.or(cond.eq("n", 50), cond.lt("n", 0)), ["bob", "carol"]],
  [
    "and of or",
    cond.and(cond.or(cond.eq("n", 50), cond.lt("n", 0)), cond.eq("status", "open")),
    ["carol"],
  ],
  [
    "or of and",
    cond.or(cond.and(cond.eq("n", 5), cond.eq("flag", true)), cond.eq("s", "zzz")),
    ["alice", "carol"],
  ],
  ["not of or", cond.not(cond.or(cond.eq("n", 5), cond.eq("n", 50))), ["carol"]],
  ["eq BOOL", cond.eq("flag", true), ["alice"]],
  ["eq NULL", cond.eq("nul", null), ["alice"]],
  ["eq list", cond.eq("l", [1, "two", { x: 3 }]), ["alice"], dynalite("lists never equal")],
  ["eq map", cond.eq("m.nested", { deep: 2 }), ["bob"], dynalite("maps never equal")],
  ["eq set", cond.eq("ss", new Set(["blue", "red"])), ["alice"]],
  ["nested map path", cond.eq("data.timestamp", 200), ["bob"]],
  ["deep map path", cond.eq("m.nested.deep", 1), ["alice"]],
  ["list index", cond.eq("l[0]", 2), ["bob"]],
  ["map in a list", cond.eq("l[2].x", 3), ["alice"]],
  ["map key with a dot", cond.eq(["m", "dot.key"], "d"), ["alice"]],
  ["attribute name with a dot", cond.eq(["weird.name"], "w2"), ["bob"]],
  ["attribute name with brackets", cond.exists(["br[0]"]), ["alice"]],
  [
    "a path 32 levels deep",
    cond.notExists(Array(32).fill("a").join(".")),
    ["alice", "bob", "carol"],
  ],
  ["a list path 32 levels deep", cond.exists("l" + "[0]".repeat(31)), []],
  ["attr lt", cond.lt("spent", attr("budget")), ["alice"]],
  ["attr gt", cond.gt("spent", attr("budget")), ["bob"]],
  ["attr eq", cond.eq("a", attr("b")), ["alice"], dynalite("two missing attributes are equal")],
  [
    "attr ne",
    cond.ne("a", attr("b")),
    ["bob", "carol"],
    dynalite("two missing attributes are equal"),
  ],
  ["attr nested", cond.lt("data.timestamp", attr("size")), []],
  ["size of a string", size("s").gt(5), ["alice"]],
  ["size of a set", size("ss").eq(1), ["bob"]],
  ["size of a list", size("l").eq(0), ["carol"]],
  ["size of a map", size("m").ge(1), ["alice", "bob"]],
  ["size of a nested list", size("data.tags").eq(2), ["alice"]],
  ["size of binary", size("bin").eq(3), ["alice"]],
  ["size ne", size("l").ne(1), ["alice", "carol"]],
  ["size lt", size("s").lt(4), ["carol"]],
  ["size le", size("s").le(4), ["bob", "carol"]],
  ["size between", size("s").between(3, 4), ["bob", "carol"]],
  ["size vs attr", size("ss").lt(attr("spent")), ["alice", "bob"]],
  ["size vs size", size("ns").gt(size("ss")), ["alice"]],
  ["reserved: name", cond.eq("name", "Bob"), ["bob"]],
  ["reserved: size", cond.gt("size", 5), ["bob"]],
  ["reserved: status", cond.in("status", "open"), ["alice", "carol"]],
  ["reserved: data.timestamp", cond.le("data.timestamp", 100), ["alice"]],
  [
    "reserved: timestamp, year, comment",
    cond.and(cond.eq("timestamp", 1), cond.eq("year", 2024), cond.exists("comment")),
    ["alice"],
  ],
];

describe("conditions on DynamoDB", () => {
  let client: DynamoDBClient;
  let table: string;
  before(async () => {
    client = await testClient();
    table = await createTestTable(client, { partitionKey: ["id", "S"], sortKey: null });
    for (const item of items) {
      await client.send(new PutItemCommand({ TableName: table, Item: toItem(item) }));
    }
  });

  for (const [name, condition, expected, skip] of cases) {
    test(`${name} as a filter`, { skip }, async () => {
      assert.deepEqual(ids(await scanWith(client, table, condition)), expected);
    });
    test(`${name} as a put condition`, { skip }, async () => {
      for (const item of items) {
        const written = await putIf(client, table, item, condition);
        assert.equal(written, expected.includes(String(item.id)), `put of ${String(item.id)}`);
      }
    });
  }

  test("a put condition on a new item", async () => {
    const item = { id: "dave", status: "new" };
    assert.equal(await putIf(client, table, item, cond.exists("id")), false);
    assert.equal(await putIf(client, table, item, cond.eq("status", "new")), false);
    assert.equal(await putIf(client, table, item, cond.notExists("id")), true);
    assert.equal(await putIf(client, table, item, cond.notExists("id")), false);
  });

  test("the rendered strings are what DynamoDB ran", async () => {
    const ctx = new ExpressionAttributes();
    const FilterExpression = cond
      .and(cond.eq("status", "open"), size("l").eq(0), cond.not(cond.exists("name")))
      .render(ctx);
    assert.equal(FilterExpression, "#n0 = :v0 AND size(#n1) = :v1 AND NOT (attribute_exists(#n2))");
    const out = await client.send(
      new ScanCommand({ TableName: table, FilterExpression, ...ctx.toInput() }),
    );
    assert.deepEqual(
      out.Items?.map((i) => i.id?.S),
      ["carol"],
    );
  });

  test("extending an input that has its own placeholders", async () => {
    const existing = {
      FilterExpression: "#n1 = :v0",
      ExpressionAttributeNames: { "#n1": "status" },
      ExpressionAttributeValues: { ":v0": { S: "open" } },
    };
    const ctx = new ExpressionAttributes(existing);
    const added = cond.and(cond.gt("n", 0), cond.eq("status", "open")).render(ctx);
    assert.equal(added, "#n0 > :v1 AND #n1 = :v2");
    const out = await client.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: `(${existing.FilterExpression}) AND (${added})`,
        ...ctx.toInput(),
      }),
    );
    assert.deepEqual(
      out.Items?.map((i) => i.id?.S),
      ["alice"],
    );
  });

  test("projections of nested paths and reserved words", async () => {
    const [alice] = await scanWith(client, table, cond.eq("id", "alice"), [
      "name",
      "data.timestamp",
      "l[2].x",
      ["m", "dot.key"],
      ["weird.name"],
      "size",
    ]);
    assert.deepEqual(alice, {
      name: "Alice",
      data: { timestamp: 100 },
      l: [{ x: 3 }],
      m: { "dot.key": "d" },
      "weird.name": "w1",
      size: 3,
    });
  });

  test("DynamoDB rejects overlapping projections, as renderProjection does", async () => {
    await assert.rejects(
      client.send(
        new ScanCommand({
          TableName: table,
          ProjectionExpression: "#a, #a.#b",
          ExpressionAttributeNames: { "#a": "data", "#b": "timestamp" },
        }),
      ),
      /overlap/,
    );
  });

  test(
    "DynamoDB rejects IN with 101 values, as cond.in does",
    { skip: dynalite("no limit on IN operands") },
    async () => {
      const values = Object.fromEntries(
        Array.from({ length: 101 }, (_, i) => [`:v${i}`, { N: String(i) }]),
      );
      await assert.rejects(
        client.send(
          new ScanCommand({
            TableName: table,
            FilterExpression: `#n IN (${Object.keys(values).join(", ")})`,
            ExpressionAttributeNames: { "#n": "n" },
            ExpressionAttributeValues: values,
          }),
        ),
        /too many operands/,
      );
    },
  );
});
