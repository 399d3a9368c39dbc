/**
 * The one-pass path of small flat items (compile.ts `flatFields`: every field a required,
 * non-nullable string, number, boolean or binary): generated code and the interpreter agree on
 * every output and every error, for items and values that fit and for ones that do not (wrong
 * types, missing attributes, NULs in strings, `NULL`, numbers the short path does not take,
 * attribute values that are not objects, unknown attributes), under names such as
 * `__proto__` and `constructor` (which keep a schema off the one-pass path) too.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import {
  DynoEncodingError,
  marshalItem,
  s,
  unmarshalItem,
  type AnySchema,
} from "../../src/index.js";
import { outcome } from "./support.js";

type Kind = "string" | "number" | "boolean" | "binary";
interface FieldDesc {
  name: string;
  kind: Kind;
  /** A modifier that keeps the schema off the one-pass path (sometimes). */
  mod: "none" | "optional" | "nullable";
}

const name = fc.oneof(
  { weight: 6, arbitrary: fc.string({ minLength: 1, maxLength: 6 }) },
  { weight: 1, arbitrary: fc.constantFrom("__proto__", "constructor", "toString", "a\u0000b") },
);
const kind = fc.constantFrom<Kind>("string", "number", "boolean", "binary");
const fields = fc.uniqueArray(
  fc.record({
    name,
    kind,
    mod: fc.oneof(
      { weight: 8, arbitrary: fc.constant("none" as const) },
      { weight: 1, arbitrary: fc.constantFrom("optional" as const, "nullable" as const) },
    ),
  }),
  { minLength: 1, maxLength: 6, selector: (f) => f.name },
);

function schemaOf(fs: FieldDesc[]): AnySchema {
  const shape: Record<string, AnySchema> = {};
  for (const f of fs) {
    let sc: AnySchema =
      f.kind === "string"
        ? s.string()
        : f.kind === "number"
          ? s.number()
          : f.kind === "boolean"
            ? s.boolean()
            : s.binary();
    if (f.mod === "optional") sc = sc.optional() as AnySchema;
    if (f.mod === "nullable") sc = sc.nullable() as AnySchema;
    Object.defineProperty(shape, f.name, { value: sc, enumerable: true });
  }
  return s.object(shape) as AnySchema;
}

/** An attribute value of the field's kind, or (sometimes) something else. */
function attrOf(k: Kind): fc.Arbitrary<unknown> {
  const good: fc.Arbitrary<unknown> =
    k === "string"
      ? fc.oneof(fc.string(), fc.constant("nul\u0000in\u0000it")).map((S) => ({ S }))
      : k === "number"
        ? fc
            .oneof(
              fc.integer().map(String),
              fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
              fc.constantFrom("1.5", "-0", "1e5", "12345678901234567890", "+7", ".5", "", "x"),
            )
            .map((N) => ({ N }))
        : k === "boolean"
          ? fc.boolean().map((BOOL) => ({ BOOL }))
          : fc.uint8Array({ maxLength: 4 }).map((B) => ({ B }));
  const bad = fc.constantFrom<unknown>(
    undefined,
    null,
    "str",
    7,
    {},
    { NULL: true },
    { S: 5 },
    { S: null },
    { N: 5 },
    { BOOL: "true" },
    { BOOL: 0 },
    { B: [1, 2] },
    { S: "x", N: "1" },
  );
  return fc.oneof({ weight: 6, arbitrary: good }, { weight: 1, arbitrary: bad });
}

/** A JS value for the field, or (sometimes) something else. */
function valueOf(k: Kind): fc.Arbitrary<unknown> {
  const good: fc.Arbitrary<unknown> =
    k === "string"
      ? fc.oneof(fc.string(), fc.constant("nul\u0000"))
      : k === "number"
        ? fc.oneof(fc.integer(), fc.double(), fc.constantFrom(1e126, -1e-131, NaN, Infinity))
        : k === "boolean"
          ? fc.boolean()
          : fc.uint8Array({ maxLength: 4 });
  const bad = fc.constantFrom<unknown>(undefined, null, "1", 1, true, {}, [], new Uint8Array(0));
  return fc.oneof({ weight: 6, arbitrary: good }, { weight: 1, arbitrary: bad });
}

