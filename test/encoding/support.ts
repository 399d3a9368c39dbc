/** Helpers shared by the encoding tests. */
import assert from "node:assert/strict";
import { DynoEncodingError } from "../../src/index.js";

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
