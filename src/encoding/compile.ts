/**
 * Object schemas as generated code: one straight-line encoder and one decoder per object
 * schema, built once with `new Function`. Property and attribute names are inlined, the
 * common leaf types (and nested objects, and lists of objects) are handled in place, and
 * the output is built as one object literal, as a hand-written function would. Anything
 * unusual (null, a hook, a wrong type, the other kinds) is handed to the very codecs and
 * helpers the interpreter uses, and fields are visited in the same order, so both modes
 * produce the same values and the same errors; only the common path is specialised.
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { objectBuilders, objectCodec, type Build, type Codec } from "./codec.js";
import {
  anyPresent,
  decEmbedRecord,
  emptyAttr,
  encEmbedRecord,
  isEmptyAV,
  missing,
  notAnObject,
  omitsEmpty,
  required,
  unknownAttrs,
} from "./fields.js";
import { isoToDate } from "./kinds.js";
import { PathError, describe, segment, withRawSegment, withSegment } from "./path-error.js";
import { toAttribute } from "./hooks.js";
import { interpretObject } from "./interpret.js";
import {
  MAX_DEPTH,
  checkName,
  dateToIso,
  define,
  distinctBytes,
  inherited,
  own,
  tooDeep,
} from "./marshal.js";
import { bigintToN, numberToN, parseBigInt, parseExactNumber, shortDecimal } from "./numbers.js";
import type { AnySchema, Field, ObjectPlan } from "./schema/schema.js";

let generates: boolean | undefined;

/** True when `new Function` works here (no content security policy forbids it). */
export function canGenerate(): boolean {
  if (generates === undefined) {
    try {
      generates = new Function("return 1")() === 1;
    } catch {
      generates = false;
    }
  }
  return generates;
}

/** The helpers generated code calls, passed in as one object. */
const H = {
  tooDeep,
  notAnObject,
  required,
  missing,
  isEmptyAV,
  define,
  own,
  num: numberToN,
  big: bigintToN,
  iso: dateToIso,
  date: isoToDate,
  exact: parseExactNumber,
  short: shortDecimal,
  bigint: parseBigInt,
  seg: withRawSegment,
  idx: withSegment,
  encRec: encEmbedRecord,
  distinctBytes,
  checkName,
  /** The error of `recordCodec` for a Map key that is not a string. */
  mapKey(key: unknown): never {
    throw new PathError(`a Map key must be a string, not ${describe(key)}`);
  },
  decRec: decEmbedRecord,
  anyPresent,
  unknownAttrs,
  emptyInList(): never {
    throw new PathError("an empty set cannot be stored in a list");
  },
  hasKeys(o: object): boolean {
    for (const _ in o) return true;
    return false;
  },
};

const lit = (s: string): string => JSON.stringify(s);

/** Code that reads property `name` of `src`: only an own property for inherited names (`constructor`). */
const read = (src: string, name: string): string =>
  inherited(name) ? `H.own(${src}, ${lit(name)})` : `${src}[${lit(name)}]`;

/** Code that sets property `name` of `target` as an own data property (even `__proto__`). */
const write = (target: string, name: string, local: string): string =>
  name === "__proto__"
    ? `H.define(${target}, "__proto__", ${local})`
    : `${target}[${lit(name)}] = ${local}`;

/** An object literal of the slots (a `__proto__` slot is left to {@link write}, after it). */
const literalOf = (target: string, slots: Slot[]): string =>
  `${target} = { ${slots
    .filter((s) => s.name !== "__proto__")
    .map((s) => `${lit(s.name)}: ${s.local}`)
    .join(", ")} };\n` +
  slots
    .filter((s) => s.name === "__proto__")
    .map((s) => write(target, s.name, s.local) + ";\n")
    .join("");

/** Everything generated code refers to by index. */
class Tables {
  /** Codec of each field (by field number). */
  readonly codecs: Codec[] = [];
  /** Codec of the element of a list-of-objects field. */
  readonly items: (Codec | undefined)[] = [];
  readonly empties: (AttributeValue | undefined)[] = [];
  readonly plans: (ObjectPlan | undefined)[] = [];
  /** The path segment(s) an error below field `f` gets. */
  readonly paths: string[] = [];
}

/** A field that is always stored (or always set), so it can go in the object literal. */
interface Slot {
  name: string;
  local: string;
}

