/**
 * Type-level tests of the Table model, checked by `tsc --noEmit` (`npm run lint`): each
 * `@ts-expect-error` line must be a compile error, every other line must compile. Nothing
 * here runs.
 */
import type { Dyno } from "../../src/index.js";
import { User } from "./schema.js";

declare const dyno: Dyno;
declare const u1: User;

const users = dyno.table("Users", {
  schema: User,
  partitionKey: "org",
  sortKey: "id",
  indexes: {
    byEmail: { partitionKey: "email", projection: "KEYS_ONLY" },
    byJoined: { partitionKey: "org", sortKey: "joined", projection: ["name"] },
    byAge: { local: true, sortKey: "joined" },
  },
});

export async function keys(): Promise<void> {
  const got: User | undefined = await users.get({ org: "o", id: "u" });
  void got;
  // @ts-expect-error a key with a missing attribute
  await users.get({ org: "o" });
  // @ts-expect-error a key with an extra attribute
  await users.get({ org: "o", id: "u", name: "x" });
  // @ts-expect-error a key value of the wrong type
  await users.get({ org: "o", id: 1 });
  // @ts-expect-error delete takes a key, not an item property
  await users.delete({ org: "o", email: "e" });
  const picked = await users.get({ org: "o", id: "u" }, { project: ["name", "age"] });
  if (picked) {
    const n: string = picked.name;
    void n;
    // @ts-expect-error not projected
    void picked.email;
  }
}

export async function updates(): Promise<void> {
  await users.update({ org: "o", id: "u" }, (u) => u.set("age", 3).add("visits", 1));
  await users.update({ org: "o", id: "u" }, (u) =>
    u
      .set("address.city", "Paris")
      .set("joined", new Date())
      .add("tags", new Set(["x"])),
  );
  await users.update({ org: "o", id: "u" }, (u) =>
    u.set("history[0].what", "x").append("history", [{ at: new Date(), what: "y" }]),
  );
  await users.update({ org: "o", id: "u" }, (u) => u.set("meta.anything", 1).remove("profile"));
  // Removable: optional properties, sets, list elements, record entries (at any depth).
  await users.update({ org: "o", id: "u" }, (u) =>
    u.remove("age", "tags", "history[0]", "meta.k", "extra.k", "profile.links[1]", "settings"),
  );
  // @ts-expect-error a required top-level property
  await users.update({ org: "o", id: "u" }, (u) => u.remove("name"));
  // @ts-expect-error a required embedded property
  await users.update({ org: "o", id: "u" }, (u) => u.remove("address.city"));
  // @ts-expect-error a required property of an optional nested object
  await users.update({ org: "o", id: "u" }, (u) => u.remove("profile.bio"));
  // @ts-expect-error a required property inside a list element
  await users.update({ org: "o", id: "u" }, (u) => u.remove("history[0].what"));
  // @ts-expect-error one required among optional ones
  await users.update({ org: "o", id: "u" }, (u) => u.remove("age", "joined"));
  // @ts-expect-error the key
  await users.update({ org: "o", id: "u" }, (u) => u.remove("org"));
  // @ts-expect-error a value of the wrong type
  await users.update({ org: "o", id: "u" }, (u) => u.set("age", "x"));
  // @ts-expect-error a wrong property name
  await users.update({ org: "o", id: "u" }, (u) => u.set("agee", 3));
  // @ts-expect-error a wrong nested property name
  await users.update({ org: "o", id: "u" }, (u) => u.set("address.town", "x"));
  // @ts-expect-error add needs a number or set field
  await users.update({ org: "o", id: "u" }, (u) => u.add("name", 1));
  // @ts-expect-error a date field takes a Date
  await users.update({ org: "o", id: "u" }, (u) => u.set("joined", 1700000000));
  // @ts-expect-error a set field takes a set of its members
  await users.update({ org: "o", id: "u" }, (u) => u.add("scores", new Set(["x"])));
  // @ts-expect-error increment needs a number field
  await users.update({ org: "o", id: "u" }, (u) => u.increment("tags"));
  // Key properties cannot be changed by any action (DynamoDB refuses it; so does the table).
  // @ts-expect-error set a partition key property
  await users.update({ org: "o", id: "u" }, (u) => u.set("org", "x"));
  // @ts-expect-error set a sort key property
  await users.update({ org: "o", id: "u" }, (u) => u.set("id", "x"));
  // @ts-expect-error setIfNotExists on a key property
  await users.update({ org: "o", id: "u" }, (u) => u.setIfNotExists("org", "x"));
  // @ts-expect-error remove a key property
  await users.update({ org: "o", id: "u" }, (u) => u.remove("id"));
  // @ts-expect-error a key property among other properties
  await users.update({ org: "o", id: "u" }, (u) => u.set("name", "n").set("org", "x"));
  // Copying a key property into another one is fine.
  await users.update({ org: "o", id: "u" }, (u) => u.set("email", u.attr("id")));
  // A whole embedded object is replaced (its absent optional properties removed).
  await users.update({ org: "o", id: "u" }, (u) => u.set("address", { street: "s", city: "c" }));
  // @ts-expect-error a required embedded object cannot be removed
  await users.update({ org: "o", id: "u" }, (u) => u.remove("address"));
  // @ts-expect-error a whole embedded object needs its required properties
  await users.update({ org: "o", id: "u" }, (u) => u.set("address", { street: "s" }));
  const after: User = await users.update({ org: "o", id: "u" }, (u) => u.increment("age"), {
    returnValues: "ALL_NEW",
  });
  void after;
}

