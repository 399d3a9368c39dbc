/**
 * Collections, versions, timestamps, TTL, cursors and validation on entities, against the
 * local DynamoDB, bad paths included: a version conflict in a single write and inside a
 * transaction (nothing written), the caller's own condition failing at the right version,
 * expired items left out of every read, tampered and foreign cursors, a failed validation
 * (nothing sent).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  ConditionalCheckFailedException,
  TransactionCanceledException,
} from "@aws-sdk/client-dynamodb";
import {
  Dyno,
  DynoValidationError,
  VersionConflictError,
  s,
  type AnyMiddleware,
  type StandardSchemaV1,
} from "../../src/index.js";
import { needsTransactions, testDyno, uniqueTableName } from "../support/db.js";
import { User, define, type Order } from "./schema.js";
import { rejectsField } from "../support/assert.js";

let dyno: Dyno;
let t: ReturnType<typeof define>;
const sent: string[] = [];
const record: AnyMiddleware = (next) => (ctx) => {
  sent.push(ctx.operation);
  return next(ctx);
};

const user = (org: string, id: string, extra: Partial<User> = {}): User => ({
  org,
  id,
  email: `${id}@${org}.example`,
  name: `name ${id}`,
  ...extra,
});
const day = (d: string) => new Date(`${d}T00:00:00Z`);
const order = (org: string, orderId: string, extra: Partial<Order> = {}): Order => ({
  org,
  orderId,
  total: 10,
  placedAt: day("2024-01-01"),
  ...extra,
});

before(async () => {
  dyno = (await testDyno()).use(record);
  t = define(dyno, uniqueTableName("feat"));
  await t.app.create();
});

after(async () => {
  await t.app.drop();
});

describe("collections", () => {
  test("one partition, items named by member, other entities skipped, grouped by .all()", async () => {
    const Invites = t.app.entity("Invite", {
      schema: s.object({ org: s.string(), code: s.string() }),
      key: { partitionKey: "ORG#{org}", sortKey: "INVITE#{code}" },
    });
    await t.Users.put(user("col", "u1"));
    await t.Users.put(user("col", "u2"));
    await t.Orders.put(order("col", "o1"));
    await Invites.put({ org: "col", code: "c1" });
    await t.Users.put(user("other", "u9"));
    const c = t.app.collection({ users: t.Users, orders: t.Orders });
    const seen: string[] = [];
    for await (const x of c.query({ org: "col" })) {
      if (x.entity === "users") seen.push(`user:${x.item.id}`);
      else seen.push(`order:${x.item.orderId}:${x.item.total}`);
    }
    assert.deepEqual(seen.sort(), ["order:o1:10", "user:u1", "user:u2"]);
    const all = await c.query({ org: "col" }).all();
    assert.deepEqual(
      all.users.map((u) => u.id),
      ["u1", "u2"],
    );
    assert.deepEqual(
      all.orders.map((o) => o.orderId),
      ["o1"],
    );
    const two = await c.query({ org: "col" }, { maxItems: 2 }).all();
    assert.equal(two.users.length + two.orders.length, 2);
    let pages = 0;
    let cursor: string | undefined;
    const paged: string[] = [];
    do {
      const page = await c.query({ org: "col" }).page({ limit: 1, cursor });
      paged.push(...page.items.map((x) => x.entity));
      cursor = page.cursor;
      pages++;
    } while (cursor);
    assert.deepEqual(paged.sort(), ["orders", "users", "users"]);
    assert.ok(pages >= 3);
    await rejectsField(
      () =>
        t.app.collection({ users: t.Users, readings: t.Readings }).query({ org: "x", sensor: "y" }),
      "key",
      /different partitions/,
    );
  });
});

describe("versions", () => {
  test("put, update and delete conditioned on the version; conflicts carry expected and actual", async () => {
    const key = { org: "v", id: "u1" };
    await t.Users.put(user("v", "u1"));
    assert.equal((await t.Users.get(key))?.version, 1);
    const conflict = (expected: number | undefined, actual: number | undefined) => (e: unknown) => {
      assert.ok(e instanceof VersionConflictError, String(e));
      assert.equal(e.expected, expected);
      assert.equal(e.actual, actual);
      assert.deepEqual(e.key, key);
      assert.ok(e.cause instanceof ConditionalCheckFailedException);
      return true;
    };
    // A versionless put over an existing item.
    await assert.rejects(t.Users.put(user("v", "u1")), conflict(undefined, 1));
    await t.Users.put(user("v", "u1", { version: 1, name: "second" }));
    assert.equal((await t.Users.get(key))?.version, 2);
    await assert.rejects(
      t.Users.put(user("v", "u1", { version: 1, name: "stale" })),
      conflict(1, 2),
    );
    await t.Users.update(key, (u) => u.set("age", 5), { version: 2 });
    await assert.rejects(
      t.Users.update(key, (u) => u.set("age", 6), { version: 2 }),
      conflict(2, 3),
    );
    const got = await t.Users.get(key);
    assert.equal(got?.version, 3);
    assert.equal(got?.age, 5);
    assert.equal(got?.name, "second");
    // The caller's own condition failing at the right version: the SDK's error passes through.
    await assert.rejects(
      t.Users.update(key, (u) => u.set("age", 7), {
        version: 3,
        condition: (c) => c.eq("age", 99),
      }),
      (e: unknown) =>
        e instanceof ConditionalCheckFailedException && !(e instanceof VersionConflictError),
    );
    await assert.rejects(t.Users.delete(key, { version: 1 }), conflict(1, 3));
    await t.Users.delete(key, { version: 3 });
    assert.equal(await t.Users.get(key), undefined);
    await assert.rejects(
      t.Users.update(key, (u) => u.set("age", 1), { version: 3 }),
      conflict(3, undefined),
    );
    await rejectsField(
      () =>
        t.Orders.delete({ org: "v", placedAt: day("2024-01-01"), orderId: "x" }, { version: 1 }),
      "version",
      /no version property/,
    );
    await rejectsField(
      () => t.Users.update(key, (u) => u.set("version", 9)),
      "version",
      /managed by the entity/,
    );
  });

  test(
    "a version conflict inside a transaction cancels it and writes nothing",
    { skip: needsTransactions },
    async () => {
      await t.Users.put(user("vt", "u1"));
      await assert.rejects(
        dyno.transact((tx) => {
          tx.put(t.Orders, order("vt", "o1"));
          tx.update(t.Users, { org: "vt", id: "u1" }, (u) => u.set("age", 1), { version: 7 });
        }),
        (e: unknown) => e instanceof TransactionCanceledException,
      );
      assert.equal((await t.Orders.query({ org: "vt" }).all()).length, 0);
      assert.equal((await t.Users.get({ org: "vt", id: "u1" }))?.version, 1);
      await dyno.transact((tx) => {
        tx.put(t.Orders, order("vt", "o1"));
        tx.update(t.Users, { org: "vt", id: "u1" }, (u) => u.set("age", 1), { version: 1 });
      });
      assert.equal((await t.Users.get({ org: "vt", id: "u1" }))?.version, 2);
      assert.equal((await t.Orders.query({ org: "vt" }).all()).length, 1);
      const [u, o] = await dyno.transactGet((tx) => [
        tx.get(t.Users, { org: "vt", id: "u1" }),
        tx.get(t.Orders, { org: "vt", placedAt: day("2024-01-01"), orderId: "o1" }),
      ]);
      assert.equal(u?.age, 1);
      assert.equal(o?.total, 10);
    },
  );

  test("a batch refuses a versioned entity: it would reset the version (ABA)", async () => {
    await t.Users.put(user("vb", "a"));
    await t.Users.update({ org: "vb", id: "a" }, (u) => u.set("age", 2));
    const stale = (await t.Users.get({ org: "vb", id: "a" }))!;
    await t.Users.update({ org: "vb", id: "a" }, (u) => u.set("age", 3));
    for (const items of [[user("vb", "a")], [user("vb", "c", { version: 1 })]]) {
      await rejectsField(
        () => t.Users.batchPut(items),
        "items[0].item.version",
        /entity User is versioned.*use put or transact/,
      );
      await rejectsField(
        () => dyno.batchWrite((b) => b.put(t.Users, items[0]!)),
        "writes[0].item.version",
        /entity User is versioned/,
      );
    }
    assert.equal((await t.Users.get({ org: "vb", id: "a" }))?.version, 3);
    assert.equal(await t.Users.get({ org: "vb", id: "c" }), undefined);
    // the stale reader's version still conflicts
    await assert.rejects(() => t.Users.put({ ...stale, age: 9 }), VersionConflictError);
  });
});

describe("timestamps", () => {
  test("a put sets both (createdAt only when missing), an update sets updatedAt", async () => {
    const before = Date.now();
    await t.Users.put(user("ts", "u1"));
    const a = (await t.Users.get({ org: "ts", id: "u1" }))!;
    assert.ok(a.createdAt && a.updatedAt);
    assert.ok(a.createdAt.getTime() >= before);
    await new Promise((r) => setTimeout(r, 20));
    await t.Users.update({ org: "ts", id: "u1" }, (u) => u.set("age", 1));
    const b = (await t.Users.get({ org: "ts", id: "u1" }))!;
    assert.equal(b.createdAt!.getTime(), a.createdAt.getTime());
    assert.ok(b.updatedAt!.getTime() > a.updatedAt.getTime());
    const given = day("2020-02-02");
    await t.Users.put({ ...b, createdAt: given });
    const c = (await t.Users.get({ org: "ts", id: "u1" }))!;
    assert.equal(c.createdAt!.getTime(), given.getTime());
  });
});

describe("ttl", () => {
  test("create() enabled it; expired items are left out of every read unless includeExpired", async (tc) => {
    const past = new Date(Date.now() - 3600_000);
    const future = new Date(Date.now() + 3600_000);
    // DynamoDB Local's own TTL sweeper may delete the expired item at any moment: each read that
    // must see it puts it back first.
    const putOld = () => t.Orders.put(order("ttl", "old", { expiresAt: past }));
    await putOld();
    await t.Orders.put(order("ttl", "new", { expiresAt: future }));
    await t.Orders.put(order("ttl", "none"));
    const key = { org: "ttl", placedAt: day("2024-01-01"), orderId: "old" };
    assert.equal(await t.Orders.get(key), undefined);
    await putOld();
    assert.equal((await t.Orders.get(key, { includeExpired: true }))?.orderId, "old");
    assert.equal(await t.Orders.get(key, { project: ["total"] }), undefined);
    const ids = (items: Order[]) => items.map((o) => o.orderId).sort();
    assert.deepEqual(ids(await t.Orders.query({ org: "ttl" }).all()), ["new", "none"]);
    await putOld();
    assert.deepEqual(ids(await t.Orders.query({ org: "ttl" }, { includeExpired: true }).all()), [
      "new",
      "none",
      "old",
    ]);
    assert.deepEqual(ids((await t.Orders.scan().all()).filter((o) => o.org === "ttl")), [
      "new",
      "none",
    ]);
    assert.deepEqual(ids(await t.Orders.batchGet([key, { ...key, orderId: "new" }])), ["new"]);
    const all = await t.app
      .collection({ orders: t.Orders, users: t.Users })
      .query({ org: "ttl" })
      .all();
    assert.deepEqual(ids(all.orders), ["new", "none"]);
    const page = await t.Orders.query({ org: "ttl" }).page({ limit: 10 });
    assert.deepEqual(ids(page.items), ["new", "none"]);
    if (needsTransactions) return tc.diagnostic("dynalite: no TransactGetItems, no time to live");
    const [got] = await dyno.transactGet((tx) => [tx.get(t.Orders, key)]);
    assert.equal(got, undefined);
    const ttl = await dyno.describeTimeToLive({ TableName: t.app.name });
    assert.equal(ttl.TimeToLiveDescription?.AttributeName, "expiresAt");
  });
});

describe("cursors", () => {
  test("pages follow one another to the end; each is bound to its query", async () => {
    for (let i = 0; i < 7; i++) await t.Users.put(user("cur", `u${i}`));
    await t.Orders.put(order("cur", "o1"));
    const q = () => t.Users.query({ org: "cur" });
    const ids: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await q().page({ limit: 3, cursor });
      assert.ok(page.items.length <= 3);
      ids.push(...page.items.map((u) => u.id));
      cursor = page.cursor;
      if (cursor) assert.match(cursor, /^[A-Za-z0-9_-]+$/);
      pages++;
    } while (cursor);
    assert.deepEqual(
      ids,
      (await q().all()).map((u) => u.id),
    );
    assert.equal(ids.length, 7);
    assert.ok(pages >= 3);
    const first = await q().page({ limit: 2 });
    await rejectsField(
      () => t.Users.query({ org: "other" }).page({ limit: 2, cursor: first.cursor }),
      "cursor",
      /another query/,
    );
    await rejectsField(
      () => t.Orders.query({ org: "cur" }).page({ limit: 2, cursor: first.cursor }),
      "cursor",
      /another query/,
    );
    await rejectsField(() => q().page({ limit: 2, cursor: `${first.cursor}x.y` }), "cursor");
    await rejectsField(() => q().page({ limit: 2, cursor: "garbage!" }), "cursor", /not a cursor/);
    await rejectsField(() => q().page({ limit: 0 }), "limit");
    const scanned = await t.Users.scan({ filter: (c) => c.eq("org", "cur") }).page({ limit: 4 });
    assert.ok(scanned.items.length <= 4);
    assert.ok(scanned.items.every((u) => u.org === "cur"));
  });

  test("with cursorSecret, a modified or unsigned cursor is refused", async () => {
    const app = dyno.sharedTable(t.app.name, {
      partitionKey: "pk",
      sortKey: "sk",
      indexes: { gsi1: { partitionKey: "gsi1pk", sortKey: "gsi1sk" } },
    });
    const Signed = app.entity("User", {
      schema: User,
      key: { partitionKey: "ORG#{org}", sortKey: "USER#{id}" },
      cursorSecret: "s3cret",
    });
    const page = await Signed.query({ org: "cur" }).page({ limit: 2 });
    assert.match(page.cursor!, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const next = await Signed.query({ org: "cur" }).page({ limit: 2, cursor: page.cursor });
    assert.equal(next.items.length, 2);
    const [payload, sig] = page.cursor!.split(".");
    const json = JSON.parse(Buffer.from(payload!, "base64url").toString()) as [
      number,
      Record<string, [string, string]>,
      string,
    ];
    json[1].sk = ["S", "USER#u0"];
    const forged = `${Buffer.from(JSON.stringify(json)).toString("base64url")}.${sig}`;
    await rejectsField(
      () => Signed.query({ org: "cur" }).page({ limit: 2, cursor: forged }),
      "cursor",
      /modified/,
    );
    await rejectsField(
      () => Signed.query({ org: "cur" }).page({ limit: 2, cursor: payload }),
      "cursor",
      /not signed/,
    );
    // An unsigned model can forge nothing either way: a signed cursor is refused there.
    await rejectsField(
      () => t.Users.query({ org: "cur" }).page({ limit: 2, cursor: page.cursor }),
      "cursor",
      /signed/,
    );
  });
});

describe("validation (Standard Schema)", () => {
  const capitalised: StandardSchemaV1<unknown> = {
    "~standard": {
      version: 1,
      vendor: "test",
      validate: (v) =>
        /^[A-Z]/.test((v as { name?: string }).name ?? "")
          ? { value: v }
          : { issues: [{ message: "name must start with a capital", path: [{ key: "name" }] }] },
    },
  };
  test("a failed validation rejects with the issues and sends nothing", async () => {
    const app = dyno.sharedTable(t.app.name, { partitionKey: "pk", sortKey: "sk" });
    const Strict = app.entity("User", {
      schema: User,
      key: { partitionKey: "ORG#{org}", sortKey: "USER#{id}" },
      validate: capitalised,
    });
    sent.length = 0;
    await assert.rejects(Strict.put(user("val", "u1")), (e: unknown) => {
      assert.ok(e instanceof DynoValidationError);
      assert.equal(e.field, "item.name");
      assert.deepEqual(e.issues, [
        { message: "name must start with a capital", path: [{ key: "name" }] },
      ]);
      return true;
    });
    await assert.rejects(
      Strict.batchPut([user("val", "u2", { name: "Ok" }), user("val", "u3")]),
      DynoValidationError,
    );
    assert.deepEqual(sent, []);
    await Strict.put(user("val", "u1", { name: "Ada" }));
    assert.deepEqual(sent, ["PutItem"]);
    const Async = app.entity("Other", {
      schema: User,
      key: { partitionKey: "ORG#{org}", sortKey: "OTHER#{id}" },
      validate: { "~standard": { version: 1, vendor: "t", validate: async (v) => ({ value: v }) } },
    });
    await Async.put(user("val", "u1"));
    assert.throws(() => Async.putPlan(user("val", "u1")), /asynchronous/);
  });

  test("s.* schemas are Standard Schemas and work as validators", async () => {
    const std = User["~standard"];
    assert.equal(std.vendor, "dyno-ts");
    assert.equal(std.version, 1);
    assert.deepEqual(std.validate(user("a", "b")), { value: user("a", "b") });
    assert.deepEqual(std.validate({ ...user("a", "b"), age: "x" }), {
      issues: [{ message: 'expected a number, got string "x"', path: ["age"] }],
    });
    const app = dyno.sharedTable(t.app.name, { partitionKey: "pk", sortKey: "sk" });
    const Adults = app.entity("User", {
      schema: User,
      key: { partitionKey: "ORG#{org}", sortKey: "USER#{id}" },
      validate: s.object({ age: s.number(), name: s.string() }),
    });
    await rejectsField(() => Adults.put(user("val", "kid")), "item.age", /failed validation/);
  });
});
