/**
 * What the operations over several models (`transact`, `transactGet`, `batchGet`,
 * `batchWrite`) share: telling a model from anything else, naming an action in messages,
 * and the canonical string of a stored key (to find one item addressed twice).
 * @module
 */
import { DynoValidationError } from "../errors.js";
import { keyString } from "../exhaustive/keys.js";
import type { AnyModel, StoredItem } from "./model.js";

const PLAN_METHODS = ["putPlan", "updatePlan", "deletePlan", "checkPlan", "getPlan"] as const;

/**
 * Checks that `value` is a model (a Table or an entity: the {@link Model} contract).
 * @throws DynoValidationError naming `field`.
 */
export function requireModel(value: unknown, field: string): AnyModel {
  const m = value as Partial<Record<string, unknown>> | null | undefined;
  const ok =
    m !== null &&
    typeof m === "object" &&
    typeof m.name === "string" &&
    Array.isArray(m.keyAttributes) &&
    PLAN_METHODS.every((name) => typeof m[name] === "function");
  if (!ok) {
    throw new DynoValidationError(
      field,
      `expected a model (a table from dyno.table() or an entity), got ${describe(value)}`,
    );
  }
  return value as AnyModel;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  return Object.getPrototypeOf(value) === Object.prototype ? "a plain object" : "an object";
}

/** A key for messages: JSON where it can be, else its string form. */
export function keyLabel(key: unknown): string {
  try {
    return (
      JSON.stringify(key, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v)) ?? String(key)
    );
  } catch {
    return String(key);
  }
}

/** The identity of a stored item: its table and canonical key. */
export function itemId(model: AnyModel, key: StoredItem, field: string): string {
  return `${model.name}\u0000${keyString(key, model.keyAttributes, field)}`;
}

/**
 * Refuses one item addressed twice (DynamoDB refuses it in a transaction, and a batch of gets
 * answers it once): `seen` maps item identities to where they were first addressed.
 * @throws DynoValidationError naming both places.
 */
export function refuseTwice(
  seen: Map<string, string>,
  id: string,
  field: string,
  what: string,
): void {
  const first = seen.get(id);
  if (first !== undefined) {
    throw new DynoValidationError(
      field,
      `addresses the same item as ${first}; ${what} cannot act on one item twice`,
    );
  }
  seen.set(id, field);
}

/**
 * Runs a function that adds actions to a collector, sync or async; the collector is closed
 * afterwards, so an action added late (from a callback that was not awaited) is refused.
 */
export async function collect<C extends { close(): void }>(
  collector: C,
  fn: unknown,
  field: string,
): Promise<void> {
  if (typeof fn !== "function") {
    throw new DynoValidationError(
      field,
      "expected a function that adds the actions: (t) => { ... }",
    );
  }
  try {
    await (fn as (c: C) => unknown)(collector);
  } finally {
    collector.close();
  }
}
