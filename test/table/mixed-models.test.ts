/**
 * Section-15 features of a plain `dyno.table(...)` mixed with entities in one `dyno.transact`,
 * `dyno.batchGet` and `dyno.batchWrite`, checked against what the SDK reads back item by item:
 * a stale table version cancels the whole transaction (the entity's put is not written), an
 * expired table item is left out of a mixed batchGet (kept with includeExpired on its own
 * read), and a table item its validator refuses stops a mixed batchWrite before anything is sent.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { Dyno, DynoValidationError, s, type AnyMiddleware } from "../../src/index.js";
import { needsTransactions, testDyno, uniqueTableName } from "../support/db.js";

const Doc = s.object({
  id: s.string(),
  title: s.string(),
  version: s.number().optional(),
  expiresAt: s.date({ as: "epochSeconds" }).optional(),
});
const Note = s.object({ org: s.string(), id: s.string(), text: s.string() });

let dyno: Dyno;
const sent: string[] = [];
const record: AnyMiddleware = (next) => (ctx) => {
  sent.push(ctx.operation);
  return next(ctx);
};
let docs: ReturnType<typeof defineDocs>;
let app: ReturnType<typeof defineApp>;
let notes: ReturnType<typeof defineNotes>;
const defineDocs = (name: string) =>
  dyno.table(name, {
    schema: Doc,
    partitionKey: "id",
    version: "version",
    ttl: "expiresAt",
    validate: {
      "~standard": {
        version: 1,
        vendor: "test",
        validate: (v: unknown) =>
          (v as { title: string }).title !== "bad"
            ? { value: v }
            : { issues: [{ message: "bad title", path: ["title"] }] },
      },
    },
  });
const defineApp = (name: string) => dyno.sharedTable(name, { partitionKey: "pk", sortKey: "sk" });
const defineNotes = () =>
  app.entity("Note", { schema: Note, key: { partitionKey: "ORG#{org}", sortKey: "NOTE#{id}" } });

/** The item as the SDK reads it, attribute by attribute. */
async function raw(table: string, key: Record<string, string>) {
  const Key = Object.fromEntries(Object.entries(key).map(([k, v]) => [k, { S: v }]));
  const out = await dyno.client.send(
    new GetItemCommand({ TableName: table, Key, ConsistentRead: true }),
  );
  return out.Item;
}

before(async () => {
  dyno = (await testDyno()).use(record);
  docs = defineDocs(uniqueTableName("mixd"));
  app = defineApp(uniqueTableName("mixa"));
  notes = defineNotes();
  await Promise.all([docs.create(), app.create()]);
});

after(async () => {
  await Promise.all([docs.drop(), app.drop()]);
});

test("a stale table version in a mixed transaction writes nothing, the entity's put included", async (tc) => {
  if (needsTransactions) return tc.skip(needsTransactions);
  await docs.put({ id: "d1", title: "one" });
  await docs.update({ id: "d1" }, (u) => u.set("title", "two"), { version: 1 });
  await assert.rejects(
    dyno.transact((t) => {
      t.put(notes, { org: "acme", id: "n1", text: "hello" });
      t.update(docs, { id: "d1" }, (u) => u.set("title", "three"), { version: 1 });
    }),
    (e: unknown) => (e as Error).name === "TransactionCanceledException",
  );
  assert.equal(await raw(app.name, { pk: "ORG#acme", sk: "NOTE#n1" }), undefined);
  const stored = await raw(docs.name, { id: "d1" });
  assert.deepEqual(stored, { id: { S: "d1" }, title: { S: "two" }, version: { N: "2" } });
  await dyno.transact((t) => {
    t.put(notes, { org: "acme", id: "n1", text: "hello" });
    t.update(docs, { id: "d1" }, (u) => u.set("title", "three"), { version: 2 });
  });
  assert.equal((await raw(docs.name, { id: "d1" }))?.version?.N, "3");
  assert.equal((await raw(app.name, { pk: "ORG#acme", sk: "NOTE#n1" }))?.text?.S, "hello");
});

test("a mixed batchGet leaves out an expired table item, in order; includeExpired reads it", async () => {
  const past = new Date(Date.now() - 3600_000);
  past.setMilliseconds(0);
  await docs.put({ id: "old", title: "old", expiresAt: past });
  await docs.put({ id: "new", title: "new" });
  await notes.put({ org: "acme", id: "n2", text: "two" });
  // the SDK still reads the expired item (DynamoDB deletes it up to days later)
  assert.ok(await raw(docs.name, { id: "old" }));
  const got = await dyno.batchGet([
    [docs, { id: "old" }],
    [notes, { org: "acme", id: "n2" }],
    [docs, { id: "new" }],
    [docs, { id: "missing" }],
  ]);
  assert.deepEqual(
    got.map((i) => (i as { id?: string } | undefined)?.id),
    [undefined, "n2", "new", undefined],
  );
  // DynamoDB Local's own TTL sweeper may have deleted the expired item meanwhile: put it back.
  if (!(await raw(docs.name, { id: "old" })))
    await docs.put({ id: "old", title: "old", expiresAt: past });
  assert.deepEqual((await docs.get({ id: "old" }, { includeExpired: true }))?.expiresAt, past);
  assert.equal(await docs.get({ id: "old" }), undefined);
});

test("a mixed batchWrite whose table item fails validation sends nothing", async () => {
  sent.length = 0;
  await assert.rejects(
    dyno.batchWrite((b) => {
      b.put(notes, { org: "acme", id: "n3", text: "three" });
      b.put(docs, { id: "d3", title: "bad" } as never);
    }),
    (e: unknown) => e instanceof DynoValidationError && /title/.test(e.field ?? ""),
  );
  assert.deepEqual(sent, []);
  assert.equal(await raw(app.name, { pk: "ORG#acme", sk: "NOTE#n3" }), undefined);
});
