/**
 * Random keys for the key-identity tests: numbers of every magnitude written in every notation
 * DynamoDB accepts, binaries in every form a caller may hold them, strings with NULs and the
 * characters that naive key strings use as separators.
 */
import fc from "fast-check";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { engine } from "../support/db.js";

/** A DynamoDB number as sign, significant digits and exponent of the first digit. */
export interface Decimal {
  neg: boolean;
  digits: string;
  exp: number;
}

/** A number value DynamoDB can store (1 to 38 significant digits, magnitude 1E-130 to <1E+126). */
export const decimal: fc.Arbitrary<Decimal> = fc
  .record({
    neg: fc.boolean(),
    digits: fc.oneof(
      fc.constantFrom("1", "6", "25", "15", "1000000000000000000001"),
      fc.stringMatching(/^[1-9]([0-9]{0,36}[1-9])?$/),
    ),
    exp: fc.oneof(fc.integer({ min: -12, max: 40 }), fc.integer({ min: -130, max: 125 })),
  })
  .filter((d) => d.exp - (d.digits.length - 1) >= -130 || d.exp >= -130);

/** The value of a decimal as an exact rational `n / 10^k` (k >= 0), for a reference comparison. */
export function exact(d: Decimal): { n: bigint; k: number } {
  const shift = d.exp - (d.digits.length - 1);
  const m = BigInt(d.digits) * (d.neg ? -1n : 1n);
  return shift >= 0 ? { n: m * 10n ** BigInt(shift), k: 0 } : { n: m, k: -shift };
}

/** True when two decimals are the same number (0 included, whatever its sign). */
export function sameNumber(a: Decimal, b: Decimal): boolean {
  const x = exact(a);
  const y = exact(b);
  const k = Math.max(x.k, y.k);
  return x.n * 10n ** BigInt(k - x.k) === y.n * 10n ** BigInt(k - y.k);
}

/** One spelling of a decimal: plain, scientific (e or E, signed exponent or not), padded with zeros. */
export function spell(d: Decimal, style: number, pad: number): string {
  const sign = d.neg ? "-" : style % 7 === 6 && engine === "dynamodb-local" ? "+" : "";
  const zeros = "0".repeat(pad);
  switch (style % 4) {
    case 0: {
      // plain decimal, trailing zeros after the point when it has one
      const { digits, exp } = d;
      let out: string;
      if (exp >= digits.length - 1) out = digits + "0".repeat(exp - digits.length + 1);
      else if (exp >= 0) out = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}${zeros}`;
      else out = `0.${"0".repeat(-exp - 1)}${digits}${zeros}`;
      return sign + out;
    }
    case 1: // d.dddE±x
      return `${sign}${d.digits[0]}${d.digits.length > 1 || pad ? "." : ""}${d.digits.slice(1)}${zeros}E${d.exp >= 0 ? "+" : ""}${d.exp}`;
    case 2: // all digits as an integer mantissa, lowercase e
      return `${sign}${d.digits}${zeros}e${d.exp - (d.digits.length - 1) - pad}`;
    default: // leading zeros and a fraction: 000.0ddd e x
      return `${sign}${zeros}0.${d.digits}E${d.exp + 1}`;
  }
}

/** Decimals of which some are one number in several spellings. */
export const spelledNumber: fc.Arbitrary<{ d: Decimal; n: string }> = fc
  .tuple(decimal, fc.nat(13), fc.nat(3))
  .map(([d, style, pad]) => ({ d, n: spell(d, style, pad) }));

/** Strings (1..8 UTF-16 units, no lone surrogates) made of NULs, separators and letters. */
export const keyString: fc.Arbitrary<string> = fc.string({
  unit: fc.constantFrom(
    "a",
    "b",
    "c",
    "\u0000",
    "\u0001",
    "S",
    "N",
    "B",
    ":",
    "1",
    ",",
    '"',
    "é",
    "😀",
  ),
  minLength: 1,
  maxLength: 8,
});

/** Bytes (1..6), given as a Uint8Array, a Buffer or a view into a larger buffer. */
export const keyBytes: fc.Arbitrary<{ bytes: number[]; value: Uint8Array }> = fc
  .tuple(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 6 }), fc.nat(2))
  .map(([bytes, form]) => {
    let value: Uint8Array;
    if (form === 0) value = Uint8Array.from(bytes);
    else if (form === 1) value = Buffer.from(bytes);
    else {
      const big = new Uint8Array(bytes.length + 4).fill(9);
      big.set(bytes, 2);
      value = big.subarray(2, 2 + bytes.length);
    }
    return { bytes, value };
  });

/** A number key attribute: the value and one spelling of it. */
export const numberKey: fc.Arbitrary<AttributeValue> = spelledNumber.map(({ n }) => ({ N: n }));
