/**
 * Entities on a shared table against the local DynamoDB: computed key attributes written and
 * never returned, queries that read one entity where several share a partition, sort key
 * conditions on template properties, index queries, scans, batches, index keys recomputed by
 * updates, sortable numbers, bigints and dates, escaped separators, and every key error.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Dyno, s } from "../../src/index.js";
import { testDyno, uniqueTableName } from "../support/db.js";
import { User, define, type Reading } from "./schema.js";
import { rejectsField } from "../support/assert.js";

let dyno: Dyno;
let t: ReturnType<typeof define>;

const user = (org: string, id: string, extra: Partial<User> = {}): User => ({
  org,
  id,
  email: `${id}@${org}.example`,
  name: `name ${id}`,
  ...extra,
});

async function raw(pk: string, sk: string) {
  const out = await dyno.getItem({
    TableName: t.app.name,
    Key: { pk: { S: pk }, sk: { S: sk } },
    ConsistentRead: true,
  });
  return out.Item;
}

before(async () => {
  dyno = await testDyno();
  t = define(dyno, uniqueTableName("app"));
  await t.app.create();
});

after(async () => {
  await t.app.drop();
});

describe("writes and reads", () => {
  test("put computes the key attributes, index keys and entity attribute; get never returns them", async () => {
    await t.Users.put(user("acme", "u1"));
    const stored = await raw("ORG#acme", "USER#u1");
    assert.ok(stored);
    assert.equal(stored.gsi1pk?.S, "EMAIL#u1@acme.example");
    assert.equal(stored.gsi1sk?.S, "USER");
    assert.equal(stored._type?.S, "User");
    assert.equal(stored.Name?.S, "name u1");
    const got = await t.Users.get({ org: "acme", id: "u1" });
    assert.ok(got);
    assert.equal(got.name, "name u1");
    for (const k of ["pk", "sk", "gsi1pk", "gsi1sk", "_type"]) assert.equal(k in got, false, k);
  });

  test("a query reads one entity where others share the partition", async () => {
    await t.Users.put(user("q", "a1"));
    await t.Users.put(user("q", "a2"));
    await t.Users.put(user("q", "b1"));
    await t.Orders.put({
      org: "q",
      orderId: "o1",
      total: 5,
      placedAt: new Date("2024-01-01T00:00:00Z"),
    });
    const users = await t.Users.query({ org: "q" }).all();
    assert.deepEqual(
      users.map((u) => u.id),
      ["a1", "a2", "b1"],
    );
    const orders = await t.Orders.query({ org: "q" }).all();
    assert.deepEqual(
      orders.map((o) => o.orderId),
      ["o1"],
    );
    const a = await t.Users.query({ org: "q", id: { beginsWith: "a" } }).all();
    assert.deepEqual(
      a.map((u) => u.id),
      ["a1", "a2"],
    );
    const gt = await t.Users.query({ org: "q", id: { gt: "a1" } }).all();
    assert.deepEqual(
      gt.map((u) => u.id),
      ["a2", "b1"],
    );
    const lt = await t.Users.query({ org: "q", id: { lt: "a2" } }).all();
    assert.deepEqual(
      lt.map((u) => u.id),
      ["a1"],
    );
    const eq = await t.Users.query({ org: "q", id: "a2" }).all();
    assert.deepEqual(
      eq.map((u) => u.id),
      ["a2"],
    );
    const between = await t.Users.query({ org: "q", id: { between: ["a2", "b1"] } }).all();
    assert.deepEqual(
      between.map((u) => u.id),
      ["a2", "b1"],
    );
    const desc = await t.Users.query({ org: "q" }, { descending: true, maxItems: 2 }).all();
    assert.deepEqual(
      desc.map((u) => u.id),
      ["b1", "a2"],
    );
  });

  test("a sort key template filled from the left: a date then an id", async () => {
    const day = (d: string) => new Date(`${d}T00:00:00Z`);
    for (const [id, at] of [
      ["x", "2024-01-01"],
      ["y", "2024-02-01"],
      ["z", "2024-03-01"],
      ["w", "2024-02-01"],
    ] as const) {
      await t.Orders.put({ org: "dates", orderId: id, total: 1, placedAt: day(at) });
    }
    const feb = await t.Orders.query({ org: "dates", placedAt: day("2024-02-01") }).all();
    assert.deepEqual(
      feb.map((o) => o.orderId),
      ["w", "y"],
    );
    const after = await t.Orders.query({ org: "dates", placedAt: { gt: day("2024-02-01") } }).all();
    assert.deepEqual(
      after.map((o) => o.orderId),
      ["z"],
    );
    const upTo = await t.Orders.query({ org: "dates", placedAt: { le: day("2024-02-01") } }).all();
    assert.deepEqual(
      upTo.map((o) => o.orderId),
      ["x", "w", "y"],
    );
    const before = await t.Orders.query({
      org: "dates",
      placedAt: { lt: day("2024-02-01") },
    }).all();
    assert.deepEqual(
      before.map((o) => o.orderId),
      ["x"],
    );
    const one = await t.Orders.query({
      org: "dates",
      placedAt: day("2024-02-01"),
      orderId: "y",
    }).all();
    assert.deepEqual(
      one.map((o) => o.orderId),
      ["y"],
    );
    await rejectsField(
      () => t.Orders.query({ org: "dates", orderId: "y" }),
      "key.orderId",
      /fills from the left/,
    );
  });

  test("negative numbers, bigints and dates before 1970 sort as their values", async () => {
    const values = [-1e120, -2.5, -1, -0.001, 0, 1e-120, 0.5, 1, 2, 10, 1e21, 9.99e125];
    const bigs = [-(10n ** 37n), -5n, 0n, 7n, 10n ** 37n];
    const dates = [
      "0001-01-01",
      "1900-06-01",
      "1969-12-31",
      "1970-01-01",
      "2024-05-05",
      "9999-12-31",
    ];
    const readings: Reading[] = values.map((value, i) => ({
      sensor: "s1",
      value,
      big: bigs[i % bigs.length]!,
      at: new Date(`${dates[i % dates.length]}T00:00:00Z`),
    }));
    for (const r of [...readings].reverse()) await t.Readings.put(r);
    const byValue = await t.Readings.query({ sensor: "s1" }).all();
    assert.deepEqual(
      byValue.map((r) => r.value),
      values,
    );
    const neg = await t.Readings.query({ sensor: "s1", value: { lt: 0 } }).all();
    assert.deepEqual(
      neg.map((r) => r.value),
      values.filter((v) => v < 0),
    );
    const mid = await t.Readings.query({ sensor: "s1", value: { between: [-1, 1] } }).all();
    assert.deepEqual(
      mid.map((r) => r.value),
      values.filter((v) => v >= -1 && v <= 1),
    );
    const byBig = await t.Readings.query({ sensor: "s1" }, { index: "gsi1" }).all();
    const expected = [...readings].sort((a, b) =>
      a.big < b.big ? -1 : a.big > b.big ? 1 : a.at.getTime() - b.at.getTime(),
    );
    assert.deepEqual(
      byBig.map((r) => [r.big, r.at.toISOString()]),
      expected.map((r) => [r.big, r.at.toISOString()]),
    );
    const oneBig = await t.Readings.query(
      { sensor: "s1", big: -5n, at: { lt: new Date("1970-01-01T00:00:00Z") } },
      { index: "gsi1" },
    ).all();
    assert.deepEqual(
      oneBig.map((r) => r.at.toISOString()),
      expected.filter((r) => r.big === -5n && r.at.getTime() < 0).map((r) => r.at.toISOString()),
    );
  });

  test("a value containing the separator cannot produce another item's key", async () => {
    await t.Orders.put({ org: "sep", orderId: "1", total: 1, placedAt: new Date(0) });
    // Without escaping, org "sep#x" or an id "1#..." could address another partition or item.
    await t.Users.put(user("sep", "u#ORDER#x", { name: "evil" }));
    await t.Users.put(user("sep#ORG#sep", "u", { name: "evil2" }));
    const orders = await t.Orders.query({ org: "sep" }).all();
    assert.equal(orders.length, 1);
    const users = await t.Users.query({ org: "sep" }).all();
    assert.deepEqual(
      users.map((u) => u.id),
      ["u#ORDER#x"],
    );
    assert.ok(await raw("ORG#sep", "USER#u%23ORDER%23x"));
    assert.ok(await raw("ORG#sep%23ORG%23sep", "USER#u"));
    const got = await t.Users.get({ org: "sep#ORG#sep", id: "u" });
    assert.equal(got?.name, "evil2");
    assert.deepEqual(
      (await t.Users.query({ org: "sep", id: { beginsWith: "u#" } }).all()).map((u) => u.id),
      ["u#ORDER#x"],
    );
  });

  test("an index query by email", async () => {
    await t.Users.put(user("idx", "i1", { email: "ada@example.com" }));
    const found = await t.Users.query({ email: "ada@example.com" }, { index: "gsi1" }).all();
    assert.deepEqual(
      found.map((u) => u.id),
      ["i1"],
    );
  });

  test("update: sets properties, recomputes an index key, refuses key properties", async () => {
    await t.Users.put(user("up", "u1", { email: "old@example.com" }));
    await t.Users.update({ org: "up", id: "u1" }, (u) =>
      u.set("email", "new@example.com").set("age", 3),
    );
    const stored = await raw("ORG#up", "USER#u1");
    assert.equal(stored?.gsi1pk?.S, "EMAIL#new@example.com");
    assert.equal(
      (await t.Users.query({ email: "new@example.com" }, { index: "gsi1" }).all()).length,
      1,
    );
    assert.equal(
      (await t.Users.query({ email: "old@example.com" }, { index: "gsi1" }).all()).length,
      0,
    );
    await rejectsField(
      // @ts-expect-error a key property: refused at compile time, and at run time
      () => t.Users.update({ org: "up", id: "u1" }, (u) => u.set("id", "u2")),
      "id",
      /part of the key/,
    );
    const got = await t.Users.get({ org: "up", id: "u1" });
    assert.equal(got?.age, 3);
  });

  test("scan returns only the entity's items", async () => {
    const all = await t.Orders.scan().all();
    assert.ok(all.length > 0);
    for (const o of all) assert.equal(typeof o.orderId, "string");
    const users = await t.Users.scan({ filter: (c) => c.eq("org", "q") }).all();
    assert.deepEqual(users.map((u) => u.id).sort(), ["a1", "a2", "b1"]);
  });

  test("batchGet, batchPut, batchDelete", async () => {
    const items = Array.from({ length: 30 }, (_, i) => ({
      sensor: "batch",
      value: i,
      big: BigInt(i),
      at: new Date(i),
    }));
    await t.Readings.batchPut(items);
    const got = await t.Readings.batchGet([
      { sensor: "batch", value: 3 },
      { sensor: "batch", value: 99 },
      { sensor: "batch", value: 1 },
    ]);
    assert.deepEqual(
      got.map((r) => r.value),
      [3, 1],
    );
    await t.Readings.batchDelete(items.map((r) => ({ sensor: r.sensor, value: r.value })));
    assert.equal((await t.Readings.query({ sensor: "batch" }).all()).length, 0);
  });

  test("a sort key template that starts with a property: a partition query, and lt/le without an empty bound", async () => {
    // Stop 23 attack: `sortKey: "{b}"` queried by partition sent begins_with(sk, "") (a ValidationException).
    const app = dyno.sharedTable(uniqueTableName("lead"), { partitionKey: "pk", sortKey: "sk" });
    const Lead = app.entity("Lead", {
      schema: s.object({ a: s.string(), b: s.string() }),
      key: { partitionKey: "L#{a}", sortKey: "{b}" },
    });
    const Other = app.entity("Other", {
      schema: s.object({ a: s.string(), n: s.number() }),
      // (not in Lead's partitions: a sort key template "{b}" could write any key of the partition)
      key: { partitionKey: "O#{a}", sortKey: "N#{n}" },
    });
    await app.create();
    try {
      for (const b of ["m", "p", "x"]) await Lead.put({ a: "g", b });
      await Other.put({ a: "g", n: 1 });
      const all = await Lead.query({ a: "g" }).all();
      assert.deepEqual(
        all.map((i) => i.b),
        ["m", "p", "x"],
      );
      const lt = await Lead.query({ a: "g", b: { lt: "p" } }).all();
      assert.deepEqual(
        lt.map((i) => i.b),
        ["m"],
      );
      const le = await Lead.query({ a: "g", b: { le: "p" } }).all();
      assert.deepEqual(
        le.map((i) => i.b),
        ["m", "p"],
      );
      assert.deepEqual(
        (await Other.query({ a: "g" }).all()).map((i) => i.n),
        [1],
      );
    } finally {
      await app.drop();
    }
  });

  test("a get of another entity's key returns nothing", async () => {
    await t.Users.put(user("own", "x"));
    // Orders' key could never be USER#..., so ask through the raw attributes of a user item.
    assert.equal(t.Orders.ownsItem((await raw("ORG#own", "USER#x"))!), false);
    assert.equal(t.Users.ownsItem((await raw("ORG#own", "USER#x"))!), true);
  });
});

describe("key errors", () => {
  test("missing, extra and mistyped key properties name the property", async () => {
    // @ts-expect-error a missing key property
    await rejectsField(() => t.Users.get({ org: "a" }), "key.id", /needs id/);
    await rejectsField(
      // @ts-expect-error an extra key property
      () => t.Users.get({ org: "a", id: "b", email: "c" }),
      "key.email",
      /not part of the key/,
    );
    // @ts-expect-error a wrong type
    await rejectsField(() => t.Users.get({ org: "a", id: 1 }), "key.id", /expected a string/);
    await rejectsField(
      () => t.Readings.get({ sensor: "a", value: Number.NaN }),
      "key.value",
      /finite/,
    );
    // @ts-expect-error a query without the partition key
    await rejectsField(() => t.Users.query({ id: "x" }), "key.org");
    await rejectsField(
      () => t.Users.query({ org: "a" }, { index: "nope" as never }),
      "index",
      /not an index/,
    );
    await rejectsField(
      () => t.Users.put({ ...user("a", "b"), org: undefined as never }),
      "item.org",
    );
  });

  test("definitions: unknown properties, non-key types, missing sort templates", () => {
    const app = dyno.sharedTable("defs", { partitionKey: "pk", sortKey: "sk" });
    assert.throws(
      // @ts-expect-error an unknown property in a template
      () => app.entity("A", { schema: User, key: { partitionKey: "X#{nope}", sortKey: "Y" } }),
      /key.partitionKey: \{nope\} is not a property/,
    );
    assert.throws(
      () => app.entity("B", { schema: User, key: { partitionKey: "X#{org}" } }),
      /key.sortKey/,
    );
    assert.throws(
      () => app.entity("C", { schema: User, key: { partitionKey: "{org}{id}", sortKey: "Y" } }),
      /need a separator between them/,
    );
    assert.throws(
      () => app.entity("D", { schema: User, key: { partitionKey: "X#{age}", sortKey: "Y" } }),
      /optional or nullable/,
    );
  });
});
