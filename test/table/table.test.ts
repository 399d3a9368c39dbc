/**
 * The Table model against the local DynamoDB: every method, renamed and embedded fields in
 * conditions, updates and projections, field codecs in update values (dates as epoch
 * seconds, sets, omitEmpty), indexes, and every key validation error.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { Dyno, DynoValidationError, cond, s, type AnyMiddleware } from "../../src/index.js";
import { injectFaults } from "../../src/testing/index.js";
import { engine, testClient, uniqueTableName } from "../support/db.js";
import { User, user } from "./schema.js";
import { rejectsField } from "../support/assert.js";

let dyno: Dyno;
const seen: string[] = [];
const record: AnyMiddleware = (next) => (ctx) => {
  seen.push(ctx.operation);
  return next(ctx);
};

function define(name: string) {
  return dyno.table(name, {
    schema: User,
    partitionKey: "org",
    sortKey: "id",
    indexes: {
      byEmail: { partitionKey: "email", projection: "KEYS_ONLY" },
      byJoined: { partitionKey: "org", sortKey: "joined", projection: ["name"] },
      byName: { local: true, sortKey: "name" },
    },
  });
}
let users: ReturnType<typeof define>;

/** The item as stored, attribute names and all. */
async function raw(org: string, id: string) {
  const out = await dyno.getItem({
    TableName: users.name,
    Key: { PK: { S: org }, SK: { S: id } },
    ConsistentRead: true,
  });
  return out.Item;
}

before(async () => {
  dyno = new Dyno({ client: await testClient() }).use(record);
  users = define(uniqueTableName("users"));
  await users.create();
});

after(async () => {
  await users.drop();
});

describe("create, describe", () => {
  test("derives attribute definitions from the keys and indexes, with renamed attributes", async () => {
    const t = await users.describe();
    assert.equal(t.TableStatus, "ACTIVE");
    const defs = Object.fromEntries(
      (t.AttributeDefinitions ?? []).map((d) => [d.AttributeName, d.AttributeType]),
    );
    assert.deepEqual(defs, { PK: "S", SK: "S", email: "S", joined: "N", Name: "S" });
    assert.deepEqual(t.KeySchema, [
      { AttributeName: "PK", KeyType: "HASH" },
      { AttributeName: "SK", KeyType: "RANGE" },
    ]);
    const gsis = Object.fromEntries(
      (t.GlobalSecondaryIndexes ?? []).map((g) => [g.IndexName, g.Projection]),
    );
    assert.equal(gsis.byEmail?.ProjectionType, "KEYS_ONLY");
    assert.equal(gsis.byJoined?.ProjectionType, "INCLUDE");
    assert.deepEqual(gsis.byJoined?.NonKeyAttributes, ["Name"]);
    assert.equal(t.LocalSecondaryIndexes?.[0]?.IndexName, "byName");
  });
});

