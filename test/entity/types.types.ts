/**
 * Type-level tests of entities and collections, checked by `tsc --noEmit` (`npm run lint`):
 * each `@ts-expect-error` line must be a compile error, every other line must compile.
 * Nothing here runs.
 */
import type { Dyno } from "../../src/index.js";
import { Order, Reading, User } from "./schema.js";

declare const dyno: Dyno;
const app = dyno.sharedTable("App", {
  partitionKey: "pk",
  sortKey: "sk",
  indexes: { gsi1: { partitionKey: "gsi1pk", sortKey: "gsi1sk" } },
});
const Users = app.entity("User", {
  schema: User,
  key: { partitionKey: "ORG#{org}", sortKey: "USER#{id}" },
  indexes: { gsi1: { partitionKey: "EMAIL#{email}", sortKey: "USER" } },
  version: "version",
});
const Orders = app.entity("Order", {
  schema: Order,
  key: { partitionKey: "ORG#{org}", sortKey: "ORDER#{placedAt}#{orderId}" },
  ttl: "expiresAt",
});
const Readings = app.entity("Reading", {
  schema: Reading,
  key: { partitionKey: "SENSOR#{sensor}", sortKey: "V#{value}" },
});

export function definitions(): void {
  // @ts-expect-error a template naming an unknown property
  app.entity("A", { schema: User, key: { partitionKey: "ORG#{orgg}", sortKey: "X" } });
  // @ts-expect-error a template naming a property of another schema
  app.entity("B", { schema: Reading, key: { partitionKey: "X#{flag}", sortKey: "X" } });
  app.entity("C", {
    schema: User,
    key: { partitionKey: "ORG#{org}", sortKey: "X" },
    // @ts-expect-error an index the shared table does not have
    indexes: { gsi9: { partitionKey: "X" } },
  });
  app.entity("D", {
    schema: User,
    key: { partitionKey: "ORG#{org}", sortKey: "X" },
    // @ts-expect-error a version property that is not a number
    version: "name",
  });
  // @ts-expect-error a TTL property that is not a date
  app.entity("E", { schema: User, key: { partitionKey: "ORG#{org}", sortKey: "X" }, ttl: "age" });
}

export async function keys(): Promise<void> {
  const u: User | undefined = await Users.get({ org: "o", id: "u" });
  void u;
  // @ts-expect-error a missing key property
  await Users.get({ org: "o" });
  // @ts-expect-error an extra key property
  await Users.get({ org: "o", id: "u", email: "e" });
  // @ts-expect-error a key value of the wrong type
  await Users.get({ org: "o", id: 1 });
  await Orders.get({ org: "o", placedAt: new Date(), orderId: "x" });
  // @ts-expect-error a date property given as a string
  await Orders.get({ org: "o", placedAt: "2024-01-01", orderId: "x" });
  await Readings.delete({ sensor: "s", value: -1 });
  await Users.update({ org: "o", id: "u" }, (x) => x.set("age", 3), { version: 2 });
  // @ts-expect-error update takes a key, not an item
  await Users.update({ org: "o", email: "e" }, (x) => x.set("age", 3));
  await Users.update({ org: "o", id: "u" }, (x) => x.remove("age"));
  // @ts-expect-error a required property cannot be removed
  await Users.update({ org: "o", id: "u" }, (x) => x.remove("email"));
  // A property of an index's templates can be set (the index key is recomputed)...
  await Users.update({ org: "o", id: "u" }, (x) => x.set("email", "e"));
  // ...one of the table key's templates cannot (the item's key would change).
  // @ts-expect-error set a property of the key's partition key template
  await Users.update({ org: "o", id: "u" }, (x) => x.set("org", "p"));
  // @ts-expect-error setIfNotExists on a property of the key's sort key template
  await Users.update({ org: "o", id: "u" }, (x) => x.setIfNotExists("id", "v"));
  // @ts-expect-error add to a number property of a key template
  await Readings.update({ sensor: "s", value: 1 }, (x) => x.add("value", 1));
  // @ts-expect-error increment a number property of a key template
  await Readings.update({ sensor: "s", value: 1 }, (x) => x.increment("value"));
  // @ts-expect-error a key template's property in a transaction
  await dyno.transact((t) => t.update(Users, { org: "o", id: "u" }, (x) => x.set("org", "p")));
  await dyno.transact((t) => t.update(Users, { org: "o", id: "u" }, (x) => x.set("age", 1)));
}

export async function queries(): Promise<void> {
  const all: User[] = await Users.query({ org: "o" }).all();
  void all;
  await Users.query({ org: "o", id: { beginsWith: "a" } }).all();
  await Orders.query({ org: "o", placedAt: { between: [new Date(), new Date()] } }).all();
  await Readings.query({ sensor: "s", value: { gt: -5 } }).all();
  await Users.query({ email: "a@b" }, { index: "gsi1" }).all();
  // @ts-expect-error the table's key on an index query
  await Users.query({ org: "o" }, { index: "gsi1" }).all();
  // @ts-expect-error a query without the partition key property
  await Users.query({ id: "x" }).all();
  // @ts-expect-error beginsWith on a number property
  await Readings.query({ sensor: "s", value: { beginsWith: "1" } }).all();
  // @ts-expect-error an index the entity does not declare
  await Orders.query({ org: "o" }, { index: "gsi1" }).all();
  const page = await Users.query({ org: "o" }).page({ limit: 10 });
  const first: User | undefined = page.items[0];
  const next: string | undefined = page.cursor;
  void [first, next];
}

