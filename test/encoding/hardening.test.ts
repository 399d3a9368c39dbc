/**
 * Regression tests for inputs that once broke the encoding layer (issue 7): names of
 * `Object.prototype` members, deep and shared values, colliding set members, invalid options
 * and invalid numbers. Each runs in both compilations where a schema is involved.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import fc from "fast-check";
import {
  DynoEncodingError,
  DynoValidationError,
  NumberValue,
  marshalItem,
  marshalItems,
  marshalValue,
  projectionOf,
  s,
  unmarshalItem,
  unmarshalItems,
  unmarshalValue,
  type AnySchema,
} from "../../src/index.js";
import { plain, shortDecimal } from "../../src/encoding/numbers.js";
import { isoMs } from "../../src/encoding/kinds.js";
import { throwsAt, withoutShadows } from "./support.js";

/** Every name `Object.prototype` has (`constructor`, `toString`, `__proto__`, `__defineGetter__`, ...). */
export const protoNames = Object.getOwnPropertyNames(Object.prototype);

/** An object with these own data properties, `__proto__` included, without touching its prototype. */
export function withOwn(entries: [string, unknown][]): Record<string, unknown> {
  return Object.fromEntries(entries);
}

const modes = [
  { codegen: true, name: "generated code" },
  { codegen: false, name: "interpreted" },
];

for (const { codegen, name } of modes) {
  const o = { codegen };
  describe(`fields named after Object.prototype members (${name})`, () => {
    const shape = withOwn(protoNames.map((n) => [n, s.string()])) as Record<string, AnySchema>;
    const All = s.object(shape);
    const value = withOwn(protoNames.map((n, i) => [n, `v${i}`]));

    it("encode and decode as own properties, __proto__ included", () => {
      assert.ok(protoNames.includes("__proto__") && protoNames.includes("__defineGetter__"));
      const item = marshalItem(value as never, All, o);
      assert.deepEqual(Object.keys(item).sort(), [...protoNames].sort());
      assert.deepEqual(item.constructor, { S: `v${protoNames.indexOf("constructor")}` });
      assert.equal(Object.getPrototypeOf(item), Object.prototype);
      const back = unmarshalItem(item, All, o) as Record<string, unknown>;
      assert.equal(Object.getPrototypeOf(back), Object.prototype);
      assert.deepStrictEqual(back, value);
      for (const n of protoNames) assert.ok(Object.hasOwn(back, n), n);
    });

    it("nested objects, lists of objects, renames and embeds with such names", () => {
      const Line = s.object({
        constructor: s.string(),
        valueOf: s.number(),
        toString: s.string().optional(),
      });
      const Doc = s.object({
        hasOwnProperty: s.list(Line),
        isPrototypeOf: s.object({ __proto__x: s.string(), toLocaleString: s.boolean() }),
        plain: s.string().rename("__proto__"),
        flat: s.embed(s.object({ propertyIsEnumerable: s.number() }), { prefix: "" }),
        maybe: s.string().rename("__lookupGetter__").optional(),
      });
      const doc = {
        hasOwnProperty: [
          { constructor: "a", valueOf: 1 },
          withOwn([
            ["constructor", "b"],
            ["valueOf", 2],
            ["toString", "t"],
          ]),
        ],
        isPrototypeOf: { __proto__x: "p", toLocaleString: true },
        plain: "proto attribute",
        flat: { propertyIsEnumerable: 3 },
      };
      const item = marshalItem(doc as never, Doc, o);
      assert.ok(Object.hasOwn(item, "__proto__"));
      assert.deepEqual(item.__proto__, { S: "proto attribute" });
      assert.deepEqual(item.propertyIsEnumerable, { N: "3" });
      assert.equal(Object.hasOwn(item, "__lookupGetter__"), false);
      assert.deepStrictEqual(withoutShadows(unmarshalItem(item, Doc, o)), doc);
    });

    it("a missing required field of such a name is reported as missing", () => {
      const Need = s.object({ constructor: s.string(), toString: s.number(), ok: s.string() });
      throwsAt(() => marshalItem({ ok: "x" } as never, Need, o), "constructor", /is required/);
      throwsAt(
        () => marshalItem({ constructor: "c", ok: "x" } as never, Need, o),
        "toString",
        /is required/,
      );
      throwsAt(
        () => unmarshalItem({ ok: { S: "x" } }, Need, o),
        "constructor",
        /attribute is missing/,
      );
      const Nested = s.object({ inner: s.list(Need) });
      throwsAt(
        () =>
          unmarshalItem(
            { inner: { L: [{ M: { constructor: { S: "c" }, ok: { S: "x" } } }] } },
            Nested,
            o,
          ),
        "inner[0].toString",
        /attribute is missing/,
      );
      throwsAt(
        () => marshalItem({ inner: [{ constructor: "c", ok: "x" }] } as never, Nested, o),
        "inner[0].toString",
        /is required/,
      );
    });

    it("missing optional fields of such names read undefined (own), and inherited values are not read", () => {
      const Opt = s.object({ constructor: s.string().optional(), valueOf: s.any().optional() });
      assert.deepStrictEqual(marshalItem({} as never, Opt, o), {});
      const back = unmarshalItem({}, Opt, o);
      // Not Object.prototype's members: a missing optional field reads undefined (issue 16 item 12).
      assert.equal(back.constructor, undefined);
      assert.equal(back.valueOf, undefined);
      assert.deepStrictEqual(withoutShadows(back), {});
      // an optional embed whose only attribute is `constructor` is absent when that is
      const E = s.object({ e: s.embed(s.object({ constructor: s.string() })).optional() });
      assert.deepStrictEqual(unmarshalItem({}, E, o), {});
      class Proto {
        get valueOf(): () => number {
          return () => 1;
        }
      }
      assert.deepStrictEqual(marshalItem(new Proto() as never, Opt, o), {});
    });
  });
}