describe("put, get", () => {
  test("round-trips a typed item stored under renamed and flattened attribute names", async () => {
    const ada = user("o1", "ada", {
      age: 36,
      extra: { color: "blue" },
      settings: { theme: "dark" },
      scores: new Set([1, 2]),
      profile: { bio: "math", links: ["l1"] },
    });
    await users.put(ada);
    const item = await raw("o1", "ada");
    assert.ok(item);
    assert.deepEqual(Object.keys(item).sort(), [
      "Name",
      "PK",
      "SK",
      "addr_City",
      "addr_street",
      "age",
      "email",
      "joined",
      "profile",
      "scores",
      "settings",
      "tags",
      "x_color",
    ]);
    assert.deepEqual(item.joined, { N: "1704067200" });
    assert.deepEqual(await users.get({ org: "o1", id: "ada" }, { consistentRead: true }), ada);
    assert.equal(await users.get({ org: "o1", id: "nobody" }), undefined);
  });

  test("a condition on renamed and embedded properties", async () => {
    await users.put(user("o1", "cond", { age: 1 }));
    await assert.rejects(
      users.put(user("o1", "cond"), { condition: (c) => c.notExists("id") }),
      ConditionalCheckFailedException,
    );
    await assert.rejects(
      users.put(user("o1", "cond"), { condition: (c) => c.eq("address.city", "Paris") }),
      ConditionalCheckFailedException,
    );
    await users.put(user("o1", "cond", { age: 2 }), {
      condition: (c) =>
        c.and(
          c.eq("address.city", "London"),
          c.eq("name", "name cond"),
          c.lt("joined", new Date("2025-01-01")),
        ),
    });
    assert.equal((await users.get({ org: "o1", id: "cond" }, { consistentRead: true }))?.age, 2);
    // A plain cond.* condition is taken as is, on attribute names.
    await users.put(user("o1", "cond", { age: 3 }), { condition: cond.eq("addr_City", "London") });
    const old = await users.put(user("o1", "cond", { age: 4 }), { returnValues: "ALL_OLD" });
    assert.equal(old?.age, 3);
  });

  test("a projection of properties reads their attributes and decodes only them", async () => {
    await users.put(user("o1", "proj", { age: 5 }));
    const got = await users.get(
      { org: "o1", id: "proj" },
      { project: ["name", "address", "age"], consistentRead: true },
    );
    assert.deepEqual(got, {
      name: "name proj",
      address: { street: "1 Main St", city: "London" },
      age: 5,
    });
    await rejectsField(
      () => users.get({ org: "o1", id: "proj" }, { project: ["nope" as "name"] }),
      "project.nope",
    );
    await rejectsField(
      () => users.get({ org: "o1", id: "proj" }, { project: ["extra"] }),
      "project.extra",
      /flattened record/,
    );
  });

  test("an item the schema refuses is a DynoValidationError naming the property", async () => {
    await rejectsField(
      () => users.put({ ...user("o1", "bad"), age: "x" as unknown as number }),
      "item.age",
      /number/,
    );
    await rejectsField(
      () => users.put({ ...user("o1", "bad"), address: { street: "s" } as User["address"] }),
      "item.address.city",
    );
  });

  test("goes through the session's middleware", async () => {
    seen.length = 0;
    await users.get({ org: "o1", id: "ada" });
    assert.deepEqual(seen, ["GetItem"]);
  });
});

describe("key validation", () => {
  test("a key with a missing attribute", async () => {
    await rejectsField(() => users.get({ org: "o1" } as never), "key.id", /needs id/);
    await rejectsField(() => users.delete({ id: "x" } as never), "key.org");
  });
  test("a key with an extra attribute", async () => {
    await rejectsField(
      () => users.get({ org: "o1", id: "x", name: "n" } as never),
      "key.name",
      /not part of the key/,
    );
  });
  test("a key value of the wrong type", async () => {
    await rejectsField(() => users.get({ org: "o1", id: 7 } as never), "key.id", /string/);
  });
  test("a key that is not an object", async () => {
    await rejectsField(() => users.get("o1" as never), "key");
    await rejectsField(() => users.update(null as never, (u) => u.set("age", 1)), "key");
  });
  test("batch keys name their position", async () => {
    await rejectsField(
      () => users.batchGet([{ org: "o", id: "a" }, { org: "o" } as never]),
      "keys[1].key.id",
    );
    await rejectsField(
      () => users.batchDelete([{ org: "o", id: "a", x: 1 } as never]),
      "keys[0].key.x",
    );
  });
  test("a query key condition on a non-key attribute, without the partition key, with a bad operator", async () => {
    await rejectsField(
      () => users.query({ org: "o1", name: "x" } as never).all(),
      "key.name",
      /not a key of table/,
    );
    await rejectsField(() => users.query({ id: "x" } as never).all(), "key.org", /partition key/);
    await rejectsField(
      () => users.query({ org: "o1", id: { near: "x" } } as never).all(),
      "key.id",
      /beginsWith/,
    );
    await rejectsField(
      () => users.query({ org: "o1", id: { gt: 3 } } as never).all(),
      "key.id",
      /string/,
    );
    await rejectsField(
      () => users.query({ org: "o1" } as never, { index: "byEmail" }).all(),
      "key.org",
      /index byEmail/,
    );
    await rejectsField(
      () => users.query({ org: "o1" }, { index: "nope" as never }).all(),
      "index",
      /byEmail/,
    );
  });
});

