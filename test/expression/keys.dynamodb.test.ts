/**
 * Key conditions rendered by dyno-ts, run with raw Query commands on string, number and
 * binary sort keys.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { PutItemCommand, QueryCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  asKeyCondition,
  cond,
  ExpressionAttributes,
  key,
  type KeyCondition,
} from "../../src/index.js";
import { createTestTable, testClient, type KeyDef } from "../support/db.js";
import { queryWith, toItem } from "./support.js";

const b = (...bytes: number[]) => new Uint8Array(bytes);

/** For each sort key type: the sort keys stored, and [condition on sk, expected sort keys in order]. */
const tables: {
  type: KeyDef[1];
  keys: unknown[];
  cases: [string, KeyCondition, unknown[]][];
}[] = [
  {
    type: "S",
    keys: ["a", "ab", "abc", "b", "ba", "c"],
    cases: [
      ["eq", key.eq("sk", "ab"), ["ab"]],
      ["lt", key.lt("sk", "b"), ["a", "ab", "abc"]],
      ["le", key.le("sk", "b"), ["a", "ab", "abc", "b"]],
      ["gt", key.gt("sk", "b"), ["ba", "c"]],
      ["ge", key.ge("sk", "b"), ["b", "ba", "c"]],
      ["between", key.between("sk", "ab", "b"), ["ab", "abc", "b"]],
      ["beginsWith", key.beginsWith("sk", "ab"), ["ab", "abc"]],
      ["beginsWith none", key.beginsWith("sk", "z"), []],
    ],
  },
  {
    type: "N",
    keys: [-10, -1.5, 0, 2, 10, 100],
    cases: [
      ["eq", key.eq("sk", 2), [2]],
      ["lt", key.lt("sk", 0), [-10, -1.5]],
      ["le", key.le("sk", 0), [-10, -1.5, 0]],
      ["gt", key.gt("sk", 2), [10, 100]],
      ["ge", key.ge("sk", 2), [2, 10, 100]],
      ["between", key.between("sk", -1.5, 10), [-1.5, 0, 2, 10]],
    ],
  },
  {
    type: "B",
    keys: [b(0), b(1), b(1, 2), b(1, 255), b(2), b(255)],
    cases: [
      ["eq", key.eq("sk", b(1, 2)), [b(1, 2)]],
      ["lt", key.lt("sk", b(1, 2)), [b(0), b(1)]],
      ["le", key.le("sk", b(1, 2)), [b(0), b(1), b(1, 2)]],
      ["gt", key.gt("sk", b(2)), [b(255)]],
      ["ge", key.ge("sk", b(2)), [b(2), b(255)]],
      ["between", key.between("sk", b(1), b(2)), [b(1), b(1, 2), b(1, 255), b(2)]],
      ["beginsWith", key.beginsWith("sk", b(1)), [b(1), b(1, 2), b(1, 255)]],
    ],
  },
];

for (const { type, keys, cases } of tables) {
  describe(`key conditions on a ${type} sort key`, () => {
    let client: DynamoDBClient;
    let table: string;
    before(async () => {
      client = await testClient();
      // The key attribute names are reserved words: placeholders make that work.
      table = await createTestTable(client, { partitionKey: ["name", "S"], sortKey: ["sk", type] });
      for (const pk of ["p", "q"]) {
        for (const sk of keys) {
          await client.send(
            new PutItemCommand({ TableName: table, Item: toItem({ name: pk, sk, kind: pk }) }),
          );
        }
      }
    });
    const normalize = (values: unknown[]) =>
      values.map((v) => (v instanceof Uint8Array ? [...v] : v));

    test("partition key alone", async () => {
      const items = await queryWith(client, table, key.eq("name", "p"));
      assert.deepEqual(normalize(items.map((i) => i.sk)), normalize(keys));
    });
    for (const [name, sortCondition, expected] of cases) {
      test(name, async () => {
        const items = await queryWith(client, table, key.and(key.eq("name", "p"), sortCondition));
        assert.deepEqual(normalize(items.map((i) => i.sk)), normalize(expected));
        assert.ok(items.every((i) => i.name === "p"));
      });
    }
    test("sort condition first, and a filter sharing the allocator", async () => {
      const items = await queryWith(
        client,
        table,
        key.and(cases[1]![1], key.eq("name", "q")),
        cond.eq("kind", "q"), // (a filter may not name key attributes)
      );
      assert.deepEqual(normalize(items.map((i) => i.sk)), normalize(cases[1]![2]));
    });
  });
}

test("a cond.* tree converted to a key condition runs as one", async () => {
  const client = await testClient();
  const table = await createTestTable(client, { partitionKey: ["pk", "S"], sortKey: ["sk", "N"] });
  for (const sk of [1, 2, 3]) {
    await client.send(new PutItemCommand({ TableName: table, Item: toItem({ pk: "x", sk }) }));
  }
  const kc = asKeyCondition(cond.and(cond.ge("sk", 2), cond.eq("pk", "x")));
  const ctx = new ExpressionAttributes();
  const out = await client.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: kc.render(ctx),
      ...ctx.toInput(),
    }),
  );
  assert.deepEqual(
    out.Items?.map((i) => i.sk?.N),
    ["2", "3"],
  );
});