describe("schema-less values with names of Object.prototype members", () => {
  it("plain objects (own keys from JSON), null-prototype objects and Map keys round-trip", () => {
    const json = JSON.parse(
      `{${protoNames.map((n, i) => `${JSON.stringify(n)}: ${i}`).join(", ")}}`,
    ) as Record<string, unknown>;
    const item = marshalItem(json);
    assert.deepEqual(Object.keys(item), protoNames);
    const back = unmarshalItem(item);
    assert.equal(Object.getPrototypeOf(back), Object.prototype);
    assert.deepStrictEqual(back, json);

    const bare = Object.create(null) as Record<string, unknown>;
    for (const n of protoNames) bare[n] = n;
    const bareItem = marshalItem(bare);
    assert.deepEqual(Object.keys(bareItem), protoNames);
    assert.deepEqual(bareItem.__proto__, { S: "__proto__" });

    const map = new Map(protoNames.map((n) => [n, n]));
    const av = marshalValue({ m: map });
    const m = (av.M as Record<string, AttributeValue>).m.M!;
    assert.deepEqual(Object.keys(m), protoNames);
    assert.equal(Object.getPrototypeOf(m), Object.prototype);
    const decoded = unmarshalValue(av) as { m: Record<string, string> };
    assert.deepEqual(Object.keys(decoded.m), protoNames);
    assert.equal(decoded.m.__proto__, "__proto__");
    assert.equal(Object.getPrototypeOf(decoded.m), Object.prototype);
  });
});