describe("update", () => {
  test("translates property paths and encodes values with the field's codec", async () => {
    await users.put(
      user("o2", "u", {
        age: 1,
        tags: new Set(["a", "b"]),
        nick: "nn",
        history: [{ at: new Date(0), what: "made" }],
      }),
    );
    const joined = new Date("2030-05-06T07:08:09.999Z");
    const after = await users.update(
      { org: "o2", id: "u" },
      (u) =>
        u
          .set("age", 3)
          .add("visits", 1)
          .set("address.city", "Paris")
          .set("joined", joined)
          .add("tags", new Set(["c"]))
          .delete("scores", new Set([9]))
          .set("history[0].what", "changed")
          .set("profile", { bio: "b", links: [] })
          .set("extra.k", "v")
          .set("settings", { theme: "light" }),
      { returnValues: "ALL_NEW" },
    );
    await users.update({ org: "o2", id: "u" }, (u) =>
      u.append("history", [{ at: new Date(1000), what: "later" }]),
    );
    assert.equal(after.age, 3);
    assert.equal(after.visits, 1);
    assert.equal(after.address.city, "Paris");
    assert.equal(after.joined.getTime(), Math.floor(joined.getTime() / 1000) * 1000);
    assert.deepEqual(after.tags, new Set(["a", "b", "c"]));
    assert.deepEqual((await users.get({ org: "o2", id: "u" }, { consistentRead: true }))?.history, [
      { at: new Date(0), what: "changed" },
      { at: new Date(1000), what: "later" },
    ]);
    assert.deepEqual(after.extra, { k: "v" });
    assert.deepEqual(after.settings, { theme: "light" });
    const item = (await raw("o2", "u"))!;
    assert.deepEqual(item.joined, { N: String(Math.floor(joined.getTime() / 1000)) });
    assert.deepEqual(item.addr_City, { S: "Paris" });
    assert.deepEqual(item.x_k, { S: "v" });
    assert.deepEqual(item.settings, { S: '{"theme":"light"}' });
    assert.deepEqual(item.profile?.M?.Bio, { S: "b" });

    await users.update({ org: "o2", id: "u" }, (u) =>
      u.set("profile.bio", "renamed inside").set("meta", { a: 1 }).increment("visits", 2),
    );
    const again = (await raw("o2", "u"))!;
    assert.deepEqual(again.profile?.M?.Bio, { S: "renamed inside" });
    assert.deepEqual(again.visits, { N: "3" });
  });

  test("an empty set or an omitEmpty empty value removes the attribute, as a put would", async () => {
    await users.put(user("o2", "empty", { nick: "n", tags: new Set(["x"]) }));
    const after = await users.update(
      { org: "o2", id: "empty" },
      (u) => u.set("tags", new Set()).set("nick", ""),
      {
        returnValues: "ALL_NEW",
      },
    );
    assert.deepEqual(after.tags, new Set());
    assert.equal(after.nick, "");
    const item = (await raw("o2", "empty"))!;
    assert.equal(item.tags, undefined);
    assert.equal(item.nick, undefined);
  });

  test("a condition with a date compared as epoch seconds, and on an embedded property", async () => {
    await users.put(user("o2", "c", { joined: new Date("2024-06-01T00:00:00Z") }));
    await assert.rejects(
      users.update({ org: "o2", id: "c" }, (u) => u.set("age", 1), {
        condition: (c) => c.gt("joined", new Date("2024-07-01")),
      }),
      ConditionalCheckFailedException,
    );
    const old = await users.update({ org: "o2", id: "c" }, (u) => u.set("age", 1), {
      condition: (c) =>
        c.and(
          c.between("joined", new Date("2024-05-01"), new Date("2024-06-02")),
          c.beginsWith("address.city", "Lon"),
        ),
      returnValues: "ALL_OLD",
    });
    assert.equal(old?.age, undefined);
    assert.equal((await users.get({ org: "o2", id: "c" }, { consistentRead: true }))?.age, 1);
  });

  test("wrong property names and value types are DynoValidationErrors naming the property", async () => {
    const key = { org: "o2", id: "u" };
    await rejectsField(
      () => users.update(key, (u) => u.set("age", "x" as never)),
      "age",
      /u\.set: expected a number/,
    );
    await rejectsField(
      () => users.update(key, (u) => u.set("agee" as "age", 3)),
      "agee",
      /not a property of the schema/,
    );
    await rejectsField(
      () => users.update(key, (u) => u.set("address.town" as "address.city", "x")),
      "address.town",
      /not a property of address/,
    );
    await rejectsField(
      () => users.update(key, (u) => u.set("joined", 1700000000 as never)),
      "joined",
      /Date/,
    );
    await rejectsField(
      () => users.update(key, (u) => u.add("scores", new Set(["x"]) as never)),
      "scores",
      /numbers/,
    );
    // A whole embedded object is set attribute by attribute (embed-update.test.ts); a
    // flattened record's attribute names are open-ended: it cannot be replaced whole.
    await rejectsField(
      () => users.update(key, (u) => u.set("extra", { k: "v" })),
      "extra",
      /flattened record/,
    );
    // @ts-expect-error a required property: refused at compile time, and at run time
    await rejectsField(() => users.update(key, (u) => u.remove("name")), "name", /required/);
    // @ts-expect-error a key property: refused at compile time, and at run time
    await rejectsField(() => users.update(key, (u) => u.set("id", "other")), "id", /key attribute/);
    await rejectsField(
      () => users.update(key, (u) => u.set("history[0].at", "yesterday" as never)),
      "history[0].at",
      /Date/,
    );
    await rejectsField(
      () => users.update(key, (u) => u.set("name.first" as "name", "x")),
      "name.first",
      /s\.string\(\)/,
    );
    await rejectsField(
      () => users.put(user("o2", "u"), { condition: (c) => c.eq("age", "3" as never) }),
      "age",
      /cond\.eq: expected a number/,
    );
  });
});

