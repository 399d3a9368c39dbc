/**
 * The codec of every schema kind but `object` (which `interpret.ts` and `compile.ts` build):
 * leaves (string, number, date, ...), sets, lists, maps and records, custom codecs, and the
 * `nullable` wrapper. Shared by both compilation modes.
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { Codec } from "./codec.js";
import { PathError, describe, describeAttr, withSegment } from "./path-error.js";
import { WRAP } from "./flags.js";
import { toAttribute } from "./hooks.js";
import {
  MAX_DEPTH,
  callToAttribute,
  checkName,
  dateToIso,
  define,
  distinctBytes,
  encodeValue,
  tooDeep,
} from "./marshal.js";
import { bigintToN, numberToN, parseBigInt, parseExactNumber } from "./numbers.js";
import type { Def, Literal } from "./schema/schema.js";
import { decodeValue } from "./unmarshal.js";

type AV = Record<string, unknown>;

/** A value of the wrong type: encoded by its `[toAttribute]()` if it has one, else an error. */
export function other(x: unknown, expected: string): AttributeValue {
  if (x !== null && typeof x === "object") {
    const hook = (x as { [toAttribute]?: unknown })[toAttribute];
    if (hook !== undefined) return callToAttribute(x, hook);
  }
  throw new PathError(`expected ${expected}, got ${x === undefined ? "undefined" : describe(x)}`);
}

/** An attribute value of the wrong type. */
export function wrongAttr(av: unknown, expected: string): never {
  throw new PathError(`expected ${expected}, got ${describeAttr(av)}`);
}

/** `s.string()`: `S`. */
export const str: Codec = {
  enc: (x) => (typeof x === "string" ? { S: x } : other(x, "a string")),
  dec: (av) => {
    const v = (av as unknown as AV).S;
    return typeof v === "string" ? v : wrongAttr(av, "S (a string)");
  },
};

/** `s.number()`: `N`, read back only when exact. */
export const num: Codec = {
  enc: (x) => (typeof x === "number" ? { N: numberToN(x) } : other(x, "a number")),
  dec: (av) => {
    const v = (av as unknown as AV).N;
    return typeof v === "string" ? parseExactNumber(v) : wrongAttr(av, "N (a number)");
  },
};

/** `s.bigint()`: `N`, read back as a bigint. */
export const big: Codec = {
  enc: (x) => (typeof x === "bigint" ? { N: bigintToN(x) } : other(x, "a bigint")),
  dec: (av) => {
    const v = (av as unknown as AV).N;
    return typeof v === "string" ? parseBigInt(v) : wrongAttr(av, "N (a number)");
  },
};

/** `s.boolean()`: `BOOL`. */
export const bool: Codec = {
  enc: (x) => (typeof x === "boolean" ? { BOOL: x } : other(x, "a boolean")),
  dec: (av) => {
    const v = (av as unknown as AV).BOOL;
    return typeof v === "boolean" ? v : wrongAttr(av, "BOOL (a boolean)");
  },
};

/** `s.binary()`: `B`. */
export const bin: Codec = {
  enc: (x) => (x instanceof Uint8Array ? { B: x } : other(x, "a Uint8Array")),
  dec: (av) => {
    const v = (av as unknown as AV).B;
    return v instanceof Uint8Array ? v : wrongAttr(av, "B (a binary)");
  },
};

