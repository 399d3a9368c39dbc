/**
 * Property: where a schema's mapping is the schema-less one (strings, numbers, booleans,
 * binaries, sets of every member type, lists, records, maps, nested objects, `s.any()`; an
 * epoch date against its number, an ISO date against its string), the generated code, the
 * interpreter and the schema-less `marshalItem`/`unmarshalItem` give the same items and the
 * same values, with hostile property names (Object.prototype members, quotes, backslashes,
 * NULs, U+2028/U+2029) and numbers stored in every notation DynamoDB accepts.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { marshalItem, s, unmarshalItem } from "../../src/index.js";
import type { AnySchema } from "../../src/encoding/schema/schema.js";
import { number, plainValue, protoNames } from "./arbitraries.js";
import { withoutShadows, outcome } from "./support.js";

const gen = { codegen: true };
const int = { codegen: false };

/** A schema, values of it, and the schema-less value each stands for. */
interface P {
  desc: string;
  schema: AnySchema;
  value: fc.Arbitrary<unknown>;
  /** The schema-less value a value of the schema is stored as. */
  plain: (v: unknown) => unknown;
}

const odd = [
  ...protoNames,
  "q\"u'o`te",
  "back\\slash",
  "n\0ul",
  "line\u2028sep\u2029",
  "a.b[0]#:x",
  "${x}",
  "*/",
  "\n",
];
const name = fc.oneof(
  { weight: 3, arbitrary: fc.string({ minLength: 1, maxLength: 6 }) },
  { weight: 2, arbitrary: fc.constantFrom(...odd) },
);

function put(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}
function mapValues(o: object, f: (v: unknown) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) put(out, k, f(v));
  return out;
}
const id = (v: unknown) => v;
const bytes = fc.uint8Array({ maxLength: 6 });
const date = fc.date({ min: new Date(-1e13), max: new Date(1e13), noInvalidDate: true });

const leaves: P[] = [
  { desc: "string", schema: s.string(), value: fc.string(), plain: id },
  { desc: "number", schema: s.number(), value: number, plain: id },
  { desc: "boolean", schema: s.boolean(), value: fc.boolean(), plain: id },
  { desc: "binary", schema: s.binary(), value: bytes, plain: id },
  {
    desc: "stringSet",
    schema: s.stringSet(),
    value: fc.uniqueArray(fc.string(), { minLength: 1, maxLength: 4 }).map((a) => new Set(a)),
    plain: id,
  },
  {
    desc: "numberSet",
    schema: s.numberSet(),
    value: fc.uniqueArray(number, { minLength: 1, maxLength: 4 }).map((a) => new Set(a)),
    plain: id,
  },
  {
    desc: "binarySet",
    schema: s.binarySet(),
    value: fc
      .uniqueArray(bytes, { minLength: 1, maxLength: 3, selector: (b) => b.join(",") })
      .map((a) => new Set(a)),
    plain: id,
  },
  {
    desc: "epochMs",
    schema: s.date({ as: "epochMs" }),
    value: date,
    plain: (d) => (d as Date).getTime(),
  },
  {
    desc: "epochSeconds",
    schema: s.date({ as: "epochSeconds" }),
    value: date.map((d) => new Date(Math.floor(d.getTime() / 1000) * 1000)),
    plain: (d) => (d as Date).getTime() / 1000,
  },
  {
    desc: "iso",
    schema: s.date(),
    value: date.filter((d) => d.getUTCFullYear() >= 0 && d.getUTCFullYear() <= 9999),
    plain: (d) => (d as Date).toISOString(),
  },
  { desc: "any", schema: s.any(), value: plainValue, plain: id },
];

const { p: schemaP } = fc.letrec<{ p: P }>((tie) => ({
  p: fc.oneof(
    { depthSize: "small", maxDepth: 4 },
    fc.constantFrom(...leaves),
    tie("p").map((g): P => ({
      desc: `list(${g.desc})`,
      schema: s.list(g.schema) as AnySchema,
      value: fc.array(g.value, { maxLength: 3 }),
      plain: (v) => (v as unknown[]).map(g.plain),
    })),
    tie("p").map((g): P => ({
      desc: `record(${g.desc})`,
      schema: s.record(g.schema) as AnySchema,
      value: fc
        .uniqueArray(fc.tuple(name, g.value), { maxLength: 3, selector: (e) => e[0] })
        .map((es) => {
          const o: Record<string, unknown> = {};
          for (const [k, v] of es) put(o, k, v);
          return o;
        }),
      plain: (v) => mapValues(v as object, g.plain),
    })),
    tie("p").map((g): P => ({
      desc: `map(${g.desc})`,
      schema: s.map(g.schema) as AnySchema,
      value: fc
        .uniqueArray(fc.tuple(name, g.value), { maxLength: 3, selector: (e) => e[0] })
        .map((es) => new Map(es)),
      plain: (v) => {
        const o: Record<string, unknown> = {};
        for (const [k, x] of v as Map<string, unknown>) put(o, k, g.plain(x));
        return o;
      },
    })),
    objectP(tie("p")),
  ),
})) as { p: fc.Arbitrary<P> };

