// The Table model: typed items, keys, conditions, updates and queries on a schema.
import { s, type Dyno } from "../src/index.js";
import { startLocal } from "../src/local/index.js";

const User = s.object({
  org: s.string(),
  id: s.string(),
  name: s.string().rename("Name"), // stored as "Name"
  age: s.number().optional(),
  address: s.embed(s.object({ city: s.string() }), { prefix: "addr_" }), // stored as "addr_city"
  tags: s.stringSet(),
  joined: s.date({ as: "epochSeconds" }),
});

await using local = await startLocal();
const dyno: Dyno = local.dyno;
const users = dyno.table("Users", {
  schema: User,
  partitionKey: "org",
  sortKey: "id",
  indexes: { byName: { local: true, sortKey: "name" } }, // a local secondary index
});
await users.create(); // attribute definitions from the keys and indexes; waits until ACTIVE

const joined = new Date("2024-03-01T00:00:00Z");
await users.put({
  org: "acme",
  id: "ada",
  name: "Ada",
  age: 36,
  address: { city: "London" },
  tags: new Set(["math"]),
  joined,
});
await users.put(
  { org: "acme", id: "bob", name: "Bob", address: { city: "Paris" }, tags: new Set(), joined },
  {
    condition: (c) => c.notExists("id"), // fails if bob exists
  },
);

const ada = await users.update(
  { org: "acme", id: "ada" },
  (u) => u.increment("age").add("tags", new Set(["poetry"])),
  {
    condition: (c) => c.eq("address.city", "London"), // the property path; DynamoDB sees addr_city
    returnValues: "ALL_NEW",
  },
);
console.log("updated:", ada.name, ada.age, [...ada.tags].join("+"));

const londoners = await users
  .query({ org: "acme" }, { filter: (c) => c.eq("address.city", "London") })
  .all();
console.log("in London:", londoners.map((u) => u.name).join(", "));

const b = await users.query({ org: "acme", name: { beginsWith: "B" } }, { index: "byName" }).all();
console.log("names from B:", b.map((u) => u.id).join(", "));

for await (const u of users.scan({ project: ["name", "joined"] })) {
  console.log("scanned:", u.name, u.joined.toISOString()); // typed: only name and joined
}
await users.drop();