describe("delete", () => {
  test("deletes by key, with a condition and the old item back", async () => {
    await users.put(user("o3", "d", { age: 9 }));
    await assert.rejects(
      users.delete({ org: "o3", id: "d" }, { condition: (c) => c.lt("age", 5) }),
      ConditionalCheckFailedException,
    );
    const old = await users.delete(
      { org: "o3", id: "d" },
      { condition: (c) => c.ge("age", 5), returnValues: "ALL_OLD" },
    );
    assert.equal(old?.age, 9);
    assert.equal(await users.get({ org: "o3", id: "d" }, { consistentRead: true }), undefined);
    await users.delete({ org: "o3", id: "never-there" });
  });
});

describe("query, scan", () => {
  before(async () => {
    for (let i = 0; i < 12; i++) {
      const id = `q${String(i).padStart(2, "0")}`;
      await users.put(
        user("o4", id, {
          age: i,
          joined: new Date(Date.UTC(2024, 0, 1 + i)),
          email: `${id}@o4`,
          name: `n${11 - i}`,
        }),
      );
    }
  });

  test("by partition key, with sort key conditions, descending, in pages", async () => {
    assert.equal((await users.query({ org: "o4" }).all()).length, 12);
    const some = await users.query({ org: "o4", id: { between: ["q03", "q05"] } }).all();
    assert.deepEqual(
      some.map((u) => u.id),
      ["q03", "q04", "q05"],
    );
    const desc = await users
      .query({ org: "o4", id: { beginsWith: "q1" } }, { descending: true })
      .all();
    assert.deepEqual(
      desc.map((u) => u.id),
      ["q11", "q10"],
    );
    assert.deepEqual(
      (await users.query({ org: "o4", id: "q07" }).all()).map((u) => u.age),
      [7],
    );
    assert.deepEqual(
      (await users.query({ org: "o4", id: { gt: "q09" } }, { pageSize: 1 }).all()).map((u) => u.id),
      ["q10", "q11"],
    );
    const paged: string[] = [];
    for await (const u of users.query({ org: "o4" }, { pageSize: 5 })) {
      paged.push(u.id);
      if (paged.length === 7) break;
    }
    assert.equal(paged.length, 7);
    assert.equal((await users.query({ org: "o4" }, { maxItems: 4, pageSize: 3 }).all()).length, 4);
  });

  test("with a filter and a projection of properties", async () => {
    const old = await users
      .query(
        { org: "o4" },
        {
          filter: (c) => c.and(c.ge("age", 9), c.contains("tags", "a")),
          project: ["id", "name", "age"],
        },
      )
      .all();
    assert.deepEqual(old, [
      { id: "q09", name: "n2", age: 9 },
      { id: "q10", name: "n1", age: 10 },
      { id: "q11", name: "n0", age: 11 },
    ]);
  });

  test("a declared index: its keys, its projection", async () => {
    const [byEmail, ...none] = await users.query({ email: "q03@o4" }, { index: "byEmail" }).all();
    assert.deepEqual(none, []);
    assert.deepEqual(byEmail, { org: "o4", id: "q03", email: "q03@o4" });
    const since = await users
      .query({ org: "o4", joined: { ge: new Date(Date.UTC(2024, 0, 11)) } }, { index: "byJoined" })
      .all();
    assert.deepEqual(
      since.map((u) => [u.id, u.name]),
      [
        ["q10", "n1"],
        ["q11", "n0"],
      ],
    );
    const byName = await users
      .query({ org: "o4", name: { beginsWith: "n1" } }, { index: "byName" })
      .all();
    assert.deepEqual(byName.map((u) => u.name).sort(), ["n1", "n10", "n11"]);
  });

  test("scan, filtered, of the table and of an index", async () => {
    const found = await users
      .scan({ filter: (c) => c.and(c.eq("org", "o4"), c.in("age", 1, 2, 3)) })
      .all();
    assert.deepEqual(found.map((u) => u.id).sort(), ["q01", "q02", "q03"]);
    const keys = await users
      .scan({ index: "byEmail", filter: (c) => c.beginsWith("email", "q1") })
      .all();
    assert.deepEqual(keys.map((k) => k.id).sort(), ["q10", "q11"]);
    let n = 0;
    for await (const u of users.scan({ filter: (c) => c.eq("org", "o4"), pageSize: 4 })) {
      assert.equal(u.org, "o4");
      n++;
    }
    assert.equal(n, 12);
  });

  test("a filter on a property that does not exist, or a bad maxItems", async () => {
    await rejectsField(() => users.scan({ filter: (c) => c.eq("nope" as "age", 1) }).all(), "nope");
    await rejectsField(() => users.scan({ maxItems: 0 }).all(), "maxItems");
  });
});