describe("options are checked", () => {
  const S = s.object({ a: s.string() });
  const item = { a: { S: "x" } };
  const bad: [string, unknown, RegExp][] = [
    ["options.unknown", { unknown: "bogus" }, /"drop", "keep" or "error"/],
    ["options.unknown", { unknown: null }, /"drop", "keep" or "error"/],
    ["options.wrapNumbers", { wrapNumbers: "yes" }, /true or false/],
    ["options.codegen", { codegen: 1 }, /true or false/],
    ["options.wrapnumbers", { wrapnumbers: true }, /no such option/],
    ["options", "fast", /options object/],
    ["options", null, /options object/],
  ];
  const calls: [string, (opts: never) => unknown][] = [
    ["marshalItem", (opts) => marshalItem({ a: "x" }, S, opts)],
    ["marshalItem", (opts) => marshalItem({ a: "x" }, undefined, opts)],
    ["marshalItems", (opts) => marshalItems([{ a: "x" }], S, opts)],
    ["marshalValue", (opts) => marshalValue("x", undefined, opts)],
    ["unmarshalItem", (opts) => unmarshalItem(item, S, opts)],
    ["unmarshalItem", (opts) => unmarshalItem(item, undefined, opts)],
    ["unmarshalItems", (opts) => unmarshalItems([item], S, opts)],
    ["unmarshalValue", (opts) => unmarshalValue({ S: "x" }, s.string(), opts)],
  ];
  it("an unknown option or a value outside its domain is a DynoValidationError naming it", () => {
    for (const [fn, call] of calls) {
      for (const [field, opts, message] of bad) {
        assert.throws(
          () => call(opts as never),
          (e: unknown) => {
            assert.ok(e instanceof DynoValidationError, `${fn} ${String(e)}`);
            assert.equal(e.field, field);
            assert.match(e.message, message);
            return true;
          },
          `${fn}(${JSON.stringify(opts)})`,
        );
      }
    }
  });
  it("valid options still work; undefined values mean the default; one object may serve both directions", () => {
    const shared = { codegen: false, unknown: "error", wrapNumbers: true } as const;
    assert.deepEqual(unmarshalItem(marshalItem({ a: "x" }, S, shared), S, shared), { a: "x" });
    assert.deepEqual(unmarshalItem(item, S, { unknown: undefined, wrapNumbers: undefined }), {
      a: "x",
    });
  });
  it("the builders' options too: s.embed prefixes, s.literal values, projectionOf", () => {
    assert.throws(
      () => s.embed(S, { prefix: 5 as never }),
      (e: unknown) => e instanceof DynoValidationError && /prefix/.test(e.field),
    );
    assert.throws(
      () => s.literal({} as never),
      (e: unknown) => e instanceof DynoValidationError && e.field === "s.literal()",
    );
    assert.throws(
      () => projectionOf(S, { openRecords: "bogus" as never }),
      (e: unknown) => e instanceof DynoValidationError && e.field === "options.openRecords",
    );
  });
});

describe("N must be in DynamoDB's number syntax", () => {
  const invalid = [
    "0x1F",
    " 12",
    "12 ",
    "\n1",
    "0b11",
    "0o17",
    "0X1f",
    "Infinity",
    "-Infinity",
    "1_000",
    "",
    "1e",
    "--1",
    "12\u00a0",
    // near misses of the short-decimal fast path (sign, digits, one dot)
    "-",
    "+",
    ".",
    "-.",
    "+.",
    "1..2",
    "1.2.3",
    "1-2",
    "+-1",
    "1+",
    "1/2",
    "1:2",
    "\u0663",
  ];
  for (const { codegen, name } of modes) {
    it(`an invalid N is a DynoEncodingError with its path (${name})`, () => {
      const o = { codegen };
      const Nums = s.object({
        n: s.number(),
        big: s.bigint().optional(),
        set: s.numberSet().optional(),
        at: s.date({ as: "epochMs" }).optional(),
        one: s.literal(1).optional(),
        any: s.any().optional(),
        list: s.list(s.object({ q: s.number() })).optional(),
      });
      for (const bad of invalid) {
        const msg = /is not a number/;
        throwsAt(() => unmarshalItem({ n: { N: bad } }, Nums, o), "n", msg);
        const base = { n: { N: "1" } };
        throwsAt(() => unmarshalItem({ ...base, big: { N: bad } }, Nums, o), "big", msg);
        throwsAt(() => unmarshalItem({ ...base, set: { NS: ["1", bad] } }, Nums, o), "set", msg);
        throwsAt(() => unmarshalItem({ ...base, at: { N: bad } }, Nums, o), "at", msg);
        throwsAt(() => unmarshalItem({ ...base, one: { N: bad } }, Nums, o), "one", msg);
        throwsAt(
          () => unmarshalItem({ ...base, any: { L: [{ N: bad }] } }, Nums, o),
          "any[0]",
          msg,
        );
        throwsAt(
          () => unmarshalItem({ ...base, list: { L: [{ M: { q: { N: bad } } }] } }, Nums, o),
          "list[0].q",
          msg,
        );
        for (const wrapNumbers of [false, true]) {
          throwsAt(
            () => unmarshalItem({ ...base, any: { N: bad } }, Nums, { ...o, wrapNumbers }),
            "any",
            msg,
          );
        }
      }
      // valid forms still read
      const ok = ["0", "-0", "12", "-1.5", "1e3", "1E-3", "1.5e+2", ".5", "5.", "+7", "0.000001"];
      for (const n of ok) assert.equal(unmarshalItem({ n: { N: n } }, Nums, o).n, Number(n), n);
    });
  }
  it("schema-less: an invalid N is an error, also with wrapNumbers and in sets", () => {
    for (const bad of invalid) {
      throwsAt(() => unmarshalItem({ a: { N: bad } }), "a", /is not a number/);
      throwsAt(
        () => unmarshalItem({ a: { M: { b: { N: bad } } } }, undefined, { wrapNumbers: true }),
        "a.b",
        /is not a number/,
      );
      throwsAt(() => unmarshalValue({ NS: ["1", bad] }), "", /is not a number/);
    }
  });
  it("the fast syntax check agrees with the full decimal syntax on any string", () => {
    const decimal = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
    const chars = fc.constantFrom(..."0123456789+-.eExXoObB _\t\n\u00a0aF".split(""));
    fc.assert(
      fc.property(fc.string({ unit: chars, maxLength: 15 }), (str) => {
        const n = +str;
        if (str.length === 0 || n - n !== 0) return;
        assert.equal(plain(str), decimal.test(str), JSON.stringify(str));
      }),
      { numRuns: 20000 },
    );
  });
});

