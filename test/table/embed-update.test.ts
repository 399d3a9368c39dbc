/**
 * Updates of a whole embedded object (issue 16, F2): `u.remove("alt")` removes every attribute
 * of an optional embed, `u.set("alt", v)` sets the given properties and removes the absent
 * optional ones, as a put of the item with that value would store them. What cannot be done
 * whole (a required embed removed, an embed holding a flattened record, a flattened record)
 * is refused before anything is sent, naming the path.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Dyno, DynoValidationError, s, type AnyMiddleware } from "../../src/index.js";
import { testClient, uniqueTableName } from "../support/db.js";

const Geo = s.object({ lat: s.number().rename("LAT"), note: s.string().optional() });
const Addr = s.object({
  city: s.string(),
  zip: s.string().optional(),
  tags: s.stringSet(),
  hasOwn: s.string().optional(),
  geo: s.embed(Geo, { prefix: "g_" }).optional(),
});
const Item = s.object({
  id: s.string(),
  n: s.number(),
  address: s.embed(Addr, { prefix: "addr_" }),
  alt: s.embed(Addr, { prefix: "alt_" }).optional(),
  meta: s.embed(s.record(s.string()), { prefix: "m_" }).optional(),
  box: s
    .embed(s.object({ a: s.string(), more: s.embed(s.record(s.string()), { prefix: "r_" }) }), {
      prefix: "box_",
    })
    .optional(),
  inner: s.object({ e: s.embed(Addr, { prefix: "e_" }).optional(), x: s.string() }).optional(),
});
type Item = s.Infer<typeof Item>;

let dyno: Dyno;
const sent: string[] = [];
const record: AnyMiddleware = (next) => (ctx) => {
  sent.push(ctx.operation);
  return next(ctx);
};
const define = (name: string) => dyno.table(name, { schema: Item, partitionKey: "id" });
let t: ReturnType<typeof define>;

const base: Item = {
  id: "a",
  n: 1,
  address: { city: "London", zip: "N1", tags: new Set(["x"]), geo: { lat: 1, note: "n" } },
  alt: { city: "Paris", zip: "75", tags: new Set(["y"]), hasOwn: "c", geo: { lat: 2 } },
  meta: { a: "1" },
  box: { a: "A", more: { k: "v" } },
  inner: { x: "X", e: { city: "Rome", tags: new Set(["z"]), zip: "00" } },
};

async function raw(id: string) {
  const out = await dyno.getItem({
    TableName: t.name,
    Key: { id: { S: id } },
    ConsistentRead: true,
  });
  return out.Item;
}

/** The update's stored item equals a put of `expected` (attribute for attribute), and reads back as it. */
async function updatesTo(fn: Parameters<typeof t.update>[1], expected: Item) {
  await t.put(base);
  await t.update({ id: "a" }, fn);
  await t.put({ ...expected, id: "expected" });
  const got = await raw("a");
  const want = await raw("expected");
  assert.deepEqual({ ...got, id: undefined }, { ...want, id: undefined });
  const defined = Object.fromEntries(Object.entries(expected).filter(([, v]) => v !== undefined));
  assert.deepEqual(await t.get({ id: "a" }, { consistentRead: true }), defined);
}

async function refused(fn: () => unknown, field: string, message: RegExp) {
  sent.length = 0;
  await assert.rejects(
    async () => fn(),
    (e: unknown) => {
      assert.ok(e instanceof DynoValidationError, `expected DynoValidationError, got ${String(e)}`);
      assert.equal(e.field, field, e.message);
      assert.match(e.message, message);
      return true;
    },
  );
  assert.deepEqual(sent, [], "nothing was sent");
}

before(async () => {
  dyno = new Dyno({ client: await testClient() }).use(record);
  t = define(uniqueTableName("embedupd"));
  await t.create();
});

after(async () => {
  await t.drop();
});

