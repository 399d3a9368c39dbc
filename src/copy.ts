/**
 * Deep copies of SDK-shaped data (inputs, `AttributeValue`s): plain objects, arrays, binary,
 * dates and primitives. Builders hand out copies so that what one caller (or a middleware
 * editing `ctx.input`) mutates is never seen by another build.
 * @module
 */
import { DynoValidationError } from "./errors.js";

/** Deeper than any SDK input can be (DynamoDB nests documents 32 levels, 2 objects each). */
const MAX_DEPTH = 200;

/**
 * A deep copy of `value`. Plain objects and arrays are copied member by member, `Uint8Array`s
 * (and Buffers) and `Date`s are copied, primitives are kept.
 *
 * @param field names the root in errors (`"Key"`, or `""` when the paths start at the root).
 * @throws {@link DynoValidationError} naming the path of a function or symbol (not data an
 *   SDK input can hold), or of an object nested more than 200 levels (a circular reference);
 *   other objects (`Map`, class instances) are copied with `structuredClone`, and one it
 *   cannot copy is reported the same way.
 */
export function copyData<T>(value: T, field: string): T {
  return copy(value, field, [], 0) as T;
}

function copy(value: unknown, field: string, at: (string | number)[], depth: number): unknown {
  if (value === null || typeof value !== "object") {
    if (typeof value === "function" || typeof value === "symbol") {
      throw fail(field, at, `is a ${typeof value}; an input holds data only`);
    }
    return value;
  }
  if (depth >= MAX_DEPTH) {
    throw fail(field, at, `is nested more than ${MAX_DEPTH} levels deep (a circular reference?)`);
  }
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      at.push(i);
      out[i] = copy(value[i], field, at, depth + 1);
      at.pop();
    }
    return out;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto === Object.prototype || proto === null) {
    const out: Record<string, unknown> = {};
    for (const key in value) {
      if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
      at.push(key);
      const member = copy((value as Record<string, unknown>)[key], field, at, depth + 1);
      at.pop();
      // A key such as "__proto__" is kept as data, never as the prototype.
      if (key === "__proto__")
        Object.defineProperty(out, key, { value: member, enumerable: true, writable: true, configurable: true }); // prettier-ignore
      else out[key] = member;
    }
    return out;
  }
  if (value instanceof Uint8Array) {
    return Buffer.isBuffer(value) ? Buffer.from(value) : new Uint8Array(value);
  }
  if (value instanceof Date) return new Date(value.getTime());
  try {
    return structuredClone(value);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw fail(field, at, `cannot be copied: ${reason}`);
  }
}

function fail(field: string, at: readonly (string | number)[], message: string) {
  let path = field;
  for (const key of at) {
    if (typeof key === "number") path += `[${key}]`;
    else if (!/^[A-Za-z_$][\w$]*$/.test(key)) path += `[${JSON.stringify(key)}]`;
    else path += path === "" ? key : `.${key}`;
  }
  return new DynoValidationError(path || "input", message);
}