export async function conditions(): Promise<void> {
  await users.put(u1, { condition: (c) => c.notExists("org") });
  await users.put(u1, {
    condition: (c) => c.and(c.lt("joined", new Date()), c.contains("tags", "a")),
  });
  // @ts-expect-error a condition on a property that does not exist
  await users.put(u1, { condition: (c) => c.eq("nope", 1) });
  // @ts-expect-error a condition value of the wrong type
  await users.put(u1, { condition: (c) => c.eq("age", "3") });
  // @ts-expect-error beginsWith needs a string field
  await users.put(u1, { condition: (c) => c.beginsWith("age", "3") });
  // @ts-expect-error an item missing required properties
  await users.put({ org: "o", id: "u" });
}

export async function queries(): Promise<void> {
  const all: User[] = await users.query({ org: "o" }).all();
  void all;
  await users.query({ org: "o", id: { beginsWith: "u#" } }, { descending: true });
  await users.query({ org: "o", id: { between: ["a", "b"] } });
  // @ts-expect-error a key condition on a non-key attribute
  await users.query({ org: "o", name: "x" }).all();
  // @ts-expect-error the partition key is required
  await users.query({ id: "x" }).all();
  // @ts-expect-error a sort key value of the wrong type
  await users.query({ org: "o", id: { gt: 3 } }).all();
  const byEmail = await users.query({ email: "e" }, { index: "byEmail" }).all();
  const e: string = byEmail[0]!.email;
  void e;
  // @ts-expect-error a KEYS_ONLY index does not hold name
  void byEmail[0]!.name;
  // @ts-expect-error byEmail's partition key is email, not org
  await users.query({ org: "o" }, { index: "byEmail" }).all();
  await users.query({ org: "o", joined: { gt: new Date() } }, { index: "byJoined" }).all();
  // @ts-expect-error an index that is not declared
  await users.scan({ index: "nope" }).all();
  const names = await users.scan({ project: ["name"], filter: (c) => c.gt("age", 3) }).all();
  const n: string = names[0]!.name;
  void n;
  for await (const user of users.scan()) {
    const city: string = user.address.city;
    void city;
  }
}

export function definitions(): void {
  // @ts-expect-error the partition key must be a property
  dyno.table("T", { schema: User, partitionKey: "nope" });
  // @ts-expect-error an optional property cannot be a key
  dyno.table("T", { schema: User, partitionKey: "age" });
  // @ts-expect-error a set is not a key type
  dyno.table("T", { schema: User, partitionKey: "tags" });
}

export async function ttl(): Promise<void> {
  await users.ttl("expiresAt");
  // @ts-expect-error time to live needs a date property
  await users.ttl("name");
}

export async function copies(): Promise<void> {
  const k = { org: "o", id: "u" };
  // copies and comparisons between properties of the same type, at any depth
  await users.update(k, (u) => u.set("visits", u.attr("age")));
  await users.update(k, (u) => u.set("email", u.attr("name")));
  await users.update(k, (u) => u.set("expiresAt", u.attr("joined")));
  await users.update(k, (u) => u.set("address.street", u.attr("address.city")));
  await users.update(k, (u) => u.set("profile.bio", u.attr("history[0].what")));
  await users.update(k, (u) => u.set("profile.links[1]", u.attr("profile.links[0]")));
  await users.update(k, (u) => u.set("meta.a", u.attr("meta.b")));
  await users.update(k, (u) => u.set("extra.k", u.attr("email")));
  await users.put(u1, { condition: (c) => c.lt("visits", c.attr("age")) });
  await users.put(u1, { condition: (c) => c.between("age", c.attr("visits"), 9) });
  await users.put(u1, { condition: (c) => c.contains("tags", c.attr("email")) });
  await users.put(u1, { condition: (c) => c.in("meta.x", 1, c.attr("age")) });
  // @ts-expect-error a number from a date stored as epoch seconds
  await users.update(k, (u) => u.set("visits", u.attr("joined")));
  // @ts-expect-error a string from a number
  await users.update(k, (u) => u.set("email", u.attr("meta.x")));
  // @ts-expect-error a list from a string
  await users.update(k, (u) => u.set("profile.links", u.attr("email")));
  // @ts-expect-error a number compared with a date
  await users.put(u1, { condition: (c) => c.eq("age", c.attr("joined")) });
  // @ts-expect-error a string set does not contain numbers
  await users.put(u1, { condition: (c) => c.contains("tags", c.attr("age")) });
}
