/**
 * The Table model's plans (the {@link Model} contract): typed items, keys, conditions and
 * update functions checked against the schema and turned into complete DynamoDB actions with
 * unrendered expressions. The table's own methods and `dyno.transact` & co. send the same plans.
 * @module
 */
import { marshalItem, unmarshalItem } from "../encoding/api.js";
import { DynoEncodingError, DynoValidationError } from "../errors.js";
import type { Condition, PathSegment } from "../expression/types.js";
import {
  actionsOf,
  conditionOf,
  updateActionsOf,
  writesOf,
  type ConditionInput,
  type Updates,
} from "./expressions.js";
import { undeclared, undeclaredProperties } from "./extras.js";
import { cond } from "../expression/condition.js";
import { formatPath, parsePath } from "../expression/path.js";
import { encodeKey, type KeySchema } from "./keys.js";
import type {
  CheckPlan,
  DeletePlan,
  GetPlan,
  GetPlanOptions,
  PutPlan,
  PutPlanOptions,
  StoredItem,
  UpdatePlan,
  VersionCheck,
  VersionedPlanOptions,
} from "./model.js";
import type { ItemModel } from "./paths.js";
import type { StandardSchemaV1 } from "../encoding/schema/standard.js";
import {
  expired,
  refuseVersionAction,
  stampPut,
  stampUpdate,
  validateSync,
  versionCondition,
  versionOf,
  type Behaviour,
} from "./behaviour.js";

/** What a table's plans are made from. */
export interface TablePlanner {
  readonly table: string;
  readonly model: ItemModel;
  readonly keys: KeySchema;
  /** The attributes every stored item has (keys left out): what an update must write to create one. */
  readonly required: readonly string[];
  /** The managed version, timestamps and TTL. */
  readonly behaviour: Behaviour;
  /** The `validate` option: checks every item a put writes. */
  readonly validate: StandardSchemaV1 | undefined;
}

/**
 * Encodes a whole item with the table's schema.
 * @throws DynoValidationError naming `field.path` of the bad value.
 */
export function encodeItem(model: ItemModel, item: unknown, field: string): StoredItem {
  const extra = undeclaredProperties(model.schema, item);
  if (extra.length > 0) {
    const base = parsePath(field);
    throw new DynoValidationError(formatPath([...base, ...extra[0]!]), undeclared(extra, base));
  }
  try {
    return marshalItem(item, model.schema);
  } catch (e) {
    if (e instanceof DynoEncodingError) {
      throw new DynoValidationError(
        e.path ? `${field}.${e.path}` : field,
        e.message.slice(e.path ? e.path.length + 2 : 0),
        { cause: e },
      );
    }
    throw e;
  }
}

const keyFields = (keys: KeySchema) => (keys.sort ? [keys.partition, keys.sort] : [keys.partition]);

/** The stored primary key of a stored item. */
export function storedKey(keys: KeySchema, item: StoredItem): StoredItem {
  const out: StoredItem = {};
  for (const k of keyFields(keys)) out[k.attr] = item[k.attr]!;
  return out;
}

/** The key properties of an item, as users write a key. */
function keyPropsOf(keys: KeySchema, item: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keyFields(keys)) out[k.prop] = (item as Record<string, unknown>)[k.prop];
  return out;
}

/** A field name under the action's location `at` (`""` for a single call). */
export const fieldAt = (at: string, name: string): string => (at ? `${at}.${name}` : name);

const conditions = <T>(
  p: TablePlanner,
  c: ConditionInput<T> | undefined,
  at: string,
): Condition[] => (c === undefined ? [] : [conditionOf<T>(p.model, c, fieldAt(at, "condition"))]);

/** A put of `item`. */
export function putPlan<T>(
  p: TablePlanner,
  item: T,
  options: PutPlanOptions<T> = {},
  at = "",
  validated = false,
): PutPlan {
  const field = fieldAt(at, "item");
  if (!validated) validateSync(p.validate, item, field);
  if (options.batch && options.condition !== undefined) {
    throw new DynoValidationError(
      fieldAt(at, "condition"),
      "a batch write cannot carry a condition",
    );
  }
  let value: unknown = item;
  let check: VersionCheck | undefined;
  if (item !== null && typeof item === "object") {
    ({ value, check } = stampPut(
      p.behaviour,
      item as Record<string, unknown>,
      field,
      `table ${p.table}`,
      options.batch === true,
    ));
  }
  const stored = encodeItem(p.model, value, field);
  const all = conditions(p, options.condition, at);
  if (check) all.push(versionCondition(p.behaviour, p.keys.partition.attr, check.expected));
  return {
    kind: "Put",
    table: p.table,
    item: stored,
    key: storedKey(p.keys, stored),
    keyProps: keyPropsOf(p.keys, item),
    conditions: all,
    ...(check ? { version: check } : {}),
  };
}

