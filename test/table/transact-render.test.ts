/**
 * `dyno.transact` renders its plans straight into the TransactWriteItems input (no builder copy
 * or second validation): a differential test against `TransactWriteItemsBuilder` rendering the
 * same plans, for tables and entities, every kind of action, versions, `returnFailedItems` and
 * the options; and the checks the builder made still made. No DynamoDB needed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { DynamoDBClient, type TransactWriteItemsCommandInput } from "@aws-sdk/client-dynamodb";
import { Dyno, cond, s } from "../../src/index.js";
import { TransactWriteItemsBuilder } from "../../src/builders/transact.js";
import {
  TransactWriter,
  transactInput,
  type TransactEntry,
  type TransactOptions,
} from "../../src/table/transact.js";
import { rejectsField } from "../support/assert.js";

const dyno = new Dyno({
  client: new DynamoDBClient({
    region: "us-east-1",
    endpoint: "http://127.0.0.1:9",
    credentials: { accessKeyId: "x", secretAccessKey: "y" },
  }),
});
const Order = s.object({
  id: s.string(),
  total: s.number(),
  blob: s.binary().optional(),
  lines: s.list(s.string()).optional(),
  "odd.name": s.string().optional(),
});
const orders = dyno.table("orders", { schema: Order, partitionKey: "id" });
const User = s.object({ org: s.string(), id: s.string(), name: s.string(), version: s.number() });
const app = dyno.sharedTable("app", { partitionKey: "pk", sortKey: "sk" });
const Users = app.entity("User", {
  schema: User,
  key: { partitionKey: "ORG#{org}", sortKey: "USER#{id}" },
  version: "version",
});

/** The input as the builder rendered it before (the oracle). */
function viaBuilder(
  entries: readonly TransactEntry[],
  options: TransactOptions,
): TransactWriteItemsCommandInput {
  const b = new TransactWriteItemsBuilder();
  for (const { model, plan } of entries) {
    const [pk, sk] = model.keyAttributes;
    b.keySchema(model.name, pk!, sk);
    const c = plan.conditions;
    const condition = c.length === 0 ? undefined : c.length === 1 ? c[0] : cond.and(...c);
    if (plan.kind === "Put") b.put(plan.table, plan.item, condition);
    else if (plan.kind === "Update") b.update(plan.table, plan.key, plan.actions, condition);
    else if (plan.kind === "Delete") b.delete(plan.table, plan.key, condition);
    else b.conditionCheck(plan.table, plan.key, condition!);
  }
  if (options.token !== undefined) b.token(options.token);
  if (options.returnConsumedCapacity) b.returnConsumedCapacity(options.returnConsumedCapacity);
  if (options.returnItemCollectionMetrics)
    b.returnItemCollectionMetrics(options.returnItemCollectionMetrics);
  const input = b.build();
  input.TransactItems = input.TransactItems!.map((item, i) => {
    const plan = entries[i]!.plan;
    if (!(plan.version || (options.returnFailedItems && plan.conditions.length > 0))) return item;
    const [name, action] = Object.entries(item)[0]!;
    return { [name]: { ...action, ReturnValuesOnConditionCheckFailure: "ALL_OLD" } };
  });
  return input;
}

function writer(i: number): TransactWriter {
  const t = new TransactWriter();
  t.put(orders, { id: `o${i}`, total: -1.5e-7, blob: new Uint8Array([0, 1, i & 255]) });
  t.put(
    orders,
    { id: `p${i}`, total: 1e21, lines: ["a\u0000b", "#c"], "odd.name": "x" },
    { condition: (c) => c.and(c.notExists("id"), c.lt("total", 3)) },
  );
  t.update(orders, { id: `u${i}` }, (u) => u.increment("total", 5).set("lines", ["z"]), {
    condition: (c) => c.or(c.notExists("total"), c.ge("total", 0)),
  });
  t.update(orders, { id: `w${i}` }, (u) => u.remove("lines"));
  t.delete(orders, { id: `d${i}` });
  t.delete(orders, { id: `e${i}` }, { condition: (c) => c.exists("id") });
  t.check(orders, { id: `c${i}` }, (c) => c.notExists("id"));
  t.put(Users, { org: "acme", id: `u${i}`, name: "Ada", version: 3 });
  t.put(Users, { org: "a#b", id: `v${i}`, name: "Bo" } as never);
  t.update(Users, { org: "acme", id: `x${i}` }, (u) => u.set("name", "Cy"), { version: 2 });
  t.delete(Users, { org: "acme", id: `y${i}` }, { version: 7 });
  t.check(Users, { org: "acme", id: `z${i}` }, (c) => c.eq("name", "Ada"));
  t.close();
  return t;
}

test("the rendered input is the one the builder made of the same plans", () => {
  const cases: TransactOptions[] = [
    {},
    { returnFailedItems: true },
    { token: "t", returnConsumedCapacity: "TOTAL", returnItemCollectionMetrics: "SIZE" },
    { token: "x".repeat(36), returnFailedItems: false },
  ];
  cases.forEach((options, i) => {
    const { entries } = writer(i);
    assert.deepEqual(transactInput(entries, options), viaBuilder(entries, options));
  });
});

test("two renders of the same plans share nothing mutable", () => {
  const { entries } = writer(9);
  const a = transactInput(entries, {});
  const b = transactInput(entries, {});
  assert.deepEqual(a, b);
  const names = (x: TransactWriteItemsCommandInput) =>
    x.TransactItems![2]!.Update!.ExpressionAttributeNames!;
  assert.notEqual(names(a), names(b));
  assert.notEqual(
    a.TransactItems![2]!.Update!.ExpressionAttributeValues,
    b.TransactItems![2]!.Update!.ExpressionAttributeValues,
  );
});

test("the checks the builder made are still made", async () => {
  const put = (t: TransactWriter) => t.put(orders, { id: "a", total: 1 });
  await rejectsField(() => dyno.transact(put, { token: "" }), "token", /1 to 36/);
  await rejectsField(() => dyno.transact(put, { token: "x".repeat(37) }), "token", /1 to 36/);
  await rejectsField(() => dyno.transact(put, { token: 5 as never }), "token", /1 to 36/);
  await rejectsField(() => dyno.transact(() => {}), "actions", /at least one/);
  await rejectsField(
    () =>
      dyno.transact((t) => {
        for (let i = 0; i < 101; i++) t.put(orders, { id: `i${i}`, total: i });
      }),
    "actions",
    /at most 100/,
  );
  await rejectsField(
    () =>
      dyno.transact((t) => {
        t.put(Users, { org: "o", id: "1", name: "A", version: 1 });
        t.delete(Users, { org: "o", id: "1" });
      }),
    "actions[1]",
    /same item as actions\[0\]/,
  );
});
