import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import {
  DynoEncodingError,
  NumberValue,
  marshalItem,
  marshalValue,
  projectionOf,
  s,
  toAttribute,
  unmarshalItem,
  unmarshalValue,
} from "../../src/index.js";
import { Money, throwsAt } from "./support.js";

const Address = s.object({ street: s.string(), city: s.string() });
const User = s.object({
  id: s.string(),
  name: s.string().rename("Name"),
  age: s.number().optional(),
  address: s.embed(Address, { prefix: "addr_", suffix: "" }),
  extra: s.embed(s.record(s.string()), { prefix: "x_" }),
  settings: s.json<{ dark: boolean; langs: string[] }>(),
  tags: s.stringSet(),
  createdAt: s.date(),
  secret: s.string().skip(),
  nick: s.string().omitEmpty(),
  kind: s.literal("user"),
  score: s.bigint(),
  blob: s.binary(),
  any: s.any(),
  items: s.list(s.object({ sku: s.string(), qty: s.number() })),
  meta: s.map(s.number()),
});
type User = s.Infer<typeof User>;

// Compile-time checks of the inferred type.
const typed: User = {
  id: "u1",
  name: "Ann",
  address: { street: "Main St", city: "Springfield" },
  extra: { color: "red" },
  settings: { dark: true, langs: ["en"] },
  tags: new Set(["a", "b"]),
  createdAt: new Date("2024-01-02T03:04:05.678Z"),
  nick: "annie",
  kind: "user",
  score: 2n ** 64n + 1n,
  blob: new Uint8Array([1, 2, 3]),
  any: { anything: [1, "two", null] },
  items: [{ sku: "A", qty: 2 }],
  meta: new Map([["views", 3]]),
};
// @ts-expect-error: kind is the literal "user"
const _wrongKind: User = { ...typed, kind: "admin" };
// @ts-expect-error: age is a number
const _wrongAge: User = { ...typed, age: "3" };
const _optional: User["age"] = undefined;
const _secret: User["secret"] = undefined;