/**
 * An update of the item at `key`. A key attribute cannot be updated (DynamoDB refuses it):
 * refused here, naming the property.
 */
export function updatePlan<T>(
  p: TablePlanner,
  key: unknown,
  fn: (u: Updates<T>) => Updates<T>,
  options: VersionedPlanOptions<T> = {},
  at = "",
): UpdatePlan {
  const u = updateActionsOf<T>(p.model, fn, fieldAt(at, "actions"));
  const actions = [...actionsOf(u)];
  if (actions.length === 0) {
    throw new DynoValidationError(fieldAt(at, "actions"), "an update needs at least one action");
  }
  const encoded = encodeKey(p.model, p.keys, key, fieldAt(at, "key"));
  for (const action of actions) {
    refuseVersionAction(p.behaviour, action, at, "table");
    const path = (action as { path?: readonly PathSegment[] }).path;
    const attr = path?.length === 1 ? path[0] : undefined;
    const k = keyFields(p.keys).find((f) => f.attr === attr);
    if (k) {
      throw new DynoValidationError(
        fieldAt(at, k.prop),
        "a key attribute cannot be updated; put a new item instead",
      );
    }
  }
  const expected = versionOf(
    p.behaviour,
    options.version,
    fieldAt(at, "version"),
    `table ${p.table}`,
  );
  const all = conditions(p, options.condition, at);
  if (expected !== undefined) {
    all.push(versionCondition(p.behaviour, p.keys.partition.attr, expected));
  }
  // An item created by this update would hold only what it writes: unless that is every
  // required attribute, it may only change an existing item.
  const written = new Set(
    writesOf(u)
      .filter((w) => w.creates && w.segments.length === 1)
      .map((w) => w.segments[0]),
  );
  if (expected === undefined && !p.required.every((a) => written.has(a))) {
    all.push(cond.exists([p.keys.partition.attr]));
  }
  stampUpdate(p.behaviour, p.model, actions);
  return {
    kind: "Update",
    table: p.table,
    key: encoded,
    keyProps: key,
    actions,
    conditions: all,
    ...(expected !== undefined
      ? { version: { attribute: p.behaviour.version!.attr, expected } }
      : {}),
  };
}

/** A delete of the item at `key`. */
export function deletePlan<T>(
  p: TablePlanner,
  key: unknown,
  options: VersionedPlanOptions<T> = {},
  at = "",
): DeletePlan {
  const encoded = encodeKey(p.model, p.keys, key, fieldAt(at, "key"));
  const expected = versionOf(
    p.behaviour,
    options.version,
    fieldAt(at, "version"),
    `table ${p.table}`,
  );
  const all = conditions(p, options.condition, at);
  if (expected !== undefined) {
    all.push(versionCondition(p.behaviour, p.keys.partition.attr, expected));
  }
  return {
    kind: "Delete",
    table: p.table,
    key: encoded,
    keyProps: key,
    conditions: all,
    ...(expected !== undefined
      ? { version: { attribute: p.behaviour.version!.attr, expected } }
      : {}),
  };
}

/** A condition check on the item at `key`. */
export function checkPlan<T>(
  p: TablePlanner,
  key: unknown,
  condition: ConditionInput<T>,
  at = "",
): CheckPlan {
  const encoded = encodeKey(p.model, p.keys, key, fieldAt(at, "key"));
  if (condition === undefined) {
    throw new DynoValidationError(fieldAt(at, "condition"), "a condition check needs a condition");
  }
  return {
    kind: "ConditionCheck",
    table: p.table,
    key: encoded,
    keyProps: key,
    conditions: [conditionOf<T>(p.model, condition, fieldAt(at, "condition"))],
  };
}

/** A read of the item at `key`. */
export function getPlan<T>(
  p: TablePlanner,
  key: unknown,
  options: GetPlanOptions = {},
  at = "",
): GetPlan<T> {
  const encoded = encodeKey(p.model, p.keys, key, fieldAt(at, "key"));
  let projection: PathSegment[][] | undefined;
  let schema = p.model.schema;
  if (options.project !== undefined) {
    const picked = p.model.projection(options.project, fieldAt(at, "project"));
    const ttl = p.behaviour.ttl;
    projection = ttl ? [...picked.paths, [ttl.attr]] : picked.paths;
    schema = picked.schema;
  }
  const hideExpired = p.behaviour.ttl !== undefined && options.includeExpired !== true;
  return {
    table: p.table,
    key: encoded,
    keyProps: key,
    ...(projection ? { projection } : {}),
    ...(options.consistentRead ? { consistentRead: true } : {}),
    decode: (item) =>
      hideExpired && expired(p.behaviour, item) ? undefined : (unmarshalItem(item, schema) as T),
  };
}