describe("the short-decimal fast path of N (shortDecimal)", () => {
  const short = /^[+-]?(\d+\.?\d*|\.\d+)$/;
  it("reads exactly what +str reads, and only sign-digits-dot strings of up to 15 characters", () => {
    const chars = fc.constantFrom(..."0123456789+-.eE x_".split(""));
    fc.assert(
      fc.property(fc.string({ unit: chars, maxLength: 17 }), (str) => {
        const n = shortDecimal(str);
        if (str.length <= 15 && short.test(str)) assert.ok(Object.is(n, +str), JSON.stringify(str));
        else assert.ok(Number.isNaN(n), JSON.stringify(str));
      }),
      { numRuns: 50000 },
    );
  });
  it("agrees with +str on printed doubles (rounding of the division)", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.nat(14), (d, digits) => {
        for (const str of [
          String(d),
          d.toFixed(Math.min(digits, 100)),
          d.toPrecision(digits + 1),
        ]) {
          const n = shortDecimal(str);
          if (n === n) assert.ok(Object.is(n, +str), str);
        }
      }),
      { numRuns: 50000 },
    );
    for (const str of [
      "0.1",
      "0.3",
      "-0",
      "-0.0",
      "123456789012345",
      "0.0000000000001",
      "9007199254740.9",
    ])
      assert.ok(Object.is(shortDecimal(str), +str), str);
  });
  it("is NaN for what is not a string (the full path then names the error)", () => {
    for (const v of [12, undefined, null, {}, ["1"]])
      assert.ok(Number.isNaN(shortDecimal(v as never)));
    for (const { codegen } of modes) {
      const S = s.object({ lines: s.list(s.object({ q: s.number() })) });
      for (const bad of [12, null, true, ["1"]]) {
        throwsAt(
          () =>
            unmarshalItem({ lines: { L: [{ M: { q: { N: bad as never } } }] } }, S, { codegen }),
          "lines[0].q",
          /N/,
        );
      }
    }
  });
});

