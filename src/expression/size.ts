/**
 * The `size(path)` operand and its comparisons: `size("tags").gt(3)`.
 * @module
 */
import { Between, Comparison, checkBounds, type Comparator } from "./condition.js";
import { SizeRef, quotePath, toOperand, type AttributeRef } from "./operand.js";
import type { Condition, PathInput } from "./types.js";

/** What a size is compared with: a number, another attribute, or another size. */
export type SizeComparand = number | bigint | AttributeRef | SizeRef;

/**
 * The `size(path)` operand: the length of a string or binary, the number of elements of a
 * set, list or map. `size("tags").gt(3)` renders `size(#n0) > :v0`. The other side is a
 * number, `attr(path)` or another `size(path)`.
 */
export class SizeOperand extends SizeRef {
  /** `size(path) = n` */
  eq(n: SizeComparand): Condition {
    return this.#compare("=", "eq", n);
  }
  /** `size(path) <> n` */
  ne(n: SizeComparand): Condition {
    return this.#compare("<>", "ne", n);
  }
  /** `size(path) < n` */
  lt(n: SizeComparand): Condition {
    return this.#compare("<", "lt", n);
  }
  /** `size(path) <= n` */
  le(n: SizeComparand): Condition {
    return this.#compare("<=", "le", n);
  }
  /** `size(path) > n` */
  gt(n: SizeComparand): Condition {
    return this.#compare(">", "gt", n);
  }
  /** `size(path) >= n` */
  ge(n: SizeComparand): Condition {
    return this.#compare(">=", "ge", n);
  }
  /** `size(path) BETWEEN lo AND hi` (inclusive). */
  between(lo: SizeComparand, hi: SizeComparand): Condition {
    const field = "size.between";
    const low = toOperand(field, `lower bound for size(${quotePath(this.path)})`, lo, ["N"]);
    const high = toOperand(field, `upper bound for size(${quotePath(this.path)})`, hi, ["N"]);
    checkBounds(field, this.path, low, high);
    return new Between({ type: "size", path: this.path }, low, high);
  }
  #compare(op: Comparator, method: string, n: unknown): Condition {
    const field = `size.${method}`;
    const right = toOperand(field, `value for size(${quotePath(this.path)})`, n, ["N"]);
    return new Comparison(op, { type: "size", path: this.path }, right);
  }
}

/**
 * The size of the attribute at `path`, for conditions: `size("tags").gt(3)`.
 * @throws {@link DynoValidationError} for a malformed path.
 */
export function size(path: PathInput): SizeOperand {
  return new SizeOperand(path);
}