describe("batchGet, batchPut, batchDelete", () => {
  test("any number of items, read back in the order of the keys", async () => {
    const items = Array.from({ length: 130 }, (_, i) =>
      user("o5", `b${String(i).padStart(3, "0")}`, { age: i }),
    );
    await users.batchPut(items);
    const keys = [...items].reverse().map((u) => ({ org: u.org, id: u.id }));
    const got = await users.batchGet([...keys, { org: "o5", id: "missing" }], {
      consistentRead: true,
    });
    assert.deepEqual(
      got.map((u) => u.age),
      items.map((u) => u.age).reverse(),
    );
    await users.batchDelete(keys.slice(0, 100));
    const left = await users.query({ org: "o5" }, { consistentRead: true }).all();
    assert.deepEqual(
      left.map((u) => u.age),
      Array.from({ length: 30 }, (_, i) => i),
    );
    assert.deepEqual(await users.batchGet([]), []);
  });

  test("an item the schema refuses names its position", async () => {
    await rejectsField(
      () => users.batchPut([user("o5", "ok"), { ...user("o5", "bad"), email: 3 as never }]),
      "items[1].item.email",
    );
  });
});

describe("time to live", () => {
  test(
    "on and off for a date stored as epoch seconds",
    { skip: engine === "dynalite" ? "dynalite has no UpdateTimeToLive" : false },
    async () => {
      await users.ttl("expiresAt");
      const on = await dyno.describeTimeToLive({ TableName: users.name });
      assert.equal(on.TimeToLiveDescription?.AttributeName, "expiresAt");
      assert.match(on.TimeToLiveDescription?.TimeToLiveStatus ?? "", /ENABL/);
      await users.ttl("expiresAt", false);
      const off = await dyno.describeTimeToLive({ TableName: users.name });
      assert.match(off.TimeToLiveDescription?.TimeToLiveStatus ?? "", /DISABL/);
    },
  );

  test("refuses a date that is not stored as epoch seconds", async () => {
    const Iso = s.object({ id: s.string(), at: s.date() });
    const t = dyno.table("whatever", { schema: Iso, partitionKey: "id" });
    await rejectsField(() => t.ttl("at"), "at", /epochSeconds/);
  });
});