describe("the toISOString fast path of s.date() (isoMs)", () => {
  const time = fc.integer({ min: -62198755200000, max: 253402300799999 }); // years 0000..9999
  it("reads exactly what Date.parse reads, also for strings one character off", () => {
    const chars = fc.constantFrom(..."0123456789-:TZ.x +".split(""));
    fc.assert(
      fc.property(time, fc.nat(23), chars, fc.boolean(), (t, i, c, edit) => {
        let str = new Date(t).toISOString();
        if (edit) str = str.slice(0, i) + c + str.slice(i + 1);
        const ms = isoMs(str);
        if (ms === ms) assert.equal(ms, Date.parse(str), str);
        else if (!edit && t >= -59011459200000) assert.fail(`missed ${str}`); // from year 0100
      }),
      { numRuns: 50000 },
    );
  });
  it("leaves the forms V8 is lenient about to new Date (same values as before)", () => {
    const lenient = [
      "2021-02-29T00:00:00.000Z", // read as March 1
      "2021-04-31T00:00:00.000Z",
      "2021-01-01T24:00:00.000Z",
      "0050-03-01T00:00:00.000Z",
      "2021-01-01T00:00:00Z",
      "2021-01-01",
      "2021-01-01T00:00:00.000+02:00",
    ];
    for (const str of lenient) assert.ok(Number.isNaN(isoMs(str)), str);
    for (const { codegen } of modes) {
      const S = s.object({ at: s.date(), lines: s.list(s.object({ at: s.date() })) });
      for (const str of lenient) {
        const got = unmarshalItem(
          { at: { S: str }, lines: { L: [{ M: { at: { S: str } } }] } },
          S,
          {
            codegen,
          },
        );
        assert.equal(got.at.getTime(), new Date(str).getTime(), str);
        assert.equal(got.lines[0].at.getTime(), new Date(str).getTime(), str);
      }
    }
  });
  it("invalid dates are still refused with the path", () => {
    const invalid = [
      "2021-13-01T00:00:00.000Z",
      "2021-00-01T00:00:00.000Z",
      "2021-01-00T00:00:00.000Z",
      "2021-01-01T23:60:00.000Z",
      "2021-01-01T23:59:60.000Z",
      "2021-1-01T00:00:00.000Z",
      "2021-01-01T00:00:00.00xZ",
      "yesterday",
      "",
    ];
    for (const { codegen } of modes) {
      const S = s.object({ at: s.date(), lines: s.list(s.object({ at: s.date() })) });
      const ok = { S: "2021-01-01T00:00:00.000Z" };
      for (const bad of invalid) {
        throwsAt(
          () => unmarshalItem({ at: { S: bad }, lines: { L: [] } }, S, { codegen }),
          "at",
          /is not a date/,
        );
        throwsAt(
          () =>
            unmarshalItem(
              { at: ok, lines: { L: [{ M: { at: ok } }, { M: { at: { S: bad } } }] } },
              S,
              {
                codegen,
              },
            ),
          "lines[1].at",
          /is not a date/,
        );
      }
      throwsAt(
        () => unmarshalItem({ at: { N: "1" }, lines: { L: [] } }, S, { codegen }),
        "at",
        /S/,
      );
    }
  });
});

