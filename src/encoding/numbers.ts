/**
 * Numbers: DynamoDB's `N` holds up to 38 significant digits with a magnitude from 1E-130 to
 * below 1E+126. JS numbers, bigints and {@link NumberValue}s go in; on the way out a JS number
 * is returned only when it is exactly the stored decimal.
 * @module
 */
import { DynoValidationError } from "../errors.js";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { PathError } from "./path-error.js";
import { NUMBER_VALUE_BRAND, isForeignNumberValue } from "./number-value-shape.js";

/**
 * An exact DynamoDB number kept as its decimal string, for values a JS number cannot hold.
 *
 * It has the same shape and methods as `NumberValue` of `@aws-sdk/util-dynamodb` (`value`,
 * `toString()`, `valueOf()`, `toBigInt()`, `toAttributeValue()`, `NumberValue.from()`), and
 * the encoders accept either class: the SDK's is recognised by its shape (its one own property a
 * string `value`, and its methods; dyno-ts does not depend on `@aws-sdk/util-dynamodb` at run time). Decoding with
 * `{ wrapNumbers: true }` returns instances of this class.
 */
export class NumberValue {
  /** The number as a decimal string, exactly as stored. */
  readonly value: string;
  /** Wraps a decimal string (or a bigint, or a safe JS number). Throws on a malformed number. */
  constructor(value: string | number | bigint) {
    const str = typeof value === "number" ? numberToN(value) : String(value);
    if (!decompose(str))
      throw new DynoValidationError("NumberValue", `not a number: ${JSON.stringify(str)}`);
    this.value = str;
  }
  /** Same as `new NumberValue(value)`. */
  static from(value: string | number | bigint): NumberValue {
    return newNumberValue(value);
  }
  /** The decimal string. */
  toString(): string {
    return this.value;
  }
  /** The decimal string (so `${nv}` and `String(nv)` read naturally). */
  valueOf(): string {
    return this.value;
  }
  /** The value as a bigint; throws a `SyntaxError` when it is not an integer. */
  toBigInt(): bigint {
    return BigInt(this.value);
  }
  /** The attribute value `{ N: value }`. */
  toAttributeValue(): AttributeValue.NMember {
    return { N: this.value };
  }
}

Object.defineProperty(NumberValue.prototype, NUMBER_VALUE_BRAND, { value: true });

/**
 * `new NumberValue(value)`, kept outside the class body: a class that names itself inside its
 * body is renamed by bundlers (`_NumberValue`), and its `name` would no longer be "NumberValue".
 */
function newNumberValue(value: string | number | bigint): NumberValue {
  return new NumberValue(value);
}

/** True for a dyno-ts {@link NumberValue} (of any copy) and for `@aws-sdk/util-dynamodb`'s `NumberValue`. */
export function isNumberValue(v: object): v is { value: string } {
  return v instanceof NumberValue || isForeignNumberValue(v);
}

/** A JS number as an `N` string; throws on NaN, ±Infinity and a magnitude DynamoDB cannot store. */
export function numberToN(n: number): string {
  // Kept tiny so that it inlines; the error path is out of line.
  const a = n < 0 ? -n : n;
  if (a < 1e126 && (a >= 1e-130 || a === 0)) return "" + n;
  return badNumber(n);
}

function badNumber(n: number): never {
  if (n - n !== 0) throw new PathError(`${n} cannot be stored: DynamoDB numbers must be finite`);
  throw new PathError(`${n} is outside DynamoDB's number range (magnitude 1E-130 to 9.99E+125)`);
}

/** A bigint as an `N` string; throws beyond 38 significant digits or a magnitude of 1E+126. */
export function bigintToN(b: bigint): string {
  const str = b.toString();
  const len = str.length - (b < 0n ? 1 : 0);
  if (len > 38) {
    let end = str.length;
    while (str.charCodeAt(end - 1) === 48) end--;
    const sig = end - (b < 0n ? 1 : 0);
    if (sig > 38)
      throw new PathError(`${str} has ${sig} significant digits; DynamoDB keeps at most 38`);
    if (len > 126) throw new PathError(`${str} is outside DynamoDB's number range (below 1E+126)`);
  }
  return str;
}

/** A decimal string (from a `NumberValue`) checked against DynamoDB's precision and range. */
export function decimalToN(str: string): string {
  const d = decompose(str);
  if (!d) throw new PathError(`${JSON.stringify(str)} is not a number`);
  if (d.digits.length > 38) {
    throw new PathError(
      `${str} has ${d.digits.length} significant digits; DynamoDB keeps at most 38`,
    );
  }
  if (d.digits && (d.exp > 125 || d.exp < -130)) {
    throw new PathError(
      `${str} is outside DynamoDB's number range (magnitude 1E-130 to 9.99E+125)`,
    );
  }
  return str;
}

