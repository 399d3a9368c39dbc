/**
 * Codecs: a schema turned, once, into an encoder and a decoder. Every kind but `object` is a
 * small closure shared by both compilation modes; object schemas are either interpreted
 * (`interpret.ts`) or generated as straight-line code (`compile.ts`). Both modes call the
 * same helpers below for every decision, which is what keeps their behaviour identical.
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { Fault, describe, describeAttr, withSegment } from "./fault.js";
import { toAttribute } from "./hooks.js";
import {
  MAX_DEPTH,
  callToAttribute,
  checkName,
  dateToIso,
  define,
  encodeValue,
  tooDeep,
} from "./marshal.js";
import { bigintToN, numberToN, parseBigInt, parseExactNumber } from "./numbers.js";
import type { AnySchema, Def, Literal, ObjectPlan } from "./schema/schema.js";
import { decodeValue } from "./unmarshal.js";

/** Decoding flag: imprecise numbers of `s.any()` fields become `NumberValue`s. */
export const WRAP = 1;
/** Decoding flag: attributes no schema field claims are kept (decoded schema-less). */
export const KEEP = 2;
/** Decoding flag: an attribute no schema field claims is an error. */
export const STRICT = 4;

/** An encoder/decoder pair for one schema. */
export interface Codec {
  /** Encodes a value; `undefined` means "store nothing" (an empty set). `depth`: level of the container. */
  enc(v: unknown, depth: number): AttributeValue | undefined;
  /** Decodes an attribute value; `flags` is a mix of {@link WRAP}, {@link KEEP}, {@link STRICT}. */
  dec(av: AttributeValue, flags: number): unknown;
  /** Object codecs: encodes the value as a map at level `depth`. */
  encItem?(v: unknown, depth: number): Record<string, AttributeValue>;
  /** Object codecs: decodes a map. */
  decItem?(m: Record<string, AttributeValue>, flags: number): unknown;
}

/** How object schemas are turned into code. */
export type Mode = "codegen" | "interpret";

/** Builds the codec of a child schema in the same mode. */
export type Build = (schema: AnySchema) => Codec;

type AV = Record<string, unknown>;

// ---------------------------------------------------------------- shared helpers

/** A value of the wrong type: encoded by its `[toAttribute]()` if it has one, else a fault. */
export function other(x: unknown, expected: string): AttributeValue {
  if (x !== null && typeof x === "object") {
    const hook = (x as { [toAttribute]?: unknown })[toAttribute];
    if (hook !== undefined) return callToAttribute(x, hook);
  }
  throw new Fault(`expected ${expected}, got ${x === undefined ? "undefined" : describe(x)}`);
}

/** An attribute value of the wrong type. */
export function wrongAttr(av: unknown, expected: string): never {
  throw new Fault(`expected ${expected}, got ${describeAttr(av)}`);
}

/** A required property that is missing. */
export function required(): never {
  throw new Fault("is required (the schema field is not optional)");
}

/** A required attribute that is missing from the item. */
export function missing(): never {
  throw new Fault("attribute is missing (the schema field is not optional)");
}

/** The value to encode an object from must be a non-null, non-array object. */
export function notAnObject(v: unknown): never {
  throw new Fault(`expected an object, got ${v === undefined ? "undefined" : describe(v)}`);
}

/** True for an attribute value `omitEmpty` leaves out: `""`, empty `B`, `L` or `M`. */
export function isEmptyAV(av: AttributeValue): boolean {
  const a = av as unknown as AV;
  if (a.S !== undefined) return a.S === "";
  if (a.L !== undefined) return (a.L as unknown[]).length === 0;
  if (a.M !== undefined) {
    for (const _ in a.M as object) return false;
    return true;
  }
  if (a.B !== undefined) return (a.B as Uint8Array).length === 0;
  return false;
}

/**
 * What a missing attribute of this kind decodes to when it was left out for being empty
 * (`omitEmpty`, or a set): `undefined` when a missing attribute is simply an error.
 */
export function emptyAttr(schema: AnySchema): AttributeValue | undefined {
  const kind = schema.def.kind;
  if (kind === "stringSet") return { SS: [] };
  if (kind === "numberSet") return { NS: [] };
  if (kind === "binarySet") return { BS: [] };
  if (!schema.mods.omitEmpty) return undefined;
  switch (kind) {
    case "string":
      return { S: "" };
    case "literal":
      return (schema.def as { values: readonly Literal[] }).values.includes("")
        ? { S: "" }
        : undefined;
    case "binary":
      return { B: new Uint8Array(0) };
    case "list":
      return { L: [] };
    case "map":
    case "record":
    case "object":
      return { M: {} };
    default:
      return undefined;
  }
}

