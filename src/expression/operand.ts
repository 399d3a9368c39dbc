/**
 * Operands: what stands on either side of a comparison. A plain JS value (encoded once,
 * when the expression is built, so a bad value fails at the call that gave it), another
 * attribute (`attr(path)`), or the size of one (`size(path)`, see `condition.ts`).
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { marshalValue } from "../encoding/index.js";
import { copyData } from "../copy.js";
import { DynoValidationError } from "../errors.js";
import { ExpressionAttributes } from "./attributes.js";
import { formatPath, parsePath } from "./path.js";
import type { ExpressionContext, PathInput, PathSegment } from "./types.js";

/**
 * A reference to another attribute, for attribute-to-attribute comparisons:
 * `cond.lt("spent", attr("budget"))`. Built with {@link attr}.
 */
export class AttributeRef {
  /** Tells an attribute reference from a plain value. */
  readonly kind = "attr" as const;
  /** The referenced path, parsed. */
  readonly path: readonly PathSegment[];
  constructor(path: PathInput) {
    this.path = parsePath(path, "attr");
  }
}

/**
 * Refers to another attribute where a value is expected, e.g. `cond.eq("a", attr("b"))`
 * renders `#n0 = #n1`.
 * @throws {@link DynoValidationError} for a malformed path.
 */
export function attr(path: PathInput): AttributeRef {
  return new AttributeRef(path);
}

/** The `size(path)` function as an operand; `SizeOperand` in `condition.ts` adds the comparisons. */
export class SizeRef {
  /** Tells a size operand from a plain value. */
  readonly kind = "size" as const;
  /** The measured path, parsed. */
  readonly path: readonly PathSegment[];
  constructor(path: PathInput) {
    this.path = parsePath(path, "size");
  }
}

/** An operand after validation: a path, the size of a path, or an encoded value. */
export type Operand =
  | { readonly type: "path"; readonly path: readonly PathSegment[] }
  | { readonly type: "size"; readonly path: readonly PathSegment[] }
  | { readonly type: "value"; readonly raw: unknown; readonly encoded: AttributeValue };

/** The DynamoDB type of an encoded value: `"S"`, `"N"`, `"M"`, ... */
export function typeOf(value: AttributeValue): string {
  for (const key of Object.keys(value)) {
    if ((value as unknown as Record<string, unknown>)[key] !== undefined && key !== "$unknown")
      return key;
  }
  return "$unknown";
}

/** What a value is for, in an error: the text, or a function giving it (built only on error). */
export type Label = string | (() => string);

const labelText = (label: Label): string => (typeof label === "string" ? label : label());

/**
 * Encodes a plain value for an expression.
 * @param field the function that was given the value, e.g. `"cond.eq"`.
 * @param where what the value is for, e.g. `value for "status"` (or a function giving it, so
 *   that a label is only built for an error).
 * @throws {@link DynoValidationError} for `undefined`, a non-finite number or a value the
 *   encoding layer rejects (the encoding error is the `cause`).
 */
export function encodeValue(field: string, label: Label, value: unknown): AttributeValue {
  const where = (): string => labelText(label);
  if (value === undefined) {
    throw new DynoValidationError(field, `${where()} is undefined; use null for a NULL value`);
  }
  if (typeof value === "number" && !Number.isFinite(value)) {
    throw new DynoValidationError(field, `${where()} is ${value}, not a finite number`);
  }
  let encoded: AttributeValue | undefined;
  try {
    encoded = marshalValue(value);
  } catch (error) {
    if (error instanceof DynoValidationError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new DynoValidationError(field, `${where()} cannot be encoded: ${reason}`, {
      cause: error,
    });
  }
  if (encoded === undefined || encoded === null) {
    throw new DynoValidationError(field, `${where()} cannot be encoded (${typeof value})`);
  }
  return encoded;
}

/**
 * Turns what a user passed where a value is expected into an {@link Operand}.
 * @param allowed the DynamoDB types a plain value may encode to, or undefined for any.
 */
export function toOperand(
  field: string,
  where: Label,
  value: unknown,
  allowed?: readonly string[],
): Operand {
  if (value instanceof AttributeRef) return { type: "path", path: value.path };
  if (value instanceof SizeRef) return { type: "size", path: value.path };
  const encoded = encodeValue(field, where, value);
  if (allowed && !allowed.includes(typeOf(encoded))) {
    throw new DynoValidationError(
      field,
      `${labelText(where)} must be ${allowed.join(" or ")} (${allowedHint(allowed)}), got ${typeOf(encoded)}`,
    );
  }
  return { type: "value", raw: value, encoded };
}

function allowedHint(allowed: readonly string[]): string {
  const words: Record<string, string> = {
    S: "a string",
    N: "a number",
    B: "binary",
    L: "a list",
    SS: "a string set",
    NS: "a number set",
    BS: "a binary set",
  };
  return allowed.map((t) => words[t] ?? t).join(" or ");
}

/**
 * Places a value in the context: reuses the encoding done when the expression was made, as a
 * fresh copy each time, so that the rendered input never shares an object with the reusable
 * expression (nor with another input rendered from it).
 */
export function renderValue(ctx: ExpressionContext, raw: unknown, encoded: AttributeValue): string {
  return ctx instanceof ExpressionAttributes
    ? ctx.encoded(copyData(encoded, "value"))
    : ctx.value(raw);
}

/** Renders an operand: `#n0.#n1`, `size(#n0)` or `:v0`. */
export function renderOperand(ctx: ExpressionContext, operand: Operand): string {
  switch (operand.type) {
    case "path":
      return ctx.path(operand.path);
    case "size":
      return `size(${ctx.path(operand.path)})`;
    case "value":
      return renderValue(ctx, operand.raw, operand.encoded);
  }
}

/** A path as written back in messages, quoted: `"a.b[2]"`. */
export function quotePath(path: readonly PathSegment[]): string {
  return JSON.stringify(formatPath(path));
}

/**
 * Orders two encoded values of one type as DynamoDB does: N numerically, S and B by their
 * bytes. Returns 0 for other or mixed types. (N is compared as JS numbers, exact enough to
 * catch reversed BETWEEN bounds.)
 */
export function compareValues(a: AttributeValue, b: AttributeValue): number {
  if (a.N !== undefined && b.N !== undefined) return Math.sign(Number(a.N) - Number(b.N));
  if (a.S !== undefined && b.S !== undefined) {
    return Buffer.compare(Buffer.from(a.S, "utf8"), Buffer.from(b.S, "utf8"));
  }
  if (a.B !== undefined && b.B !== undefined) return Buffer.compare(a.B, b.B);
  return 0;
}
