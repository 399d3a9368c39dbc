/**
 * The checks `.build()` runs, shared by every builder. Each throws a
 * {@link DynoValidationError} naming the input field that is wrong.
 * @module
 */
import { DynoValidationError } from "../errors.js";

/** Fails unless `value` is a non-empty string. */
export function requireString(value: unknown, field: string): void {
  if (typeof value !== "string" || value.length === 0)
    throw new DynoValidationError(field, "is required");
}

/** Fails unless `value` is a non-empty object (a key, an item, a request map). */
export function requireObject(value: unknown, field: string): void {
  if (typeof value !== "object" || value === null || Object.keys(value).length === 0) {
    throw new DynoValidationError(field, "is required");
  }
}

/** Fails unless `value` is undefined or an integer in `[min, max]`. */
export function checkInteger(
  value: number | undefined,
  field: string,
  min = 1,
  max = Number.MAX_SAFE_INTEGER,
): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in ${min}..${max}`;
    throw new DynoValidationError(field, `must be an integer ${range}, got ${String(value)}`);
  }
}

/** Fails when there are more than `max` things. */
export function checkCount(count: number, max: number, field: string, what: string): void {
  if (count > max)
    throw new DynoValidationError(field, `at most ${max} ${what} per request, got ${count}`);
}

/** Fails unless `value` is undefined or one of `allowed`. */
export function checkOneOf(
  value: string | undefined,
  allowed: readonly string[],
  field: string,
): void {
  if (value !== undefined && !allowed.includes(value)) {
    throw new DynoValidationError(field, `must be one of ${allowed.join(", ")}, got ${value}`);
  }
}

/** DynamoDB's rule for table and index names: 3 to 255 of `a-z A-Z 0-9 _ - .` */
export function checkName(name: string, field: string): void {
  if (!/^[a-zA-Z0-9_.-]{3,255}$/.test(name)) {
    throw new DynoValidationError(
      field,
      `"${name}" is not a valid name (3-255 characters of a-z, A-Z, 0-9, _ - .)`,
    );
  }
}

/** Tracks things that must be unique (keys in a batch, index names); fails on the second one. */
export class UniqueSet {
  private readonly seen = new Set<string>();
  constructor(
    private readonly field: string,
    private readonly what: string,
  ) {}

  /** Records `id` (skipped when undefined); `label` describes it in the error. */
  add(id: string | undefined, label: string = id ?? ""): void {
    if (id === undefined) return;
    if (this.seen.has(id))
      throw new DynoValidationError(this.field, `${this.what} ${label} appears twice`);
    this.seen.add(id);
  }
}