function recordOf(fs: FieldDesc[], of: (k: Kind) => fc.Arbitrary<unknown>) {
  return fc
    .tuple(
      fc.tuple(...fs.map((f) => of(f.kind))),
      fc.option(fc.tuple(fc.constantFrom("extra", "constructor", "__proto__"), of("string"))),
    )
    .map(([vals, extra]) => {
      const o: Record<string, unknown> = {};
      fs.forEach((f, i) => {
        if (vals[i] !== undefined)
          Object.defineProperty(o, f.name, {
            value: vals[i],
            enumerable: true,
            writable: true,
            configurable: true,
          });
      });
      if (extra && !fs.some((f) => f.name === extra[0]) && extra[1] !== undefined)
        Object.defineProperty(o, extra[0], {
          value: extra[1],
          enumerable: true,
          writable: true,
          configurable: true,
        });
      return o;
    });
}

const unknownModes = [undefined, "keep", "error"] as const;

describe("flat items: generated code agrees with the interpreter", () => {
  it("unmarshalItem on items that fit and items that do not", () => {
    fc.assert(
      fc.property(
        fields.chain((fs) =>
          fc.tuple(fc.constant(fs), fc.array(recordOf(fs, attrOf), { minLength: 1, maxLength: 4 })),
        ),
        ([fs, items]) => {
          const schema = schemaOf(fs);
          for (const item of items as Record<string, AttributeValue>[]) {
            const want = outcome(() => unmarshalItem(item, schema, { codegen: false }));
            // Twice without options (the entry's cached path), and with each option.
            assert.deepStrictEqual(
              outcome(() => unmarshalItem(item, schema)),
              want,
            );
            assert.deepStrictEqual(
              outcome(() => unmarshalItem(item, schema)),
              want,
            );
            for (const unknown of unknownModes) {
              assert.deepStrictEqual(
                outcome(() => unmarshalItem(item, schema, { codegen: true, unknown })),
                outcome(() => unmarshalItem(item, schema, { codegen: false, unknown })),
              );
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it("marshalItem on values that fit and values that do not", () => {
    fc.assert(
      fc.property(
        fields.chain((fs) =>
          fc.tuple(
            fc.constant(fs),
            fc.array(recordOf(fs, valueOf), { minLength: 1, maxLength: 4 }),
          ),
        ),
        ([fs, values]) => {
          const schema = schemaOf(fs);
          for (const value of values) {
            const want = outcome(() => marshalItem(value, schema, { codegen: false }));
            assert.deepStrictEqual(
              outcome(() => marshalItem(value, schema)),
              want,
            );
            assert.deepStrictEqual(
              outcome(() => marshalItem(value, schema)),
              want,
            );
            assert.deepStrictEqual(
              outcome(() => marshalItem(value, schema, { codegen: true })),
              want,
            );
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it("a missing or mistyped attribute is reported by name, on the one-pass path too", () => {
    const schema = s.object({ a: s.string(), n: s.number(), b: s.boolean() }) as AnySchema;
    const good = { a: { S: "x" }, n: { N: "1" }, b: { BOOL: true } };
    assert.deepStrictEqual(unmarshalItem(good, schema), { a: "x", n: 1, b: true });
    const { n: _, ...noN } = good;
    assert.throws(
      () => unmarshalItem(noN, schema),
      (e: unknown) => e instanceof DynoEncodingError && e.path === "n" && /missing/.test(e.message),
    );
    assert.throws(
      () => unmarshalItem({ ...good, b: { S: "true" } }, schema),
      (e: unknown) => e instanceof DynoEncodingError && e.path === "b",
    );
    assert.throws(
      () => unmarshalItem({ ...good, a: null as unknown as AttributeValue }, schema),
      (e: unknown) => e instanceof DynoEncodingError && e.path === "a",
    );
    assert.throws(
      () => marshalItem({ a: "x", n: 1e200, b: true }, schema),
      (e: unknown) => e instanceof DynoEncodingError && e.path === "n",
    );
    assert.throws(
      () => marshalItem({ a: "x", n: 1 }, schema),
      (e: unknown) =>
        e instanceof DynoEncodingError && e.path === "b" && /required/.test(e.message),
    );
  });

  it("reads each property of a value once (getters are not called twice)", () => {
    const schema = s.object({ a: s.string(), b: s.boolean() }) as AnySchema;
    let reads = 0;
    const value = {
      get a(): unknown {
        reads++;
        return 5; // wrong type: the one-pass check fails and the general code reports it
      },
      b: true,
    };
    assert.throws(() => marshalItem(value, schema), DynoEncodingError);
    assert.equal(reads, 1);
  });
});