describe("sets whose members collide once stored are refused with the path", () => {
  const collide: [string, Set<unknown>, RegExp][] = [
    ["1 and 1n", new Set([1, 1n]), /number 1 and bigint 1/],
    ['1 and NumberValue("1.0")', new Set([1, new NumberValue("1.0")]), /NumberValue "1.0"/],
    ['NumberValue("1e2") and 100', new Set([new NumberValue("1e2"), 100]), /number 100/],
    ["-0.50 and -0.5", new Set([new NumberValue("-0.50"), -0.5]), /same number/],
    ["0 and -0n", new Set([new NumberValue("0.000"), 0n]), /same number/],
    [
      "2^60 as a bigint and as a decimal",
      new Set([2n ** 60n, new NumberValue("1152921504606846976.0")]),
      /same number/,
    ],
    [
      "two equal Uint8Arrays",
      new Set([new Uint8Array([1, 2]), new Uint8Array([1, 2])]),
      /same bytes/,
    ],
    [
      "a Buffer and a Uint8Array",
      new Set([Buffer.from("ab"), new Uint8Array([97, 98])]),
      /same bytes/,
    ],
    ["two empty binaries", new Set([new Uint8Array(0), new Uint8Array(0)]), /same bytes/],
  ];
  it("schema-less, at any depth", () => {
    for (const [what, set, message] of collide) {
      throwsAt(() => marshalValue(set), "", message);
      throwsAt(() => marshalItem({ a: [{ s: set }] }), "a[0].s", message);
      assert.ok(what);
    }
  });
  for (const { codegen, name } of modes) {
    it(`with a schema (${name})`, () => {
      const S = s.object({
        bins: s.binarySet(),
        any: s.any().optional(),
        list: s.list(s.object({ b: s.binarySet() })).optional(),
      });
      const o = { codegen };
      const twice = new Set<Uint8Array>([new Uint8Array([7]), new Uint8Array([7])]);
      throwsAt(() => marshalItem({ bins: twice }, S, o), "bins", /same bytes/);
      throwsAt(
        () => marshalItem({ bins: new Set<Uint8Array>(), list: [{ b: twice }] }, S, o),
        "list[0].b",
        /same bytes/,
      );
      throwsAt(
        () => marshalItem({ bins: new Set<Uint8Array>(), any: { n: new Set([1, 1n]) } }, S, o),
        "any.n",
        /same number/,
      );
    });
  }
  it("members that only look alike are kept", () => {
    assert.deepEqual(marshalValue(new Set([1, 2n, new NumberValue("1.5"), 10])), {
      NS: ["1", "2", "1.5", "10"],
    });
    assert.deepEqual(marshalValue(new Set(["1", "1.0"])), { SS: ["1", "1.0"] });
    // 2 ** 60 is stored as its shortest decimal, 1152921504606847000: another number
    assert.equal(marshalValue(new Set([2n ** 60n, 2 ** 60])).NS!.length, 2);
    const bs = marshalValue(
      new Set([new Uint8Array([1]), new Uint8Array([1, 0]), new Uint8Array([0, 1])]),
    );
    assert.equal(bs.BS!.length, 3);
  });
});

/** `levels` nested maps `{ a: { a: ... leaf } }` (the item counts as the first level). */
function nested(levels: number, leaf: unknown = "leaf", key = "a"): Record<string, unknown> {
  let v: unknown = leaf;
  for (let i = 0; i < levels; i++) v = { [key]: v };
  return v as Record<string, unknown>;
}

/** The same, as attribute values. */
function nestedAV(levels: number): Record<string, AttributeValue> {
  let v: AttributeValue = { S: "leaf" };
  for (let i = 0; i < levels - 1; i++) v = { M: { a: v } };
  return { a: v };
}

