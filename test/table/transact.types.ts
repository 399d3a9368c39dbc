/**
 * Type-level tests of transactions and batches over models, checked by `tsc --noEmit`
 * (`npm run lint`): each `@ts-expect-error` line must be a compile error, every other line must
 * compile. Nothing here runs.
 */
import type { Dyno } from "../../src/index.js";
import { s } from "../../src/index.js";
import { User } from "./schema.js";

declare const dyno: Dyno;
declare const u1: User;

const Order = s.object({ id: s.string(), total: s.number(), note: s.string().optional() });
type Order = s.Infer<typeof Order>;

const users = dyno.table("Users", { schema: User, partitionKey: "org", sortKey: "id" });
const orders = dyno.table("Orders", { schema: Order, partitionKey: "id" });

export async function transact(): Promise<void> {
  await dyno.transact((t) => {
    t.put(users, u1, { condition: (c) => c.notExists("org") });
    t.put(orders, { id: "o1", total: 3 });
    t.update(orders, { id: "o1" }, (u) => u.increment("total", 2));
    t.delete(users, { org: "o", id: "u" }, { condition: (c) => c.eq("name", "x") });
    t.check(orders, { id: "o2" }, (c) => c.exists("id"));
    // @ts-expect-error an item of another model
    t.put(orders, u1);
    // @ts-expect-error a key of another model
    t.delete(orders, { org: "o", id: "u" });
    // @ts-expect-error a key with a missing property
    t.delete(users, { org: "o" });
    // @ts-expect-error a condition on a property the model does not have
    t.check(orders, { id: "o2" }, (c) => c.exists("name"));
    // @ts-expect-error an update of a property of the wrong type
    t.update(orders, { id: "o1" }, (u) => u.set("total", "3"));
  });
  // @ts-expect-error an unknown option
  await dyno.transact(() => {}, { tokn: "x" });
}

export async function transactGet(): Promise<void> {
  const [u, o] = await dyno.transactGet((t) => [
    t.get(users, { org: "o", id: "u" }),
    t.get(orders, { id: "o1" }),
  ]);
  const user: User | undefined = u;
  const order: Order | undefined = o;
  // @ts-expect-error the second is an Order, not a User
  const wrong: User | undefined = o;
  // @ts-expect-error it may be missing
  const sure: Order = o;
  void [user, order, wrong, sure];
  const [p] = await dyno.transactGet((t) => [t.get(orders, { id: "o1" }, { project: ["total"] })]);
  const total: number | undefined = p?.total;
  // @ts-expect-error a property that was not projected
  void p?.note;
  void total;
  // @ts-expect-error a key of another model
  await dyno.transactGet((t) => [t.get(orders, { org: "o", id: "u" })]);
}

export async function batches(): Promise<void> {
  const [u, o] = await dyno.batchGet([
    [users, { org: "o", id: "u" }],
    [orders, { id: "o1" }],
  ]);
  const user: User | undefined = u;
  const order: Order | undefined = o;
  // @ts-expect-error the second is an Order
  const wrong: User | undefined = o;
  void [user, order, wrong];
  // @ts-expect-error a key of another model
  await dyno.batchGet([[orders, { org: "o", id: "u" }]]);
  // @ts-expect-error not a model
  await dyno.batchGet([[{ name: "x" }, { id: "u" }]]);
  const many = await dyno.batchGet(["a", "b"].map((id) => [orders, { id }] as const));
  const list: (Order | undefined)[] = many;
  void list;
  const grouped = await dyno.batchGet({
    us: [users, [{ org: "o", id: "u" }]],
    os: [orders, [{ id: "o1" }, { id: "o2" }]],
  });
  const us: (User | undefined)[] = grouped.us;
  const os: (Order | undefined)[] = grouped.os;
  // @ts-expect-error the orders group holds Orders
  const bad: (User | undefined)[] = grouped.os;
  void [us, os, bad];
  // @ts-expect-error a key of another model in a group
  await dyno.batchGet({ os: [orders, [{ org: "o", id: "u" }]] });
  await dyno.batchWrite((b) => {
    b.put(users, u1);
    b.delete(orders, { id: "o1" });
    // @ts-expect-error an item of another model
    b.put(users, { id: "o1", total: 3 });
    // @ts-expect-error a key with a missing property
    b.delete(users, { id: "u" });
  });
}