function objectP(field: fc.Arbitrary<P>): fc.Arbitrary<P> {
  return fc
    .uniqueArray(fc.tuple(name, field, fc.boolean()), {
      minLength: 1,
      maxLength: 5,
      selector: (e) => e[0],
    })
    .map((fs): P => {
      const shape: Record<string, AnySchema> = {};
      for (const [k, g, optional] of fs)
        put(shape, k, optional ? (g.schema.optional() as AnySchema) : g.schema);
      return {
        desc: `{${fs.map(([k, g, o]) => `${JSON.stringify(k)}${o ? "?" : ""}: ${g.desc}`).join(", ")}}`,
        schema: s.object(shape) as AnySchema,
        value: fc
          .tuple(
            ...fs.map(([, g, optional]) =>
              optional ? fc.option(g.value, { nil: undefined }) : g.value,
            ),
          )
          .map((vs) => {
            const o: Record<string, unknown> = {};
            vs.forEach((v, i) => {
              if (v !== undefined) put(o, fs[i]![0], v);
            });
            return o;
          }),
        plain: (v) => {
          const o: Record<string, unknown> = {};
          for (const [k, g] of fs) {
            const x = Object.getOwnPropertyDescriptor(v, k)?.value;
            if (x !== undefined) put(o, k, g.plain(x));
          }
          return o;
        },
      };
    });
}

const itemP = objectP(schemaP).chain((p) =>
  p.value.map((value) => ({
    p: Object.prototype.hasOwnProperty.call(p, fc.toStringMethod)
      ? p
      : Object.defineProperty(p, fc.toStringMethod, { value: () => p.desc }),
    value,
  })),
);

/** Every notation of the same number DynamoDB accepts: exponent, trailing zeros, a sign. */
const notation = fc.constantFrom(
  (n: string) => n,
  (n: string) => (/e/i.test(n) ? n.replace(/e/i, "E") : `${n}e0`),
  (n: string) =>
    /e/i.test(n) ? n.replace(/e([+-]?)/i, (_, s: string) => `e${s || "+"}0`) : `${n}E+00`,
  (n: string) => (/[.e]/i.test(n) ? n : `${n}.000`),
  (n: string) => (n.startsWith("-") ? n : `+${n}`),
  (n: string) => (/^-?\d+$/.test(n) ? `${n}0e-1` : n),
  (n: string) => (/^-?\d+$/.test(n) ? `${n}00E-2` : n),
  (n: string) =>
    /^-?\d+$/.test(n)
      ? `${n.startsWith("-") ? "-" : ""}0.${n.replace("-", "")}e${n.replace("-", "").length}`
      : n,
);

/** The item with every N (and NS member) rewritten by `f`. */
function renotate(av: AttributeValue, f: (n: string) => string): AttributeValue {
  const a = av as unknown as Record<string, unknown>;
  if (a.N !== undefined) return { N: f(a.N as string) };
  if (a.NS !== undefined) return { NS: (a.NS as string[]).map(f) };
  if (a.L !== undefined) return { L: (a.L as AttributeValue[]).map((x) => renotate(x, f)) };
  if (a.M !== undefined) return { M: renotateItem(a.M as Record<string, AttributeValue>, f) };
  return av;
}
function renotateItem(
  m: Record<string, AttributeValue>,
  f: (n: string) => string,
): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(m)) put(out, k, renotate(v, f));
  return out;
}

describe("property: compiled, interpreted and schema-less agree where the mappings do", () => {
  it("marshalItem: the same item from all three", () => {
    fc.assert(
      fc.property(itemP, ({ p, value }) => {
        const a = outcome(() => marshalItem(value as object, p.schema, gen));
        assert.deepStrictEqual(
          a,
          outcome(() => marshalItem(value as object, p.schema, int)),
        );
        assert.deepStrictEqual(
          a,
          outcome(() => marshalItem(p.plain(value) as object)),
        );
      }),
      { numRuns: 400 },
    );
  });

  it("unmarshalItem: the same value from all three, numbers in every notation", () => {
    fc.assert(
      fc.property(itemP, notation, ({ p, value }, f) => {
        const item = renotateItem(marshalItem(value as object, p.schema), f);
        const a = outcome(() => unmarshalItem(item, p.schema, gen));
        assert.deepStrictEqual(
          a,
          outcome(() => unmarshalItem(item, p.schema, int)),
        );
        const schemaless = outcome(() => unmarshalItem(item));
        if ("ok" in (a as object)) {
          const v = (a as { ok: unknown }).ok;
          assert.deepStrictEqual({ ok: p.plain(withoutShadows(v)) }, schemaless);
          assert.deepStrictEqual(p.plain(withoutShadows(v)), p.plain(value));
        } else {
          // Both refuse (a number that no double holds exactly); each names the first bad
          // attribute it meets, and a schema visits its fields in its own order.
          assert.ok("error" in (schemaless as object), JSON.stringify(a));
        }
      }),
      { numRuns: 400 },
    );
  });
});