describe("depth and cycles", () => {
  it("a deep tree of shared (acyclic) objects is refused at once: reads grow with depth, not with paths", () => {
    let reads = 0;
    // 34 objects, each referenced twice by its parent: 2^33 paths, 34 distinct objects.
    let v: object = { leaf: 1 };
    for (let i = 0; i < 33; i++) {
      const child = v;
      v = Object.defineProperties(
        {},
        {
          l: { get: () => (reads++, child), enumerable: true },
          r: { get: () => (reads++, child), enumerable: true },
        },
      );
    }
    throwsAt(
      () => marshalItem(v),
      "l".concat(".l".repeat(31)),
      /deeper than DynamoDB's limit of 32/,
    );
    assert.ok(reads <= 40, `${reads} property reads`);
    const S = s.object({ x: s.any() });
    for (const codegen of [true, false]) {
      reads = 0;
      throwsAt(() => marshalItem({ x: v }, S, { codegen }), "x" + ".l".repeat(31), /32 levels/);
      assert.ok(reads <= 40, `${reads} property reads`);
    }
  });

  it("thousands of levels give a DynoEncodingError with a short message, never a RangeError", () => {
    const deep = nested(20000);
    throwsAt(() => marshalItem(deep), "a".concat(".a".repeat(31)), /32 levels/);
    let list: unknown = 1;
    for (let i = 0; i < 20000; i++) list = [list];
    throwsAt(() => marshalValue(list), "[0]".repeat(31), /32 levels/);
    const S = s.object({
      x: s.any(),
      l: s.list(s.any()).optional(),
      r: s.record(s.any()).optional(),
    });
    for (const codegen of [true, false]) {
      const o = { codegen };
      throwsAt(() => marshalItem({ x: deep }, S, o), "x" + ".a".repeat(31), /32 levels/);
      throwsAt(() => marshalItem({ x: 1, l: [list] }, S, o), "l" + "[0]".repeat(31), /32 levels/);
      throwsAt(() => marshalItem({ x: 1, r: deep }, S, o), "r" + ".a".repeat(31), /32 levels/);
    }
    try {
      marshalItem(deep);
    } catch (e) {
      assert.ok((e as Error).message.length < 200, (e as Error).message);
    }
  });

  it("32 levels are fine, 33 are refused, with and without a schema", () => {
    marshalItem(nested(32));
    throwsAt(() => marshalItem(nested(33)), "a".concat(".a".repeat(31)), /32 levels/);
    let S: AnySchema = s.string();
    for (let i = 0; i < 32; i++) S = s.object({ a: S }) as AnySchema;
    for (const codegen of [true, false]) {
      marshalItem(nested(32) as never, S, { codegen });
      const T = s.object({ a: S });
      throwsAt(
        () => marshalItem(nested(33) as never, T, { codegen }),
        "a".concat(".a".repeat(31)),
        /32 levels/,
      );
    }
  });

  it("circular references are found on the failing path, with and without a schema", () => {
    const a: Record<string, unknown> = { n: 1 };
    a.self = a;
    throwsAt(() => marshalItem(a), "self", /circular reference/);
    const m = new Map<string, unknown>();
    m.set("back", { m });
    throwsAt(() => marshalItem({ m }), "m.back.m", /circular reference/);
    const r: Record<string, unknown> = {};
    r.x = [r];
    const S = s.object({ r: s.record(s.any()), l: s.list(s.object({ r: s.any() })).optional() });
    const el = {} as { r: unknown };
    el.r = { again: [el] };
    for (const codegen of [true, false]) {
      const o = { codegen };
      throwsAt(() => marshalItem({ r }, S, o), "r.x[0]", /circular reference/);
      throwsAt(
        () => marshalItem({ r: {}, l: [el] }, S, o),
        "l[0].r.again[0]",
        /circular reference/,
      );
    }
  });

  it("a path with long names is exact in .path and shortened in the message", () => {
    const key = "k".repeat(300);
    const deep = nested(40, 1, key);
    assert.throws(
      () => marshalItem(deep),
      (e: unknown) => {
        assert.ok(e instanceof DynoEncodingError);
        assert.equal(e.path, [key, ...Array.from({ length: 31 }, () => "." + key)].join(""));
        assert.ok(e.message.length < 400, `${e.message.length} characters`);
        assert.match(e.message, /^k+…\(\d+ characters\)…k+: nested deeper/);
        return true;
      },
    );
  });

  it("unmarshal refuses attribute values nested deeper than DynamoDB allows (a hostile source)", () => {
    unmarshalItem(nestedAV(32));
    throwsAt(() => unmarshalItem(nestedAV(33)), "a".concat(".a".repeat(31)), /32 levels/);
    throwsAt(() => unmarshalItem(nestedAV(50000)), "a".concat(".a".repeat(31)), /32 levels/);
    let l: AttributeValue = { S: "x" };
    for (let i = 0; i < 50000; i++) l = { L: [l] };
    throwsAt(() => unmarshalValue(l), "[0]".repeat(31), /32 levels/);
    const cyclic = { M: {} as Record<string, AttributeValue> };
    cyclic.M.a = cyclic;
    throwsAt(() => unmarshalValue(cyclic), "a".concat(".a".repeat(30)), /32 levels/);
    const S = s.object({ x: s.any(), l: s.list(s.any()).optional() });
    for (const codegen of [true, false]) {
      const o = { codegen };
      throwsAt(
        () => unmarshalItem({ x: nestedAV(50000).a }, S, o),
        "x" + ".a".repeat(31),
        /32 levels/,
      );
      throwsAt(
        () => unmarshalItem({ x: { N: "1" }, l: { L: [l] } }, S, o),
        "l" + "[0]".repeat(32),
        /32 levels/,
      );
      throwsAt(
        () =>
          unmarshalItem({ x: { N: "1" }, deep: nestedAV(50000).a }, S, { ...o, unknown: "keep" }),
        "deep" + ".a".repeat(31),
        /32 levels/,
      );
    }
  });
});
