/**
 * Key templates: `"ORG#{org}"`, `"USER#{id}#{at}"`. A template is parsed once into literal
 * text and placeholders; a placeholder's value is written in a form that sorts as the value
 * sorts and that no other value (nor any literal text) can imitate:
 *
 * - strings: a character is written as is unless it is escaped: a character from U+0000 to
 *   `%` (U+0025: control characters, space and `!"#$%`) is written `%XX` (two hex digits); a
 *   separator of the template (its literal characters other than letters and digits), a lone
 *   surrogate (UTF-8 cannot hold one: DynamoDB would store U+FFFD for every one of them) and
 *   U+10FFFF are written as the nearest character below them that is written as is (`%` when
 *   there is none above U+0025), U+10FFFF, and the six hex digits of the code point: `|` in a
 *   template `"{a}|{b}"` is `{\u{10FFFF}00007C`. Each escape sorts where its character sorts
 *   (UTF-8 byte order is code point order), so encoded strings sort as the strings sort, a
 *   separator never appears in a value (a `#` in a value can never end a segment), and U+10FFFF
 *   only ever follows a character (so `key + U+10FFFF` is above every key starting with `key`).
 *   Two placeholders must have a separator between them, so every key has one reading. A
 *   shorter value followed by the template's next text sorts before a longer one only when that
 *   text starts below `%` (`#`, `$`, `!`, space): ranges on a string property followed by other
 *   text (`|`, `/`, `:`...) are refused. `%` and U+10FFFF cannot appear in a template's text;
 * - numbers: 16 hex digits of the IEEE-754 bits, sign bit flipped for positives and every bit
 *   flipped for negatives (`-0` is `0`), so negatives sort before positives and by magnitude;
 * - bigints: `p` or `n` and 38 digits (`n` holds 10^38 - |v|), for |v| < 10^38;
 * - dates: the ISO 8601 form `YYYY-MM-DDTHH:mm:ss.sssZ`, years 0000 to 9999.
 *
 * Items carry their properties, so the key attributes are only written and compared; the one
 * reader of a key is the streams room, for key-only records (`src/stream/entity-keys.ts`), which
 * accepts a reading only when writing it back gives the stored key.
 * @module
 */
import { DynoValidationError } from "../errors.js";

/** One piece of a template: literal text, or a `{property}` placeholder. */
export type TemplatePart =
  | { readonly literal: string; readonly prop?: undefined }
  | { readonly prop: string; readonly literal?: undefined };

/** A parsed key template. */
export interface Template {
  /** The template as written. */
  readonly source: string;
  readonly parts: readonly TemplatePart[];
  /** The properties it names, in order. */
  readonly props: readonly string[];
  /** Characters escaped in string values: the separators of the literal text. */
  readonly escaped: ReadonlySet<string>;
}

/** How a placeholder's value is written: decided once from the property's schema. */
/** `dateSeconds`: a date stored in whole seconds (`s.date({ as: "epochSeconds" })`), keyed as stored. */
export type ValueKind = "string" | "number" | "bigint" | "date" | "dateSeconds";

/** The largest code point: the upper bound of every encoded key (values escape it). */
export const MAX_CHAR = "\u{10FFFF}";

/**
 * Parses `"ORG#{org}"`.
 * @throws DynoValidationError naming `where`: an unclosed or empty placeholder, two
 *   placeholders side by side (their boundary would be ambiguous), a property named twice.
 */
export function parseTemplate(source: unknown, where: string): Template {
  if (typeof source !== "string" || source === "") {
    throw new DynoValidationError(where, 'expected a template string, e.g. "USER#{id}"');
  }
  const parts: TemplatePart[] = [];
  const props: string[] = [];
  const escaped = new Set<string>();
  let i = 0;
  while (i < source.length) {
    const open = source.indexOf("{", i);
    const close = source.indexOf("}", i);
    if (close !== -1 && (open === -1 || close < open)) {
      throw new DynoValidationError(
        where,
        `"}" at ${close} closes no placeholder in ${JSON.stringify(source)}`,
      );
    }
    if (open === -1) {
      parts.push({ literal: source.slice(i) });
      break;
    }
    if (open > i) parts.push({ literal: source.slice(i, open) });
    const end = source.indexOf("}", open);
    if (end === -1) {
      throw new DynoValidationError(where, `unclosed "{" at ${open} in ${JSON.stringify(source)}`);
    }
    const prop = source.slice(open + 1, end);
    if (prop === "" || prop.includes("{")) {
      throw new DynoValidationError(
        where,
        `expected {property} at ${open} in ${JSON.stringify(source)}`,
      );
    }
    const before = parts.at(-1);
    const prior = before?.literal !== undefined ? parts.at(-2) : before;
    if (
      prior?.prop !== undefined &&
      !(before?.literal !== undefined && /[^A-Za-z0-9]/.test(before.literal))
    ) {
      throw new DynoValidationError(
        where,
        `{${prior.prop}}${before?.literal ?? ""}{${prop}}: two placeholders need a separator between them (a character other than a letter or digit, e.g. "#")`,
      );
    }
    if (props.includes(prop)) {
      throw new DynoValidationError(where, `{${prop}} appears twice in ${JSON.stringify(source)}`);
    }
    parts.push({ prop });
    props.push(prop);
    i = end + 1;
  }
  for (const p of parts) {
    if (p.literal === undefined) continue;
    for (const c of p.literal) {
      const cp = c.codePointAt(0)!;
      if (c === "%" || cp === 0x10ffff || isSurrogate(cp)) {
        throw new DynoValidationError(
          where,
          `${JSON.stringify(source)} holds ${c === "%" ? '"%"' : `U+${hex(cp, 4)}`}, which template text cannot hold (${c === "%" ? "it starts the escapes of values" : "DynamoDB stores no lone surrogate, and U+10FFFF marks escapes"})`,
        );
      }
      if (!/[A-Za-z0-9]/.test(c)) escaped.add(c);
    }
  }
  return { source, parts, props, escaped };
}

