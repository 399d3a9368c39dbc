/**
 * An entity's plans (the Model contract of `table/model.ts`): items, keys, conditions and
 * update functions checked against the entity's schema and templates and turned into complete
 * DynamoDB actions — computed key, index and entity attributes, version checks and increments,
 * timestamps — that the one engine sends (`table/send.ts`) or renders into transactions and
 * batches. All validation happens here, before anything is sent.
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { StandardSchemaV1 } from "../encoding/schema/standard.js";
import { DynoValidationError } from "../errors.js";
import type { AttributeRef } from "../expression/operand.js";
import type { PathSegment, UpdateAction } from "../expression/types.js";
import { update } from "../expression/update.js";
import { cond } from "../expression/condition.js";
import { Updates, actionsOf, writesOf } from "../table/expressions.js";
import type {
  PutPlan,
  PutPlanOptions,
  StoredItem,
  UpdatePlan,
  VersionedPlanOptions,
} from "../table/model.js";
import {
  expired,
  nowSeconds,
  refuseManagedAction,
  stampPut,
  stampUpdate,
  validateAsync,
  validateSync,
} from "../table/behaviour.js";
import { encoded, type ItemModel } from "../table/paths.js";
import {
  checkPlan,
  deletePlan,
  encodeItem,
  fieldAt,
  getPlan,
  writeConditions,
} from "../table/plans.js";
import type { PathValue, PropertyPath } from "../table/types.js";
import type { EntityDefinition } from "./definition.js";
import { keyAttributes } from "./keys.js";
import { assignOwn, ownValue, setOwn } from "../own.js";

export { expired, nowSeconds, validateAsync, validateSync };
// An entity's deletes, condition checks and gets are a Table's over its own key encoding.
export { checkPlan, deletePlan, getPlan };

/** The key properties of a value (an item or a key), as users write a key. */
function keyProps(d: EntityDefinition, value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of d.key.props) setOwn(out, p, ownValue(value as Record<string, unknown>, p));
  return out;
}

/** The stored primary key of a stored item. */
function storedKey(d: EntityDefinition, item: StoredItem): StoredItem {
  const out: StoredItem = { [d.key.partition.attr]: ownValue(item, d.key.partition.attr)! };
  if (d.key.sort) setOwn(out, d.key.sort.attr, ownValue(item, d.key.sort.attr)!);
  return out;
}

/**
 * A put: timestamps (`updatedAt` now, `createdAt` unless given), the version (1 for an item
 * without one, conditioned on no item at the key; n + 1 for version n, conditioned on n), the
 * computed attributes. `validated`: the caller already ran the (possibly asynchronous) validator.
 */
export function putPlan<T>(
  d: EntityDefinition,
  validate: StandardSchemaV1 | undefined,
  item: T,
  options: PutPlanOptions<T> = {},
  at = "",
  validated = false,
): PutPlan {
  const field = fieldAt(at, "item");
  if (item === null || typeof item !== "object")
    throw new DynoValidationError(field, "expected an item object");
  if (!validated) validateSync(validate, item, field);
  if (options.batch && options.condition !== undefined) {
    throw new DynoValidationError(
      fieldAt(at, "condition"),
      "a batch write cannot carry a condition",
    );
  }
  const { value, check } = stampPut(
    d,
    item as Record<string, unknown>,
    field,
    `entity ${d.name}`,
    options.batch === true,
  );
  // Refuses undeclared properties at any depth, as a table's put does: nothing dropped.
  const stored = encodeItem(d.model, value, field);
  for (const attr of d.computed) {
    if (ownValue(stored, attr) !== undefined) {
      throw new DynoValidationError(
        field,
        `the item would store ${attr}, which the shared table computes`,
      );
    }
  }
  assignOwn(stored, keyAttributes(d.key, d.kinds, value, field, true));
  for (const ix of d.indexes.values()) {
    const attrs = keyAttributes(ix, d.kinds, value, field, false);
    if (attrs) assignOwn(stored, attrs);
  }
  setOwn<AttributeValue>(stored, d.entityAttribute, { S: d.name });
  const { conditions, version } = writeConditions(d, options.condition, undefined, at, check);
  return {
    kind: "Put",
    table: d.table,
    item: stored,
    key: storedKey(d, stored),
    keyProps: keyProps(d, item),
    conditions,
    ...(version ? { version } : {}),
  };
}

