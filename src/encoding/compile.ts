/**
 * Object schemas as generated code: one straight-line encoder and one decoder per object
 * schema, with attribute names, property names and the common leaf types inlined, built
 * once with `new Function`. Anything unusual (null, a hook, a wrong type, nested kinds)
 * is handed to the same codecs and helpers the interpreter uses, so both modes behave
 * identically; only the common path is specialised.
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import {
  anyPresent,
  decEmbedRecord,
  emptyAttr,
  encEmbedRecord,
  isEmptyAV,
  missing,
  notAnObject,
  objectBuilders,
  objectCodec,
  required,
  unknownAttrs,
  type Build,
  type Codec,
} from "./codec.js";
import { segment, withRawSegment } from "./fault.js";
import { interpretObject } from "./interpret.js";
import { MAX_DEPTH, dateToIso, define, tooDeep } from "./marshal.js";
import { bigintToN, numberToN, parseBigInt, parseExactNumber } from "./numbers.js";
import type { ObjectPlan } from "./schema/schema.js";

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
  num: numberToN,
  big: bigintToN,
  iso: dateToIso,
  exact: parseExactNumber,
  bigint: parseBigInt,
  seg: withRawSegment,
  encRec: encEmbedRecord,
  decRec: decEmbedRecord,
  anyPresent,
  unknownAttrs,
  hasKeys(o: object): boolean {
    for (const _ in o) return true;
    return false;
  },
};

const lit = (s: string): string => JSON.stringify(s);

interface Tables {
  codecs: Codec[];
  empties: (AttributeValue | undefined)[];
  plans: ObjectPlan[];
  encPaths: string[];
  decPaths: string[];
}

/** Assignment of an attribute (uses `define` for `__proto__`, which `=` would not store). */
function put(target: string, name: string, value: string): string {
  return name === "__proto__"
    ? `H.define(${target}, ${lit(name)}, ${value});`
    : `${target}[${lit(name)}] = ${value};`;
}

function genEnc(
  plan: ObjectPlan,
  src: string,
  where: string,
  t: Tables,
  build: Build,
  root: ObjectPlan,
): string {
  let code = "";
  for (const f of plan.fields) {
    const i = t.codecs.length;
    const path = where + segment(f.prop);
    t.encPaths.push(path);
    const mods = f.schema.mods;
    const absent = mods.optional ? "" : "H.required();";
    if (f.type === "field") {
      const codec = build(f.schema);
      t.codecs.push(codec);
      const kind = f.schema.def.kind;
      const A = f.attr;
      let fast = "";
      if (!mods.omitEmpty || kind === "string") {
        if (kind === "string") {
          fast = mods.omitEmpty
            ? `if (typeof x === "string") { if (x !== "") ${put("o", A, "{ S: x }")} }`
            : `if (typeof x === "string") ${put("o", A, "{ S: x }")}`;
        } else if (kind === "number")
          fast = `if (typeof x === "number") ${put("o", A, "{ N: H.num(x) }")}`;
        else if (kind === "boolean")
          fast = `if (typeof x === "boolean") ${put("o", A, "{ BOOL: x }")}`;
        else if (kind === "bigint")
          fast = `if (typeof x === "bigint") ${put("o", A, "{ N: H.big(x) }")}`;
        else if (kind === "binary")
          fast = `if (x instanceof Uint8Array) ${put("o", A, "{ B: x }")}`;
        else if (kind === "date" && f.schema.def.as === "iso") {
          fast = `if (x instanceof Date) ${put("o", A, "{ S: H.iso(x) }")}`;
        }
      }
      const keep = mods.omitEmpty ? "a !== undefined && !H.isEmptyAV(a)" : "a !== undefined";
      const generic = `{ a = C[${i}].enc(x, d); if (${keep}) ${put("o", A, "a")} }`;
      code +=
        `f = ${i}; x = ${src}[${lit(f.prop)}];\n` +
        `if (x === undefined) { ${absent} }\n` +
        (fast ? `else ${fast}\n` : "") +
        `else ${generic}\n`;
    } else if (f.type === "embedObject") {
      t.codecs.push(undefined as unknown as Codec);
      const e = `e${i}`;
      code +=
        `f = ${i}; x = ${src}[${lit(f.prop)}];\n` +
        `if (x === undefined) { ${absent} }\n` +
        `else {\n if (x === null || typeof x !== "object" || Array.isArray(x)) H.notAnObject(x);\n var ${e} = x;\n` +
        genEnc(f.plan, e, path, t, build, root) +
        `}\n`;
    } else {
      t.codecs.push(build(f.value));
      code +=
        `f = ${i}; x = ${src}[${lit(f.prop)}];\n` +
        `if (x === undefined) { ${absent} }\n` +
        `else H.encRec(x, o, d, ${lit(f.prefix)}, ${lit(f.suffix)}, K, C[${i}]);\n`;
    }
  }
  return code;
}

