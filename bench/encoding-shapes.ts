/**
 * Encoding benchmark over many generated shapes, as a real application runs them: a seeded
 * generator draws random object schemas over every kind `s.*` offers (strings, numbers,
 * bigints, booleans, binaries, dates in each format, sets of every member type, lists, maps,
 * records, `s.any()`, optional fields, nested objects at depths 1–4). For each shape the same
 * description also yields a hand-written marshal/unmarshal pair (direct property access, no
 * generic helpers; `s.any()` fields call the schema-less value codec, as a person would).
 * All schemas stay alive in one process and are exercised interleaved, the schema-less
 * `marshalItem`/`unmarshalItem` path too, so shared helpers see every shape (polymorphism
 * shows up as it does in production). Outputs are checked equal before timing.
 *
 *   npx tsx bench/encoding-shapes.ts
 *   SHAPES=40 ROUNDS=7 MS=8 SEED=7 npx tsx bench/encoding-shapes.ts
 *
 * Prints each shape's compiled / hand-written ratio per direction (the median of every pass
 * pair of every round; the spread is the lowest and highest round median), then the worst and
 * the median ratio per direction.
 */
import { deepStrictEqual } from "node:assert/strict";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import {
  marshalItem,
  marshalValue,
  s,
  unmarshalItem,
  unmarshalValue,
  type AnySchema,
} from "../src/encoding/index.js";

type Item = Record<string, AttributeValue>;

const SHAPES = Number(process.env.SHAPES ?? 32);
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const MS = Number(process.env.MS ?? 8);
const SEED = Number(process.env.SEED ?? 7);
const WARM = Number(process.env.WARM ?? 2);
const N = 64; // items per shape