for (const codegen of [true, false]) {
  const o = { codegen };
  describe(`schema (${codegen ? "generated code" : "interpreted"})`, () => {
    it("round-trips the API.md example with every kind", () => {
      const item = marshalItem(typed, User, o);
      assert.deepEqual(Object.keys(item).sort(), [
        "Name",
        "addr_city",
        "addr_street",
        "any",
        "blob",
        "createdAt",
        "id",
        "items",
        "kind",
        "meta",
        "nick",
        "score",
        "settings",
        "tags",
        "x_color",
      ]);
      assert.deepEqual(item.settings, { S: '{"dark":true,"langs":["en"]}' });
      assert.deepEqual(item.score, { N: "18446744073709551617" });
      assert.deepEqual(item.tags, { SS: ["a", "b"] });
      assert.deepEqual(item.meta, { M: { views: { N: "3" } } });
      assert.deepStrictEqual(unmarshalItem(item, User, o), typed);
    });

    it("skip, omitEmpty, optional and empty sets", () => {
      const value: User = {
        ...typed,
        secret: "hidden",
        nick: "",
        tags: new Set(),
        age: undefined,
        extra: {},
      };
      const item = marshalItem(value, User, o);
      for (const gone of ["secret", "nick", "tags", "age"])
        assert.equal(item[gone], undefined, gone);
      const back = unmarshalItem(item, User, o);
      assert.equal(back.nick, "");
      assert.deepEqual(back.tags, new Set());
      assert.equal("age" in back, false);
      assert.equal("secret" in back, false);
      assert.deepStrictEqual(back, { ...typed, nick: "", tags: new Set(), extra: {} });
      // a skipped attribute present in the item is not read either
      assert.equal(unmarshalItem({ ...item, secret: { S: "x" } }, User, o).secret, undefined);
    });

    it("omitEmpty on lists, maps, binaries and objects", () => {
      const S = s.object({
        l: s.list(s.number()).omitEmpty(),
        r: s.record(s.string()).omitEmpty(),
        m: s.map(s.string()).omitEmpty(),
        b: s.binary().omitEmpty(),
        o: s.object({ x: s.string().optional() }).omitEmpty(),
      });
      const v = { l: [], r: {}, m: new Map(), b: new Uint8Array(0), o: {} };
      assert.deepEqual(marshalItem(v, S, o), {});
      assert.deepStrictEqual(unmarshalItem({}, S, o), v);
    });

    it("dates in all three forms", () => {
      const D = s.object({
        iso: s.date(),
        ms: s.date({ as: "epochMs" }),
        ttl: s.date({ as: "epochSeconds" }),
      });
      const v = {
        iso: new Date(1_700_000_000_123),
        ms: new Date(1_700_000_000_123),
        ttl: new Date(1_700_000_000_000),
      };
      const item = marshalItem(v, D, o);
      assert.deepEqual(item, {
        iso: { S: "2023-11-14T22:13:20.123Z" },
        ms: { N: "1700000000123" },
        ttl: { N: "1700000000" },
      });
      assert.deepStrictEqual(unmarshalItem(item, D, o), v);
      // epoch seconds truncates milliseconds (TTL precision)
      assert.deepEqual(marshalItem({ ...v, ttl: new Date(1_700_000_000_999) }, D, o).ttl, {
        N: "1700000000",
      });
    });

    it("bigints beyond 2^53, numbers, binary, literals, nullable", () => {
      const N = s.object({
        big: s.bigint(),
        neg: s.bigint(),
        n: s.number(),
        bin: s.binary(),
        lit: s.literal("a", 2, true, null),
        maybe: s.string().nullable(),
        ns: s.numberSet(),
        bs: s.binarySet(),
      });
      const v = {
        big: 2n ** 100n,
        neg: -(10n ** 37n) - 7n,
        n: 0.1,
        bin: new Uint8Array([0, 1, 254, 255]),
        lit: 2 as const,
        maybe: null,
        ns: new Set([1, 2.5, -3]),
        bs: new Set([new Uint8Array([7])]),
      };
      const item = marshalItem(v, N, o);
      assert.deepEqual(item.maybe, { NULL: true });
      assert.deepEqual(item.big, { N: "1267650600228229401496703205376" });
      assert.deepStrictEqual(unmarshalItem(item, N, o), v);
      // a bigint schema reads exponent forms too, and rejects fractions
      assert.equal(unmarshalValue({ N: "1E+3" }, s.bigint(), o), 1000n);
      throwsAt(() => unmarshalValue({ N: "1.5" }, s.bigint(), o), "", /not an integer/);
    });

    it("flattened embeds: prefixes, suffixes, nesting, optional", () => {
      const Geo = s.object({ lat: s.number(), lng: s.number() });
      const Place = s.object({
        name: s.string(),
        geo: s.embed(Geo, { prefix: "geo_" }),
        note: s.string().optional(),
      });
      const Trip = s.object({
        id: s.string(),
        from: s.embed(Place, { prefix: "from_" }),
        to: s.embed(Place, { prefix: "to_", suffix: "_v2" }),
        via: s.embed(Place, { prefix: "via_" }).optional(),
        labels: s.embed(s.record(s.number()), { prefix: "label:" }),
      });
      type Trip = s.Infer<typeof Trip>;
      const v: Trip = {
        id: "t",
        from: { name: "A", geo: { lat: 1, lng: 2 } },
        to: { name: "B", geo: { lat: 3, lng: 4 }, note: "n" },
        labels: { x: 1, y: 2 },
      };
      const item = marshalItem(v, Trip, o);
      assert.deepEqual(item, {
        id: { S: "t" },
        from_name: { S: "A" },
        from_geo_lat: { N: "1" },
        from_geo_lng: { N: "2" },
        to_name_v2: { S: "B" },
        to_geo_lat_v2: { N: "3" },
        to_geo_lng_v2: { N: "4" },
        to_note_v2: { S: "n" },
        "label:x": { N: "1" },
        "label:y": { N: "2" },
      });
      assert.deepStrictEqual(unmarshalItem(item, Trip, o), v);
      const withVia = { ...v, via: { name: "C", geo: { lat: 5, lng: 6 } } };
      assert.deepStrictEqual(unmarshalItem(marshalItem(withVia, Trip, o), Trip, o), withVia);
      // a partly present optional embed is an error naming the missing attribute
      throwsAt(
        () => unmarshalItem({ ...item, via_name: { S: "C" } }, Trip, o),
        "via_geo_lat",
        /missing/,
      );
      assert.equal(projectionOf(Trip, { openRecords: "omit" }).length, 13);
    });

    it("an embedded record collects the attributes no field claims", () => {
      const Doc = s.object({ id: s.string(), rest: s.embed(s.record(s.any())) });
      const item = { id: { S: "1" }, a: { N: "1" }, b: { L: [{ S: "x" }] } };
      assert.deepStrictEqual(unmarshalItem(item, Doc, o), { id: "1", rest: { a: 1, b: ["x"] } });
      assert.deepEqual(marshalItem({ id: "1", rest: { a: 1, b: ["x"] } }, Doc, o), item);
      throwsAt(
        () => marshalItem({ id: "1", rest: { id: "clash" } }, Doc, o),
        "rest.id",
        /already uses/,
      );
    });

    it("unknown attributes are dropped, kept or rejected", () => {
      const P = s.object({ id: s.string(), name: s.string().rename("Name") });
      const item = { id: { S: "1" }, Name: { S: "n" }, extra: { N: "12345678901234567890" } };
      assert.deepStrictEqual(unmarshalItem(item, P, o), { id: "1", name: "n" });
      assert.deepStrictEqual(unmarshalItem(item, P, { ...o, unknown: "keep", wrapNumbers: true }), {
        id: "1",
        name: "n",
        extra: new NumberValue("12345678901234567890"),
      });
      throwsAt(
        () => unmarshalItem(item, P, { ...o, unknown: "error" }),
        "extra",
        /not in the schema/,
      );
      throwsAt(
        () =>
          unmarshalItem(
            { l: { L: [{ M: { id: { S: "1" }, Name: { S: "n" }, z: { S: "" } } }] } },
            s.object({ l: s.list(P) }),
            { ...o, unknown: "error" },
          ),
        "l[0].z",
        /not in the schema/,
      );
    });

    it("custom marshalers: s.custom and classes with [toItem] / static [fromItem]", () => {
      const Point = s.custom({
        toAttribute: (p: { x: number; y: number }): AttributeValue => ({ S: `${p.x},${p.y}` }),
        fromAttribute: (av: AttributeValue) => {
          const [x, y] = av.S!.split(",").map(Number);
          return { x, y };
        },
      });
      const Pair = s.custom({
        toItem: (p: [string, string]) => ({ l: { S: p[0] }, r: { S: p[1] } }),
        fromItem: (m) => [m.l.S!, m.r.S!] as [string, string],
      });
      const Order = s.object({
        price: s.custom(Money),
        at: Point,
        pair: Pair,
        prices: s.list(s.custom(Money)),
      });
      type Order = s.Infer<typeof Order>;
      const v: Order = {
        price: new Money(150n, "EUR"),
        at: { x: 1, y: 2 },
        pair: ["a", "b"],
        prices: [new Money(1n, "USD")],
      };
      const item = marshalItem(v, Order, o);
      assert.deepEqual(item.price, { M: { cents: { N: "150" }, currency: { S: "EUR" } } });
      assert.deepEqual(item.at, { S: "1,2" });
      assert.deepStrictEqual(unmarshalItem(item, Order, o), v);
      // a class is a schema by itself
      const m = new Money(5n, "GBP");
      assert.deepEqual(marshalItem(m, Money, o), { cents: { N: "5" }, currency: { S: "GBP" } });
      const back: Money = unmarshalItem(marshalItem(m, Money, o), Money, o);
      assert.deepStrictEqual(back, m);
      // a failing custom decoder names the path
      throwsAt(
        () => unmarshalItem({ ...item, at: { N: "1" } }, Order, o),
        "at",
        /fromAttribute\(\) failed/,
      );
    });

    it("[toAttribute] values are accepted by any schema field", () => {
      const Decimal = class {
        constructor(readonly text: string) {}
        [toAttribute](): AttributeValue {
          return { N: this.text };
        }
      };
      const S = s.object({ amount: s.number(), l: s.list(s.number()) });
      const item = marshalItem(
        {
          amount: new Decimal("1.25") as unknown as number,
          l: [new Decimal("2") as unknown as number],
        },
        S,
        o,
      );
      assert.deepEqual(item, { amount: { N: "1.25" }, l: { L: [{ N: "2" }] } });
    });

    it("a value at the top level, and non-object item schemas", () => {
      throwsAt(() => marshalValue(new Set<string>(), s.stringSet(), o), "", /empty set/);
      const R = s.record(s.number());
      assert.deepEqual(marshalItem({ a: 1 }, R, o), { a: { N: "1" } });
      assert.deepStrictEqual(unmarshalItem({ a: { N: "1" } }, R, o), { a: 1 });
      const M = s.map(s.string());
      assert.deepStrictEqual(
        unmarshalItem(marshalItem(new Map([["k", "v"]]), M, o), M, o),
        new Map([["k", "v"]]),
      );
      throwsAt(() => marshalItem("x" as never, s.string(), o), "", /does not describe an item/);
    });
  });

  describe(`schema errors name the path (${codegen ? "generated code" : "interpreted"})`, () => {
    const Line = s.object({ sku: s.string(), price: s.number() });
    const Order = s.object({
      id: s.string(),
      lines: s.list(Line),
      total: s.number().rename("Total"),
    });
    const Customer = s.object({
      orders: s.list(Order),
      address: s.embed(Address, { prefix: "a_" }),
    });
    const good = {
      orders: [0, 1, 2, 3].map((i) => ({ id: `o${i}`, lines: [{ sku: "x", price: 1 }], total: 1 })),
      address: { street: "s", city: "c" },
    };

    it("type mismatches when marshalling", () => {
      const bad = structuredClone(good) as unknown as { orders: { lines: { price: unknown }[] }[] };
      bad.orders[3].lines[0].price = "12";
      throwsAt(
        () => marshalItem(bad as never, Customer, o),
        "orders[3].lines[0].price",
        /expected a number, got string "12"/,
      );
      bad.orders[3].lines[0].price = NaN;
      throwsAt(() => marshalItem(bad as never, Customer, o), "orders[3].lines[0].price", /finite/);
      throwsAt(
        () => marshalItem({ ...good, address: { street: 1, city: "c" } } as never, Customer, o),
        "address.street",
        /expected a string/,
      );
      throwsAt(
        () => marshalItem({ ...good, address: undefined } as never, Customer, o),
        "address",
        /required/,
      );
      throwsAt(
        () =>
          marshalItem(
            { orders: [{ id: "x", lines: [] }], address: good.address } as never,
            Customer,
            o,
          ),
        "orders[0].total",
        /required/,
      );
      throwsAt(() => marshalItem(null as never, Customer, o), "", /expected an object/);
      throwsAt(
        () => marshalValue(new Set(["a", 1]) as never, s.stringSet(), o),
        "",
        /Set of strings/,
      );
      throwsAt(() => marshalValue({ a: 1n }, s.json(), o), "", /JSON/);
      throwsAt(() => marshalValue("b" as never, s.literal("a"), o), "", /expected "a"/);
      throwsAt(
        () => marshalValue(new Date(NaN), s.date({ as: "epochSeconds" }), o),
        "",
        /invalid Date/,
      );
      throwsAt(
        () => marshalValue([new Set<string>()], s.list(s.stringSet()), o),
        "[0]",
        /empty set/,
      );
    });

    it("type mismatches and missing attributes when unmarshalling (attribute path)", () => {
      const item = marshalItem(good, Customer, o);
      const orders = item.orders.L!;
      const order3 = orders[3].M!;
      const badLine = { M: { sku: { S: "x" }, price: { S: "12" } } };
      const bad = {
        ...item,
        orders: { L: [...orders.slice(0, 3), { M: { ...order3, lines: { L: [badLine] } } }] },
      };
      throwsAt(
        () => unmarshalItem(bad, Customer, o),
        "orders[3].lines[0].price",
        /expected N \(a number\), got an attribute of type S/,
      );
      const noTotal = { ...item, orders: { L: [{ M: { id: { S: "x" }, lines: { L: [] } } }] } };
      throwsAt(() => unmarshalItem(noTotal, Customer, o), "orders[0].Total", /missing/);
      throwsAt(
        () => unmarshalItem({ ...item, a_city: { BOOL: true } }, Customer, o),
        "a_city",
        /expected S/,
      );
      throwsAt(
        () => unmarshalValue({ N: "12345678901234567890" }, s.number(), o),
        "",
        /s\.bigint\(\)/,
      );
      throwsAt(() => unmarshalValue({ S: "not json" }, s.json(), o), "", /not valid JSON/);
      throwsAt(() => unmarshalValue({ S: "yesterday" }, s.date(), o), "", /not a date/);
      throwsAt(() => unmarshalValue({ S: "b" }, s.literal("a"), o), "", /expected "a"/);
      throwsAt(
        () => unmarshalValue({ L: [{ SS: ["a"] }, { NS: ["1"] }] }, s.list(s.stringSet()), o),
        "[1]",
        /expected SS/,
      );
      throwsAt(
        () => unmarshalValue({ M: { k: { S: "1" } } }, s.map(s.number()), o),
        "k",
        /expected N/,
      );
    });
  });
}