/**
 * Whether `omitEmpty` applies to a field: only to kinds that have an empty value to read
 * back (string, binary, list, map, record, object, a literal that allows ""). Elsewhere
 * (`s.any()` included) it has no effect, so that nothing is read back different.
 */
export function omitsEmpty(schema: AnySchema): boolean {
  const kind = schema.def.kind;
  if (
    !schema.mods.omitEmpty ||
    kind === "stringSet" ||
    kind === "numberSet" ||
    kind === "binarySet"
  )
    return false;
  return emptyAttr(schema) !== undefined;
}

/** Encodes the keys of an embedded record into the item, checking for collisions. */
export function encEmbedRecord(
  x: unknown,
  out: Record<string, AttributeValue>,
  depth: number,
  prefix: string,
  suffix: string,
  known: ReadonlySet<string>,
  codec: Codec,
): void {
  if (x === null || typeof x !== "object" || Array.isArray(x)) notAnObject(x);
  let k: string | undefined;
  try {
    for (k in x as AV) {
      const v = (x as AV)[k];
      if (v === undefined) continue;
      const attr = prefix + k + suffix;
      if (known.has(attr) || Object.prototype.hasOwnProperty.call(out, attr)) {
        throw new Fault(
          `flattened key becomes attribute ${JSON.stringify(attr)}, which another field already uses`,
        );
      }
      const av = codec.enc(v, depth);
      if (av !== undefined) define(out, checkName(attr), av);
    }
  } catch (e) {
    throw withSegment(e, k!);
  }
}

/** Decodes the attributes an embedded record claims (not fixed, matching prefix and suffix). */
export function decEmbedRecord(
  m: Record<string, AttributeValue>,
  flags: number,
  prefix: string,
  suffix: string,
  known: ReadonlySet<string>,
  codec: Codec,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const min = prefix.length + suffix.length;
  let k: string | undefined;
  try {
    for (k in m) {
      if (known.has(k) || k.length < min || !k.startsWith(prefix) || !k.endsWith(suffix)) continue;
      const av = m[k];
      if (av === undefined) continue;
      define(out, k.slice(prefix.length, k.length - suffix.length), codec.dec(av, flags));
    }
  } catch (e) {
    throw withSegment(e, k!);
  }
  return out;
}

/** True when any attribute of an (embedded) plan is present in the map. */
export function anyPresent(m: Record<string, AttributeValue>, plan: ObjectPlan): boolean {
  for (const k of plan.known) if (m[k] !== undefined) return true;
  if (plan.records.length === 0) return false;
  for (const k in m) {
    for (const r of plan.records) {
      if (
        k.length >= r.prefix.length + r.suffix.length &&
        k.startsWith(r.prefix) &&
        k.endsWith(r.suffix)
      )
        return true;
    }
  }
  return false;
}

/** Handles the attributes no field claims, per the flags: kept (schema-less), or an error. */
export function unknownAttrs(
  m: Record<string, AttributeValue>,
  out: Record<string, unknown>,
  flags: number,
  plan: ObjectPlan,
): void {
  let k: string | undefined;
  try {
    outer: for (k in m) {
      if (plan.known.has(k) || m[k] === undefined) continue;
      for (const r of plan.records) {
        if (
          k.length >= r.prefix.length + r.suffix.length &&
          k.startsWith(r.prefix) &&
          k.endsWith(r.suffix)
        ) {
          continue outer;
        }
      }
      if (flags & STRICT) throw new Fault('attribute is not in the schema (unknown: "error")');
      if (Object.prototype.hasOwnProperty.call(out, k)) {
        throw new Fault("unknown attribute has the name of a schema property; cannot keep it");
      }
      define(out, k, decodeValue(m[k], (flags & WRAP) !== 0));
    }
  } catch (e) {
    throw withSegment(e, k!);
  }
}

// ---------------------------------------------------------------- leaf codecs

const str: Codec = {
  enc: (x) => (typeof x === "string" ? { S: x } : other(x, "a string")),
  dec: (av) => {
    const v = (av as unknown as AV).S;
    return typeof v === "string" ? v : wrongAttr(av, "S (a string)");
  },
};

const num: Codec = {
  enc: (x) => (typeof x === "number" ? { N: numberToN(x) } : other(x, "a number")),
  dec: (av) => {
    const v = (av as unknown as AV).N;
    return typeof v === "string" ? parseExactNumber(v) : wrongAttr(av, "N (a number)");
  },
};

