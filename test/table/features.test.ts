/**
 * Versions, timestamps, TTL, cursors and validation on a plain `dyno.table(...)` (API.md
 * section 15 "on tables and entities alike"), against the local DynamoDB, bad paths included:
 * a version conflict in a single write and inside a transaction (nothing written), expired
 * items left out of get/query/scan/batchGet/transactGet unless includeExpired, tampered and
 * foreign cursors, a failed validation (nothing sent).
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
import { rejectsField } from "../support/assert.js";

const Doc = s.object({
  pk: s.string(),
  sk: s.number(),
  title: s.string(),
  version: s.number().optional(),
  createdAt: s.date().optional(),
  updatedAt: s.date().optional(),
  expiresAt: s.date({ as: "epochSeconds" }).optional(),
});
type Doc = s.Infer<typeof Doc>;

let dyno: Dyno;
const sent: string[] = [];
const record: AnyMiddleware = (next) => (ctx) => {
  sent.push(ctx.operation);
  return next(ctx);
};
const noShortTitles: StandardSchemaV1<unknown, unknown> = {
  "~standard": {
    version: 1,
    vendor: "test",
    validate: (v) =>
      typeof (v as Doc).title === "string" && (v as Doc).title.length >= 2
        ? { value: v }
        : { issues: [{ message: "title too short", path: ["title"] }] },
  },
};
const define = (name: string) =>
  dyno.table(name, {
    schema: Doc,
    partitionKey: "pk",
    sortKey: "sk",
    version: "version",
    timestamps: { createdAt: "createdAt", updatedAt: "updatedAt" },
    ttl: "expiresAt",
    validate: noShortTitles,
    cursorSecret: "s3cret",
  });
let docs: ReturnType<typeof define>;
let other: ReturnType<typeof define>;

before(async () => {
  dyno = (await testDyno()).use(record);
  docs = define(uniqueTableName("tfeat"));
  other = define(uniqueTableName("tfeat2"));
  await Promise.all([docs.create(), other.create()]);
});

after(async () => {
  await Promise.all([docs.drop(), other.drop()]);
});

describe("versions on a table", () => {
  test("put/update/delete conditioned on the version; conflicts name expected and actual", async () => {
    const key = { pk: "v", sk: 1 };
    const conflict = (expected: number | undefined, actual: number | undefined) => (e: unknown) => {
      assert.ok(e instanceof VersionConflictError, String(e));
      assert.equal(e.expected, expected);
      assert.equal(e.actual, actual);
      assert.deepEqual(e.key, key);
      assert.ok(e.cause instanceof ConditionalCheckFailedException);
      return true;
    };
    await docs.put({ ...key, title: "first" });
    assert.equal((await docs.get(key))?.version, 1);
    await assert.rejects(docs.put({ ...key, title: "again" }), conflict(undefined, 1));
    await docs.put({ ...key, title: "second", version: 1 });
    assert.equal((await docs.get(key))?.version, 2);
    await assert.rejects(docs.put({ ...key, title: "stale", version: 1 }), conflict(1, 2));
    await docs.update(key, (u) => u.set("title", "third"), { version: 2 });
    const got = await docs.get(key);
    assert.equal(got?.version, 3);
    assert.equal(got?.title, "third");
    await assert.rejects(
      docs.update(key, (u) => u.set("title", "x1"), { version: 2 }),
      conflict(2, 3),
    );
    // The caller's own condition failing at the right version: the SDK's error passes through.
    await assert.rejects(
      docs.update(key, (u) => u.set("title", "x1"), {
        version: 3,
        condition: (c) => c.eq("title", "nope"),
      }),
      (e: unknown) =>
        e instanceof ConditionalCheckFailedException && !(e instanceof VersionConflictError),
    );
    await assert.rejects(docs.delete(key, { version: 1 }), conflict(1, 3));
    await docs.delete(key, { version: 3 });
    assert.equal(await docs.get(key), undefined);
    await rejectsField(
      () => docs.update(key, (u) => u.set("version", 9)),
      "version",
      /managed by the table/,
    );
    await rejectsField(() => docs.delete(key, { version: 0 }), "version", /positive integer/);
    const plain = dyno.table(docs.name, { schema: Doc, partitionKey: "pk", sortKey: "sk" });
    await rejectsField(() => plain.delete(key, { version: 1 }), "version", /no version property/);
  });

  test(
    "a version conflict inside a transaction cancels it and writes nothing",
    { skip: needsTransactions },
    async () => {
      await docs.put({ pk: "vt", sk: 1, title: "doc" });
      await assert.rejects(
        dyno.transact((tx) => {
          tx.put(other, { pk: "vt", sk: 2, title: "side" });
          tx.update(docs, { pk: "vt", sk: 1 }, (u) => u.set("title", "moved"), { version: 7 });
        }),
        (e: unknown) => e instanceof TransactionCanceledException,
      );
      assert.equal(await other.get({ pk: "vt", sk: 2 }), undefined);
      assert.equal((await docs.get({ pk: "vt", sk: 1 }))?.title, "doc");
      await dyno.transact((tx) => {
        tx.put(other, { pk: "vt", sk: 2, title: "side" });
        tx.update(docs, { pk: "vt", sk: 1 }, (u) => u.set("title", "moved"), { version: 1 });
      });
      const [d, o] = await dyno.transactGet((tx) => [
        tx.get(docs, { pk: "vt", sk: 1 }),
        tx.get(other, { pk: "vt", sk: 2 }),
      ]);
      assert.equal(d?.version, 2);
      assert.equal(o?.version, 1);
    },
  );

  test("a batch refuses a versioned table: it would reset the version (ABA)", async () => {
    await docs.put({ pk: "vb", sk: 1, title: "aa" });
    await docs.update({ pk: "vb", sk: 1 }, (u) => u.set("title", "ab"));
    for (const item of [
      { pk: "vb", sk: 1, title: "aa" },
      { pk: "vb", sk: 3, title: "cc", version: 1 },
    ]) {
      await rejectsField(
        () => docs.batchPut([item]),
        "items[0].item.version",
        /is versioned.*use put or transact/,
      );
      await rejectsField(
        () => dyno.batchWrite((b) => b.put(docs, item)),
        "writes[0].item.version",
        /is versioned/,
      );
    }
    assert.equal((await docs.get({ pk: "vb", sk: 1 }))?.version, 2);
    assert.equal(await docs.get({ pk: "vb", sk: 3 }), undefined);
  });
});

describe("timestamps on a table", () => {
  test("a put sets both (createdAt only when missing), an update sets updatedAt", async () => {
    const start = Date.now();
    const key = { pk: "ts", sk: 1 };
    await docs.put({ ...key, title: "doc" });
    const a = (await docs.get(key))!;
    assert.ok(a.createdAt && a.updatedAt);
    assert.ok(a.createdAt.getTime() >= start - 1000);
    await new Promise((r) => setTimeout(r, 20));
    await docs.update(key, (u) => u.set("title", "doc2"));
    const b = (await docs.get(key))!;
    assert.equal(b.createdAt!.getTime(), a.createdAt.getTime());
    assert.ok(b.updatedAt!.getTime() > a.updatedAt.getTime());
  });
});

describe("ttl on a table", () => {
  test("create() enabled it; expired items are left out of every read unless includeExpired", async (tc) => {
    const past = new Date(Date.now() - 3600_000);
    const future = new Date(Date.now() + 3600_000);
    const old = { pk: "ttl", sk: 1, title: "old", expiresAt: past };
    await docs.put(old);
    await docs.put({ pk: "ttl", sk: 2, title: "new", expiresAt: future });
    await docs.put({ pk: "ttl", sk: 3, title: "none" });
    // DynamoDB Local's own TTL sweeper may delete the expired item at any moment: a read that
    // must see it puts it back first if it is gone, and is made again when the sweeper took it
    // meanwhile.
    const oldIsThere = async () =>
      (
        await dyno.getItem({
          TableName: docs.name,
          Key: { pk: { S: "ttl" }, sk: { N: "1" } },
          ConsistentRead: true,
        })
      ).Item !== undefined;
    const withOld = async <T>(read: () => Promise<T>): Promise<T> => {
      for (let attempt = 1; ; attempt++) {
        if (!(await oldIsThere())) await docs.put(old);
        const result = await read();
        if ((await oldIsThere()) || attempt === 5) return result;
      }
    };
    const titles = (xs: readonly ({ title: string } | undefined)[]) =>
      xs.map((x) => x?.title ?? "-");
    assert.equal(await docs.get({ pk: "ttl", sk: 1 }), undefined);
    assert.equal(
      (await withOld(() => docs.get({ pk: "ttl", sk: 1 }, { includeExpired: true })))?.title,
      "old",
    );
    assert.equal(
      await docs.get({ pk: "ttl", sk: 1 }, { project: ["title"] }),
      undefined,
      "a projection still sees the TTL",
    );
    assert.deepEqual(titles(await docs.query({ pk: "ttl" }).all()), ["new", "none"]);
    assert.deepEqual(
      titles(await withOld(() => docs.query({ pk: "ttl" }, { includeExpired: true }).all())),
      ["old", "new", "none"],
    );
    const scanned = (await docs.scan({ filter: (c) => c.eq("pk", "ttl") }).all()).map(
      (d) => d.title,
    );
    assert.deepEqual(scanned.sort(), ["new", "none"]);
    const keys = [1, 2, 3].map((sk) => ({ pk: "ttl", sk }));
    assert.deepEqual(titles(await docs.batchGet(keys)), ["new", "none"]);
    assert.deepEqual(titles(await dyno.batchGet(keys.map((k) => [docs, k] as const))), [
      "-",
      "new",
      "none",
    ]);
    assert.deepEqual(titles(await withOld(() => docs.batchGet(keys, { includeExpired: true }))), [
      "old",
      "new",
      "none",
    ]);
    if (!needsTransactions) {
      const [a, b] = await dyno.transactGet((tx) => [
        tx.get(docs, { pk: "ttl", sk: 1 }),
        tx.get(docs, { pk: "ttl", sk: 2 }),
      ]);
      assert.deepEqual(titles([a, b]), ["-", "new"]);
      const [c] = await withOld(() =>
        dyno.transactGet((tx) => [tx.get(docs, { pk: "ttl", sk: 1 }, { includeExpired: true })]),
      );
      assert.equal(c?.title, "old");
      // the call's option is every read's default
      const [d, e] = await withOld(() =>
        dyno.transactGet(
          (tx) => [tx.get(docs, { pk: "ttl", sk: 1 }), tx.get(docs, { pk: "ttl", sk: 2 })],
          { includeExpired: true },
        ),
      );
      assert.deepEqual(titles([d, e]), ["old", "new"]);
    }
    const page = await docs.query({ pk: "ttl" }).page({ limit: 10 });
    assert.deepEqual(titles(page.items), ["new", "none"]);
    if (needsTransactions) return tc.diagnostic("dynalite: no time to live to describe");
    const ttl = await dyno.describeTimeToLive({ TableName: docs.name });
    assert.equal(ttl.TimeToLiveDescription?.AttributeName, "expiresAt");
  });

  test("a ttl property must be stored as epoch seconds", () => {
    assert.throws(
      () =>
        dyno.table("x", {
          schema: s.object({ id: s.string(), at: s.date() }),
          partitionKey: "id",
          ttl: "at",
        }),
      (e: unknown) => e instanceof DynoValidationError && e.field === "ttl",
    );
    assert.throws(
      () =>
        dyno.table("x", {
          schema: s.object({ id: s.number() }),
          partitionKey: "id",
          version: "id",
        }),
      (e: unknown) => e instanceof DynoValidationError && e.field === "version",
    );
  });
});

describe("conflicting behaviour and index options (attack-models 6, 10)", () => {
  const Ev = s.object({
    id: s.string(),
    email: s.string(),
    name: s.string(),
    at: s.date(),
    expiresAt: s.date({ as: "epochSeconds" }),
  });
  const refused = (field: string, re: RegExp, options: Record<string, unknown>) =>
    assert.throws(
      () => dyno.table("conflicts", { schema: Ev, partitionKey: "id", ...options }),
      (e: unknown) => e instanceof DynoValidationError && e.field === field && re.test(e.message),
    );

  test("one property cannot be two of version, createdAt, updatedAt and ttl", () => {
    refused("ttl", /expiresAt is already the timestamps.updatedAt property/, {
      ttl: "expiresAt",
      timestamps: { updatedAt: "expiresAt" },
    });
    refused("ttl", /already the timestamps.createdAt/, {
      ttl: "expiresAt",
      timestamps: { createdAt: "expiresAt" },
    });
    refused("timestamps.updatedAt", /at is already the timestamps.createdAt property/, {
      timestamps: { createdAt: "at", updatedAt: "at" },
    });
    // distinct properties stay accepted
    dyno.table("conflicts", {
      schema: Ev,
      partitionKey: "id",
      ttl: "expiresAt",
      timestamps: { createdAt: "at" },
    });
  });

  test("an entity refuses the same sharing", () => {
    const app = dyno.sharedTable("conflicts", { partitionKey: "pk", sortKey: "sk" });
    assert.throws(
      () =>
        app.entity("Ev", {
          schema: Ev,
          key: { partitionKey: "E#{id}", sortKey: "E" },
          ttl: "expiresAt",
          timestamps: { updatedAt: "expiresAt" },
        }),
      (e: unknown) => e instanceof DynoValidationError && e.field === "ttl",
    );
    assert.throws(
      () =>
        app.entity("Ev", {
          schema: Ev,
          key: { partitionKey: "E#{id}", sortKey: "E" },
          timestamps: { createdAt: "at", updatedAt: "at" },
        }),
      (e: unknown) => e instanceof DynoValidationError && e.field === "timestamps.updatedAt",
    );
  });

  test("with ttl, an index that does not project it is refused, naming the index", () => {
    refused("indexes.kox.projection", /ttl property expiresAt is not projected into index kox/, {
      ttl: "expiresAt",
      indexes: { kox: { partitionKey: "email", projection: "KEYS_ONLY" } },
    });
    refused("indexes.incx.projection", /index incx.*project it/, {
      ttl: "expiresAt",
      indexes: { incx: { partitionKey: "email", sortKey: "name", projection: ["name"] } },
    });
    // projected (a list naming it, ALL, or the index key itself), or no ttl: accepted
    const indexesList: Record<string, unknown>[] = [
      { inc: { partitionKey: "email", projection: ["expiresAt"] } },
      { all: { partitionKey: "email" } },
      { byExp: { partitionKey: "email", sortKey: "expiresAt", projection: "KEYS_ONLY" } },
    ];
    for (const indexes of indexesList) {
      dyno.table("conflicts", {
        schema: Ev,
        partitionKey: "id",
        ttl: "expiresAt",
        indexes: indexes as never,
      });
    }
    dyno.table("conflicts", {
      schema: Ev,
      partitionKey: "id",
      indexes: { kox: { partitionKey: "email", projection: "KEYS_ONLY" } },
    });
  });

  test("an index name DynamoDB would refuse is refused at definition", () => {
    for (const name of ["ko", "a b", "x".repeat(256), "é-idx"]) {
      refused(`indexes.${name}`, /not a valid name/, {
        indexes: { [name]: { partitionKey: "email" } },
      });
      assert.throws(
        () =>
          dyno.sharedTable("conflicts", {
            partitionKey: "pk",
            indexes: { [name]: { partitionKey: "g" } },
          }),
        (e: unknown) => e instanceof DynoValidationError && e.field === `indexes.${name}`,
      );
    }
    dyno.table("conflicts", {
      schema: Ev,
      partitionKey: "id",
      indexes: {
        "a.b_c-9": { partitionKey: "email" },
        ["x".repeat(255)]: { partitionKey: "email" },
      },
    });
  });

  test("an index projecting the ttl property is queried with expired items left out", async () => {
    const t = dyno.table(uniqueTableName("tttlix"), {
      schema: Ev,
      partitionKey: "id",
      ttl: "expiresAt",
      indexes: { inc: { partitionKey: "email", projection: ["expiresAt"] } },
    });
    await t.create();
    try {
      const at = new Date();
      await t.put({
        id: "old",
        email: "e",
        name: "n",
        at,
        expiresAt: new Date(Date.now() - 3600_000),
      });
      await t.put({
        id: "new",
        email: "e",
        name: "n",
        at,
        expiresAt: new Date(Date.now() + 3600_000),
      });
      const ids = async (o: { includeExpired?: boolean }) =>
        (await t.query({ email: "e" }, { index: "inc", ...o }).all()).map((i) => i.id).sort();
      const live = await ids({});
      // DynamoDB Local's sweeper may already have removed the expired item: never returned anyway.
      assert.deepEqual(live, ["new"]);
      assert.ok((await ids({ includeExpired: true })).includes("new"));
    } finally {
      await t.drop();
    }
  });
});

describe("cursors on a table", () => {
  test("a last page exactly `limit` long may carry a cursor; the page after it is empty and ends", async () => {
    for (let sk = 1; sk <= 4; sk++) await docs.put({ pk: "exact", sk, title: `t${sk}` });
    const q = () => docs.query({ pk: "exact" });
    const first = await q().page({ limit: 4 });
    assert.equal(first.items.length, 4);
    // DynamoDB returns LastEvaluatedKey whenever a read stops at its limit (README "Cursors").
    assert.ok(first.cursor);
    const next = await q().page({ limit: 4, cursor: first.cursor });
    assert.deepEqual(next, { items: [], cursor: undefined });
  });

  test("pages walk every item once; foreign, tampered and unsigned cursors are refused", async () => {
    for (let sk = 1; sk <= 7; sk++) await docs.put({ pk: "cur", sk, title: `t${sk}` });
    await other.put({ pk: "cur", sk: 1, title: "t1" });
    const q = () => docs.query({ pk: "cur" });
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await q().page({ limit: 3, cursor });
      assert.ok(page.items.length <= 3);
      seen.push(...page.items.map((d) => d.sk));
      cursor = page.cursor;
      if (cursor) assert.match(cursor, /^[A-Za-z0-9_.-]+$/);
    } while (cursor);
    assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7]);
    const first = await q().page({ limit: 2 });
    assert.ok(first.cursor);
    await rejectsField(
      () => docs.query({ pk: "other" }).page({ limit: 2, cursor: first.cursor }),
      "cursor",
      /another query/,
    );
    await rejectsField(
      () => other.query({ pk: "cur" }).page({ limit: 2, cursor: first.cursor }),
      "cursor",
      /another query or model/,
    );
    await rejectsField(
      () => docs.scan().page({ limit: 2, cursor: first.cursor }),
      "cursor",
      /another query/,
    );
    const [payload, sig] = first.cursor.split(".");
    const bytes = Buffer.from(payload!, "base64url");
    bytes[bytes.length - 3] ^= 1;
    await rejectsField(
      () => q().page({ limit: 2, cursor: `${bytes.toString("base64url")}.${sig}` }),
      "cursor",
      /modified/,
    );
    await rejectsField(() => q().page({ limit: 2, cursor: payload }), "cursor", /not signed/);
    const scanned: number[] = [];
    cursor = undefined;
    do {
      const page = await docs.scan({ filter: (c) => c.eq("pk", "cur") }).page({ limit: 4, cursor });
      scanned.push(...page.items.map((d) => d.sk));
      cursor = page.cursor;
    } while (cursor);
    assert.deepEqual(
      scanned.sort((a, b) => a - b),
      [1, 2, 3, 4, 5, 6, 7],
    );
  });
});

describe("validate on a table", () => {
  test("a failed validation rejects with the validator's issues, and nothing is sent", async () => {
    sent.length = 0;
    await assert.rejects(
      docs.put({ pk: "val", sk: 1, title: "x" }),
      (e: unknown) =>
        e instanceof DynoValidationError &&
        e.field === "item.title" &&
        Array.isArray(e.issues) &&
        e.issues.length === 1,
    );
    await rejectsField(
      () => dyno.transact((tx) => tx.put(docs, { pk: "val", sk: 1, title: "x" })),
      "actions[0].item.title",
    );
    await rejectsField(
      () => docs.batchPut([{ pk: "val", sk: 1, title: "x" }]),
      "items[0].item.title",
    );
    assert.deepEqual(sent, []);
    assert.throws(
      () =>
        dyno.table("x", {
          schema: Doc,
          partitionKey: "pk",
          validate: {} as StandardSchemaV1,
        }),
      (e: unknown) => e instanceof DynoValidationError && e.field === "validate",
    );
  });
});
