/**
 * Transaction and batch builders against the local DynamoDB: a transaction of mixed actions,
 * its cancellation reasons from `TransactionCanceledException`, idempotency tokens,
 * TransactGet with projections, and BatchWrite/BatchGet across two tables.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  GetItemCommand,
  TransactGetItemsCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import {
  BatchGetItemBuilder,
  BatchWriteItemBuilder,
  GetItemBuilder,
  TransactGetItemsBuilder,
  TransactWriteItemsBuilder,
  cond,
  unmarshalItem,
  update,
} from "../../src/index.js";
import { createTestTable, needsTransactions, testClient } from "../support/db.js";

let client: DynamoDBClient;
let accounts: string;
let orders: string;

before(async () => {
  client = await testClient();
  accounts = await createTestTable(client, { partitionKey: ["id", "S"], sortKey: null });
  orders = await createTestTable(client, { partitionKey: ["pk", "S"], sortKey: ["sk", "N"] });
});

async function read(
  table: string,
  key: Record<string, unknown>,
): Promise<Record<string, unknown> | undefined> {
  const out = await client.send(
    new GetItemCommand(new GetItemBuilder().table(table).key(key).consistentRead().build()),
  );
  return out.Item && unmarshalItem(out.Item);
}

async function seed(...items: [string, Record<string, unknown>][]): Promise<void> {
  const batch = new BatchWriteItemBuilder();
  for (const [table, item] of items) batch.put(table, item);
  await client.send(new BatchWriteItemCommand(batch.build()));
}

describe("TransactWriteItemsBuilder", () => {
  test(
    "put, update, delete and condition check in one transaction",
    { skip: needsTransactions },
    async () => {
      await seed(
        [accounts, { id: "alice", balance: 100, status: "active" }],
        [accounts, { id: "bob", balance: 5, status: "active" }],
        [orders, { pk: "alice", sk: 1, state: "draft" }],
      );
      const input = new TransactWriteItemsBuilder()
        .put(
          orders,
          { pk: "alice", sk: 2, total: 30, lines: [{ sku: "x", qty: 1 }] },
          cond.notExists("pk"),
        )
        .update(
          accounts,
          { id: "alice" },
          [update.decrement("balance", 30), update.add("orders", 1)],
          cond.ge("balance", 30),
        )
        .update(accounts, { id: "bob" }, update.set("lastSeen", "today"))
        .delete(orders, { pk: "alice", sk: 1 }, cond.eq("state", "draft"))
        .conditionCheck(accounts, { id: "carol" }, cond.notExists("id"))
        .returnConsumedCapacity()
        .build();
      const out = await client.send(new TransactWriteItemsCommand(input));
      assert.ok(out.ConsumedCapacity?.length);
      assert.deepEqual(await read(orders, { pk: "alice", sk: 2 }), {
        pk: "alice",
        sk: 2,
        total: 30,
        lines: [{ sku: "x", qty: 1 }],
      });
      assert.deepEqual(await read(accounts, { id: "alice" }), {
        id: "alice",
        balance: 70,
        status: "active",
        orders: 1,
      });
      assert.deepEqual(await read(accounts, { id: "bob" }), {
        id: "bob",
        balance: 5,
        status: "active",
        lastSeen: "today",
      });
      assert.equal(await read(orders, { pk: "alice", sk: 1 }), undefined);
    },
  );

  test(
    "a cancelled transaction: reasons per action, old items, nothing written",
    { skip: needsTransactions },
    async () => {
      await seed(
        [accounts, { id: "dave", balance: 10, status: "frozen" }],
        [orders, { pk: "dave", sk: 1, state: "paid" }],
      );
      const input = new TransactWriteItemsBuilder()
        .put(orders, { pk: "dave", sk: 2, total: 50 })
        .update(accounts, { id: "dave" }, update.decrement("balance", 50), cond.ge("balance", 50))
        .conditionCheck(orders, { pk: "dave", sk: 1 }, cond.eq("state", "draft"))
        .delete(accounts, { id: "nobody" })
        .returnValuesOnConditionCheckFailure("ALL_OLD")
        .build();
      const error = await client
        .send(new TransactWriteItemsCommand(input))
        .catch((e: unknown) => e);
      assert.ok(error instanceof TransactionCanceledException, String(error));
      const reasons = error.CancellationReasons!;
      assert.deepEqual(
        reasons.map((r) => r.Code),
        ["None", "ConditionalCheckFailed", "ConditionalCheckFailed", "None"],
      );
      assert.deepEqual(unmarshalItem(reasons[1].Item!), {
        id: "dave",
        balance: 10,
        status: "frozen",
      });
      assert.deepEqual(unmarshalItem(reasons[2].Item!), { pk: "dave", sk: 1, state: "paid" });
      assert.equal(await read(orders, { pk: "dave", sk: 2 }), undefined);
      assert.equal((await read(accounts, { id: "dave" }))!.balance, 10);
    },
  );

  test("a client request token makes a retry idempotent", { skip: needsTransactions }, async () => {
    await seed([accounts, { id: "erin", balance: 0 }]);
    const input = new TransactWriteItemsBuilder()
      .update(accounts, { id: "erin" }, update.increment("balance", 5))
      .token(`tok-${process.pid}-${Date.now()}`)
      .build();
    await client.send(new TransactWriteItemsCommand(input));
    await client.send(new TransactWriteItemsCommand(input));
    assert.equal((await read(accounts, { id: "erin" }))!.balance, 5);
  });

  test("an existing input is extended with more actions", { skip: needsTransactions }, async () => {
    await seed([accounts, { id: "fay", balance: 1 }]);
    const existing = {
      TransactItems: [
        {
          Update: {
            TableName: accounts,
            Key: { id: { S: "fay" } },
            UpdateExpression: "SET #b = #b + :one",
            ExpressionAttributeNames: { "#b": "balance" },
            ExpressionAttributeValues: { ":one": { N: "1" } },
          },
        },
      ],
    };
    const snapshot = structuredClone(existing);
    const input = new TransactWriteItemsBuilder(existing)
      .put(orders, { pk: "fay", sk: 1 })
      .returnValuesOnConditionCheckFailure()
      .build();
    assert.deepEqual(existing, snapshot);
    assert.equal(input.TransactItems!.length, 2);
    await client.send(new TransactWriteItemsCommand(input));
    assert.equal((await read(accounts, { id: "fay" }))!.balance, 2);
    assert.deepEqual(await read(orders, { pk: "fay", sk: 1 }), { pk: "fay", sk: 1 });
  });
});

describe("TransactGetItemsBuilder", () => {
  test("gets from two tables, with a projection", { skip: needsTransactions }, async () => {
    await seed(
      [accounts, { id: "gus", balance: 3, status: "active" }],
      [orders, { pk: "gus", sk: 7, total: 9, note: "n" }],
    );
    const input = new TransactGetItemsBuilder()
      .get(accounts, { id: "gus" }, { project: ["balance"] })
      .get(orders, { pk: "gus", sk: 7 })
      .get(orders, { pk: "gus", sk: 8 })
      .build();
    const out = await client.send(new TransactGetItemsCommand(input));
    assert.deepEqual(
      out.Responses!.map((r) => r.Item && unmarshalItem(r.Item)),
      [{ balance: 3 }, { pk: "gus", sk: 7, total: 9, note: "n" }, undefined],
    );
  });
});

describe("batch builders", () => {
  test("BatchWrite puts and deletes across tables, BatchGet reads them back with projections", async () => {
    await seed([accounts, { id: "old", balance: 1 }]);
    const write = new BatchWriteItemBuilder()
      .put(accounts, [
        { id: "h1", balance: 1, status: "a" },
        { id: "h2", balance: 2, status: "b" },
      ])
      .put(orders, { pk: "h1", sk: 1, total: 10, lines: ["x"] })
      .delete(accounts, { id: "old" })
      .returnConsumedCapacity()
      .build();
    const written = await client.send(new BatchWriteItemCommand(write));
    assert.deepEqual(written.UnprocessedItems ?? {}, {});
    const get = new BatchGetItemBuilder()
      .get(accounts, [{ id: "h1" }, { id: "h2" }], { project: ["id", "status"] })
      .get(accounts, { id: "old" }, { consistentRead: true })
      .get(orders, { pk: { S: "h1" }, sk: { N: "1" } }, { project: "lines[0]" })
      .build();
    assert.equal(get.RequestItems![accounts].ConsistentRead, true);
    const out = await client.send(new BatchGetItemCommand(get));
    const byId = (out.Responses![accounts] ?? [])
      .map((i) => unmarshalItem(i))
      .sort((a, b) => String(a.id).localeCompare(String(b.id)));
    assert.deepEqual(byId, [
      { id: "h1", status: "a" },
      { id: "h2", status: "b" },
    ]);
    assert.deepEqual(
      out.Responses![orders].map((i) => unmarshalItem(i)),
      [{ lines: ["x"] }],
    );
  });
});
