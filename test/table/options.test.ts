/**
 * Unknown (misspelt) options are refused on every public model path before anything is sent:
 * Table and Entity methods, transaction and batch actions, pages, collection queries and the
 * model definitions themselves (issue 17). A middleware records every operation sent; each
 * refusal names the option's path and lists the allowed names. Every documented option is
 * still accepted.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Dyno, DynoValidationError, s, type AnyMiddleware } from "../../src/index.js";
import { needsTransactions, testDyno, uniqueTableName } from "../support/db.js";

const Doc = s.object({
  id: s.string(),
  n: s.number(),
  title: s.string(),
  version: s.number().optional(),
  at: s.date().optional(),
  expiresAt: s.date({ as: "epochSeconds" }).optional(),
});
const Note = s.object({
  org: s.string(),
  id: s.string(),
  n: s.number(),
  version: s.number().optional(),
  expiresAt: s.date({ as: "epochSeconds" }).optional(),
});
const Tag = s.object({ org: s.string(), id: s.string() });

let dyno: Dyno;
const sent: string[] = [];
const record: AnyMiddleware = (next) => (ctx) => {
  sent.push(ctx.operation);
  return next(ctx);
};
const define = {
  docs: (name: string) =>
    dyno.table(name, {
      schema: Doc,
      partitionKey: "id",
      version: "version",
      ttl: "expiresAt",
      timestamps: { updatedAt: "at" },
      indexes: { byN: { partitionKey: "n", projection: "ALL" } },
    }),
  app: (name: string) =>
    dyno.sharedTable(name, {
      partitionKey: "pk",
      sortKey: "sk",
      indexes: { gsi1: { partitionKey: "gsi1pk", sortKey: "gsi1sk" } },
      entityAttribute: "_type",
    }),
};
let docs: ReturnType<typeof define.docs>;
let app: ReturnType<typeof define.app>;
let notes: ReturnType<typeof defineNotes>;
let tags: ReturnType<typeof defineTags>;
const defineNotes = () =>
  app.entity("Note", {
    schema: Note,
    key: { partitionKey: "ORG#{org}", sortKey: "NOTE#{id}" },
    indexes: { gsi1: { partitionKey: "N#{n}", sortKey: "NOTE#{id}" } },
    version: "version",
    ttl: "expiresAt",
  });
const defineTags = () =>
  app.entity("Tag", { schema: Tag, key: { partitionKey: "ORG#{org}", sortKey: "TAG#{id}" } });

before(async () => {
  dyno = (await testDyno()).use(record);
  docs = define.docs(uniqueTableName("optd"));
  app = define.app(uniqueTableName("opta"));
  notes = defineNotes();
  tags = defineTags();
  await Promise.all([docs.create(), app.create()]);
  await docs.put({ id: "d1", n: 1, title: "one" });
  await notes.put({ org: "acme", id: "n1", n: 1 });
  await tags.put({ org: "acme", id: "t1" });
});

after(async () => {
  await Promise.all([docs.drop(), app.drop()]);
});

// Untyped callers (JavaScript, `any`, options built elsewhere): what TypeScript cannot stop.
const loose = (v: unknown): any => v;
const yes = () => ({ "~condition": true });
const cond = (c: { exists(p: string): unknown }) => c.exists("id");

/** `run` is refused naming `field` (and listing allowed names) with nothing sent. */
async function refused(run: () => unknown, field: string, lists?: string) {
  sent.length = 0;
  await assert.rejects(
    async () => {
      const out = run();
      // a query or scan is lazy: reading it is what would send
      if (out && typeof out === "object" && "all" in out)
        await (out as { all(): Promise<unknown> }).all();
      else await out;
    },
    (e: unknown) => {
      assert.ok(e instanceof DynoValidationError, String(e));
      assert.equal(e.field, field);
      if (lists) assert.match(e.message, new RegExp(lists));
      return true;
    },
  );
  assert.deepEqual(sent, [], `nothing sent for ${field}`);
}