export async function collections(): Promise<void> {
  const c = app.collection({ users: Users, orders: Orders });
  for await (const x of c.query({ org: "o" })) {
    if (x.entity === "users") {
      const u: User = x.item;
      void u;
      // @ts-expect-error a user has no total
      void x.item.total;
    } else {
      const o: Order = x.item;
      void o;
    }
  }
  const all = await c.query({ org: "o" }).all();
  const users: User[] = all.users;
  const orders: Order[] = all.orders;
  void [users, orders];
  // @ts-expect-error not a member
  void all.readings;
  // @ts-expect-error the partition key property is missing
  c.query({});
}

declare const user: User;
declare const order: Order;
const plain = dyno.table("Plain", { schema: Reading, partitionKey: "sensor", sortKey: "value" });

export async function transactions(): Promise<void> {
  await dyno.transact((t) => {
    t.put(Users, user, { condition: (c) => c.notExists("id") });
    t.update(Orders, { org: "o", placedAt: new Date(), orderId: "x" }, (u) => u.add("total", 5));
    t.update(Users, { org: "o", id: "u" }, (u) => u.set("age", 3), { version: 2 });
    t.delete(Users, { org: "o", id: "u" }, { version: 1 });
    t.check(Orders, { org: "o", placedAt: new Date(), orderId: "y" }, (c) => c.gt("total", 0));
    t.put(plain, { sensor: "s", value: 1, big: 2n, at: new Date() });
    // @ts-expect-error an entity key with a missing template property
    t.delete(Users, { org: "o" });
    // @ts-expect-error an entity key given as the table's attributes
    t.delete(Users, { pk: "ORG#o", sk: "USER#u" });
    // @ts-expect-error an entity key with an extra property
    t.delete(Users, { org: "o", id: "u", email: "e" });
    // @ts-expect-error an item of another entity
    t.put(Users, order);
    // @ts-expect-error an update of a property of the wrong type
    t.update(Users, { org: "o", id: "u" }, (u) => u.set("age", "3"));
    // @ts-expect-error a condition on a property the entity does not have
    t.check(Users, { org: "o", id: "u" }, (c) => c.exists("total"));
    // @ts-expect-error a version that is not a number
    t.delete(Users, { org: "o", id: "u" }, { version: "1" });
  });
  await dyno.batchWrite((b) => {
    b.put(Orders, order);
    b.delete(Users, { org: "o", id: "u" });
    // @ts-expect-error a key of another entity
    b.delete(Orders, { org: "o", id: "u" });
  });
}

export async function transactGet(): Promise<void> {
  const [u, o, r] = await dyno.transactGet((t) => [
    t.get(Users, { org: "o", id: "u" }),
    t.get(Orders, { org: "o", placedAt: new Date(), orderId: "x" }),
    t.get(plain, { sensor: "s", value: 1 }),
  ]);
  const first: User | undefined = u;
  const second: Order | undefined = o;
  const third: Reading | undefined = r;
  void [first, second, third];
  // @ts-expect-error the first position is a User, not an Order
  const wrong: Order | undefined = u;
  // @ts-expect-error the third position is a Reading, not a User
  const wrong3: User | undefined = r;
  // @ts-expect-error a read may find nothing
  const sure: User = u;
  // @ts-expect-error there are three positions
  void (await dyno.transactGet((t) => [t.get(Users, { org: "o", id: "u" })]))[1];
  // @ts-expect-error an entity key with a missing template property
  await dyno.transactGet((t) => [t.get(Orders, { org: "o", orderId: "x" })]);
  void [wrong, wrong3, sure];
}

export async function batchGet(): Promise<void> {
  const [u, o] = await dyno.batchGet([
    [Users, { org: "o", id: "u" }],
    [Orders, { org: "o", placedAt: new Date(), orderId: "x" }],
  ]);
  const first: User | undefined = u;
  const second: Order | undefined = o;
  void [first, second];
  // @ts-expect-error the second is an Order
  const wrong: User | undefined = o;
  void wrong;
  // @ts-expect-error an entity key with a missing template property
  await dyno.batchGet([[Users, { org: "o" }]]);
  const mine: User[] = await Users.batchGet([{ org: "o", id: "u" }]);
  void mine;
  // @ts-expect-error an entity's batchGet returns its own items
  const theirs: Order[] = await Users.batchGet([{ org: "o", id: "u" }]);
  void theirs;
  // @ts-expect-error a key of another entity
  await Users.batchGet([{ org: "o", orderId: "x" }]);
}

export async function collectionPages(): Promise<void> {
  const c = app.collection({ users: Users, orders: Orders });
  const page = await c.query({ org: "o" }).page({ limit: 5 });
  for (const x of page.items) {
    if (x.entity === "orders") {
      const o: Order = x.item;
      void o;
    }
  }
  const next: string | undefined = page.cursor;
  void next;
  // @ts-expect-error a property no member's partition key template names
  c.query({ org: "o", sensor: "s" });
  // @ts-expect-error every member's partition key properties are needed (sensor is missing)
  app.collection({ users: Users, readings: Readings }).query({ org: "o" });
}
