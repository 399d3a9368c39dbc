/**
 * The Table model's plans (the {@link Model} contract): typed items, keys, conditions and
 * update functions checked against the schema and turned into complete DynamoDB actions with
 * unrendered expressions. The table's own methods and `dyno.transact` & co. send the same plans.
 * @module
 */
import { marshalItem, unmarshalItem } from "../encoding/api.js";
import { DynoEncodingError, DynoValidationError } from "../errors.js";
import { ownValue, setOwn } from "../own.js";
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
import type { KeySchema } from "./keys.js";
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
  refuseManagedAction,
  stampPut,
  stampUpdate,
  validateSync,
  versionCondition,
  versionOf,
  type Behaviour,
} from "./behaviour.js";

/** What a table's plans are made from. */
export interface TablePlanner extends PlanBase {
  readonly keys: KeySchema;
  /** The attributes every stored item has (keys left out): what an update must write to create one. */
  readonly required: readonly string[];
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
  return marshalAt(model, item, field);
}

/**
 * Marshals a value with the model's schema, an encoding error becoming a validation error
 * naming `field.path`.
 */
export function marshalAt(model: ItemModel, value: unknown, field: string): StoredItem {
  try {
    return marshalItem(value, model.schema);
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

/** What every model's plans are made from (a Table's and an entity's alike). */
export interface PlanBase {
  readonly table: string;
  readonly model: ItemModel;
  /** The managed version, timestamps and TTL. */
  readonly behaviour: Behaviour;
  /** The table's partition key attribute (a versionless put is conditioned on its absence). */
  readonly partitionAttr: string;
  /** The model as errors name it: `table Users`, `entity User`. */
  readonly owner: string;
  /**
   * Encodes a key as users write it into the stored primary key (computed attributes
   * included), its `DynoValidationError`s naming `field.property`.
   */
  encodeKey(key: unknown, field: string): StoredItem;
  /** True when a stored item read at a key belongs to the model (absent: always). */
  readonly owns?: (item: StoredItem) => boolean;
  /** Attributes `owns` needs, read even by a projected get. */
  readonly ownsReads?: readonly string[];
}

/**
 * A write's conditions: the caller's, then the version check when `version` is given (or,
 * for a put, `check` computed from the item).
 */
export function writeConditions<T>(
  b: PlanBase,
  condition: ConditionInput<T> | undefined,
  version: unknown,
  at: string,
  check?: VersionCheck,
): { conditions: Condition[]; version?: VersionCheck } {
  const all =
    condition === undefined ? [] : [conditionOf<T>(b.model, condition, fieldAt(at, "condition"))];
  const expected = check
    ? check.expected
    : versionOf(b.behaviour, version, fieldAt(at, "version"), b.owner);
  const guard =
    check ??
    (expected !== undefined ? { attribute: b.behaviour.version!.attr, expected } : undefined);
  if (guard) all.push(versionCondition(b.behaviour, b.partitionAttr, guard.expected));
  return guard ? { conditions: all, version: guard } : { conditions: all };
}

/** A delete of the item at `key`, conditioned on `options.version` when given. */
export function deletePlan<T>(
  b: PlanBase,
  key: unknown,
  options: VersionedPlanOptions<T> = {},
  at = "",
): DeletePlan {
  const encoded = b.encodeKey(key, fieldAt(at, "key"));
  const { conditions, version } = writeConditions(b, options.condition, options.version, at);
  return {
    kind: "Delete",
    table: b.table,
    key: encoded,
    keyProps: key,
    conditions,
    ...(version ? { version } : {}),
  };
}

/** A condition check on the item at `key` (transactions). */
export function checkPlan<T>(
  b: PlanBase,
  key: unknown,
  condition: ConditionInput<T>,
  at = "",
): CheckPlan {
  const encoded = b.encodeKey(key, fieldAt(at, "key"));
  if (condition === undefined) {
    throw new DynoValidationError(fieldAt(at, "condition"), "a condition check needs a condition");
  }
  return {
    kind: "ConditionCheck",
    table: b.table,
    key: encoded,
    keyProps: key,
    conditions: [conditionOf<T>(b.model, condition, fieldAt(at, "condition"))],
  };
}

/**
 * A read of the item at `key`: `decode` leaves out an item the model does not own (another
 * entity's) and one whose TTL has passed unless `includeExpired`. A projection also reads
 * what that decision needs (`ownsReads` and the TTL attribute).
 */
export function getPlan<T>(
  b: PlanBase,
  key: unknown,
  options: GetPlanOptions = {},
  at = "",
): GetPlan<T> {
  const encoded = b.encodeKey(key, fieldAt(at, "key"));
  let projection: PathSegment[][] | undefined;
  let schema = b.model.schema;
  if (options.project !== undefined) {
    const picked = b.model.projection(options.project, fieldAt(at, "project"));
    const ttl = b.behaviour.ttl;
    const extra = b.ownsReads ?? [];
    projection = [...picked.paths, ...extra.map((a) => [a]), ...(ttl ? [[ttl.attr]] : [])];
    schema = picked.schema;
  }
  const hideExpired = b.behaviour.ttl !== undefined && options.includeExpired !== true;
  const owns = b.owns;
  return {
    table: b.table,
    key: encoded,
    keyProps: key,
    ...(projection ? { projection } : {}),
    ...(options.consistentRead ? { consistentRead: true } : {}),
    decode: (item) =>
      (owns === undefined || owns(item)) && !(hideExpired && expired(b.behaviour, item))
        ? (unmarshalItem(item, schema) as T)
        : undefined,
  };
}

const keyFields = (keys: KeySchema) => (keys.sort ? [keys.partition, keys.sort] : [keys.partition]);

/** The stored primary key of a stored item. */
export function storedKey(keys: KeySchema, item: StoredItem): StoredItem {
  const out: StoredItem = {};
  for (const k of keyFields(keys)) setOwn(out, k.attr, ownValue(item, k.attr)!);
  return out;
}

/** The key properties of an item, as users write a key. */
function keyPropsOf(keys: KeySchema, item: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keyFields(keys))
    setOwn(out, k.prop, ownValue(item as Record<string, unknown>, k.prop));
  return out;
}

/** True when `writes` create every one of the top-level attributes `required`. */
function createsAll(writes: ReturnType<typeof writesOf>, required: readonly string[]): boolean {
  for (const a of required) {
    if (!writes.some((w) => w.creates && w.segments.length === 1 && w.segments[0] === a))
      return false;
  }
  return true;
}

/** A field name under the action's location `at` (`""` for a single call). */
export const fieldAt = (at: string, name: string): string => (at ? `${at}.${name}` : name);

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
  const { conditions, version } = writeConditions(p, options.condition, undefined, at, check);
  return {
    kind: "Put",
    table: p.table,
    item: stored,
    key: storedKey(p.keys, stored),
    keyProps: keyPropsOf(p.keys, item),
    conditions,
    ...(version ? { version } : {}),
  };
}

/**
 * An update of the item at `key`. A key attribute cannot be updated (DynamoDB refuses it):
 * refused here, naming the property.
 */
export function updatePlan<T, K extends string = never>(
  p: TablePlanner,
  key: unknown,
  fn: (u: Updates<T, K>) => Updates<T, K>,
  options: VersionedPlanOptions<T> = {},
  at = "",
): UpdatePlan {
  const u = updateActionsOf<T, K>(p.model, fn, fieldAt(at, "actions"));
  const actions = [...actionsOf(u)];
  if (actions.length === 0) {
    throw new DynoValidationError(fieldAt(at, "actions"), "an update needs at least one action");
  }
  const encoded = p.encodeKey(key, fieldAt(at, "key"));
  for (const action of actions) {
    refuseManagedAction(p.behaviour, action, at, "table");
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
  const { conditions: all, version } = writeConditions(p, options.condition, options.version, at);
  // An item created by this update would hold only what it writes: unless that is every
  // required attribute, it may only change an existing item.
  if (!version && !createsAll(writesOf(u), p.required)) {
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
    ...(version ? { version } : {}),
  };
}
