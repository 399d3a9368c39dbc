/**
 * Recognising a NumberValue that is not an instance of this copy's class: one of another copy of
 * dyno-ts (ESM/CJS builds, the lean entry), or `@aws-sdk/util-dynamodb`'s, whose class name a
 * bundler may change (`_NumberValue`, or one letter when minified), so no name is relied on.
 * @module
 */

/** Marks every dyno-ts NumberValue, of whichever copy (set on the class's prototype). */
export const NUMBER_VALUE_BRAND: unique symbol = Symbol.for("dyno-ts.NumberValue") as never;

/**
 * True for a NumberValue of any copy of dyno-ts, and for an object of `@aws-sdk/util-dynamodb`'s
 * NumberValue shape: its one own property a string `value`, with `toAttributeValue` and
 * `toBigInt` methods. An object with other fields is not one (they would be dropped).
 */
export function isForeignNumberValue(v: object): v is { value: string } {
  const candidate = v as {
    value?: unknown;
    toAttributeValue?: unknown;
    toBigInt?: unknown;
    [NUMBER_VALUE_BRAND]?: unknown;
  };
  if (typeof candidate.value !== "string") return false;
  if (candidate[NUMBER_VALUE_BRAND] === true) return true;
  return (
    typeof candidate.toAttributeValue === "function" &&
    typeof candidate.toBigInt === "function" &&
    Object.keys(v).length === 1
  );
}