function genDec(plan: ObjectPlan, target: string, t: Tables, build: Build): string {
  let code = "";
  for (const f of plan.fields) {
    const i = t.codecs.length;
    const optional = f.schema.mods.optional;
    if (f.type === "field") {
      const codec = build(f.schema);
      t.codecs.push(codec);
      const empty = emptyAttr(f.schema);
      t.empties[i] = empty;
      t.decPaths[i] = segment(f.attr);
      const P = f.prop;
      const kind = f.schema.def.kind;
      let fast = "";
      if (kind === "string") fast = `if (typeof (x = a.S) === "string") ${put(target, P, "x")}`;
      else if (kind === "number")
        fast = `if (typeof (x = a.N) === "string") ${put(target, P, "H.exact(x)")}`;
      else if (kind === "boolean")
        fast = `if (typeof (x = a.BOOL) === "boolean") ${put(target, P, "x")}`;
      else if (kind === "bigint")
        fast = `if (typeof (x = a.N) === "string") ${put(target, P, "H.bigint(x)")}`;
      else if (kind === "binary")
        fast = `if ((x = a.B) instanceof Uint8Array) ${put(target, P, "x")}`;
      const absent = optional
        ? ""
        : empty === undefined
          ? "H.missing();"
          : put(target, P, `C[${i}].dec(E[${i}], fl)`);
      code +=
        `f = ${i}; a = m[${lit(f.attr)}];\n` +
        `if (a === undefined) { ${absent} }\n` +
        (fast ? `else ${fast}\n` : "") +
        `else ${put(target, P, `C[${i}].dec(a, fl)`)}\n`;
    } else if (f.type === "embedObject") {
      t.codecs.push(undefined as unknown as Codec);
      t.decPaths[i] = "";
      t.plans[i] = f.plan;
      const e = `e${i}`;
      code +=
        `f = ${i};\n` +
        `if (${optional ? `H.anyPresent(m, S[${i}])` : "true"}) {\n var ${e} = {};\n` +
        genDec(f.plan, e, t, build) +
        `f = ${i}; ${put(target, f.prop, e)}\n}\n`;
    } else {
      t.codecs.push(build(f.value));
      t.decPaths[i] = "";
      code +=
        `f = ${i}; x = H.decRec(m, fl, ${lit(f.prefix)}, ${lit(f.suffix)}, K, C[${i}]);\n` +
        (optional
          ? `if (H.hasKeys(x)) ${put(target, f.prop, "x")}\n`
          : `${put(target, f.prop, "x")}\n`);
    }
  }
  return code;
}

type EncItem = (v: unknown, depth: number) => Record<string, AttributeValue>;
type DecItem = (m: Record<string, AttributeValue>, flags: number) => unknown;

/** Builds the codec of an object plan as generated code (falls back to the interpreter if eval is forbidden). */
export function compileObject(plan: ObjectPlan, build: Build): Codec {
  if (!canGenerate()) return interpretObject(plan, build);
  return objectCodec(generateEnc(plan, build), generateDec(plan, build));
}

function newTables(): Tables {
  return { codecs: [], empties: [], plans: [], encPaths: [], decPaths: [] };
}

function generateEnc(plan: ObjectPlan, build: Build): EncItem {
  const t = newTables();
  const body = genEnc(plan, "v", "", t, build, plan);
  const src =
    `"use strict";\nreturn function encItem(v, d) {\n` +
    `if (d > ${MAX_DEPTH}) H.tooDeep();\n` +
    `if (v === null || typeof v !== "object" || Array.isArray(v)) H.notAnObject(v);\n` +
    `var o = {}, x, a, f = 0;\ntry {\n${body}} catch (e) { throw H.seg(e, P[f]); }\nreturn o;\n};`;
  return new Function("H", "C", "P", "K", "Uint8Array", "Date", src)(
    H,
    t.codecs,
    t.encPaths,
    plan.known,
    Uint8Array,
    Date,
  ) as EncItem;
}

function generateDec(plan: ObjectPlan, build: Build): DecItem {
  const t = newTables();
  const body = genDec(plan, "o", t, build);
  const src =
    `"use strict";\nreturn function decItem(m, fl) {\n` +
    `var o = {}, a, x, f = 0;\ntry {\n${body}} catch (e) { throw H.seg(e, Q[f]); }\n` +
    `if (fl & 6) H.unknownAttrs(m, o, fl, R);\nreturn o;\n};`;
  return new Function("H", "C", "E", "Q", "S", "K", "R", "Uint8Array", src)(
    H,
    t.codecs,
    t.empties,
    t.decPaths,
    t.plans,
    plan.known,
    plan,
    Uint8Array,
  ) as DecItem;
}

objectBuilders.codegen = compileObject;