describe("misspelt options are refused with nothing sent", () => {
  test("Table methods", async () => {
    const key = { id: "d1" };
    await refused(
      () => docs.get(key, loose({ consistentReed: true })),
      "options.consistentReed",
      "consistentRead",
    );
    await refused(
      () => docs.put({ id: "d9", n: 9, title: "x" }, loose({ conditon: cond })),
      "options.conditon",
      "condition, returnValues",
    );
    await refused(
      () => docs.update(key, (u) => u.set("title", "t"), loose({ conditon: cond })),
      "options.conditon",
      "version",
    );
    await refused(
      () => docs.delete({ id: "d9" }, loose({ conditon: cond })),
      "options.conditon",
      "condition",
    );
    await refused(
      () => docs.query({ id: "d1" }, loose({ fliter: yes })),
      "options.fliter",
      "filter",
    );
    await refused(() => docs.scan(loose({ projct: ["id"] })), "options.projct", "segments");
    await refused(
      () => docs.scan(loose({ segment: 1, totalSegments: 4 })),
      "options.segment",
      "scanAll",
    );
    await refused(
      () => docs.scan(loose({ totalSegments: 4 })),
      "options.totalSegments",
      "segments",
    );
    await refused(
      () => docs.query({ id: "d1" }).page(loose({ limit: 1, curser: "x" })),
      "page.options.curser",
      "limit, cursor",
    );
    await refused(() => docs.get(key, loose("consistent")), "options");
  });

  test("Entity methods and collections", async () => {
    const key = { org: "acme", id: "n1" };
    await refused(() => notes.get(key, loose({ consistentReed: true })), "options.consistentReed");
    await refused(
      () => notes.put({ org: "acme", id: "n9", n: 9 }, loose({ conditon: cond })),
      "options.conditon",
    );
    await refused(
      () => notes.update(key, (u) => u.set("n", 2), loose({ verison: 1 })),
      "options.verison",
      "version",
    );
    await refused(
      () => notes.delete({ org: "acme", id: "n9" }, loose({ conditon: cond })),
      "options.conditon",
    );
    await refused(() => notes.query({ org: "acme" }, loose({ fliter: yes })), "options.fliter");
    await refused(() => notes.scan(loose({ segments: 2 })), "options.segments", "pageSize");
    await refused(
      () => notes.scan(loose({ segment: 0, totalSegments: 2 })),
      "options.segment",
      "scanAll",
    );
    await refused(() => notes.scan().page(loose({ limit: 1, curser: "x" })), "page.options.curser");
    const all = app.collection({ notes, tags });
    await refused(
      () => all.query({ org: "acme" }, loose({ filter: yes })),
      "options.filter",
      "maxItems",
    );
    await refused(() => all.query({ org: "acme" }, loose({ maxItem: 1 })), "options.maxItem");
    await refused(
      () => all.query({ org: "acme" }).page(loose({ limit: 1, curser: "x" })),
      "page.options.curser",
    );
  });

  test("transaction, transactGet and batch actions name the action", async () => {
    await refused(
      () =>
        dyno.transact((t) => {
          t.put(tags, { org: "acme", id: "t2" });
          t.put(docs, { id: "d9", n: 9, title: "x" }, loose({ conditon: cond }));
        }),
      "actions[1].options.conditon",
      "condition",
    );
    await refused(
      () =>
        dyno.transact((t) =>
          t.update(
            notes,
            { org: "acme", id: "n1" },
            (u) => u.set("n", 3),
            loose({ conditon: cond }),
          ),
        ),
      "actions[0].options.conditon",
      "condition, version",
    );
    await refused(
      () => dyno.transact((t) => t.delete(docs, { id: "d9" }, loose({ returnValues: "ALL_OLD" }))),
      "actions[0].options.returnValues",
    );
    await refused(
      () =>
        dyno.transactGet((t) => [
          t.get(notes, { org: "acme", id: "n1" }, loose({ projct: ["n"] })),
        ]),
      "gets[0].options.projct",
      "project, includeExpired",
    );
    await refused(
      () =>
        dyno.batchWrite((b) => loose(b).put(docs, { id: "d9", n: 9, title: "x" }, { conditon: 1 })),
      "writes[0].options",
    );
    await refused(
      () => docs.batchGet([{ id: "d1" }], loose({ consistentReed: true })),
      "batchGet.options.consistentReed",
    );
  });

  test("model definitions", () => {
    const name = uniqueTableName("optx");
    const throws = (run: () => unknown, field: string, lists?: string) =>
      assert.throws(run, (e: unknown) => {
        assert.ok(e instanceof DynoValidationError, String(e));
        assert.equal(e.field, field);
        if (lists) assert.match(e.message, new RegExp(lists));
        return true;
      });
    throws(
      () => dyno.table(name, loose({ schema: Doc, partitionKey: "id", verison: "version" })),
      "options.verison",
      "version",
    );
    throws(
      () =>
        dyno.table(
          name,
          loose({
            schema: Doc,
            partitionKey: "id",
            indexes: { byN: { partitionKey: "n", projecton: "KEYS_ONLY" } },
          }),
        ),
      "indexes.byN.projecton",
      "projection",
    );
    throws(
      () => dyno.sharedTable(name, loose({ partitionKey: "pk", entityAtribute: "t" })),
      "options.entityAtribute",
    );
    throws(
      () =>
        dyno.sharedTable(
          name,
          loose({ partitionKey: "pk", indexes: { byG: { partitionKey: "gpk", sortkey: "gsk" } } }),
        ),
      "indexes.byG.sortkey",
    );
    const other = dyno.sharedTable(name, {
      partitionKey: "pk",
      sortKey: "sk",
      indexes: { byG: { partitionKey: "gpk" } },
    });
    throws(
      () =>
        other.entity(
          "V",
          loose({
            schema: Note,
            key: { partitionKey: "O#{org}", sortKey: "N#{id}" },
            verison: "version",
          }),
        ),
      "options.verison",
      "version",
    );
    throws(
      () =>
        other.entity(
          "V",
          loose({
            schema: Note,
            key: { partitionKey: "O#{org}", sortKey: "N#{id}", sortkey: "x" },
          }),
        ),
      "key.sortkey",
    );
    throws(
      () =>
        other.entity(
          "V",
          loose({
            schema: Note,
            key: { partitionKey: "O#{org}", sortKey: "N#{id}" },
            indexes: { byG: { partitionKey: "N#{n}", sortkey: "x" } },
          }),
        ),
      "indexes.byG.sortkey",
    );
  });
});

