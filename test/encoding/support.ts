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