/** The canonical form of a valid `N` string (`1`, `1.0`, `1e0` and `10E-1` share one), for comparing. */
export function canonicalN(str: string): string {
  const d = decompose(str)!;
  return d.digits ? `${d.neg ? "-" : ""}${d.digits}e${d.exp}` : "0";
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** A decimal split into sign, significant digits (no leading/trailing zeros) and exponent. */
interface Decimal {
  neg: boolean;
  digits: string;
  /** Exponent of the first significant digit: value = d.ddd × 10^exp. */
  exp: number;
}

/** Splits a decimal string; `undefined` when it is not one. */
export function decompose(str: string): Decimal | undefined {
  const m = DECIMAL.exec(str);
  if (!m) return undefined;
  const int = m[2] ?? "";
  const frac = m[3] ?? "";
  if (!int && !frac) return undefined;
  const all = int + frac;
  let i = 0;
  while (i < all.length && all.charCodeAt(i) === 48) i++;
  let j = all.length;
  while (j > i && all.charCodeAt(j - 1) === 48) j--;
  if (i === j) return { neg: false, digits: "", exp: 0 };
  return {
    neg: m[1] === "-",
    digits: all.slice(i, j),
    exp: (m[4] ? parseInt(m[4], 10) : 0) + int.length - 1 - i,
  };
}

/**
 * For a string that `+str` reads as a finite number: true when it is also in DynamoDB's
 * number syntax ({@link decompose}). Besides decimals, `+` only reads surrounding whitespace
 * and `0x`/`0o`/`0b` literals, which these three characters rule out without a regex.
 */
export function plain(str: string): boolean {
  const a = str.charCodeAt(0);
  const z = str.charCodeAt(str.length - 1);
  if (!((z >= 48 && z <= 57) || z === 46)) return false;
  if (a === 48) {
    const b = str.charCodeAt(1) | 32;
    return b !== 120 && b !== 111 && b !== 98;
  }
  return (a >= 48 && a <= 57) || a === 45 || a === 43 || a === 46;
}

/** True when the JS number `n` is exactly the decimal `str` (so nothing is lost by using it). */
function exact(str: string, n: number): boolean {
  if (n - n !== 0) return false;
  if ("" + n === str) return true; // the shortest form of a double is exactly that double
  const d = decompose(str);
  if (!d) return false;
  if (d.digits.length <= 15) return true; // any 15-digit decimal survives a double round trip
  const back = decompose("" + n)!;
  return back.digits === d.digits && back.exp === d.exp && back.neg === d.neg;
}

/**
 * An `N` string as a JS number when that is exact; otherwise a {@link NumberValue} when
 * `wrap`, else an error that says how to read it.
 */
export function parseN(str: string, wrap: boolean): number | NumberValue {
  const n = shortDecimal(str);
  if (n === n) return n;
  return parseFull(str, wrap);
}

function parseFull(str: string, wrap: boolean): number | NumberValue {
  const n = +str;
  if (str.length <= 15 && n - n === 0 && str.length !== 0 && plain(str)) return n;
  return parseSlow(str, n, wrap);
}

/** Powers of ten up to 1E15, all exact doubles (a short decimal needs at most 1E14). */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * The common case of an `N` string, read in one pass of character tests: at most 15
 * characters of an optional sign, digits and at most one `.` (no exponent), with at least
 * one digit. Returns the number, exactly what `+str` gives, or `NaN` for any other string
 * or a non-string (the caller then takes the full path, which accepts or refuses it).
 *
 * Why the result is `+str`: at most 15 digits make an integer `w` below 2^53, so exact, and
 * `10^f` (f <= 14) is exact too; one IEEE division of two exact doubles is correctly rounded,
 * which is what the decimal-to-double conversion of `+str` is required to be. Such a string
 * has at most 15 significant digits, which a double holds without loss. It is also far
 * cheaper than `+str` (a runtime call for any string that is not an array index).
 */
export function shortDecimal(str: string): number {
  if (typeof str !== "string") return NaN;
  const len = str.length;
  if (len === 0 || len > 15) return NaN;
  let c = str.charCodeAt(0);
  const neg = c === 45;
  let i = neg || c === 43 ? 1 : 0;
  const start = i;
  let w = 0;
  let dot = -1;
  for (; i < len; i++) {
    c = str.charCodeAt(i) - 48;
    if (c >= 0 && c <= 9) w = w * 10 + c;
    else if (c === -2 && dot < 0) dot = i;
    else return NaN;
  }
  // No digit at all ("-", ".", "+."): the full path refuses it.
  if (len - start === (dot < 0 ? 0 : 1)) return NaN;
  const v = dot < 0 ? w : w / POW10[len - 1 - dot];
  return neg ? -v : v;
}

function parseSlow(str: string, n: number, wrap: boolean): number | NumberValue {
  if (str.length > 15 && exact(str, n)) return n;
  return imprecise(str, wrap);
}

function imprecise(str: string, wrap: boolean): NumberValue {
  if (typeof str !== "string" || !decompose(str))
    throw new PathError(`${JSON.stringify(str)} is not a number`);
  if (wrap) return new NumberValue(str);
  throw new PathError(
    `${str} does not fit a JS number without losing precision; ` +
      `read it with { wrapNumbers: true } (NumberValue) or a schema field s.bigint()`,
  );
}

/** An `N` string as a JS number; throws when that would lose precision (schema `s.number()`). */
export function parseExactNumber(str: string): number {
  const n = shortDecimal(str);
  if (n === n) return n;
  return parseExactFull(str);
}

function parseExactFull(str: string): number {
  const n = +str;
  if (str.length <= 15 && n - n === 0 && str.length !== 0 && plain(str)) return n;
  return parseExactSlow(str, n);
}

function parseExactSlow(str: string, n: number): number {
  if (str.length > 15 && exact(str, n)) return n;
  if (!decompose(str)) throw new PathError(`${JSON.stringify(str)} is not a number`);
  throw new PathError(
    `${str} does not fit a JS number without losing precision; use s.bigint() or s.any()`,
  );
}

/** An `N` string as a bigint; throws when it is not an integer. */
export function parseBigInt(str: string): bigint {
  if (/^-?\d+$/.test(str)) return BigInt(str);
  const d = decompose(str);
  if (!d) throw new PathError(`${JSON.stringify(str)} is not a number`);
  if (!d.digits) return 0n;
  const zeros = d.exp - (d.digits.length - 1);
  if (zeros < 0) throw new PathError(`${str} is not an integer, so it cannot be read as a bigint`);
  return BigInt((d.neg ? "-" : "") + d.digits + "0".repeat(zeros));
}