describe("schema definition errors", () => {
  it("two fields on one attribute name (rename or flattened embed)", () => {
    assert.throws(
      () => s.object({ a: s.string(), b: s.string().rename("a") }),
      (e: unknown) =>
        e instanceof DynoEncodingError && e.path === "b" && /already used by a/.test(e.message),
    );
    const Inner = s.object({ city: s.string() });
    assert.throws(
      () => s.object({ addr_city: s.string(), addr: s.embed(Inner, { prefix: "addr_" }) }),
      (e: unknown) =>
        e instanceof DynoEncodingError && e.path === "addr.city" && /addr_city/.test(e.message),
    );
    const Deep = s.object({ inner: s.embed(Inner, { prefix: "x_" }) });
    assert.throws(
      () =>
        s.object({
          one: s.embed(Deep, { prefix: "p_" }),
          two: s.embed(s.object({ x_city: s.string() }), { prefix: "p_" }),
        }),
      (e: unknown) =>
        e instanceof DynoEncodingError &&
        e.path === "two.x_city" &&
        /one\.inner\.city/.test(e.message),
    );
    assert.throws(
      () =>
        s.object({
          a: s.embed(s.record(s.string())),
          b: s.embed(s.record(s.string()), { prefix: "b_" }),
        }),
      (e: unknown) => e instanceof DynoEncodingError && e.path === "b" && /overlap/.test(e.message),
    );
    assert.throws(() => s.embed(s.string() as never), DynoEncodingError);
  });
});

describe("projectionOf", () => {
  it("lists the attribute names, flattened and renamed ones included", () => {
    const P = s.object({
      id: s.string(),
      name: s.string().rename("Name"),
      secret: s.string().skip(),
      odd: s.string().rename("a.b"),
      address: s.embed(Address, { prefix: "addr_" }),
      nested: s.object({ x: s.string() }),
    });
    assert.deepEqual(projectionOf(P), [
      "id",
      "Name",
      ["a.b"],
      "addr_street",
      "addr_city",
      "nested",
    ]);
    assert.throws(() => projectionOf(User), /flattens a record/);
    assert.ok(projectionOf(User, { openRecords: "omit" }).includes("addr_street"));
    assert.throws(() => projectionOf(s.string() as never), DynoEncodingError);
  });
});
