/**
 * Regression tests for inputs that once broke the encoding layer (issue 7): names of
 * `Object.prototype` members, deep and shared values, colliding set members, invalid options
 * and invalid numbers. Each runs in both compilations where a schema is involved.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import {
  marshalItem,
  marshalValue,
  s,
  unmarshalItem,
  unmarshalValue,
  type AnySchema,
} from "../../src/index.js";
import { throwsAt } from "./support.js";

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
      assert.deepStrictEqual(unmarshalItem(item, Doc, o), doc);
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

    it("optional fields of such names stay absent, and inherited values are not read", () => {
      const Opt = s.object({ constructor: s.string().optional(), valueOf: s.any().optional() });
      assert.deepStrictEqual(marshalItem({} as never, Opt, o), {});
      const back = unmarshalItem({}, Opt, o);
      assert.deepStrictEqual(back, {});
      assert.equal(Object.hasOwn(back, "constructor"), false);
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