describe("updating a whole embedded object", () => {
  test("u.remove of an optional embed removes every attribute it declares, nested embeds included", async () => {
    await updatesTo((u) => u.remove("alt"), { ...base, alt: undefined });
    const stored = await raw("a");
    assert.deepEqual(
      Object.keys(stored!).filter((k) => k.startsWith("alt_")),
      [],
    );
    await updatesTo((u) => u.remove("address.geo"), {
      ...base,
      address: { city: "London", zip: "N1", tags: new Set(["x"]) },
    });
    await updatesTo((u) => u.remove("inner.e"), { ...base, inner: { x: "X" } });
  });

  test("u.set of an embed sets the given properties and removes the absent optional ones", async () => {
    await updatesTo((u) => u.set("alt", { city: "Oslo", tags: new Set() }), {
      ...base,
      alt: { city: "Oslo", tags: new Set() },
    });
    await updatesTo(
      (u) => u.set("address", { city: "Rome", tags: new Set(["q"]), geo: { lat: 5 } }),
      {
        ...base,
        address: { city: "Rome", tags: new Set(["q"]), geo: { lat: 5 } },
      },
    );
    await updatesTo((u) => u.set("address.geo", { lat: 7, note: "m" }), {
      ...base,
      address: { ...base.address, geo: { lat: 7, note: "m" } },
    });
    await updatesTo((u) => u.set("inner.e", { city: "Bern", tags: new Set(["b"]) }), {
      ...base,
      inner: { x: "X", e: { city: "Bern", tags: new Set(["b"]) } },
    });
    // With other actions.
    await updatesTo(
      (u) => u.set("alt", { city: "Nice", tags: new Set(["t"]), hasOwn: "k" }).set("n", 2),
      { ...base, n: 2, alt: { city: "Nice", tags: new Set(["t"]), hasOwn: "k" } },
    );
  });

  test("an update setting a whole embed creates a missing item when it writes every required attribute", async () => {
    await t.delete({ id: "new" });
    await t.update({ id: "new" }, (u) =>
      u.set("n", 3).set("address", { city: "C", tags: new Set(["s"]) }),
    );
    assert.deepEqual(await t.get({ id: "new" }, { consistentRead: true }), {
      id: "new",
      n: 3,
      address: { city: "C", tags: new Set(["s"]) },
    });
  });

  test("what cannot be done whole is refused, naming the path; nothing is sent", async () => {
    await t.put(base);
    // @ts-expect-error a required embed: refused at compile time, and at run time
    await refused(() => t.update({ id: "a" }, (u) => u.remove("address")), "address", /required/);
    await refused(
      // @ts-expect-error a required property missing: refused at compile time, and at run time
      () => t.update({ id: "a" }, (u) => u.set("alt", { zip: "1", tags: new Set() })),
      "alt",
      /u\.set: .*city/,
    );
    await refused(
      () =>
        t.update({ id: "a" }, (u) => u.set("alt", { city: "x", tags: new Set(), zap: 1 } as never)),
      "alt.zap",
      /u\.set: .*zap/,
    );
    await refused(
      () => t.update({ id: "a" }, (u) => u.set("alt", u.attr("address.city") as never)),
      "alt",
      /cannot be copied/,
    );
    await refused(
      () => t.update({ id: "a" }, (u) => u.setIfNotExists("alt", { city: "x", tags: new Set() })),
      "alt",
      /u\.setIfNotExists: alt is embedded/,
    );
    await refused(() => t.update({ id: "a" }, (u) => u.remove("box")), "box", /flattened record/);
    await refused(
      () => t.update({ id: "a" }, (u) => u.set("box", { a: "b", more: {} })),
      "box",
      /flattened record/,
    );
    await refused(() => t.update({ id: "a" }, (u) => u.remove("meta")), "meta", /put the item/);
    await refused(
      () => t.update({ id: "a" }, (u) => u.set("meta", { b: "2" })),
      "meta",
      /put the item/,
    );
    assert.deepEqual(await t.get({ id: "a" }, { consistentRead: true }), base);
  });
});
