/**
 * Telling a version conflict from the caller's own condition failing: a version-checked write
 * asks for the item as it was when its condition fails (`ReturnValuesOnConditionCheckFailure:
 * "ALL_OLD"`), and the stored version decides.
 * @module
 */
import { VersionConflictError } from "../errors.js";
import type { StoredItem, WritePlan } from "./model.js";

/** The stored version of an item (a number attribute), or undefined. */
function storedVersion(item: StoredItem | undefined, attribute: string): number | undefined {
  const n = item?.[attribute]?.N;
  return n === undefined ? undefined : Number(n);
}

/**
 * The `VersionConflictError` of a write whose condition failed, given the item as it was
 * (`undefined`: there was none); `undefined` when the version was as expected, so that the
 * caller's own condition is what failed.
 */
export function versionConflict(
  plan: WritePlan,
  old: StoredItem | undefined,
  cause: unknown,
): VersionConflictError | undefined {
  const check = plan.version;
  if (!check) return undefined;
  const exists = old !== undefined && Object.keys(old).length > 0;
  const actual = exists ? storedVersion(old, check.attribute) : undefined;
  const ok = check.expected === undefined ? !exists : exists && actual === check.expected;
  if (ok) return undefined;
  return new VersionConflictError({
    table: plan.table,
    key: plan.keyProps,
    expected: check.expected,
    actual,
    cause,
  });
}