const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, "0");

/** The highest code point at or below which every character is escaped as `%XX`. */
export const ESCAPE_CHAR = 0x25;

const isSurrogate = (cp: number) => cp >= 0xd800 && cp <= 0xdfff;

/** True when code point `cp` is written as is in a value of a template escaping `escaped`. */
const plain = (cp: number, escaped: ReadonlySet<string>) =>
  cp > ESCAPE_CHAR && cp !== 0x10ffff && !isSurrogate(cp) && !escaped.has(String.fromCodePoint(cp));

/** The nearest character below `cp` written as is, or `%` when there is none above U+0025. */
function plainBelow(cp: number, escaped: ReadonlySet<string>): string {
  for (let c = cp - 1; c > ESCAPE_CHAR; c--) {
    if (isSurrogate(c)) c = 0xd800;
    else if (plain(c, escaped)) return String.fromCodePoint(c);
  }
  return "%";
}

/**
 * Escapes a string value (see the module's notes): injective, no separator of the template in
 * the result, and order- and prefix-preserving (as UTF-8, which is how DynamoDB compares).
 */
export function escapeString(value: string, escaped: ReadonlySet<string>): string {
  let out = "";
  for (const c of value) {
    // (iterating by code point: a lone surrogate comes alone, with its own code)
    const cp = c.codePointAt(0)!;
    if (cp <= ESCAPE_CHAR) out += `%${hex(cp, 2)}`;
    else if (plain(cp, escaped)) out += c;
    else out += `${plainBelow(cp, escaped)}${MAX_CHAR}${hex(cp, 6)}`;
  }
  return out;
}

const view = new DataView(new ArrayBuffer(8));
const BIG_LIMIT = 10n ** 38n;

/**
 * Writes a placeholder's value.
 * @throws DynoValidationError naming `field` for a value of the wrong type, a non-finite
 *   number, a bigint of 39 digits or more, a date outside years 0 to 9999.
 */
export function encodeValue(
  kind: ValueKind,
  value: unknown,
  escaped: ReadonlySet<string>,
  field: string,
): string {
  switch (kind) {
    case "string":
      if (typeof value !== "string") break;
      return escapeString(value, escaped);
    case "number": {
      if (typeof value !== "number") break;
      if (!Number.isFinite(value)) {
        throw new DynoValidationError(field, `a key number must be finite, got ${String(value)}`);
      }
      view.setFloat64(0, value === 0 ? 0 : value);
      let hi = view.getUint32(0);
      let lo = view.getUint32(4);
      if (hi >>> 31) {
        hi = ~hi >>> 0;
        lo = ~lo >>> 0;
      } else hi = (hi | 0x80000000) >>> 0;
      return hi.toString(16).padStart(8, "0") + lo.toString(16).padStart(8, "0");
    }
    case "bigint": {
      if (typeof value !== "bigint") break;
      const abs = value < 0n ? -value : value;
      if (abs >= BIG_LIMIT) {
        throw new DynoValidationError(field, "a key bigint must have at most 38 digits");
      }
      return value < 0n
        ? `n${(BIG_LIMIT - abs).toString().padStart(38, "0")}`
        : `p${value.toString().padStart(38, "0")}`;
    }
    case "date":
    case "dateSeconds": {
      if (!(value instanceof Date)) break;
      // The key is built from the stored value: whole seconds, truncated as the codec does.
      const date =
        kind === "dateSeconds" ? new Date(Math.floor(value.getTime() / 1000) * 1000) : value;
      if (Number.isNaN(date.getTime())) throw new DynoValidationError(field, "an invalid Date");
      const year = date.getUTCFullYear();
      if (year < 0 || year > 9999) {
        throw new DynoValidationError(field, `a key date must be in years 0 to 9999, got ${year}`);
      }
      return date.toISOString(); // years 0 to 9999: always YYYY-MM-DDTHH:mm:ss.sssZ
    }
  }
  throw new DynoValidationError(
    field,
    `expected a ${kind === "date" || kind === "dateSeconds" ? "Date" : kind}, got ${value === null ? "null" : typeof value}`,
  );
}
