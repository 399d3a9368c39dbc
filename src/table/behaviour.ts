/**
 * What a model (a Table or an entity) does to every write and read beyond its schema: the
 * version (optimistic locking), timestamps, TTL and Standard Schema validation of API.md
 * section 15. One engine: the Table's plans and the entity's plans both apply these.
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { AnySchema } from "../encoding/schema/schema.js";
import type { StandardSchemaV1 } from "../encoding/schema/standard.js";
import { DynoValidationError } from "../errors.js";
import { ownValue, setOwn } from "../own.js";
import { cond } from "../expression/condition.js";
import type { Condition, PathSegment, UpdateAction } from "../expression/types.js";
import { update } from "../expression/update.js";
import type { StoredItem, VersionCheck } from "./model.js";
import { encoded, type ItemModel } from "./paths.js";

/** A top-level property and the attribute it is stored in. */
export interface StoredProp {
  readonly prop: string;
  readonly attr: string;
}

/** A model's managed properties (each `undefined` when the model has none). */
export interface Behaviour {
  readonly version: StoredProp | undefined;
  readonly createdAt: StoredProp | undefined;
  readonly updatedAt: StoredProp | undefined;
  readonly ttl: StoredProp | undefined;
}

/** The raw options naming a model's managed properties. */
export interface BehaviourOptions {
  version?: unknown;
  timestamps?: { createdAt?: unknown; updatedAt?: unknown };
  ttl?: unknown;
}

/**
 * Compiles `version`, `timestamps` and `ttl` against a schema. `keyProp(prop)` says why a
 * property cannot be managed (it is part of a key), or `undefined`.
 * @throws DynoValidationError naming the option.
 */
export function compileBehaviour(
  model: ItemModel,
  options: BehaviourOptions,
  keyProp: (prop: string) => string | undefined,
): Behaviour {
  const stored = (
    option: string,
    prop: unknown,
    check: (def: AnySchema["def"]) => string | undefined,
  ): StoredProp | undefined => {
    if (prop === undefined) return undefined;
    const f = typeof prop === "string" ? model.field(prop) : undefined;
    if (!f || f.type !== "field") {
      throw new DynoValidationError(
        option,
        `expected a top-level property of the schema, got ${JSON.stringify(prop)}`,
      );
    }
    const why = keyProp(f.prop);
    if (why) throw new DynoValidationError(option, why);
    const wrong = check(f.schema.def);
    if (wrong)
      throw new DynoValidationError(option, `${f.prop} is s.${f.schema.def.kind}(); ${wrong}`);
    return { prop: f.prop, attr: f.attr };
  };
  const isDate = (def: AnySchema["def"]) => (def.kind === "date" ? undefined : "expected s.date()");
  const ts = options.timestamps ?? {};
  if (ts === null || typeof ts !== "object") {
    throw new DynoValidationError("timestamps", "expected { createdAt?, updatedAt? }");
  }
  const b: Behaviour = {
    version: stored("version", options.version, (def) =>
      def.kind === "number" ? undefined : "a version is s.number()",
    ),
    createdAt: stored("timestamps.createdAt", ts.createdAt, isDate),
    updatedAt: stored("timestamps.updatedAt", ts.updatedAt, isDate),
    ttl: stored("ttl", options.ttl, (def) =>
      def.kind === "date" && def.as === "epochSeconds"
        ? undefined
        : 'a TTL property is s.date({ as: "epochSeconds" })',
    ),
  };
  refuseShared(b);
  return b;
}

/**
 * Each managed property has one job: an `updatedAt` that is also the TTL expires every item as
 * it is written, a `createdAt` that is also `updatedAt` loses the creation time.
 */
function refuseShared(b: Behaviour): void {
  const roles: [string, StoredProp | undefined][] = [
    ["version", b.version],
    ["timestamps.createdAt", b.createdAt],
    ["timestamps.updatedAt", b.updatedAt],
    ["ttl", b.ttl],
  ];
  const seen = new Map<string, string>();
  for (const [option, p] of roles) {
    if (!p) continue;
    const first = seen.get(p.attr);
    if (first !== undefined) {
      throw new DynoValidationError(
        option,
        `${p.prop} is already the ${first} property; each of version, timestamps.createdAt, timestamps.updatedAt and ttl needs its own property`,
      );
    }
    seen.set(p.attr, option);
  }
}

