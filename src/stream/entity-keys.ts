/**
 * An entity's key read back from a stream record's `Keys` (a `KEYS_ONLY` stream has no images to
 * read the key properties from). Each key attribute is split along its template and each value
 * decoded by its kind; a reading counts only when writing the values back through the template
 * gives the stored key exactly, so a key that is not the entity's (or that reads two ways) is
 * refused rather than misread.
 * @module
 */
import type { Entity } from "../entity/entity.js";
import { fill } from "../entity/keys.js";
import { MAX_CHAR, type Template, type ValueKind } from "../entity/template.js";
import { ownValue, setOwn } from "../own.js";
import type { StoredItem } from "../table/model.js";

/** The key properties (`{ org, id }`) a stored key holds for `entity`; `undefined` when it is not one of its keys. */
export function decodeEntityKey(
  entity: Entity<unknown>,
  keys: StoredItem,
): Record<string, unknown> | undefined {
  const d = entity.definition;
  const values: Record<string, unknown> = {};
  for (const k of [d.key.partition, d.key.sort]) {
    if (k === undefined) continue;
    const stored = ownValue(keys, k.attr)?.S;
    if (typeof stored !== "string" || !read(k.template, d.kinds, stored, values)) return undefined;
  }
  const key: Record<string, unknown> = {};
  for (const prop of d.key.props) setOwn(key, prop, ownValue(values, prop));
  return key;
}

/** Reads `stored` along template `t` into `values`; false when it does not fit. */
function read(
  t: Template,
  kinds: ReadonlyMap<string, ValueKind>,
  stored: string,
  values: Record<string, unknown>,
): boolean {
  let at = 0;
  const parts = t.parts;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part.literal !== undefined) {
      if (!stored.startsWith(part.literal, at)) return false;
      at += part.literal.length;
      continue;
    }
    // The value runs to the next literal's first separator (values never hold one), less the
    // literal's text before it; the last placeholder with no literal after it runs to the end.
    let end = stored.length;
    const next = parts[i + 1]?.literal;
    if (next !== undefined) {
      const j = [...next].findIndex((c) => t.escaped.has(c));
      if (j < 0) return false;
      const offset = [...next].slice(0, j).join("").length;
      const q = stored.indexOf([...next][j]!, at);
      if (q < 0) return false;
      end = q - offset;
      if (end < at) return false;
    }
    const value = decodeValue(kinds.get(part.prop)!, stored.slice(at, end));
    if (value === undefined) return false;
    const seen = ownValue(values, part.prop);
    if (seen !== undefined && !same(seen, value)) return false;
    setOwn(values, part.prop, value);
    at = end;
  }
  if (at !== stored.length) return false;
  try {
    return fill(t, kinds, values, "key", true) === stored;
  } catch {
    return false;
  }
}

const same = (a: unknown, b: unknown) =>
  a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b;

const view = new DataView(new ArrayBuffer(8));
const HEX16 = /^[0-9a-f]{16}$/;
const BIG = /^[pn]\d{38}$/;

/** A placeholder's value from its written form (the inverse of `encodeValue`); `undefined` when malformed. */
function decodeValue(kind: ValueKind, s: string): unknown {
  switch (kind) {
    case "string":
      return unescapeString(s);
    case "number": {
      if (!HEX16.test(s)) return undefined;
      let hi = parseInt(s.slice(0, 8), 16);
      let lo = parseInt(s.slice(8), 16);
      if (hi >>> 31) hi = (hi & 0x7fffffff) >>> 0;
      else {
        hi = ~hi >>> 0;
        lo = ~lo >>> 0;
      }
      view.setUint32(0, hi);
      view.setUint32(4, lo);
      return view.getFloat64(0);
    }
    case "bigint": {
      if (!BIG.test(s)) return undefined;
      const digits = BigInt(s.slice(1));
      return s[0] === "p" ? digits : -(10n ** 38n - digits);
    }
    case "date":
    case "dateSeconds": {
      const date = new Date(s);
      return Number.isNaN(date.getTime()) ? undefined : date;
    }
  }
}

/** The inverse of `escapeString`: `%XX`, and a character followed by U+10FFFF and six hex digits. */
function unescapeString(s: string): string | undefined {
  const cps = [...s];
  let out = "";
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i]!;
    if (c === "%") {
      const hex = cps.slice(i + 1, i + 3).join("");
      if (!/^[0-9A-F]{2}$/.test(hex)) return undefined;
      out += String.fromCodePoint(parseInt(hex, 16));
      i += 2;
    } else if (cps[i + 1] === MAX_CHAR) {
      const hex = cps.slice(i + 2, i + 8).join("");
      if (!/^[0-9A-F]{6}$/.test(hex)) return undefined;
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff) return undefined;
      out += String.fromCodePoint(cp);
      i += 7;
    } else if (c === MAX_CHAR) return undefined;
    else out += c;
  }
  return out;
}
