/**
 * Property-based round trips (fast-check): schema-less values, and generated schemas with
 * values that fit them. `unmarshal(marshal(x))` deep-equals `x`, and the generated-code and
 * interpreted compilations agree on every output and every error.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { marshalItem, marshalValue, s, unmarshalItem, unmarshalValue } from "../../src/index.js";
import { itemGen, key, objectGen, plainValue, schemaGen, shown } from "./arbitraries.js";
import { withoutShadows, outcome } from "./support.js";

describe("property: schema-less round trip", () => {
  it("unmarshalItem(marshalItem(x)) deep-equals x", () => {
    fc.assert(
      fc.property(fc.dictionary(key, plainValue, { maxKeys: 6, noNullPrototype: true }), (x) => {
        assert.deepStrictEqual(unmarshalItem(marshalItem(x)), x);
      }),
      { numRuns: 300 },
    );
  });
  it("unmarshalValue(marshalValue(x)) deep-equals x", () => {
    fc.assert(
      fc.property(plainValue, (x) => {
        assert.deepStrictEqual(unmarshalValue(marshalValue(x)), x);
      }),
      { numRuns: 300 },
    );
  });
  it("numbers: exact when they fit a double, else an error or a NumberValue", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 38n) + 1n, max: 10n ** 38n - 1n }), (b) => {
        const av = marshalValue(b);
        const safe = b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER);
        if (safe) assert.equal(unmarshalValue(av), Number(b));
        const wrapped = unmarshalValue(av, undefined, { wrapNumbers: true });
        if (typeof wrapped === "number") assert.equal(BigInt(wrapped), b);
        else assert.equal(String(wrapped), b.toString());
        assert.equal(unmarshalValue(av, s.bigint()), b);
      }),
      { numRuns: 300 },
    );
  });
});

const gen = { codegen: true };
const int = { codegen: false };

describe("property: generated schemas", () => {
  it("unmarshalItem(marshalItem(x, S), S) deep-equals x, in both compilations, with identical items", () => {
    fc.assert(
      fc.property(itemGen, ({ schema: g, value }) => {
        const schema = g.schema;
        const a = marshalItem(value, schema, gen);
        const b = marshalItem(value, schema, int);
        assert.deepStrictEqual(a, b);
        assert.deepStrictEqual(withoutShadows(unmarshalItem(a, schema, gen)), value);
        assert.deepStrictEqual(withoutShadows(unmarshalItem(a, schema, int)), value);
      }),
      { numRuns: 400 },
    );
  });

  it("both compilations agree on values that do not fit the schema (same output or same error)", () => {
    let deep: unknown = 1;
    // a chain, not a shared tree: s.json() stringifies whatever it is given, shared or not
    for (let i = 0; i < 40; i++) deep = { k: deep, f0: [i] };
    const odd = fc.constantFrom(
      new Set([1, 1n]),
      new Set([new Uint8Array([1]), new Uint8Array([1])]),
      deep,
      { k: deep },
      { k: "x", f0: deep, f1: new Set([2, 2n]) },
    );
    const wrong = fc.oneof(
      plainValue,
      odd,
      fc.dictionary(
        fc.constantFrom(
          "k",
          "f0",
          "f1",
          "f2",
          "e0_k",
          "R1.x",
          "constructor",
          "__proto__",
          "valueOf",
        ),
        plainValue,
        {
          noNullPrototype: true,
        },
      ),
    );
    fc.assert(
      fc.property(objectGen(schemaGen).map(shown), wrong, (g, value) => {
        assert.deepStrictEqual(
          outcome(() => marshalItem(value as object, g.schema, gen)),
          outcome(() => marshalItem(value as object, g.schema, int)),
        );
      }),
      { numRuns: 400 },
    );
  });

  it("both compilations agree on items that do not fit the schema, for every unknown-attribute policy", () => {
    const item = fc
      .dictionary(
        fc.constantFrom(
          "k",
          "f0",
          "f1",
          "f2",
          "e0_k",
          "R1.x",
          "~2:a",
          "zz",
          "constructor",
          "__proto__",
          "toString",
        ),
        plainValue,
        { noNullPrototype: true },
      )
      .map((v) => marshalItem(v));
    const policy = fc.constantFrom("drop", "keep", "error") as fc.Arbitrary<
      "drop" | "keep" | "error"
    >;
    fc.assert(
      fc.property(
        objectGen(schemaGen).map(shown),
        item,
        policy,
        fc.boolean(),
        (g, m, unknown, wrapNumbers) => {
          assert.deepStrictEqual(
            outcome(() => unmarshalItem(m, g.schema, { ...gen, unknown, wrapNumbers })),
            outcome(() => unmarshalItem(m, g.schema, { ...int, unknown, wrapNumbers })),
          );
        },
      ),
      { numRuns: 400 },
    );
  });

  it("both compilations agree on marshalling mutated valid values", () => {
    fc.assert(
      fc.property(itemGen, fc.nat(), plainValue, ({ schema: g, value }, pick, replacement) => {
        const schema = g.schema;
        const keys = Object.keys(value as object);
        if (keys.length === 0) return;
        const mutated = { ...(value as object), [keys[pick % keys.length]]: replacement };
        const a = outcome(() => marshalItem(mutated, schema, gen));
        assert.deepStrictEqual(
          a,
          outcome(() => marshalItem(mutated, schema, int)),
        );
        if ("ok" in (a as object)) {
          const item = (a as { ok: Record<string, AttributeValue> }).ok;
          assert.deepStrictEqual(
            outcome(() => unmarshalItem(item, schema, gen)),
            outcome(() => unmarshalItem(item, schema, int)),
          );
        }
      }),
      { numRuns: 400 },
    );
  });
});