describe("definitions", () => {
  const def = (options: object) => () => dyno.table("T", { schema: User, ...options } as never);
  test("keys must be required top-level properties of a key type", () => {
    assert.throws(
      def({ partitionKey: "nope" }),
      (e: DynoValidationError) => e.field === "partitionKey" && /not a property/.test(e.message),
    );
    assert.throws(
      def({ partitionKey: "age" }),
      (e: DynoValidationError) => e.field === "partitionKey" && /optional/.test(e.message),
    );
    assert.throws(
      def({ partitionKey: "tags" }),
      (e: DynoValidationError) => e.field === "partitionKey" && /stringSet/.test(e.message),
    );
    assert.throws(
      def({ partitionKey: "address" }),
      (e: DynoValidationError) => e.field === "partitionKey" && /embedded/.test(e.message),
    );
    assert.throws(
      def({ partitionKey: "org", sortKey: "org" }),
      (e: DynoValidationError) => e.field === "sortKey",
    );
    assert.throws(
      def({ partitionKey: "org", indexes: { byX: { partitionKey: "settings" } } }),
      (e: DynoValidationError) => e.field === "indexes.byX.partitionKey",
    );
    assert.throws(
      def({ partitionKey: "org", indexes: { l: { local: true, sortKey: "name" } } }),
      (e: DynoValidationError) => e.field === "indexes.l" && /sort key/.test(e.message),
    );
    assert.throws(
      () => dyno.table("T", { schema: s.string() as never, partitionKey: "x" as never }),
      (e: DynoValidationError) => e.field === "schema",
    );
  });

  test("drop deletes the table", async () => {
    const t = dyno.table(uniqueTableName("drop"), {
      schema: s.object({ n: s.number() }),
      partitionKey: "n",
    });
    const made = await t.create({ billing: { read: 1, write: 1 } });
    assert.deepEqual(made.AttributeDefinitions, [{ AttributeName: "n", AttributeType: "N" }]);
    await t.put({ n: 1 });
    await t.drop();
    await assert.rejects(t.describe(), { name: "ResourceNotFoundException" });
  });
});

describe("on the exhaustive operations", () => {
  test(".all() is one operation; iterating runs one per page; a parallel scan", async () => {
    for (let i = 0; i < 9; i++) await users.put(user("o6", `p${i}`, { age: i }));
    seen.length = 0;
    assert.equal((await users.query({ org: "o6" }, { pageSize: 4 }).all()).length, 9);
    assert.deepEqual(seen, ["Query"]);
    seen.length = 0;
    let n = 0;
    for await (const u of users.query({ org: "o6" }, { pageSize: 4 })) n += u.org === "o6" ? 1 : 0;
    assert.equal(n, 9);
    assert.deepEqual(seen, ["Query", "Query", "Query"]);
    const scanned = await users.scan({ segments: 3, filter: (c) => c.eq("org", "o6") }).all();
    assert.deepEqual(scanned.map((u) => u.age).sort(), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const iterated: number[] = [];
    for await (const u of users.scan({
      segments: 2,
      concurrency: 1,
      filter: (c) => c.eq("org", "o6"),
    })) {
      iterated.push(u.age ?? -1);
    }
    assert.equal(iterated.length, 9);
  });

  test("batch writes and reads under injected unprocessed items and throttling lose nothing", async () => {
    const client = await testClient({ maxAttempts: 10 });
    const faulty = new Dyno({ client });
    const t = faulty.table(users.name, { schema: User, partitionKey: "org", sortKey: "id" });
    const faults = injectFaults(client, {
      seed: 3,
      unprocessedRate: 0.4,
      throttleRate: 0.1,
      operations: ["BatchWriteItem", "BatchGetItem"],
    });
    const items = Array.from({ length: 120 }, (_, i) => user("o7", `f${i}`, { age: i }));
    await t.batchPut(items, { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 50 });
    const got = await t.batchGet(
      items.map((u) => ({ org: u.org, id: u.id })),
      { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 50 },
    );
    faults.remove();
    assert.ok(faults.stats.unprocessed > 0, "faults were injected");
    assert.deepEqual(
      got.map((u) => u.age),
      items.map((u) => u.age),
    );
    assert.equal((await users.query({ org: "o7" }, { consistentRead: true }).all()).length, 120);
  });
});
