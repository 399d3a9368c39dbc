/**
 * The placeholder allocator: one per built input, shared by its condition, filter, key
 * condition, projection and update so that their placeholders never collide.
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { marshalValue } from "../encoding/index.js";
import { copyData } from "../copy.js";
import { DynoValidationError } from "../errors.js";
import { parsePath } from "./path.js";
import type { ExpressionAttributeMaps, ExpressionContext, PathInput } from "./types.js";

/**
 * Allocates `#n0, #n1, ...` for names and `:v0, :v1, ...` for values in order of first use,
 * and collects them into `ExpressionAttributeNames` / `ExpressionAttributeValues`.
 *
 * Identical names share one placeholder; every value gets its own. When extending an
 * existing SDK input, pass its maps: they are kept, a name they already map reuses its
 * placeholder, and new placeholders never collide with theirs.
 *
 * @example
 * ```ts
 * const ctx = new ExpressionAttributes();
 * const FilterExpression = cond.eq("status", "open").render(ctx); // "#n0 = :v0"
 * const input = { TableName, FilterExpression, ...ctx.toInput() };
 * ```
 */
export class ExpressionAttributes implements ExpressionContext {
  readonly #names: Record<string, string>;
  readonly #values: Record<string, AttributeValue>;
  /** name → placeholder */
  readonly #byName = new Map<string, string>();
  #nextName = 0;
  #nextValue = 0;

  /** @param existing the placeholder maps of an input being extended; deep-copied, never mutated. */
  constructor(existing: ExpressionAttributeMaps = {}) {
    this.#names = { ...existing.ExpressionAttributeNames };
    this.#values = copyData({ ...existing.ExpressionAttributeValues }, "ExpressionAttributeValues");
    for (const [placeholder, name] of Object.entries(this.#names)) {
      if (!this.#byName.has(name)) this.#byName.set(name, placeholder);
    }
  }

  /** Renders a path with a placeholder per name and `[i]` per index, e.g. `#n0.#n1[2]`. */
  path(path: PathInput): string {
    let out = "";
    for (const segment of parsePath(path)) {
      if (typeof segment === "number") out += `[${segment}]`;
      else out += (out === "" ? "" : ".") + this.name(segment);
    }
    return out;
  }

  /** The placeholder of one attribute (or map key) name, allocated on first use. */
  name(name: string): string {
    if (name === "") throw new DynoValidationError("name", "an attribute name cannot be empty");
    let placeholder = this.#byName.get(name);
    if (placeholder === undefined) {
      do placeholder = `#n${this.#nextName++}`;
      while (placeholder in this.#names);
      this.#names[placeholder] = name;
      this.#byName.set(name, placeholder);
    }
    return placeholder;
  }

  /**
   * Allocates a placeholder for a value, encoded with the encoding layer's `marshalValue`.
   * @throws {@link DynoValidationError} for `undefined`; encoding errors pass through.
   */
  value(value: unknown): string {
    if (value === undefined) {
      throw new DynoValidationError("value", "undefined cannot be used as an expression value");
    }
    return this.encoded(marshalValue(value));
  }

  /** Allocates a placeholder for a value that is already an `AttributeValue`. */
  encoded(value: AttributeValue): string {
    let placeholder: string;
    do placeholder = `:v${this.#nextValue++}`;
    while (placeholder in this.#values);
    this.#values[placeholder] = value;
    return placeholder;
  }

  /** The maps to spread into the SDK input; an empty map is omitted (DynamoDB rejects them). */
  toInput(): ExpressionAttributeMaps {
    const out: ExpressionAttributeMaps = {};
    if (Object.keys(this.#names).length > 0) out.ExpressionAttributeNames = { ...this.#names };
    if (Object.keys(this.#values).length > 0) out.ExpressionAttributeValues = { ...this.#values };
    return out;
  }
}