/** Seconds since the epoch: what a TTL attribute is compared with. */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** True when the item's TTL has passed (it is still stored until DynamoDB deletes it). */
export function expired(b: Behaviour, item: StoredItem): boolean {
  const n = b.ttl ? item[b.ttl.attr]?.N : undefined;
  return n !== undefined && Number(n) <= nowSeconds();
}

/** The filter that leaves out expired items; `undefined` when there is nothing to leave out. */
export function unexpired(
  b: Behaviour,
  includeExpired: boolean | undefined,
): Condition | undefined {
  if (!b.ttl || includeExpired) return undefined;
  return cond.or(cond.notExists([b.ttl.attr]), cond.gt([b.ttl.attr], nowSeconds()));
}

/**
 * Checks an item with a Standard Schema validator synchronously (plans are built synchronously).
 * @throws DynoValidationError with the validator's `issues`; or when the validator is asynchronous.
 */
export function validateSync(v: StandardSchemaV1 | undefined, item: unknown, field: string): void {
  if (!v) return;
  const result = v["~standard"].validate(item);
  if (typeof (result as PromiseLike<unknown>).then === "function") {
    throw new DynoValidationError(
      field,
      "the validate option's schema is asynchronous; a transaction or batch checks items synchronously (use put)",
    );
  }
  refuseIssues(result as StandardSchemaV1.Result<unknown>, field);
}

/** Checks an item with a Standard Schema validator, synchronous or not. */
export async function validateAsync(
  v: StandardSchemaV1 | undefined,
  item: unknown,
  field: string,
): Promise<void> {
  if (!v) return;
  refuseIssues(await v["~standard"].validate(item), field);
}

function refuseIssues(result: StandardSchemaV1.Result<unknown>, field: string): void {
  if (!result.issues) return;
  const first = result.issues[0];
  const at = (first?.path ?? [])
    .map((p) => (typeof p === "object" ? String(p.key) : String(p)))
    .join(".");
  throw new DynoValidationError(
    at ? `${field}.${at}` : field,
    `failed validation: ${result.issues.map((i) => i.message).join("; ")}`,
    { issues: result.issues },
  );
}

/**
 * The version a write is conditioned on. `owner` names the model (`entity Users`, `table T`).
 * @throws DynoValidationError when the model has no version or the value is not a positive integer.
 */
export function versionOf(
  b: Behaviour,
  version: unknown,
  field: string,
  owner: string,
): number | undefined {
  if (version === undefined) return undefined;
  if (!b.version) {
    throw new DynoValidationError(
      field,
      `${owner} has no version property, so a write cannot be conditioned on one`,
    );
  }
  if (typeof version !== "number" || !Number.isSafeInteger(version) || version < 1) {
    throw new DynoValidationError(field, `a version is a positive integer, got ${String(version)}`);
  }
  return version;
}

/** The condition of a version check: no item at the key (`partitionAttr`), or version `expected`. */
export const versionCondition = (
  b: Behaviour,
  partitionAttr: string,
  expected: number | undefined,
): Condition =>
  expected === undefined ? cond.notExists([partitionAttr]) : cond.eq([b.version!.attr], expected);

/**
 * A put's managed properties: `updatedAt` now (a value the item gives is replaced: it is the
 * time of the write, as the version is the stored one + 1), `createdAt` unless given (a put
 * replacing an item read before keeps its creation time), the version (1 for an
 * item without one, n + 1 for version n). Returns the item to store (a copy when anything
 * changed) and the version check. A batch (`batch`) refuses a versioned model: it cannot check
 * the stored version.
 */
