/** Helpers shared by the encoding tests. */
import assert from "node:assert/strict";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { DynoEncodingError, fromItem, toItem } from "../../src/index.js";

/** Asserts that `fn` throws a DynoEncodingError at `path` whose message matches `message`. */
export function throwsAt(fn: () => unknown, path: string, message: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DynoEncodingError, `expected DynoEncodingError, got ${String(e)}`);
    assert.equal(e.path, path);
    assert.match(e.message, message);
    if (path) assert.ok(e.message.startsWith(path + ": "), e.message);
    return true;
  });
}

/** A class with its own item marshalers (`[toItem]` / `static [fromItem]`), as users write them. */
export class Money {
  constructor(
    readonly cents: bigint,
    readonly currency: string,
  ) {}
  [toItem](): Record<string, AttributeValue> {
    return { cents: { N: String(this.cents) }, currency: { S: this.currency } };
  }
  static [fromItem](item: Record<string, AttributeValue>): Money {
    return new Money(BigInt(item.cents.N!), item.currency.S!);
  }
}

/**
 * `value` without the own `undefined` properties that decoding gives a missing optional field
 * named after an Object.prototype member (`constructor`, `toString`...), so that such a field
 * reads `undefined` rather than the inherited member: for comparing a round trip with the value
 * that was encoded (which simply lacked the field). Plain objects and arrays are copied; other
 * objects are kept as they are.
 */
export function withoutShadows<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutShadows) as T;
  if (value instanceof Map) {
    return new Map([...value].map(([k, v]) => [k, withoutShadows(v)])) as T;
  }
  if (value === null || typeof value !== "object") return value;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out = Object.create(proto) as Record<string, unknown>;
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined && k in Object.prototype) continue;
    Object.defineProperty(out, k, {
      value: withoutShadows(v),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out as T;
}

/** The outcome of a call: its value, or the DynoEncodingError's name, path and message (to compare paths). */
export function outcome(fn: () => unknown): unknown {
  try {
    return { ok: fn() };
  } catch (e) {
    if (!(e instanceof DynoEncodingError)) throw e;
    return { error: e.name, path: e.path, message: e.message };
  }
}
