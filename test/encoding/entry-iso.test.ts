/**
 * The entry's one-schema cache (`marshalItem`/`unmarshalItem` remember the schema of the last
 * call) and the JS ISO formatter: behaviour identical to the general path and to
 * `toISOString`, over interleaved schemas, options, bad inputs and every kind of date.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { marshalItem, s, unmarshalItem } from "../../src/index.js";
import { isoOf } from "../../src/encoding/iso.js";
import { outcome } from "./support.js";

/** A small deterministic PRNG (the tests must not flake). */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MIN = -62167219200000; // 0000-01-01
const MAX = 253402300800000; // 10000-01-01
const LIMIT = 8.64e15; // the largest time a Date holds

describe("ISO formatter", () => {
  it("gives toISOString's string at the edges", () => {
    const edges = [
      MIN,
      MIN - 1,
      MIN + 1,
      MAX - 1,
      MAX,
      MAX + 1,
      0,
      -1,
      1,
      LIMIT,
      -LIMIT,
      LIMIT - 1,
      -LIMIT + 1,
      Date.UTC(2000, 1, 29, 23, 59, 59, 999),
      Date.UTC(1900, 1, 28, 12),
      Date.UTC(1900, 2, 1),
      Date.UTC(2100, 1, 28, 23, 59, 59, 999),
      Date.UTC(1600, 1, 29),
      Date.UTC(1969, 11, 31, 23, 59, 59, 999),
      Date.UTC(999, 11, 31, 23, 59, 59, 999),
      -62135596800000, // 0001-01-01
      -62135596800001,
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
    ];
    for (const t of edges) {
      const d = new Date(t);
      assert.equal(isoOf(d, d.getTime()), d.toISOString(), String(t));
    }
    // Every year 0-9999 at its first and last millisecond, and each leap day around it.
    for (let y = 0; y <= 9999; y++) {
      const first = new Date(0);
      first.setUTCFullYear(y, 0, 1);
      first.setUTCHours(0, 0, 0, 0);
      const last = new Date(first.getTime());
      last.setUTCFullYear(y, 11, 31);
      last.setUTCHours(23, 59, 59, 999);
      const feb = new Date(first.getTime());
      feb.setUTCMonth(1, 29); // Mar 1 in a common year
      for (const d of [first, last, feb]) {
        assert.equal(isoOf(d, d.getTime()), d.toISOString());
      }
    }
  });

  it("gives toISOString's string for random times over the whole Date range", () => {
    const rnd = prng(19);
    for (let i = 0; i < 200_000; i++) {
      const r = rnd();
      // Half within years 0-9999, a quarter around the edges, a quarter anywhere.
      const t =
        i % 4 < 2
          ? MIN + Math.floor(r * (MAX - MIN))
          : i % 4 === 2
            ? (r < 0.5 ? MIN : MAX) + Math.floor((rnd() - 0.5) * 4 * 86400000)
            : Math.floor((r * 2 - 1) * LIMIT);
      const d = new Date(t);
      const got = isoOf(d, d.getTime());
      if (got !== d.toISOString()) assert.equal(got, d.toISOString(), `time ${t}`);
    }
  });

  it("is what marshalItem stores for ISO dates, with a schema and without", () => {
    const schema = s.object({ at: s.date(), l: s.list(s.date()) });
    const rnd = prng(7);
    for (let i = 0; i < 2000; i++) {
      const d = new Date(Math.floor((rnd() * 2 - 1) * LIMIT));
      const want = { S: d.toISOString() };
      for (const options of [undefined, { codegen: true }, { codegen: false }]) {
        assert.deepEqual(marshalItem({ at: d, l: [d] }, schema, options), {
          at: want,
          l: { L: [want] },
        });
      }
      assert.deepEqual(marshalItem({ at: d }), { at: want });
      assert.deepEqual(unmarshalItem({ at: want, l: { L: [want] } }, schema), { at: d, l: [d] });
    }
    // An invalid Date is still refused, naming the path.
    const bad = new Date(NaN);
    for (const options of [undefined, { codegen: true }, { codegen: false }]) {
      assert.deepEqual(
        outcome(() => marshalItem({ at: bad, l: [] }, schema, options)),
        {
          error: "DynoEncodingError",
          path: "at",
          message: "at: an invalid Date cannot be stored",
        },
      );
    }
  });
  it("calls a Date subclass's own toISOString or getTime, as before", () => {
    class Day extends Date {
      override toISOString(): string {
        return super.toISOString().slice(0, 10);
      }
    }
    class Shifted extends Date {
      override getTime(): number {
        return super.getTime() + 1000;
      }
    }
    const schema = s.object({ at: s.date() });
    const day = new Day(Date.UTC(2024, 1, 29, 12));
    const shifted = new Shifted(Date.UTC(2024, 1, 29, 12));
    for (const options of [undefined, { codegen: true }, { codegen: false }]) {
      assert.deepEqual(marshalItem({ at: day }, schema, options), { at: { S: "2024-02-29" } });
      assert.deepEqual(marshalItem({ at: shifted }, schema, options), {
        at: { S: "2024-02-29T12:00:00.000Z" },
      });
    }
    assert.deepEqual(marshalItem({ at: day }), { at: { S: "2024-02-29" } });
  });
});

