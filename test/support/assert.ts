/**
 * Assertions shared by the model tests.
 * @module
 */
import assert from "node:assert/strict";
import { DynoValidationError } from "../../src/index.js";

/** Asserts that `fn` rejects (or throws) a DynoValidationError whose field is `field`. */
export function rejectsField(fn: () => unknown, field: string, message?: RegExp) {
  return assert.rejects(
    async () => fn(),
    (e: unknown) => {
      assert.ok(e instanceof DynoValidationError, `expected DynoValidationError, got ${String(e)}`);
      assert.equal(e.field, field, e.message);
      if (message) assert.match(e.message, message);
      return true;
    },
  );
}