/** `s.object(...)` with no modifier that changes its encoding. */
function isPlainObject(schema: AnySchema): boolean {
  return schema.def.kind === "object";
}

/** Whether a plan can be built as a literal (no `__proto__` name, no embedded record writing into it). */
function literalOk(plan: ObjectPlan): boolean {
  if (plan.records.length > 0) return false;
  for (const name of plan.known) if (name === "__proto__") return false;
  return true;
}

/** The kinds a flat item's one-pass check handles (see {@link flatFields}). */
const FLAT_KINDS: ReadonlySet<string> = new Set(["string", "number", "boolean", "binary"]);

/**
 * The fields of a small flat item, when every one is a required, non-nullable attribute of a
 * leaf kind under a name no prototype has (else `undefined`). Such an item is checked in one
 * pass: every value read first, then one condition over all their types (no per-field
 * `undefined` branch, no per-field fallback); an item that fails it goes through the general
 * code, which reports the first bad field exactly as before.
 */
function flatFields(
  plan: ObjectPlan,
  encode: boolean,
): readonly (Field & { type: "field" })[] | undefined {
  if (plan.records.length > 0 || plan.fields.length === 0) return undefined;
  for (const f of plan.fields) {
    if (f.type !== "field") return undefined;
    const { mods, def } = f.schema;
    if (mods.optional || mods.nullable || !FLAT_KINDS.has(def.kind)) return undefined;
    if (inherited(f.attr) || inherited(f.prop)) return undefined;
    if (encode && omitsEmpty(f.schema)) return undefined;
  }
  return plan.fields as readonly (Field & { type: "field" })[];
}

// ---------------------------------------------------------------- encoder

/**
 * For a set schema: statements that encode the non-empty set `x` whose members all fit into
 * `out` (the binary set checked distinct), and anything else by `fallback` (the set codec:
 * same result, same error). `undefined` for other kinds.
 */
function setEnc(schema: AnySchema, x: string, out: string, fallback: string): string | undefined {
  const kind = schema.def.kind;
  if (kind !== "stringSet" && kind !== "numberSet" && kind !== "binarySet") return undefined;
  const ok =
    kind === "stringSet"
      ? `typeof m === "string"`
      : kind === "numberSet"
        ? `typeof m === "number" && m < 1e126 && m > -1e126 && (m >= 1e-130 || m <= -1e-130 || m === 0)`
        : `m instanceof Uint8Array`;
  const tag = kind === "stringSet" ? "SS" : kind === "numberSet" ? "NS" : "BS";
  return (
    `if (${x} instanceof Set && ${x}.size !== 0) { var q = []; for (var m of ${x}) { if (!(${ok})) { q = undefined; break; } q.push(${kind === "numberSet" ? `"" + m` : "m"}); }\n` +
    `  if (q !== undefined) { ${kind === "binarySet" ? `H.distinctBytes(${x}, q); ` : ""}${out} = { ${tag}: q }; } else ${out} = ${fallback}; }\n` +
    `  else ${out} = ${fallback};`
  );
}

/**
 * For a list element of a leaf kind: the head of a conditional expression that encodes `x`
 * when it has the exact type (what the element codec would return), ending in `: ` so that
 * the codec call follows for anything else (null, a hook, a wrong type: same result, same
 * error). Empty for other kinds.
 */
function leafEnc(schema: AnySchema, x: string): string {
  const def = schema.def;
  switch (def.kind) {
    case "string":
      return `typeof ${x} === "string" ? { S: ${x} } : `;
    case "number":
      return `typeof ${x} === "number" && ${x} < 1e126 && ${x} > -1e126 && (${x} >= 1e-130 || ${x} <= -1e-130 || ${x} === 0) ? { N: "" + ${x} } : `;
    case "boolean":
      return `(${x} === true | ${x} === false) ? { BOOL: ${x} } : `; // see BOOL below
    case "binary":
      return `${x} instanceof Uint8Array ? { B: ${x} } : `;
    case "date":
      return def.as === "iso" ? `${x} instanceof Date ? { S: H.iso(${x}) } : ` : "";
    default:
      return "";
  }
}