export function stampPut(
  b: Behaviour,
  item: Record<string, unknown>,
  field: string,
  owner: string,
  batch: boolean,
): { value: Record<string, unknown>; check: VersionCheck | undefined } {
  if (!b.version && !b.createdAt && !b.updatedAt) return { value: item, check: undefined };
  const value = { ...item };
  let check: VersionCheck | undefined;
  const now = new Date();
  if (b.updatedAt) setOwn(value, b.updatedAt.prop, now);
  if (b.createdAt && ownValue(value, b.createdAt.prop) === undefined)
    setOwn(value, b.createdAt.prop, now);
  if (b.version) {
    // A batch write cannot be conditional: writing version 1 (or n + 1) unchecked over a stored
    // item would reset its version, and a stale writer's version would match again (ABA).
    if (batch) {
      throw new DynoValidationError(
        `${field}.${b.version.prop}`,
        `${owner} is versioned (${b.version.prop}): a batch write cannot check the stored version and would reset it; use put or transact`,
      );
    }
    const expected = versionOf(
      b,
      ownValue(value, b.version.prop),
      `${field}.${b.version.prop}`,
      owner,
    );
    setOwn(value, b.version.prop, expected === undefined ? 1 : expected + 1);
    check = { attribute: b.version.attr, expected };
  }
  return { value, check };
}

const firstOf = (a: UpdateAction) => (a as { path?: readonly PathSegment[] }).path?.[0];

/**
 * Refuses an update action on a property the model manages: the version (pass `{ version }` to
 * check it) and the timestamps (an update sets `updatedAt` to now and `createdAt` only where
 * missing; a caller's value would break that rule for every later reader).
 */
export function refuseManagedAction(
  b: Behaviour,
  action: UpdateAction,
  at: string,
  kind: "entity" | "table",
): void {
  const attr = firstOf(action);
  if (attr === undefined) return;
  const refuse = (p: StoredProp, why: string): never => {
    throw new DynoValidationError(at ? `${at}.${p.prop}` : p.prop, why);
  };
  if (b.version && attr === b.version.attr)
    refuse(b.version, `the version is managed by the ${kind}; pass { version } to check it`);
  for (const p of [b.createdAt, b.updatedAt]) {
    if (p && attr === p.attr) {
      refuse(
        p,
        `${p.prop} is a timestamp managed by the ${kind} (an update sets updatedAt to now and createdAt where missing); it cannot be set by an update`,
      );
    }
  }
}

/**
 * Appends an update's managed actions: `updatedAt` now, `createdAt` if missing, the version
 * increment (the caller's actions cannot touch them: {@link refuseManagedAction}).
 */
export function stampUpdate(b: Behaviour, model: ItemModel, actions: UpdateAction[]): void {
  const now = new Date();
  const at = (p: StoredProp): AttributeValue =>
    model.encode({ ...model.resolve(p.prop, p.prop), label: p.prop }, now, p.prop)!;
  if (b.updatedAt) actions.push(update.set([b.updatedAt.attr], encoded(at(b.updatedAt))));
  if (b.createdAt) {
    actions.push(update.setIfNotExists([b.createdAt.attr], encoded(at(b.createdAt))));
  }
  if (b.version) actions.push(update.increment([b.version.attr]));
}

/**
 * The `validate` option: a Standard Schema (`~standard.validate`), or none.
 * @throws DynoValidationError naming `validate`.
 */
export function checkValidator(v: unknown): StandardSchemaV1 | undefined {
  if (v === undefined) return undefined;
  const std = (v as { "~standard"?: { validate?: unknown } } | null)?.["~standard"];
  if (typeof std?.validate !== "function") {
    throw new DynoValidationError("validate", "expected a Standard Schema (zod, valibot, s.*...)");
  }
  return v as StandardSchemaV1;
}

/**
 * The `cursorSecret` option: a non-empty string or bytes, or none.
 * @throws DynoValidationError naming `cursorSecret`.
 */
export function checkSecret(secret: unknown): string | Uint8Array | undefined {
  if (secret === undefined) return undefined;
  if ((typeof secret === "string" || secret instanceof Uint8Array) && secret.length > 0) {
    return secret;
  }
  throw new DynoValidationError("cursorSecret", "expected a non-empty string or Uint8Array");
}