const big: Codec = {
  enc: (x) => (typeof x === "bigint" ? { N: bigintToN(x) } : other(x, "a bigint")),
  dec: (av) => {
    const v = (av as unknown as AV).N;
    return typeof v === "string" ? parseBigInt(v) : wrongAttr(av, "N (a number)");
  },
};

const bool: Codec = {
  enc: (x) => (typeof x === "boolean" ? { BOOL: x } : other(x, "a boolean")),
  dec: (av) => {
    const v = (av as unknown as AV).BOOL;
    return typeof v === "boolean" ? v : wrongAttr(av, "BOOL (a boolean)");
  },
};

const bin: Codec = {
  enc: (x) => (x instanceof Uint8Array ? { B: x } : other(x, "a Uint8Array")),
  dec: (av) => {
    const v = (av as unknown as AV).B;
    return v instanceof Uint8Array ? v : wrongAttr(av, "B (a binary)");
  },
};

const json: Codec = {
  enc: (x) => {
    let text: string | undefined;
    try {
      text = JSON.stringify(x);
    } catch (e) {
      throw new Fault(`cannot be stored as JSON: ${e instanceof Error ? e.message : String(e)}`, e);
    }
    if (text === undefined) throw new Fault(`${describe(x)} cannot be stored as JSON`);
    return { S: text };
  },
  dec: (av) => {
    const v = (av as unknown as AV).S;
    if (typeof v !== "string") wrongAttr(av, "S (a JSON string)");
    try {
      return JSON.parse(v as string);
    } catch (e) {
      throw new Fault(`is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, e);
    }
  },
};

const anyCodec: Codec = {
  enc: (x, depth) => encodeValue(x, depth),
  dec: (av, flags) => decodeValue(av, (flags & WRAP) !== 0),
};

/** An ISO 8601 string as a `Date`; faults when it is not a date. */
export function isoToDate(v: string): Date {
  const d = new Date(v);
  return d.getTime() === d.getTime() ? d : notADate(v);
}

function notADate(v: string): never {
  throw new Fault(`${JSON.stringify(v)} is not a date`);
}

function dateCodec(as: "iso" | "epochMs" | "epochSeconds"): Codec {
  if (as === "iso") {
    return {
      enc: (x) => (x instanceof Date ? { S: dateToIso(x) } : other(x, "a Date")),
      dec: (av) => {
        const v = (av as unknown as AV).S;
        return typeof v === "string" ? isoToDate(v) : wrongAttr(av, "S (an ISO 8601 date)");
      },
    };
  }
  const scale = as === "epochMs" ? 1 : 1000;
  return {
    enc: (x) => {
      if (!(x instanceof Date)) return other(x, "a Date");
      const t = x.getTime();
      if (t !== t) throw new Fault("an invalid Date cannot be stored");
      return { N: numberToN(scale === 1 ? t : Math.floor(t / 1000)) };
    },
    dec: (av) => {
      const v = (av as unknown as AV).N;
      if (typeof v !== "string")
        wrongAttr(av, `N (epoch ${scale === 1 ? "milliseconds" : "seconds"})`);
      const d = new Date(parseExactNumber(v as string) * scale);
      if (d.getTime() !== d.getTime()) throw new Fault(`${v} is not a valid epoch time`);
      return d;
    },
  };
}

function literalCodec(values: readonly Literal[]): Codec {
  const list = values.map((v) => JSON.stringify(v)).join(" | ");
  const accept = (x: unknown): AttributeValue => {
    if (typeof x === "string") return { S: x };
    if (typeof x === "number") return { N: numberToN(x) };
    if (typeof x === "boolean") return { BOOL: x };
    return { NULL: true };
  };
  return {
    enc: (x) => (values.includes(x as Literal) ? accept(x) : other(x, list)),
    dec: (av) => {
      const a = av as unknown as AV;
      const v =
        a.S !== undefined
          ? a.S
          : a.N !== undefined
            ? parseExactNumber(a.N as string)
            : a.BOOL !== undefined
              ? a.BOOL
              : a.NULL !== undefined
                ? null
                : wrongAttr(av, list);
      if (!values.includes(v as Literal)) throw new Fault(`expected ${list}, got ${describe(v)}`);
      return v;
    },
  };
}

function setCodec(kind: "stringSet" | "numberSet" | "binarySet"): Codec {
  const tag = kind === "stringSet" ? "SS" : kind === "numberSet" ? "NS" : "BS";
  const what = kind === "stringSet" ? "strings" : kind === "numberSet" ? "numbers" : "Uint8Arrays";
  const member =
    kind === "stringSet"
      ? (x: unknown) => (typeof x === "string" ? x : undefined)
      : kind === "numberSet"
        ? (x: unknown) => (typeof x === "number" ? numberToN(x) : undefined)
        : (x: unknown) => (x instanceof Uint8Array ? x : undefined);
  const read =
    kind === "numberSet"
      ? (x: unknown) => parseExactNumber(x as string)
      : (x: unknown) => x as string | Uint8Array;
  return {
    enc: (x) => {
      if (!(x instanceof Set)) return other(x, `a Set of ${what}`);
      if (x.size === 0) return undefined;
      const out: unknown[] = [];
      for (const m of x) {
        const v = member(m);
        if (v === undefined)
          throw new Fault(`expected a Set of ${what}, but it holds ${describe(m)}`);
        out.push(v);
      }
      return { [tag]: out } as unknown as AttributeValue;
    },
    dec: (av) => {
      const v = (av as unknown as AV)[tag];
      if (!Array.isArray(v)) wrongAttr(av, `${tag} (a set of ${what})`);
      if (kind !== "numberSet") return new Set(v as unknown[]);
      const out = new Set<unknown>();
      for (const m of v as unknown[]) out.add(read(m));
      return out;
    },
  };
}

function listCodec(item: Codec): Codec {
  return {
    enc: (x, depth) => {
      if (!Array.isArray(x)) return other(x, "an array");
      const d = depth + 1;
      if (d > MAX_DEPTH) tooDeep();
      const n = x.length;
      const out: AttributeValue[] = new Array(n);
      let i = 0;
      try {
        for (; i < n; i++) {
          const av = item.enc(x[i], d);
          if (av === undefined) throw new Fault("an empty set cannot be stored in a list");
          out[i] = av;
        }
      } catch (e) {
        throw withSegment(e, i);
      }
      return { L: out };
    },
    dec: (av, flags) => {
      const l = (av as unknown as AV).L as AttributeValue[] | undefined;
      if (!Array.isArray(l)) wrongAttr(av, "L (a list)");
      const n = l!.length;
      const out: unknown[] = new Array(n);
      let i = 0;
      try {
        for (; i < n; i++) out[i] = item.dec(l![i], flags);
      } catch (e) {
        throw withSegment(e, i);
      }
      return out;
    },
  };
}

function encEntries(x: object, value: Codec, depth: number): Record<string, AttributeValue> {
  const d = depth + 1;
  if (d > MAX_DEPTH) tooDeep();
  const out: Record<string, AttributeValue> = {};
  let k: string | undefined;
  try {
    if (x instanceof Map) {
      for (const [key, v] of x) {
        k = key;
        if (typeof key !== "string")
          throw new Fault(`a Map key must be a string, not ${describe(key)}`);
        if (v === undefined) continue;
        const av = value.enc(v, d);
        if (av !== undefined) define(out, checkName(key), av);
      }
    } else {
      for (k in x) {
        const v = (x as AV)[k];
        if (v === undefined) continue;
        const av = value.enc(v, d);
        if (av === undefined) continue;
        if (k === "__proto__" || k === "") define(out, checkName(k), av);
        else out[k] = av;
      }
    }
  } catch (e) {
    throw withSegment(e, String(k));
  }
  return out;
}

function recordCodec(value: Codec, asMap: boolean): Codec {
  return {
    enc: (x, depth) => {
      if (x === null || typeof x !== "object" || Array.isArray(x) || (!asMap && x instanceof Map)) {
        return other(x, asMap ? "a Map or an object" : "an object");
      }
      return { M: encEntries(x, value, depth) };
    },
    dec: (av, flags) => {
      const m = (av as unknown as AV).M as Record<string, AttributeValue> | undefined;
      if (m === null || typeof m !== "object") wrongAttr(av, "M (a map)");
      const out: Record<string, unknown> | Map<string, unknown> = asMap ? new Map() : {};
      let k: string | undefined;
      try {
        for (k in m) {
          const a = m![k];
          if (a === undefined) continue;
          const v = value.dec(a, flags);
          if (asMap) (out as Map<string, unknown>).set(k, v);
          else define(out, k, v);
        }
      } catch (e) {
        throw withSegment(e, k!);
      }
      return out;
    },
  };
}

function customCodec(def: Extract<Def, { kind: "custom" }>): Codec {
  const call = <R>(what: string, fn: () => R): R => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof Fault) throw e;
      throw new Fault(`${what} failed: ${e instanceof Error ? e.message : String(e)}`, e);
    }
  };
  if (def.item) {
    const c = def.item;
    return {
      enc: (x) => {
        const m = call("toItem()", () => c.toItem(x));
        if (m === null || typeof m !== "object")
          throw new Fault(`toItem() returned ${describe(m)}, not an item`);
        return { M: m };
      },
      dec: (av) => {
        const m = (av as unknown as AV).M as Record<string, AttributeValue> | undefined;
        if (m === null || typeof m !== "object") wrongAttr(av, "M (a map)");
        return call("fromItem()", () => c.fromItem(m!));
      },
      encItem: (x) => {
        const m = call("toItem()", () => c.toItem(x));
        if (m === null || typeof m !== "object")
          throw new Fault(`toItem() returned ${describe(m)}, not an item`);
        return m;
      },
      decItem: (m) => call("fromItem()", () => c.fromItem(m)),
    };
  }
  const c = def.attr!;
  return {
    enc: (x) => {
      const av = call("toAttribute()", () => c.toAttribute(x));
      if (av === null || typeof av !== "object")
        throw new Fault(`toAttribute() returned ${describe(av)}`);
      return av;
    },
    dec: (av) => call("fromAttribute()", () => c.fromAttribute(av)),
  };
}

function nullable(inner: Codec): Codec {
  const out: Codec = {
    enc: (x, depth) => (x === null ? { NULL: true } : inner.enc(x, depth)),
    dec: (av, flags) => ((av as unknown as AV).NULL !== undefined ? null : inner.dec(av, flags)),
  };
  if (inner.encItem) out.encItem = inner.encItem;
  if (inner.decItem) out.decItem = inner.decItem;
  return out;
}

/** Object codec builders, one per mode (set by `interpret.ts` and `compile.ts`). */
export const objectBuilders: Partial<Record<Mode, (plan: ObjectPlan, build: Build) => Codec>> = {};

const caches: Record<Mode, WeakMap<AnySchema, Codec>> = {
  codegen: new WeakMap(),
  interpret: new WeakMap(),
};

/** The codec of a schema in a mode, built once and cached on the schema. */
export function codecOf(schema: AnySchema, mode: Mode): Codec {
  const cache = caches[mode];
  let codec = cache.get(schema);
  if (codec === undefined) {
    codec = buildCodec(schema, mode);
    cache.set(schema, codec);
  }
  return codec;
}

function buildCodec(schema: AnySchema, mode: Mode): Codec {
  const build: Build = (child) => codecOf(child, mode);
  const def = schema.def;
  let codec: Codec;
  switch (def.kind) {
    case "string":
      codec = str;
      break;
    case "number":
      codec = num;
      break;
    case "bigint":
      codec = big;
      break;
    case "boolean":
      codec = bool;
      break;
    case "binary":
      codec = bin;
      break;
    case "json":
      codec = json;
      break;
    case "any":
      codec = anyCodec;
      break;
    case "date":
      codec = dateCodec(def.as);
      break;
    case "literal":
      codec = literalCodec(def.values);
      break;
    case "stringSet":
    case "numberSet":
    case "binarySet":
      codec = setCodec(def.kind);
      break;
    case "list":
      codec = listCodec(build(def.item));
      break;
    case "map":
    case "record":
      codec = recordCodec(build(def.value), def.kind === "map");
      break;
    case "object": {
      const make = objectBuilders[mode] ?? objectBuilders.interpret!;
      codec = make(def.plan, build);
      break;
    }
    case "embed":
      codec = build(def.inner);
      break;
    case "custom":
      codec = customCodec(def);
      break;
  }
  return schema.mods.nullable ? nullable(codec) : codec;
}

/** Builds the `M` wrapper codec of an object from its item encoder and decoder. */
export function objectCodec(
  encItem: (v: unknown, depth: number) => Record<string, AttributeValue>,
  decItem: (m: Record<string, AttributeValue>, flags: number) => unknown,
): Codec {
  return {
    enc: (x, depth) => {
      if (
        x === null ||
        typeof x !== "object" ||
        Array.isArray(x) ||
        (x as AV)[toAttribute as never] !== undefined
      ) {
        return other(x, "an object");
      }
      return { M: encItem(x, depth + 1) };
    },
    dec: (av, flags) => {
      const m = (av as unknown as AV).M as Record<string, AttributeValue> | undefined;
      if (m === null || typeof m !== "object") wrongAttr(av, "M (a map)");
      return decItem(m!, flags);
    },
    encItem,
    decItem,
  };
}