interface EncOut {
  code: string;
  /** Attributes always written: they go in the object literal. */
  always: Slot[];
  /** Attributes written when their local is not `undefined`, after the literal. */
  maybe: Slot[];
  /** Write each attribute right away instead (embedded records or a `__proto__` name). */
  assign: boolean;
  /** Locals already holding the top-level properties, by field number (a flat item's one pass). */
  pre?: readonly string[];
}

function genEnc(
  plan: ObjectPlan,
  src: string,
  where: string,
  present: boolean,
  t: Tables,
  build: Build,
  out: EncOut,
): void {
  for (const f of plan.fields) {
    const i = t.codecs.length;
    const path = where + segment(f.prop);
    t.paths.push(path);
    const mods = f.schema.mods;
    const absent = mods.optional ? "" : "H.required();";
    if (f.type === "embedObject") {
      t.codecs.push(undefined as unknown as Codec);
      t.items[i] = undefined;
      const e = `e${i}`;
      out.code +=
        `f = ${i}; x = ${read(src, f.prop)}; var ${e};\n` +
        `if (x === undefined) { ${absent} }\n` +
        `else if (x === null || typeof x !== "object" || Array.isArray(x)) H.notAnObject(x);\n` +
        `${e} = x;\n`;
      if (mods.optional) {
        // Fields of an optional embed are only read when it is there.
        const inner: EncOut = { code: "", always: [], maybe: [], assign: out.assign };
        genEnc(f.plan, e, path, false, t, build, inner);
        out.code += `if (${e} !== undefined) {\n${inner.code}}\n`;
        out.maybe.push(...inner.always, ...inner.maybe);
      } else {
        genEnc(f.plan, e, path, present, t, build, out);
      }
      continue;
    }
    if (f.type === "embedRecord") {
      t.codecs.push(build(f.value));
      t.items[i] = undefined;
      out.code +=
        `f = ${i}; x = ${read(src, f.prop)};\n` +
        `if (x === undefined) { ${absent} }\n` +
        `else H.encRec(x, o, d, ${lit(f.prefix)}, ${lit(f.suffix)}, K, C[${i}]);\n`;
      continue;
    }
    const codec = build(f.schema);
    t.codecs.push(codec);
    const kind = f.schema.def.kind;
    const v = `v${i}`;
    const omit = omitsEmpty(f.schema);
    let fast = "";
    let itemCodec: Codec | undefined;
    if (kind === "string") fast = omit ? "" : `if (typeof x === "string") ${v} = { S: x };`;
    else if (kind === "number") {
      // numberToN, inlined: finite and within DynamoDB's range, else the helper throws.
      fast = `if (typeof x === "number") ${v} = { N: (x < 1e126 && x > -1e126 && (x >= 1e-130 || x <= -1e-130 || x === 0)) ? "" + x : H.num(x) };`;
    } else if (kind === "boolean")
      fast = `if (x === true | x === false) ${v} = { BOOL: x };`; // see BOOL
    else if (kind === "bigint") fast = `if (typeof x === "bigint") ${v} = { N: H.big(x) };`;
    else if (kind === "binary" && !omit) fast = `if (x instanceof Uint8Array) ${v} = { B: x };`;
    else if (kind === "date" && f.schema.def.kind === "date" && f.schema.def.as === "iso") {
      fast = `if (x instanceof Date) ${v} = { S: H.iso(x) };`;
    } else if (kind === "date" && f.schema.def.kind === "date" && !omit) {
      // Epoch dates: the shared date codec's closures share one feedback vector across every
      // schema, so its call sites go megamorphic; inline the common case per schema.
      const t = `(x.getTime()${f.schema.def.as === "epochSeconds" ? " / 1000" : ""})`;
      fast = `if (x instanceof Date && x.getTime() === x.getTime()) ${v} = { N: H.num(${f.schema.def.as === "epochSeconds" ? `Math.floor${t}` : t}) };`;
    } else if ((kind === "stringSet" || kind === "numberSet") && !omit) {
      // A non-empty set whose members all fit; anything else goes to the codec (same errors).
      const ok =
        kind === "stringSet"
          ? `typeof m === "string"`
          : `typeof m === "number" && m < 1e126 && m > -1e126 && (m >= 1e-130 || m <= -1e-130 || m === 0)`;
      fast =
        `if (x instanceof Set && x.size !== 0) { var s${i} = []; for (var m of x) { if (!(${ok})) { s${i} = undefined; break; } s${i}.push(${kind === "stringSet" ? "m" : `"" + m`}); }\n` +
        ` ${v} = s${i} !== undefined ? { ${kind === "stringSet" ? "SS" : "NS"}: s${i} } : C[${i}].enc(x, d); }`;
    } else if (kind === "binarySet" && !omit) {
      fast =
        `if (x instanceof Set && x.size !== 0) { var s${i} = []; for (var m of x) { if (!(m instanceof Uint8Array)) { s${i} = undefined; break; } s${i}.push(m); }\n` +
        ` if (s${i} !== undefined) { H.distinctBytes(x, s${i}); ${v} = { BS: s${i} }; } else ${v} = C[${i}].enc(x, d); }`;
    } else if ((f.schema.def.kind === "record" || f.schema.def.kind === "map") && !omit) {
      // Entries encoded from this schema's own code, as recordCodec does (same checks, same
      // error paths); the shared codec's call to the value codec went megamorphic.
      const asMap = f.schema.def.kind === "map";
      itemCodec = build(f.schema.def.value);
      const put =
        `if (z === undefined) continue;\n` +
        `  if (k${i} === "__proto__" || k${i} === "") H.define(r${i}, H.checkName(k${i}), z); else r${i}[k${i}] = z;`;
      fast =
        `if (${asMap ? "x instanceof Map" : `x !== null && typeof x === "object" && !Array.isArray(x) && !(x instanceof Map)`}) {\n` +
        ` if (d + 1 > ${MAX_DEPTH}) H.tooDeep();\n` +
        ` var r${i} = {}, k${i}, y, z, rc = I[${i}];\n` +
        ` try { ${
          asMap
            ? `for (var en of x) { k${i} = en[0]; if (typeof k${i} !== "string") H.mapKey(k${i}); y = en[1];`
            : `for (k${i} in x) { y = x[k${i}];`
        }\n  if (y === undefined) continue; z = rc.enc(y, d + 1); ${put} }\n` +
        ` } catch (e) { throw H.idx(e, String(k${i}), x); }\n` +
        ` ${v} = { M: r${i} };\n}`;
    } else if (kind === "object" && !omit) {
      fast = `if (typeof x === "object" && x !== null && !Array.isArray(x) && x[TA] === undefined) ${v} = { M: C[${i}].encItem(x, d + 1) };`;
    } else if (
      kind === "list" &&
      !omit &&
      f.schema.def.kind === "list" &&
      isPlainObject(f.schema.def.item)
    ) {
      itemCodec = build(f.schema.def.item);
      fast =
        `if (Array.isArray(x)) {\n` +
        ` if (d + 1 > ${MAX_DEPTH}) H.tooDeep();\n` +
        ` var n${i} = x.length, l${i} = new Array(n${i}), j = 0, it, ic = I[${i}];\n` +
        ` try { for (; j < n${i}; j++) { it = x[j];\n` +
        `  if (typeof it === "object" && it !== null && !Array.isArray(it) && it[TA] === undefined) l${i}[j] = { M: ic.encItem(it, d + 2) };\n` +
        `  else { a = ic.enc(it, d + 1); if (a === undefined) H.emptyInList(); l${i}[j] = a; } }\n` +
        ` } catch (e) { throw H.idx(e, j, x); }\n` +
        ` ${v} = { L: l${i} };\n}`;
    } else if (kind === "list" && !omit && f.schema.def.kind === "list") {
      // Any other list: the element codec called from this schema's own code (monomorphic),
      // as the generic list codec would call it.
      itemCodec = build(f.schema.def.item);
      const leaf = leafEnc(f.schema.def.item, "it");
      fast =
        `if (Array.isArray(x)) {\n` +
        ` if (d + 1 > ${MAX_DEPTH}) H.tooDeep();\n` +
        ` var n${i} = x.length, l${i} = new Array(n${i}), j = 0, ic = I[${i}], it;\n` +
        ` try { for (; j < n${i}; j++) { it = x[j]; ${setEnc(f.schema.def.item, "it", "a", "ic.enc(it, d + 1)") ?? `a = ${leaf}ic.enc(it, d + 1);`} if (a === undefined) H.emptyInList(); l${i}[j] = a; }\n` +
        ` } catch (e) { throw H.idx(e, j, x); }\n` +
        ` ${v} = { L: l${i} };\n}`;
    }
    t.items[i] = itemCodec;
    // The codec never answers "store nothing" except for sets and omitEmpty.
    const maybeNothing =
      omit || kind === "stringSet" || kind === "numberSet" || kind === "binarySet";
    const generic = omit
      ? `{ a = C[${i}].enc(x, d); ${v} = a !== undefined && !H.isEmptyAV(a) ? a : undefined; }`
      : `${v} = C[${i}].enc(x, d);`;
    out.code +=
      `f = ${i}; x = ${out.pre?.[i] ?? read(src, f.prop)}; var ${v} = undefined;\n` +
      `if (x === undefined) { ${absent} }\n` +
      (fast ? `else ${fast}\n` : "") +
      (mods.nullable && !omit ? `else if (x === null) ${v} = { NULL: true };\n` : "") +
      `else ${generic}\n`;
    if (out.assign) {
      out.code += `if (${v} !== undefined) ${write("o", f.attr, v)};\n`;
    } else {
      (present && !mods.optional && !maybeNothing ? out.always : out.maybe).push({
        name: f.attr,
        local: v,
      });
    }
  }
}

/**
 * A flat item's encoder fast path: read every property (into `u0`, `u1`, ...; the general code
 * after it reuses them, so nothing is read twice), one condition over all their types, and the
 * item as one literal. `undefined` fails every type test, so it needs no branch of its own.
 */
function flatEnc(fields: readonly (Field & { type: "field" })[]): string {
  const ok: string[] = [];
  const slots: Slot[] = [];
  fields.forEach((f, i) => {
    const u = `u${i}`;
    switch (f.schema.def.kind) {
      case "string":
        ok.push(`typeof ${u} === "string"`);
        slots.push({ name: f.attr, local: `{ S: ${u} }` });
        break;
      case "number":
        ok.push(
          `typeof ${u} === "number" && ${u} < 1e126 && ${u} > -1e126 && (${u} >= 1e-130 || ${u} <= -1e-130 || ${u} === 0)`,
        );
        slots.push({ name: f.attr, local: `{ N: "" + ${u} }` });
        break;
      case "boolean":
        ok.push(`(${u} === true | ${u} === false)`); // see BOOL
        slots.push({ name: f.attr, local: `{ BOOL: ${u} }` });
        break;
      default: // binary
        ok.push(`${u} instanceof Uint8Array`);
        slots.push({ name: f.attr, local: `{ B: ${u} }` });
    }
  });
  return (
    `var ${fields.map((f, i) => `u${i} = ${read("v", f.prop)}`).join(", ")}, r;\n` +
    `if (${ok.join(" && ")}) {\n${literalOf("r", slots)}return r;\n}\n`
  );
}

function generateEnc(
  plan: ObjectPlan,
  build: Build,
): (v: unknown, depth: number) => Record<string, AttributeValue> {
  const t = new Tables();
  const literal = literalOk(plan);
  const flat = flatFields(plan, true);
  const pre = flat?.map((_, i) => `u${i}`);
  const out: EncOut = { code: "", always: [], maybe: [], assign: !literal, pre };
  genEnc(plan, "v", "", true, t, build, out);
  let body = out.code;
  if (literal) {
    body +=
      literalOf("o", out.always) +
      out.maybe
        .map((s) => `if (${s.local} !== undefined) ${write("o", s.name, s.local)};\n`)
        .join("");
  }
  const src =
    `"use strict";\nreturn function encItem(v, d) {\n` +
    `if (d > ${MAX_DEPTH}) H.tooDeep();\n` +
    `if (v === null || typeof v !== "object" || Array.isArray(v)) H.notAnObject(v);\n` +
    (flat ? flatEnc(flat) : "") +
    `var o = ${literal ? "undefined" : "{}"}, x, a, f = 0;\ntry {\n${body}} catch (e) { throw H.seg(e, P[f], v); }\nreturn o;\n};`;
  return new Function("H", "C", "I", "P", "K", "TA", "Uint8Array", "Date", src)(
    H,
    t.codecs,
    t.items,
    t.paths,
    plan.known,
    toAttribute,
    Uint8Array,
    Date,
  ) as (v: unknown, depth: number) => Record<string, AttributeValue>;
}

// ---------------------------------------------------------------- decoder

/** Nested objects are decoded in place up to this depth (deeper ones call their own decoder). */
const INLINE_DEPTH = 4;

function genDec(
  plan: ObjectPlan,
  target: string,
  src: string,
  where: string,
  t: Tables,
  build: Build,
  level = 0,
): string {
  let code = "";
  const always: Slot[] = [];
  const maybe: Slot[] = [];
  for (const f of plan.fields) {
    const i = t.codecs.length;
    const optional = f.schema.mods.optional;
    const v = `v${i}`;
    (optional ? maybe : always).push({ name: f.prop, local: v });
    if (f.type === "embedObject") {
      t.codecs.push(undefined as unknown as Codec);
      t.items[i] = undefined;
      t.paths[i] = where;
      t.plans[i] = f.plan;
      code +=
        `f = ${i}; var ${v} = undefined;\n` +
        `if (${optional ? `H.anyPresent(${src}, S[${i}])` : "true"}) {\n` +
        genDec(f.plan, v, src, where, t, build, level) +
        `}\n`;
      continue;
    }
    if (f.type === "embedRecord") {
      t.codecs.push(build(f.value));
      t.items[i] = undefined;
      t.paths[i] = where;
      code +=
        `f = ${i}; var ${v} = H.decRec(${src}, fl, ${lit(f.prefix)}, ${lit(f.suffix)}, K, C[${i}]);\n` +
        (optional ? `if (!H.hasKeys(${v})) ${v} = undefined;\n` : "");
      continue;
    }
    const codec = build(f.schema);
    t.codecs.push(codec);
    const empty = emptyAttr(f.schema);
    t.empties[i] = empty;
    t.paths[i] = where + segment(f.attr);
    const kind = f.schema.def.kind;
    let fast = "";
    let itemCodec: Codec | undefined;
    if (kind === "string") fast = `if (typeof (x = a.S) === "string") ${v} = x;`;
    else if (kind === "number") {
      // The common short decimal read by character tests (shortDecimal), else the full check.
      fast = `if (typeof (x = a.N) === "string") { if ((${v} = H.short(x)) !== ${v}) ${v} = H.exact(x); }`;
    } else if (kind === "boolean") {
      // BOOL: `typeof x === "boolean"` is `x === true || x === false`, a branch on the value
      // itself that mispredicts on every other item of random booleans (~2.5 ns a field, as
      // much as the rest of a small item); both compares joined by `|` branch once, predictably.
      fast = `if ((x = a.BOOL) === true | x === false) ${v} = x;`;
    } else if (kind === "bigint") fast = `if (typeof (x = a.N) === "string") ${v} = H.bigint(x);`;
    else if (kind === "binary") fast = `if ((x = a.B) instanceof Uint8Array) ${v} = x;`;
    else if (kind === "stringSet") fast = `if (Array.isArray(x = a.SS)) ${v} = new Set(x);`;
    else if (kind === "numberSet") {
      fast =
        `if (Array.isArray(x = a.NS)) { ${v} = new Set(); for (var k = 0, y, z; k < x.length; k++) {\n` +
        ` y = x[k]; if (typeof y !== "string" || (z = H.short(y)) !== z) z = H.exact(y); ${v}.add(z); } }`;
    } else if (f.schema.def.kind === "map" || f.schema.def.kind === "record") {
      // Entries decoded from this schema's own code (the shared codec's call went megamorphic).
      const asMap = f.schema.def.kind === "map";
      itemCodec = build(f.schema.def.value);
      fast =
        `if ((x = a.M) !== null && typeof x === "object") { var r${i} = ${asMap ? "new Map()" : "{}"}, k${i}, y, z, rc = I[${i}];\n` +
        ` try { for (k${i} in x) { y = x[k${i}]; if (y === undefined) continue; z = rc.dec(y, fl); ${asMap ? `r${i}.set(k${i}, z)` : `if (k${i} === "__proto__") H.define(r${i}, k${i}, z); else r${i}[k${i}] = z`}; }\n` +
        ` } catch (e) { throw H.idx(e, k${i}); }\n ${v} = r${i}; }`;
    } else if (kind === "date" && f.schema.def.kind === "date" && f.schema.def.as !== "iso") {
      // Epoch dates inline (see the encoder); an invalid time goes to the codec for its error.
      fast =
        `if (typeof (x = a.N) === "string") { var t${i} = H.short(x); if (t${i} !== t${i}) t${i} = H.exact(x);\n` +
        ` ${v} = new Date(t${i}${f.schema.def.as === "epochSeconds" ? " * 1000" : ""}); if (${v}.getTime() !== ${v}.getTime()) ${v} = C[${i}].dec(a, fl); }`;
    } else if (kind === "binarySet") fast = `if (Array.isArray(x = a.BS)) ${v} = new Set(x);`;
    else if (kind === "date" && f.schema.def.kind === "date" && f.schema.def.as === "iso") {
      fast = `if (typeof (x = a.S) === "string") ${v} = H.date(x);`;
    } else if (f.schema.def.kind === "object" && level < INLINE_DEPTH) {
      // A nested object, decoded in place (as a hand-written function would).
      const sub = f.schema.def.plan;
      t.plans[i] = sub;
      fast =
        `if ((x = a.M) !== undefined && x !== null && typeof x === "object") {\n var m${i} = x;\n` +
        genDec(sub, v, `m${i}`, t.paths[i], t, build, level + 1) +
        `if (fl & 6) { f = ${i}; H.unknownAttrs(m${i}, ${v}, fl, S[${i}]); }\n}`;
    } else if (kind === "object") {
      fast = `if ((x = a.M) !== undefined && x !== null && typeof x === "object") ${v} = C[${i}].decItem(x, fl);`;
    } else if (
      f.schema.def.kind === "list" &&
      f.schema.def.item.def.kind === "object" &&
      level < INLINE_DEPTH
    ) {
      // A list of objects: each element decoded in place. Element fields carry paths
      // relative to the element; the loop adds the index, then the list's own path.
      const elem = f.schema.def.item;
      const elemPlan = (elem.def as { plan: ObjectPlan }).plan;
      itemCodec = build(elem);
      t.plans[i] = elemPlan;
      const j = `j${i}`;
      const el = `el${i}`;
      fast =
        `if (Array.isArray(x = a.L)) {\n` +
        ` var L${i} = x, n${i} = L${i}.length, l${i} = new Array(n${i}), ${j} = 0, it${i}, im${i}, ${el};\n` +
        ` try { for (; ${j} < n${i}; ${j}++) { it${i} = L${i}[${j}];\n` +
        `  if (it${i} !== null && typeof it${i} === "object" && (im${i} = it${i}.M) !== undefined && im${i} !== null && typeof im${i} === "object") {\n` +
        genDec(elemPlan, el, `im${i}`, "", t, build, level + 1) +
        `  if (fl & 6) { f = -1; H.unknownAttrs(im${i}, ${el}, fl, S[${i}]); }\n` +
        `  l${i}[${j}] = ${el};\n` +
        `  } else { f = -1; l${i}[${j}] = I[${i}].dec(it${i}, fl); }\n` +
        ` } } catch (e) { var e${i} = H.idx(H.seg(e, Q[f]), ${j}); f = ${i}; throw e${i}; }\n` +
        ` ${v} = l${i};\n}`;
    } else if (
      kind === "list" &&
      f.schema.def.kind === "list" &&
      isPlainObject(f.schema.def.item)
    ) {
      itemCodec = build(f.schema.def.item);
      fast =
        `if (Array.isArray(x = a.L)) {\n` +
        ` var n${i} = x.length, l${i} = new Array(n${i}), j = 0, it, im, ic = I[${i}];\n` +
        ` try { for (; j < n${i}; j++) { it = x[j];\n` +
        `  l${i}[j] = it !== null && typeof it === "object" && (im = it.M) !== undefined && im !== null && typeof im === "object" ? ic.decItem(im, fl) : ic.dec(it, fl); }\n` +
        ` } catch (e) { throw H.idx(e, j); }\n` +
        ` ${v} = l${i};\n}`;
    } else if (f.schema.def.kind === "list") {
      // Any other list: the element codec called from this schema's own code (monomorphic).
      itemCodec = build(f.schema.def.item);
      fast =
        `if (Array.isArray(x = a.L)) {\n` +
        ` var n${i} = x.length, l${i} = new Array(n${i}), j = 0, ic = I[${i}];\n` +
        ` try { for (; j < n${i}; j++) l${i}[j] = ic.dec(x[j], fl);\n` +
        ` } catch (e) { throw H.idx(e, j); }\n` +
        ` ${v} = l${i};\n}`;
    }
    t.items[i] = itemCodec;
    const absent = optional
      ? ""
      : empty === undefined
        ? "H.missing();"
        : `${v} = C[${i}].dec(E[${i}], fl);`;
    code +=
      `f = ${i}; a = ${read(src, f.attr)}; var ${v} = undefined;\n` +
      `if (a === undefined) { ${absent} }\n` +
      (fast ? `else ${fast}\n` : "") +
      (f.schema.mods.nullable ? `else if (a.NULL !== undefined) ${v} = null;\n` : "") +
      `else ${v} = C[${i}].dec(a, fl);\n`;
  }
  code += literalOf(target, always);
  for (const s of maybe)
    code += inherited(s.name)
      ? `${write(target, s.name, s.local)};\n` // own undefined, not Object.prototype's member
      : `if (${s.local} !== undefined) ${write(target, s.name, s.local)};\n`;
  return code;
}

/**
 * A flat item's decoder fast path: every attribute's member read in one `try` (a missing
 * attribute or one that is not an object throws there, so no per-field `undefined` branch),
 * one condition over all their types, and the object as one literal. Anything else leaves
 * the block for the general code, which reads the item again and reports the first bad
 * attribute as before.
 */
function flatDec(fields: readonly (Field & { type: "field" })[]): string {
  const reads: string[] = [];
  const ok: string[] = [];
  const slots: Slot[] = [];
  fields.forEach((f, i) => {
    const w = `w${i}`;
    slots.push({ name: f.prop, local: w });
    const attr = `m[${lit(f.attr)}]`;
    switch (f.schema.def.kind) {
      case "string":
        reads.push(`${w} = ${attr}.S;`);
        ok.push(`typeof ${w} === "string"`);
        break;
      case "number":
        // shortDecimal: NaN for anything but a short decimal string (the general code decides).
        reads.push(`${w} = ${attr}.N;`);
        ok.push(`(${w} = H.short(${w})) === ${w}`);
        break;
      case "boolean":
        reads.push(`${w} = ${attr}.BOOL;`);
        ok.push(`(${w} === true | ${w} === false)`); // see BOOL
        break;
      default: // binary
        reads.push(`${w} = ${attr}.B;`);
        ok.push(`${w} instanceof Uint8Array`);
    }
  });
  return (
    `var ${fields.map((_, i) => `w${i}`).join(", ")};\n` +
    `flat: {\ntry { ${reads.join(" ")} } catch (e) { break flat; }\n` +
    `if (${ok.join(" && ")}) {\n${literalOf("o", slots)}` +
    `if (fl & 6) H.unknownAttrs(m, o, fl, R);\nreturn o;\n}\n}\n`
  );
}

function generateDec(
  plan: ObjectPlan,
  build: Build,
): (m: Record<string, AttributeValue>, flags: number) => unknown {
  const t = new Tables();
  const body = genDec(plan, "o", "m", "", t, build);
  const flat = flatFields(plan, false);
  const src =
    `"use strict";\nreturn function decItem(m, fl) {\n` +
    (flat ? flatDec(flat) : "") +
    `var o, a, x, f = 0;\ntry {\n${body}} catch (e) { throw H.seg(e, Q[f]); }\n` +
    `if (fl & 6) H.unknownAttrs(m, o, fl, R);\nreturn o;\n};`;
  return new Function("H", "C", "I", "E", "Q", "S", "K", "R", "Uint8Array", "Date", src)(
    H,
    t.codecs,
    t.items,
    t.empties,
    t.paths,
    t.plans,
    plan.known,
    plan,
    Uint8Array,
    Date,
  ) as (m: Record<string, AttributeValue>, flags: number) => unknown;
}

/** Builds the codec of an object plan as generated code (the interpreter where eval is forbidden). */
export function compileObject(plan: ObjectPlan, build: Build): Codec {
  if (!canGenerate()) return interpretObject(plan, build);
  return objectCodec(generateEnc(plan, build), generateDec(plan, build));
}

objectBuilders.codegen = compileObject;