describe("entry: the last schema's compiled codec", () => {
  const a = s.object({ id: s.string(), n: s.number() });
  const b = s.object({ id: s.string(), ok: s.boolean().optional() });
  const itemA: Record<string, AttributeValue> = { id: { S: "x" }, n: { N: "1" } };
  const itemB: Record<string, AttributeValue> = { id: { S: "y" }, ok: { BOOL: true } };

  it("gives each schema its own result when schemas interleave (and the schema-less path too)", () => {
    for (let i = 0; i < 50; i++) {
      assert.deepEqual(unmarshalItem(itemA, a), { id: "x", n: 1 });
      assert.deepEqual(unmarshalItem(itemA, a), { id: "x", n: 1 });
      assert.deepEqual(unmarshalItem(itemB, b), { id: "y", ok: true });
      assert.deepEqual(unmarshalItem(itemB), { id: "y", ok: true });
      assert.deepEqual(unmarshalItem(itemB, b), { id: "y", ok: true });
      assert.deepEqual(marshalItem({ id: "x", n: 1 }, a), itemA);
      assert.deepEqual(marshalItem({ id: "x", n: 1 }, a), itemA);
      assert.deepEqual(marshalItem({ id: "y", ok: true }, b), itemB);
      assert.deepEqual(marshalItem({ id: "y", ok: true }), itemB);
      assert.deepEqual(marshalItem({ id: "y", ok: true }, b), itemB);
    }
  });

  it("honours options after the schema was cached", () => {
    const extra = { ...itemA, more: { S: "z" } };
    assert.deepEqual(unmarshalItem(extra, a), { id: "x", n: 1 });
    assert.deepEqual(unmarshalItem(extra, a, { unknown: "keep" }), { id: "x", n: 1, more: "z" });
    assert.deepEqual(unmarshalItem(extra, a), { id: "x", n: 1 });
    assert.deepEqual(
      outcome(() => unmarshalItem(extra, a, { unknown: "error" })),
      {
        error: "DynoEncodingError",
        path: "more",
        message: 'more: attribute is not in the schema (unknown: "error")',
      },
    );
    assert.deepEqual(unmarshalItem(extra, a, { codegen: false }), { id: "x", n: 1 });
    assert.deepEqual(marshalItem({ id: "x", n: 1 }, a, { codegen: false }), itemA);
    assert.throws(() => unmarshalItem(extra, a, { unknown: "nope" as "drop" }), /unknown/);
  });

  it("refuses what it refused before, with the same errors, cached or not", () => {
    const cases: [string, () => unknown][] = [
      ["null item", () => unmarshalItem(null as never, a)],
      ["string item", () => unmarshalItem("x" as never, a)],
      ["undefined item", () => unmarshalItem(undefined as never, a)],
      ["wrong type", () => unmarshalItem({ id: { N: "1" }, n: { N: "1" } }, a)],
      ["missing", () => unmarshalItem({ id: { S: "1" } }, a)],
      ["bad attribute value", () => unmarshalItem({ id: null as never, n: { N: "1" } }, a)],
      ["bad value", () => marshalItem({ id: 1, n: 1 } as never, a)],
      ["not an object", () => marshalItem(null as never, a)],
      ["array", () => marshalItem([] as never, a)],
      ["required", () => marshalItem({ id: "x" } as never, a)],
    ];
    // Cold (another schema last), then warm (this schema last): the same outcome.
    for (const [what, fn] of cases) {
      unmarshalItem(itemB, b);
      marshalItem({ id: "y" }, b);
      const cold = outcome(fn);
      unmarshalItem(itemA, a);
      marshalItem({ id: "x", n: 1 }, a);
      const warm = outcome(fn);
      assert.deepEqual(warm, cold, what);
      assert.ok((cold as { error?: string }).error, `${what}: refused`);
    }
  });

  it("does not take an object that merely looks like a cached schema", () => {
    unmarshalItem(itemA, a);
    const fake = { ...a, def: a.def, mods: a.mods, compiled: a.compiled };
    assert.deepEqual(
      outcome(() => unmarshalItem(itemA, fake as never)),
      {
        error: "DynoEncodingError",
        path: "",
        message: "an object is not a schema (use s.object(...) or a class with [fromItem])",
      },
    );
  });
});