function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = prng(SEED);
const int = (n: number) => Math.floor(rnd() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
const word = (len: number) =>
  Array.from({ length: len }, () => String.fromCharCode(97 + int(26))).join("");

// ---------------------------------------------------------------- shape descriptions

type Leaf =
  | "string"
  | "number"
  | "bigint"
  | "boolean"
  | "binary"
  | "iso"
  | "epochMs"
  | "epochSeconds"
  | "ss"
  | "ns"
  | "bs"
  | "any";
type Desc =
  | { k: Leaf }
  | { k: "list"; item: Desc }
  | { k: "map" | "record"; value: Desc }
  | { k: "object"; fields: Field[] };
interface Field {
  name: string;
  d: Desc;
  optional: boolean;
}

const LEAVES: Leaf[] = [
  "string",
  "string",
  "string",
  "number",
  "number",
  "bigint",
  "boolean",
  "boolean",
  "binary",
  "iso",
  "epochMs",
  "epochSeconds",
  "ss",
  "ns",
  "bs",
  "any",
];

function genDesc(depth: number, maxDepth: number): Desc {
  const r = rnd();
  if (depth < maxDepth && r < 0.12) return genObject(depth + 1, maxDepth, 2 + int(4));
  if (depth < maxDepth && r < 0.18) {
    const item = rnd() < 0.5 ? genObject(depth + 1, maxDepth, 2 + int(3)) : { k: pick(LEAVES) };
    return { k: "list", item };
  }
  if (r < 0.22) return { k: rnd() < 0.5 ? "map" : "record", value: { k: pick(LEAVES) } };
  return { k: pick(LEAVES) };
}

function genObject(depth: number, maxDepth: number, n: number): Desc {
  const fields: Field[] = [];
  const used = new Set<string>();
  for (let i = 0; i < n; i++) {
    let name = word(2 + int(8));
    while (used.has(name)) name += "x";
    used.add(name);
    fields.push({ name, d: genDesc(depth, maxDepth), optional: rnd() < 0.2 });
  }
  return { k: "object", fields };
}

/** A top-level shape: small (3–6 fields, leaves only) or larger (6–16 fields, nested to 1–4). */
function genShape(i: number): Desc {
  if (i % 3 === 0) {
    const fields: Field[] = [];
    const n = 3 + int(4);
    const small: Leaf[] = ["string", "string", "string", "number", "boolean"];
    for (let j = 0; j < n; j++)
      fields.push({ name: word(2 + int(6)) + j, d: { k: pick(small) }, optional: false });
    return { k: "object", fields };
  }
  return genObject(0, 1 + (i % 4), 6 + int(11));
}

// ---------------------------------------------------------------- schema

function schemaOf(d: Desc): AnySchema {
  switch (d.k) {
    case "string":
      return s.string();
    case "number":
      return s.number();
    case "bigint":
      return s.bigint();
    case "boolean":
      return s.boolean();
    case "binary":
      return s.binary();
    case "iso":
    case "epochMs":
    case "epochSeconds":
      return s.date({ as: d.k });
    case "ss":
      return s.stringSet();
    case "ns":
      return s.numberSet();
    case "bs":
      return s.binarySet();
    case "any":
      return s.any();
    case "list":
      return s.list(schemaOf(d.item));
    case "map":
      return s.map(schemaOf(d.value));
    case "record":
      return s.record(schemaOf(d.value));
    case "object": {
      const shape: Record<string, AnySchema> = {};
      for (const f of d.fields) {
        const sc = schemaOf(f.d);
        shape[f.name] = f.optional ? (sc.optional() as AnySchema) : sc;
      }
      return s.object(shape) as AnySchema;
    }
  }
}

// ---------------------------------------------------------------- values

function anyValue(): unknown {
  switch (int(5)) {
    case 0:
      return word(6);
    case 1:
      return int(100000);
    case 2:
      return rnd() < 0.5;
    case 3:
      return [word(3), int(50)];
    default:
      return { a: word(4), b: int(9) };
  }
}

function valueOf(d: Desc): unknown {
  switch (d.k) {
    case "string":
      return word(4 + int(12));
    case "number":
      return rnd() < 0.5 ? int(1e6) : Math.round(rnd() * 1e6) / 100;
    case "bigint":
      return BigInt(int(1e9)) * 1000003n;
    case "boolean":
      return rnd() < 0.5;
    case "binary":
      return Uint8Array.from({ length: 4 + int(12) }, () => int(256));
    case "iso":
    case "epochMs":
      return new Date(1.6e12 + int(1e11));
    case "epochSeconds":
      return new Date((1.6e9 + int(1e8)) * 1000);
    case "ss":
      return new Set(Array.from({ length: 1 + int(4) }, (_, i) => word(5) + i));
    case "ns":
      return new Set(Array.from({ length: 1 + int(4) }, (_, i) => int(1000) * 10 + i));
    case "bs":
      return new Set(Array.from({ length: 1 + int(3) }, (_, i) => Uint8Array.of(i, int(256))));
    case "any":
      return anyValue();
    case "list":
      return Array.from({ length: int(4) }, () => valueOf(d.item));
    case "map":
      return new Map(Array.from({ length: int(4) }, (_, i) => [word(4) + i, valueOf(d.value)]));
    case "record":
      return Object.fromEntries(
        Array.from({ length: int(4) }, (_, i) => [word(4) + i, valueOf(d.value)]),
      );
    case "object": {
      const o: Record<string, unknown> = {};
      for (const f of d.fields) if (!f.optional || rnd() < 0.5) o[f.name] = valueOf(f.d);
      return o;
    }
  }
}

// ---------------------------------------------------------------- hand-written pair, as code

/** Generates the source a person would write for this shape (direct property access). */
class Hand {
  private n = 0;
  private id = () => `t${this.n++}`;

  /** Statements computing attribute value `out` from JS value expression `x`. */
  enc(d: Desc, x: string, out: string): string {
    switch (d.k) {
      case "string":
        return `${out} = { S: ${x} };\n`;
      case "number":
        return `${out} = { N: String(${x}) };\n`;
      case "bigint":
        return `${out} = { N: ${x}.toString() };\n`;
      case "boolean":
        return `${out} = { BOOL: ${x} };\n`;
      case "binary":
        return `${out} = { B: ${x} };\n`;
      case "iso":
        return `${out} = { S: ${x}.toISOString() };\n`;
      case "epochMs":
        return `${out} = { N: String(${x}.getTime()) };\n`;
      case "epochSeconds":
        return `${out} = { N: String(Math.floor(${x}.getTime() / 1000)) };\n`;
      case "ss":
        return `${out} = { SS: Array.from(${x}) };\n`;
      case "ns":
        return `${out} = { NS: Array.from(${x}, String) };\n`;
      case "bs":
        return `${out} = { BS: Array.from(${x}) };\n`;
      case "any":
        return `${out} = mv(${x});\n`;
      case "list": {
        const l = this.id(),
          j = this.id(),
          e = this.id();
        return (
          `const ${l} = new Array(${x}.length);\n` +
          `for (let ${j} = 0; ${j} < ${l}.length; ${j}++) { let ${e};\n${this.enc(d.item, `${x}[${j}]`, e)}${l}[${j}] = ${e}; }\n` +
          `${out} = { L: ${l} };\n`
        );
      }
      case "map": {
        const m = this.id(),
          k = this.id(),
          v = this.id(),
          e = this.id();
        return (
          `const ${m} = {};\n` +
          `for (const [${k}, ${v}] of ${x}) { let ${e};\n${this.enc(d.value, v, e)}${m}[${k}] = ${e}; }\n` +
          `${out} = { M: ${m} };\n`
        );
      }
      case "record": {
        const m = this.id(),
          k = this.id(),
          e = this.id();
        return (
          `const ${m} = {};\n` +
          `for (const ${k} in ${x}) { let ${e};\n${this.enc(d.value, `${x}[${k}]`, e)}${m}[${k}] = ${e}; }\n` +
          `${out} = { M: ${m} };\n`
        );
      }
      case "object": {
        const o = this.id();
        return this.encFields(d.fields, x, o) + `${out} = { M: ${o} };\n`;
      }
    }
  }

  encFields(fields: Field[], x: string, o: string): string {
    let code = "";
    const lits: string[] = [];
    const opts: string[] = [];
    for (const f of fields) {
      const v = this.id();
      const acc = `${x}[${JSON.stringify(f.name)}]`;
      if (f.optional) {
        code += `let ${v};\nif (${acc} !== undefined) {\n${this.enc(f.d, acc, v)}}\n`;
        opts.push(`if (${v} !== undefined) ${o}[${JSON.stringify(f.name)}] = ${v};\n`);
      } else {
        code += `let ${v};\n${this.enc(f.d, acc, v)}`;
        lits.push(`${JSON.stringify(f.name)}: ${v}`);
      }
    }
    return code + `const ${o} = { ${lits.join(", ")} };\n` + opts.join("");
  }

  /** Statements computing JS value `out` from attribute value expression `a`. */
  dec(d: Desc, a: string, out: string): string {
    switch (d.k) {
      case "string":
        return `${out} = ${a}.S;\n`;
      case "number":
        return `${out} = Number(${a}.N);\n`;
      case "bigint":
        return `${out} = BigInt(${a}.N);\n`;
      case "boolean":
        return `${out} = ${a}.BOOL;\n`;
      case "binary":
        return `${out} = ${a}.B;\n`;
      case "iso":
        return `${out} = new Date(${a}.S);\n`;
      case "epochMs":
        return `${out} = new Date(Number(${a}.N));\n`;
      case "epochSeconds":
        return `${out} = new Date(Number(${a}.N) * 1000);\n`;
      case "ss":
        return `${out} = new Set(${a}.SS);\n`;
      case "ns":
        return `${out} = new Set(${a}.NS.map(Number));\n`;
      case "bs":
        return `${out} = new Set(${a}.BS);\n`;
      case "any":
        return `${out} = uv(${a});\n`;
      case "list": {
        const L = this.id(),
          l = this.id(),
          j = this.id(),
          e = this.id();
        return (
          `const ${L} = ${a}.L, ${l} = new Array(${L}.length);\n` +
          `for (let ${j} = 0; ${j} < ${L}.length; ${j}++) { let ${e};\n${this.dec(d.item, `${L}[${j}]`, e)}${l}[${j}] = ${e}; }\n` +
          `${out} = ${l};\n`
        );
      }
      case "map": {
        const M = this.id(),
          m = this.id(),
          k = this.id(),
          e = this.id();
        return (
          `const ${M} = ${a}.M, ${m} = new Map();\n` +
          `for (const ${k} in ${M}) { let ${e};\n${this.dec(d.value, `${M}[${k}]`, e)}${m}.set(${k}, ${e}); }\n` +
          `${out} = ${m};\n`
        );
      }
      case "record": {
        const M = this.id(),
          m = this.id(),
          k = this.id(),
          e = this.id();
        return (
          `const ${M} = ${a}.M, ${m} = {};\n` +
          `for (const ${k} in ${M}) { let ${e};\n${this.dec(d.value, `${M}[${k}]`, e)}${m}[${k}] = ${e}; }\n` +
          `${out} = ${m};\n`
        );
      }
      case "object": {
        const M = this.id();
        return `const ${M} = ${a}.M;\n` + this.decFields(d.fields, M, out);
      }
    }
  }

  decFields(fields: Field[], m: string, out: string): string {
    let code = "";
    const lits: string[] = [];
    const opts: string[] = [];
    for (const f of fields) {
      const v = this.id();
      const acc = `${m}[${JSON.stringify(f.name)}]`;
      if (f.optional) {
        code += `let ${v};\nif (${acc} !== undefined) {\n${this.dec(f.d, acc, v)}}\n`;
        opts.push(`if (${v} !== undefined) ${out}[${JSON.stringify(f.name)}] = ${v};\n`);
      } else {
        code += `let ${v};\n${this.dec(f.d, acc, v)}`;
        lits.push(`${JSON.stringify(f.name)}: ${v}`);
      }
    }
    return code + `${out} = { ${lits.join(", ")} };\n` + opts.join("");
  }
}

function handPair(d: Desc & { k: "object" }): {
  enc: (x: unknown) => Item;
  dec: (m: Item) => unknown;
} {
  const h = new Hand();
  const enc = new Function(
    "mv",
    `"use strict"; return function enc(x) {\n${h.encFields(d.fields, "x", "o")}return o; };`,
  )(marshalValue) as (x: unknown) => Item;
  const dec = new Function(
    "uv",
    `"use strict"; return function dec(m) { let o;\n${h.decFields(d.fields, "m", "o")}return o; };`,
  )(unmarshalValue) as (m: Item) => unknown;
  return { enc, dec };
}

// ---------------------------------------------------------------- the shapes

interface Shape {
  i: number;
  desc: Desc;
  schema: AnySchema;
  values: unknown[];
  items: Item[];
  /** The same items as plain (schema-less) values: only JSON-like ones. */
  hand: ReturnType<typeof handPair>;
}

const shapes: Shape[] = [];
for (let i = 0; i < SHAPES; i++) {
  const desc = genShape(i) as Desc & { k: "object" };
  const schema = schemaOf(desc);
  const values = Array.from({ length: N }, () => valueOf(desc));
  const hand = handPair(desc);
  // What unmarshal reads in an application is a response just parsed: items whose strings are
  // their own, laid out with their attribute values. A structured clone gives both peers that
  // (marshalling's output shares its strings with `values`, which a response never does).
  const items = structuredClone(
    values.map((v) => marshalItem(v as Record<string, unknown>, schema)),
  );
  for (let j = 0; j < N; j++) {
    deepStrictEqual(hand.enc(values[j]), items[j], `shape ${i} marshal`);
    deepStrictEqual(unmarshalItem(items[j]!, schema), hand.dec(items[j]!), `shape ${i} unmarshal`);
  }
  shapes.push({ i, desc, schema, values, items, hand });
}

// ---------------------------------------------------------------- timing

let sink: unknown;

const median = (xs: number[]) => {
  const ys = [...xs].sort((p, q) => p - q);
  const m = ys.length >> 1;
  return ys.length % 2 ? ys[m]! : (ys[m - 1]! + ys[m]!) / 2;
};

function cpu(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/**
 * Compiled `a` against hand-written `b`: back-to-back passes over the items (who goes first
 * alternates) for about `ms` of CPU time, returning the ratio time(b) / time(a) of each pass
 * pair (a's speed relative to b's). Summing long separate windows let one garbage collection
 * or one preemption (2 cores, 8 engineers) swing a ratio 2x or more; pairs of short adjacent
 * passes, pooled over every round and reduced to their median, do not see them.
 */
function pair(a: (j: number) => unknown, b: (j: number) => unknown, ms: number): number[] {
  const rs: number[] = [];
  const stop = cpu() + ms * 1000;
  for (let k = 0; cpu() < stop || rs.length < 5; k++) {
    let ta = 0,
      tb = 0;
    for (let twice = 0; twice < 2; twice++) {
      const isA = (k + twice) % 2 === 0;
      const f = isA ? a : b;
      const t0 = performance.now();
      for (let j = 0; j < N; j++) sink = f(j);
      const dt = performance.now() - t0;
      if (isA) ta = dt;
      else tb = dt;
    }
    rs.push(tb / ta);
  }
  return rs;
}

type Dir = "marshal" | "unmarshal";
/** Per shape: the median of each round (for the spread), and every pass pair pooled. */
const ratios: Record<Dir, number[][]> = {
  marshal: shapes.map(() => []),
  unmarshal: shapes.map(() => []),
};
const pooled: Record<Dir, number[][]> = {
  marshal: shapes.map(() => []),
  unmarshal: shapes.map(() => []),
};

function round(): void {
  // Shapes in a different order each round.
  const order = shapes.map((_, i) => i).sort(() => rnd() - 0.5);
  for (const i of order) {
    const sh = shapes[i]!;
    const sc = sh.schema;
    // The schema-less path, in use alongside (as in an application).
    for (let j = 0; j < N; j += 4) sink = unmarshalItem(sh.items[j]!);
    const m = pair(
      (j) => marshalItem(sh.values[j] as Record<string, unknown>, sc),
      (j) => sh.hand.enc(sh.values[j]),
      MS,
    );
    const u = pair(
      (j) => unmarshalItem(sh.items[j]!, sc),
      (j) => sh.hand.dec(sh.items[j]!),
      MS,
    );
    ratios.marshal[i]!.push(median(m));
    ratios.unmarshal[i]!.push(median(u));
    pooled.marshal[i]!.push(...m);
    pooled.unmarshal[i]!.push(...u);
  }
}

function describe(d: Desc): string {
  switch (d.k) {
    case "list":
      return `list(${describe(d.item)})`;
    case "map":
    case "record":
      return `${d.k}(${describe(d.value)})`;
    case "object":
      return `{${d.fields.map((f) => describe(f.d) + (f.optional ? "?" : "")).join(",")}}`;
    default:
      return d.k;
  }
}

// Warm-up, discarded: every function reaches its optimised tier with the feedback of every
// shape before anything is timed (one round left late deoptimisations in the first timed one).
for (let w = 0; w < WARM; w++) round();
// PROFILE=<shape>:<marshal|unmarshal>: after the warm-up, only that shape's compiled path runs
// for 3 s of CPU (for node --cpu-prof / --trace-deopt), with every other schema still warm.
if (process.env.PROFILE) {
  const [which, dir] = process.env.PROFILE.split(":");
  const sh = shapes[Number(which)]!;
  const stop = cpu() + 3e6;
  while (cpu() < stop)
    for (let r = 0; r < 50; r++)
      for (let j = 0; j < N; j++)
        sink =
          dir === "unmarshal"
            ? unmarshalItem(sh.items[j]!, sh.schema)
            : marshalItem(sh.values[j] as Record<string, unknown>, sh.schema);
  process.exit(0);
}
for (const dir of ["marshal", "unmarshal"] as const) {
  for (const x of ratios[dir]) x.length = 0;
  for (const x of pooled[dir]) x.length = 0;
}
for (let r = 1; r <= ROUNDS; r++) round();

console.log(
  `shapes=${SHAPES} rounds=${ROUNDS} warm=${WARM} ms=${MS} seed=${SEED} node=${process.version}`,
);
console.log("| shape | marshal c/h | unmarshal c/h | spread m | spread u | description |");
console.log("|---|---|---|---|---|---|");
const summary: Record<Dir, number[]> = { marshal: [], unmarshal: [] };
for (const sh of shapes) {
  const cells: string[] = [];
  const spreads: string[] = [];
  for (const dir of ["marshal", "unmarshal"] as const) {
    const xs = ratios[dir][sh.i]!;
    const m = median(pooled[dir][sh.i]!);
    summary[dir].push(m);
    cells.push(m.toFixed(2));
    spreads.push(`${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`);
  }
  const text = describe(sh.desc);
  console.log(
    `| ${sh.i} | ${cells[0]} | ${cells[1]} | ${spreads[0]} | ${spreads[1]} | ${process.env.FULL ? text : text.length > 90 ? text.slice(0, 87) + "..." : text} |`,
  );
}
for (const dir of ["marshal", "unmarshal"] as const) {
  const xs = summary[dir];
  const worst = Math.min(...xs);
  console.log(
    `${dir}: worst ${worst.toFixed(2)} (shape ${xs.indexOf(worst)}), median ${median(xs).toFixed(2)}`,
  );
}
void sink;