describe("every documented option is still accepted", () => {
  test("Table methods", async () => {
    const key = { id: "d1" };
    assert.equal(
      (await docs.get(key, { consistentRead: true, includeExpired: true, project: ["id", "n"] }))
        ?.n,
      1,
    );
    await docs.put(
      { id: "d2", n: 2, title: "two" },
      { condition: (c) => c.notExists("id"), returnValues: "ALL_OLD" },
    );
    const updated = await docs.update(key, (u) => u.set("title", "uno"), {
      version: 1,
      condition: (c) => c.exists("id"),
      returnValues: "ALL_NEW",
    });
    assert.equal(updated.version, 2);
    const q = await docs
      .query(
        { id: "d1" },
        {
          filter: (c) => c.exists("title"),
          project: ["id"],
          consistentRead: true,
          maxItems: 5,
          pageSize: 5,
          descending: true,
          includeExpired: false,
        },
      )
      .all();
    assert.deepEqual(q, [{ id: "d1" }]);
    assert.equal((await docs.query({ n: 2 }, { index: "byN" }).all()).length, 1);
    const scanned = await docs
      .scan({ segments: 2, concurrency: 1, filter: (c) => c.exists("id"), pageSize: 10 })
      .all();
    assert.equal(scanned.length, 2);
    const page = await docs.scan({ index: "byN" }).page({ limit: 1 });
    assert.equal(page.items.length, 1);
    assert.equal(
      (await docs.scan({ index: "byN" }).page({ limit: 1, cursor: page.cursor })).items.length,
      1,
    );
    await docs.delete(
      { id: "d2" },
      { version: 1, condition: (c) => c.exists("id"), returnValues: "ALL_OLD" },
    );
  });

  test("Entity methods and collections", async () => {
    const key = { org: "acme", id: "n1" };
    assert.equal(
      (await notes.get(key, { consistentRead: true, includeExpired: true, project: ["n"] }))?.n,
      1,
    );
    await notes.put(
      { org: "acme", id: "n2", n: 2 },
      { condition: (c) => c.notExists("n"), returnValues: "ALL_OLD" },
    );
    await notes.update(key, (u) => u.set("n", 1), {
      version: 1,
      condition: (c) => c.exists("n"),
      returnValues: "ALL_OLD",
    });
    assert.equal(
      (
        await notes
          .query(
            { org: "acme" },
            {
              filter: (c) => c.exists("n"),
              descending: true,
              maxItems: 5,
              pageSize: 5,
              consistentRead: true,
              includeExpired: false,
              project: ["id"],
            },
          )
          .all()
      ).length,
      2,
    );
    assert.equal((await notes.query({ n: 2 }, { index: "gsi1" }).all()).length, 1);
    assert.equal(
      (await notes.scan({ index: "gsi1", filter: (c) => c.exists("n") }).all()).length,
      2,
    );
    const all = app.collection({ notes, tags });
    const got = await all
      .query(
        { org: "acme" },
        {
          maxItems: 10,
          pageSize: 10,
          consistentRead: true,
          descending: false,
          includeExpired: false,
        },
      )
      .all();
    assert.equal(got.notes.length + got.tags.length, 3);
    assert.equal((await all.query({ org: "acme" }).page({ limit: 2 })).items.length, 2);
    await notes.delete(
      { org: "acme", id: "n2" },
      { version: 1, condition: (c) => c.exists("n"), returnValues: "ALL_OLD" },
    );
  });

  test("transaction and transactGet actions", async (tc) => {
    if (needsTransactions) return tc.skip(needsTransactions);
    await dyno.transact((t) => {
      t.put(tags, { org: "acme", id: "t3" }, { condition: (c) => c.notExists("id") });
      t.update(notes, { org: "acme", id: "n1" }, (u) => u.set("n", 5), {
        version: 2,
        condition: (c) => c.exists("n"),
      });
      t.delete(docs, { id: "d1" }, { version: 2, condition: (c) => c.exists("id") });
    });
    const [n] = await dyno.transactGet((t) => [
      t.get(notes, { org: "acme", id: "n1" }, { project: ["n"], includeExpired: true }),
    ]);
    assert.deepEqual(n, { n: 5 });
  });
});
