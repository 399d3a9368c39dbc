/**
 * Regressions from an attack on entities and models: updates of a missing key that would
 * create an undecodable item, undeclared properties dropped by entity puts, key templates
 * over lossy date codecs, options a write cannot honour, and misspelt options.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { Dyno, DynoValidationError, s } from "../../src/index.js";
import { needsTransactions, testDyno, uniqueTableName } from "../support/db.js";
import { rejectsField } from "../support/assert.js";

let dyno: Dyno;

const Doc = s.object({
  o: s.string(),
  id: s.string(),
  e: s.string(),
  title: s.string().optional(),
  createdAt: s.date().optional(),
  updatedAt: s.date().optional(),
  version: s.number().optional(),
  expiresAt: s.date({ as: "epochSeconds" }).optional(),
});

function defineApp(name: string) {
  const app = dyno.sharedTable(name, {
    partitionKey: "pk",
    sortKey: "sk",
    indexes: { gsi1: { partitionKey: "g1", sortKey: "g1s" } },
  });
  const key = (n: string) => ({ partitionKey: "O#{o}", sortKey: `${n}#{id}` });
  const Plain = app.entity("Plain", { schema: Doc, key: key("P") });
  const Stamped = app.entity("Stamped", {
    schema: Doc,
    key: key("S"),
    timestamps: { createdAt: "createdAt", updatedAt: "updatedAt" },
    ttl: "expiresAt",
  });
  const Indexed = app.entity("Indexed", {
    schema: Doc,
    key: key("I"),
    indexes: { gsi1: { partitionKey: "E#{e}", sortKey: "X" } },
  });
  const Versioned = app.entity("Versioned", { schema: Doc, key: key("V"), version: "version" });
  return { app, Plain, Stamped, Indexed, Versioned };
}
let m: ReturnType<typeof defineApp>;

before(async () => {
  dyno = await testDyno();
  m = defineApp(uniqueTableName("attack"));
  await m.app.create();
});

after(async () => {
  await m.app.drop();
});

describe("an entity update of a missing key", () => {
  const all = () =>
    [
      ["Plain", m.Plain],
      ["Stamped", m.Stamped],
      ["Indexed", m.Indexed],
      ["Versioned", m.Versioned],
    ] as const;

  test("is conditioned on the item's existence unless it writes every required property", async () => {
    for (const [name, E] of all()) {
      const key = { o: "missing", id: name };
      await assert.rejects(
        E.update(key, (u) => u.set("title", "x"), { returnValues: "ALL_NEW" }),
        ConditionalCheckFailedException,
        name,
      );
      await assert.rejects(
        E.update(key, (u) => u.set("title", "x")),
        ConditionalCheckFailedException,
        name,
      );
      assert.equal(await E.get(key), undefined, name);
    }
    // The partition stays readable.
    assert.deepEqual(await m.Plain.query({ o: "missing" }).all(), []);
    assert.deepEqual(
      await m.app.collection({ p: m.Plain, s: m.Stamped }).query({ o: "missing" }).all(),
      {
        p: [],
        s: [],
      },
    );
  });

  test("creates the item when it writes every required property, and it reads back", async () => {
    for (const [name, E] of all()) {
      if (name === "Indexed") continue; // setting e there needs the whole index template: it has it
      const key = { o: "whole", id: name };
      await E.update(key, (u) => u.set("e", "E1").set("title", "t"));
      const got = await E.get(key);
      assert.equal(got?.e, "E1", name);
      assert.equal(got?.title, "t", name);
    }
    await m.Indexed.update({ o: "whole", id: "Indexed" }, (u) => u.set("e", "E1"));
    assert.equal((await m.Indexed.get({ o: "whole", id: "Indexed" }))?.e, "E1");
  });

  test("an existing item is updated as before", async () => {
    await m.Plain.put({ o: "there", id: "p", e: "x" });
    await m.Plain.update({ o: "there", id: "p" }, (u) => u.set("title", "new"));
    assert.equal((await m.Plain.get({ o: "there", id: "p" }))?.title, "new");
  });

  test("in a transaction too", { skip: needsTransactions }, async () => {
    for (const [name, E] of all()) {
      const key = { o: "missing-tx", id: name };
      await assert.rejects(
        dyno.transact((t) => t.update(E, key, (u) => u.set("title", "x"))),
        (e: Error) => e.name === "TransactionCanceledException" || /cancel/i.test(e.message),
        name,
      );
      assert.equal(await E.get(key), undefined, name);
    }
    assert.deepEqual(await m.Plain.scan().all(), await m.Plain.scan().all());
  });
});

describe("entity puts refuse undeclared properties, at any depth, on every write path", () => {
  const Nested = s.object({
    o: s.string(),
    id: s.string(),
    e: s.string(),
    n: s.object({ a: s.string() }),
  });
  let N: ReturnType<typeof nestedEntity>;
  function nestedEntity() {
    return m.app.entity("Nested", {
      schema: Nested,
      key: { partitionKey: "O#{o}", sortKey: "N#{id}" },
    });
  }
  before(() => {
    N = nestedEntity();
  });
  const item = { o: "undeclared", id: "1", e: "x", n: { a: "1" } };
  const top = { ...item, zz: 1 } as typeof item;
  const deep = { ...item, n: { a: "1", b: 2 } } as typeof item;

  test("put, batchPut and dyno.batchWrite", async () => {
    await rejectsField(() => N.put(top), "item.zz", /not declared/);
    await rejectsField(() => N.put(deep), "item.n.b", /not declared/);
    await rejectsField(() => N.batchPut([item, top]), "items[1].item.zz", /not declared/);
    await rejectsField(
      () => dyno.batchWrite((b) => b.put(N, deep)),
      "writes[0].item.n.b",
      /not declared/,
    );
    assert.deepEqual(await N.query({ o: "undeclared" }).all(), []);
  });

  test("dyno.transact", { skip: needsTransactions }, async () => {
    await assert.rejects(
      dyno.transact((t) => t.put(N, top)),
      (e: unknown) => {
        assert.ok(e instanceof DynoValidationError, String(e));
        assert.match(e.field, /\.zz$/);
        return true;
      },
    );
    assert.deepEqual(await N.query({ o: "undeclared" }).all(), []);
  });
});

describe("key templates over date codecs key on the stored value", () => {
  const formats = ["iso", "epochMs", "epochSeconds"] as const;
  const When = (as: (typeof formats)[number]) =>
    s.object({ o: s.string(), d: s.date({ as }), v: s.string() });
  const whens = () =>
    formats.map(
      (as) =>
        [
          as,
          m.app.entity(`When-${as}`, {
            schema: When(as),
            key: { partitionKey: `W#${as}#{o}`, sortKey: "D#{d}" },
          }),
        ] as const,
    );
  let E: ReturnType<typeof whens>;
  before(() => {
    E = whens();
  });

  test("put, read back, get/update/delete by the read-back value (random instants)", async () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const instants = [0, 1, 999, 1000, 1500, -1, -1001, 253402300799999, -62167219200000];
    for (let i = 0; i < 12; i++) instants.push(Math.floor((rnd() - 0.3) * 2e13));
    for (const [as, W] of E) {
      for (const [i, ms] of instants.entries()) {
        const o = `p${i}`;
        await W.put({ o, d: new Date(ms), v: "a" });
        const [back, ...more] = await W.query({ o }).all();
        assert.equal(more.length, 0, `${as} ${ms}`);
        assert.ok(back, `${as} ${ms}`);
        const key = { o, d: back.d };
        assert.equal((await W.get(key))?.v, "a", `${as} ${ms}: get by the read-back value`);
        await W.put({ o, d: back.d, v: "b" }); // the same item, not a second one
        await W.update(key, (u) => u.set("v", "c"));
        const after = await W.query({ o }).all();
        assert.deepEqual(
          after.map((x) => x.v),
          ["c"],
          `${as} ${ms}: one item`,
        );
        await W.delete(key);
        assert.deepEqual(await W.query({ o }).all(), [], `${as} ${ms}: deleted`);
      }
    }
  });

  test("two instants in one second are one item under epochSeconds", async () => {
    const W = E[2][1];
    await W.put({ o: "same", d: new Date(1500), v: "a" });
    await W.put({ o: "same", d: new Date(1200), v: "b" });
    const all = await W.query({ o: "same" }).all();
    assert.deepEqual(all, [{ o: "same", d: new Date(1000), v: "b" }]);
    await rejectsField(
      () => W.query({ o: "same", d: { gt: new Date(1500) } }).all(),
      "key.d",
      /whole seconds/,
    );
    assert.equal((await W.query({ o: "same", d: { ge: new Date(1000) } }).all()).length, 1);
  });
});

type Loose = (...args: unknown[]) => unknown;

describe("dyno.batchWrite refuses options it cannot honour", () => {
  test("b.delete with { version } or { condition }, b.put with { condition }: refused, nothing written", async () => {
    await m.Versioned.put({ o: "bw", id: "v", e: "x" });
    await m.Plain.put({ o: "bw", id: "p", e: "x" });
    const loose = dyno as unknown as {
      batchWrite(fn: (b: { put: Loose; delete: Loose }) => void): Promise<unknown>;
    };
    await rejectsField(
      () => loose.batchWrite((b) => b.delete(m.Versioned, { o: "bw", id: "v" }, { version: 7 })),
      "writes[0].options",
      /cannot carry a condition/,
    );
    await rejectsField(
      () =>
        loose.batchWrite((b) => {
          b.put(m.Plain, { o: "bw", id: "q", e: "y" });
          b.delete(
            m.Plain,
            { o: "bw", id: "p" },
            { condition: (c: { eq: Loose; notExists: Loose }) => c.eq("e", "no") },
          );
        }),
      "writes[1].options",
    );
    await rejectsField(
      () =>
        loose.batchWrite((b) =>
          b.put(
            m.Plain,
            { o: "bw", id: "p", e: "z" },
            { condition: (c: { eq: Loose; notExists: Loose }) => c.notExists("o") },
          ),
        ),
      "writes[0].options",
    );
    assert.equal((await m.Versioned.get({ o: "bw", id: "v" }))?.version, 1);
    assert.equal((await m.Plain.get({ o: "bw", id: "p" }))?.e, "x");
    assert.equal(await m.Plain.get({ o: "bw", id: "q" }), undefined);
  });
});
