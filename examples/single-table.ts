// Single-table design: organisations, users and orders in one table, keys filled from properties.
import { VersionConflictError, s, type Dyno } from "../src/index.js";
import { startLocal } from "../src/local/index.js";

const Org = s.object({
  org: s.string(),
  name: s.string(),
  orders: s.number(),
  version: s.number().optional(),
});
const User = s.object({ org: s.string(), id: s.string(), email: s.string(), name: s.string() });
const Order = s.object({
  org: s.string(),
  id: s.string(),
  user: s.string(),
  total: s.number(),
  placedAt: s.date(),
});

await using local = await startLocal();
const dyno: Dyno = local.dyno;
const app = dyno.sharedTable("App", {
  partitionKey: "pk",
  sortKey: "sk",
  indexes: { gsi1: { partitionKey: "gsi1pk", sortKey: "gsi1sk" } },
});
const Orgs = app.entity("Org", {
  schema: Org,
  key: { partitionKey: "ORG#{org}", sortKey: "ORG" },
  version: "version", // optimistic locking
});
const Users = app.entity("User", {
  schema: User,
  key: { partitionKey: "ORG#{org}", sortKey: "USER#{id}" },
  indexes: { gsi1: { partitionKey: "EMAIL#{email}", sortKey: "USER" } }, // find a user by email
});
const Orders = app.entity("Order", {
  schema: Order,
  key: { partitionKey: "ORG#{org}", sortKey: "ORDER#{placedAt}#{id}" }, // sorted by date
});
await app.create(); // the table and its index, ACTIVE

await Orgs.put({ org: "acme", name: "Acme", orders: 0 }); // version 1
await Users.put({ org: "acme", id: "ada", email: "ada@acme.example", name: "Ada" });
await Users.put({ org: "acme", id: "bob", email: "bob@acme.example", name: "Bob" });

const [ada] = await Users.query({ email: "ada@acme.example" }, { index: "gsi1" }).all();
console.log("by email:", ada?.name);

// Place an order and bump the organisation's counter, all or nothing.
const order = {
  org: "acme",
  id: "o1",
  user: "ada",
  total: 42,
  placedAt: new Date("2024-05-01T10:00:00Z"),
};
if (local.engine === "dynalite") {
  console.log("(dynalite has no transactions: two writes)");
  await Orders.put(order);
  await Orgs.update({ org: "acme" }, (u) => u.increment("orders"));
} else {
  await dyno.transact((t) => {
    t.put(Orders, order, { condition: (c) => c.notExists("id") });
    t.update(Orgs, { org: "acme" }, (u) => u.increment("orders"));
  });
}
console.log("placed", order.id, "orders:", (await Orgs.get({ org: "acme" }))?.orders);

// Everything of one organisation in one query, grouped by entity.
const { users, orders } = await app
  .collection({ users: Users, orders: Orders })
  .query({ org: "acme" })
  .all();
console.log("collection:", users.map((u) => u.name).join(","), orders.map((o) => o.id).join(","));

// Two writers read version 2; the second write is refused.
const seen = (await Orgs.get({ org: "acme" }))!;
await Orgs.put({ ...seen, name: "Acme Inc." });
try {
  await Orgs.put({ ...seen, name: "ACME" });
} catch (e) {
  if (!(e instanceof VersionConflictError)) throw e;
  console.log(`conflict: expected ${e.expected}, found ${e.actual}`);
}

// A page at a time, with a cursor to hand to a client.
const page = await Users.query({ org: "acme" }).page({ limit: 1 });
const next = await Users.query({ org: "acme" }).page({ limit: 1, cursor: page.cursor });
console.log("pages:", page.items[0]?.id, next.items[0]?.id);