/** An update builder that also remembers the values set on template properties (to recompute index keys). */
class TrackedUpdates<T, K extends string> extends Updates<T, K> {
  readonly values = new Map<string, unknown>();
  readonly #props: ReadonlyMap<string, unknown>;
  constructor(model: ItemModel, props: ReadonlyMap<string, unknown>) {
    super(model);
    this.#props = props;
  }
  override set<P extends Exclude<PropertyPath<T>, K>>(
    path: P,
    value: PathValue<T, P> | AttributeRef,
  ): this {
    if (typeof path === "string" && this.#props.has(path)) this.values.set(path, value);
    return super.set(path, value);
  }
}

function encodeAt(
  d: EntityDefinition,
  prop: string,
  value: unknown,
  field: string,
): AttributeValue {
  return d.model.encode({ ...d.model.resolve(prop, field), label: field }, value, field)!;
}

/**
 * An update: the caller's actions, recomputed index keys (setting a property an index
 * template names needs every property of that index's templates; removing one takes the item
 * out of the index), the key properties and entity attribute (so an update that creates the
 * item stores them), `updatedAt` (and `createdAt` if missing), and the version increment
 * (conditioned when `options.version` is given).
 */
export function updatePlan<T, K extends string = never>(
  d: EntityDefinition,
  key: unknown,
  fn: (u: Updates<T, K>) => Updates<T, K>,
  options: VersionedPlanOptions<T> = {},
  at = "",
): UpdatePlan {
  const keyField = fieldAt(at, "key");
  const field = fieldAt(at, "actions");
  const storedKey = d.encodeKey(key, keyField);
  const values = key as Record<string, unknown>;
  if (typeof fn !== "function")
    throw new DynoValidationError(field, "expected a function (u) => u.set(...)...");
  const u = new TrackedUpdates<T, K>(d.model, d.kinds);
  const returned = fn(u);
  if (returned !== u && returned !== undefined) {
    throw new DynoValidationError(
      field,
      "return the update builder it was given (u) => u.set(...)",
    );
  }
  const actions = [...actionsOf(u)];
  if (actions.length === 0)
    throw new DynoValidationError(field, "an update needs at least one action");
  const templateAttrs = new Map<string, string>();
  for (const prop of d.kinds.keys()) {
    const f = d.model.field(prop);
    if (f?.type === "field") templateAttrs.set(f.attr, prop);
  }
  const touched = new Map<string, UpdateAction["clause"]>();
  for (const action of actions) {
    const path = (action as { path?: readonly PathSegment[] }).path;
    const attr = path?.[0];
    if (typeof attr !== "string") continue;
    refuseManagedAction(d, action, at, "entity");
    const prop = templateAttrs.get(attr);
    if (prop === undefined) continue;
    if (d.key.props.includes(prop)) {
      throw new DynoValidationError(
        fieldAt(at, prop),
        `${prop} is part of the key; put a new item instead`,
      );
    }
    if (path!.length !== 1 || (action.clause !== "SET" && action.clause !== "REMOVE")) {
      throw new DynoValidationError(
        fieldAt(at, prop),
        `${prop} is named in an index key template: set it (or remove it) as a whole`,
      );
    }
    touched.set(prop, action.clause);
  }
  for (const ix of d.indexes.values()) {
    const hit = ix.props.filter((p) => touched.has(p));
    if (hit.length === 0) continue;
    const attrs = [ix.partition.attr, ...(ix.sort ? [ix.sort.attr] : [])];
    if (hit.some((p) => touched.get(p) === "REMOVE")) {
      for (const a of attrs) actions.push(update.remove([a]));
      continue;
    }
    const given: Record<string, unknown> = {};
    const missing: string[] = [];
    for (const p of ix.props) {
      const v = u.values.has(p)
        ? u.values.get(p)
        : d.key.props.includes(p)
          ? ownValue(values, p)
          : undefined;
      if (v === undefined) missing.push(p);
      else setOwn(given, p, v);
    }
    if (missing.length) {
      throw new DynoValidationError(
        field,
        `setting ${hit.join(", ")} changes the key of index ${ix.index}: set ${missing.join(", ")} in the same update too`,
      );
    }
    const computed = keyAttributes(ix, d.kinds, given, field, true)!;
    for (const [a, v] of Object.entries(computed)) actions.push(update.set([a], encoded(v)));
  }
  for (const p of d.key.props) {
    const f = d.model.field(p) as { attr: string };
    actions.push(
      update.set([f.attr], encoded(encodeAt(d, p, ownValue(values, p), `${keyField}.${p}`))),
    );
  }
  actions.push(update.set([d.entityAttribute], d.name));
  const { conditions, version } = writeConditions(d, options.condition, options.version, at);
  // As on a table: an item this update created would hold only what it writes (with the key
  // properties, entity attribute, version and timestamps); unless that is every required
  // property, it may only change an existing item (no item every later read fails to decode).
  const written = new Set(
    writesOf(u)
      .filter((w) => w.creates && w.segments.length === 1)
      .map((w) => w.segments[0]),
  );
  if (!version && !d.required.every((a) => written.has(a))) {
    conditions.push(cond.exists([d.key.partition.attr]));
  }
  stampUpdate(d, d.model, actions);
  return {
    kind: "Update",
    table: d.table,
    key: storedKey,
    keyProps: key,
    actions,
    conditions,
    ...(version ? { version } : {}),
  };
}