/** `s.json()`: a JSON string in `S`. */
export const json: Codec = {
  enc: (x) => {
    let text: string | undefined;
    try {
      text = JSON.stringify(x);
    } catch (e) {
      throw new PathError(
        `cannot be stored as JSON: ${e instanceof Error ? e.message : String(e)}`,
        e,
      );
    }
    if (text === undefined) throw new PathError(`${describe(x)} cannot be stored as JSON`);
    return { S: text };
  },
  dec: (av) => {
    const v = (av as unknown as AV).S;
    if (typeof v !== "string") wrongAttr(av, "S (a JSON string)");
    try {
      return JSON.parse(v as string);
    } catch (e) {
      throw new PathError(`is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, e);
    }
  },
};

/** `s.any()`: the schema-less mapping. */
export const anyCodec: Codec = {
  enc: (x, depth) => encodeValue(x, depth),
  // Depth counts from the field (schemas are finite; this bounds what the field can hold).
  dec: (av, flags) => decodeValue(av, (flags & WRAP) !== 0, 1),
};

/** An ISO 8601 string as a `Date`; throws when it is not a date. */
export function isoToDate(v: string): Date {
  const t = isoMs(v);
  if (t === t) return new Date(t);
  const d = new Date(v);
  return d.getTime() === d.getTime() ? d : notADate(v);
}

/** Two decimal digits at `i`, or a negative number when they are not digits. */
function two(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * The common case of an ISO date, what `toISOString()` writes: exactly
 * `YYYY-MM-DDTHH:mm:ss.sssZ` with a year from 0100 and every field in range (the day within
 * its month, the hour below 24). Returns its epoch milliseconds, exactly `Date.parse(v)`, or
 * `NaN` for any other string (the caller then lets `new Date(v)` read it, which also takes
 * the forms and the out-of-range values V8 is lenient about). Character tests and integer
 * arithmetic instead of the date parser, which is several times slower.
 */
export function isoMs(v: string): number {
  if (v.length !== 24) return NaN;
  if (
    v.charCodeAt(4) !== 45 || // -
    v.charCodeAt(7) !== 45 ||
    v.charCodeAt(10) !== 84 || // T
    v.charCodeAt(13) !== 58 || // :
    v.charCodeAt(16) !== 58 ||
    v.charCodeAt(19) !== 46 || // .
    v.charCodeAt(23) !== 90 // Z
  )
    return NaN;
  const hi = two(v, 0);
  const lo = two(v, 2);
  const mo = two(v, 5);
  const d = two(v, 8);
  const h = two(v, 11);
  const mi = two(v, 14);
  const sec = two(v, 17);
  const c = v.charCodeAt(22) - 48;
  const ms = two(v, 20);
  if ((hi | lo | mo | d | h | mi | sec | ms) < 0 || !(c >= 0 && c <= 9)) return NaN;
  const y = hi * 100 + lo;
  if (y < 100 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59) return NaN;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > (mo === 2 ? (leap ? 29 : 28) : mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 30 : 31))
    return NaN;
  // Days since 1970-01-01 of the civil date (H. Hinnant's days_from_civil; y >= 100 here).
  const yy = mo <= 2 ? y - 1 : y;
  const era = (yy / 400) | 0;
  const yoe = yy - era * 400;
  const doy = (((153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5) | 0) + d - 1;
  const doe = yoe * 365 + ((yoe / 4) | 0) - ((yoe / 100) | 0) + doy;
  const days = era * 146097 + doe - 719468;
  return days * 86400000 + h * 3600000 + mi * 60000 + sec * 1000 + ms * 10 + c;
}

function notADate(v: string): never {
  throw new PathError(`${JSON.stringify(v)} is not a date`);
}

/** `s.date({ as })`: ISO string in `S`, or epoch milliseconds / seconds in `N`. */
export function dateCodec(as: "iso" | "epochMs" | "epochSeconds"): Codec {
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
      if (t !== t) throw new PathError("an invalid Date cannot be stored");
      return { N: numberToN(scale === 1 ? t : Math.floor(t / 1000)) };
    },
    dec: (av) => {
      const v = (av as unknown as AV).N;
      if (typeof v !== "string")
        wrongAttr(av, `N (epoch ${scale === 1 ? "milliseconds" : "seconds"})`);
      const d = new Date(parseExactNumber(v as string) * scale);
      if (d.getTime() !== d.getTime()) throw new PathError(`${v} is not a valid epoch time`);
      return d;
    },
  };
}

/** `s.literal(...)`: one of the values, stored by its type. */
export function literalCodec(values: readonly Literal[]): Codec {
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
      if (!values.includes(v as Literal))
        throw new PathError(`expected ${list}, got ${describe(v)}`);
      return v;
    },
  };
}

/** `s.stringSet()` and friends: an empty set is not stored (`undefined`). */
export function setCodec(kind: "stringSet" | "numberSet" | "binarySet"): Codec {
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
          throw new PathError(`expected a Set of ${what}, but it holds ${describe(m)}`);
        out.push(v);
      }
      if (kind === "binarySet") distinctBytes(x, out as Uint8Array[]);
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

/** `s.list(item)`: `L`, every element by the item codec. */
export function listCodec(item: Codec): Codec {
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
          if (av === undefined) throw new PathError("an empty set cannot be stored in a list");
          out[i] = av;
        }
      } catch (e) {
        throw withSegment(e, i, x);
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

/**
 * `s.list(s.object(...))`: {@link listCodec} with the element's map encoder and decoder called
 * directly for the common element (a plain object; an `M`), the element codec otherwise (so
 * errors are the same as through the generic list).
 */
export function objectListCodec(item: Codec): Codec {
  const encItem = item.encItem!;
  const decItem = item.decItem!;
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
          const v: unknown = x[i];
          if (
            typeof v === "object" &&
            v !== null &&
            !Array.isArray(v) &&
            (v as AV)[toAttribute as never] === undefined
          ) {
            out[i] = { M: encItem(v, d + 1) };
          } else {
            const av = item.enc(v, d);
            if (av === undefined) throw new PathError("an empty set cannot be stored in a list");
            out[i] = av;
          }
        }
      } catch (e) {
        throw withSegment(e, i, x);
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
        for (; i < n; i++) {
          const a = l![i];
          const m = a === null || typeof a !== "object" ? undefined : (a as unknown as AV).M;
          out[i] =
            m !== undefined && m !== null && typeof m === "object"
              ? decItem(m as Record<string, AttributeValue>, flags)
              : item.dec(a, flags);
        }
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
          throw new PathError(`a Map key must be a string, not ${describe(key)}`);
        if (v === undefined) continue;
        const av = value.enc(v, d);
        if (av === undefined) continue;
        if (key === "__proto__" || key === "") define(out, checkName(key), av);
        else out[key] = av;
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
    throw withSegment(e, String(k), x);
  }
  return out;
}

/** `s.record(value)` (plain object) and `s.map(value)` (a `Map`, `asMap`): `M`. */
export function recordCodec(value: Codec, asMap: boolean): Codec {
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
          else if (k === "__proto__") define(out, k, v);
          else (out as Record<string, unknown>)[k] = v;
        }
      } catch (e) {
        throw withSegment(e, k!);
      }
      return out;
    },
  };
}

/** `s.custom(...)`: the user's `toItem`/`fromItem` (`M`) or `toAttribute`/`fromAttribute`. */
export function customCodec(def: Extract<Def, { kind: "custom" }>): Codec {
  const call = <R>(what: string, fn: () => R): R => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof PathError) throw e;
      throw new PathError(`${what} failed: ${e instanceof Error ? e.message : String(e)}`, e);
    }
  };
  if (def.item) {
    const c = def.item;
    return {
      enc: (x) => {
        const m = call("toItem()", () => c.toItem(x));
        if (m === null || typeof m !== "object")
          throw new PathError(`toItem() returned ${describe(m)}, not an item`);
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
          throw new PathError(`toItem() returned ${describe(m)}, not an item`);
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
        throw new PathError(`toAttribute() returned ${describe(av)}`);
      return av;
    },
    dec: (av) => call("fromAttribute()", () => c.fromAttribute(av)),
  };
}

/** `.nullable()`: `null` as `NULL`, anything else by the inner codec. */
export function nullable(inner: Codec): Codec {
  const out: Codec = {
    enc: (x, depth) => (x === null ? { NULL: true } : inner.enc(x, depth)),
    dec: (av, flags) => ((av as unknown as AV).NULL !== undefined ? null : inner.dec(av, flags)),
  };
  if (inner.encItem) out.encItem = inner.encItem;
  if (inner.decItem) out.decItem = inner.decItem;
  return out;
}
