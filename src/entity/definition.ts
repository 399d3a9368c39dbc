/**
 * An entity's definition compiled once: its schema's item model, key templates (table and
 * indexes), the attributes it computes, and its version, timestamp and TTL properties, each
 * checked against the schema with errors naming the option.
 * @module
 */
import type { AnySchema } from "../encoding/schema/schema.js";
import { DynoValidationError } from "../errors.js";
import { compileBehaviour, type Behaviour, type StoredProp } from "../table/behaviour.js";
import { ItemModel } from "../table/paths.js";
import type { StoredItem } from "../table/model.js";
import { requiredAttributes } from "../table/storage.js";
import type { PlanBase } from "../table/plans.js";
import { ownValue } from "../own.js";
import { checkNames } from "../table/options.js";
import { compileKey, encodeKey, type EntityKeySchema } from "./keys.js";
import type { ValueKind } from "./template.js";
import type { KeyTemplates } from "./types.js";

/** The key attributes of a shared table and of its indexes. */
export interface SharedKeys {
  readonly partitionKey: string;
  readonly sortKey: string | undefined;
  readonly indexes: ReadonlyMap<string, { partitionKey: string; sortKey: string | undefined }>;
  readonly entityAttribute: string;
}

export type { StoredProp };

/** The compiled definition of an entity. */
export interface EntityDefinition extends Behaviour, PlanBase {
  /** The DynamoDB table. */
  readonly table: string;
  /** The entity's name (its entity attribute's value). */
  readonly name: string;
  readonly model: ItemModel;
  readonly kinds: ReadonlyMap<string, ValueKind>;
  readonly key: EntityKeySchema;
  readonly indexes: ReadonlyMap<string, EntityKeySchema>;
  /** Every attribute the entity computes (keys, index keys, the entity attribute). */
  readonly computed: ReadonlySet<string>;
  readonly entityAttribute: string;
  readonly version: StoredProp | undefined;
  readonly createdAt: StoredProp | undefined;
  readonly updatedAt: StoredProp | undefined;
  readonly ttl: StoredProp | undefined;
  /** True when the stored item's entity attribute names this entity. */
  readonly owns: (item: StoredItem) => boolean;
  /**
   * The required attributes an update does not write by itself (key properties, version and
   * timestamps left out): an update that does not write them all may only change an existing item.
   */
  readonly required: readonly string[];
}

/** The raw options an entity is defined with (typed in `entity.ts`). */
export interface RawEntityOptions {
  schema: unknown;
  key: { partitionKey?: unknown; sortKey?: unknown };
  indexes?: Record<string, { partitionKey?: unknown; sortKey?: unknown }>;
  version?: unknown;
  timestamps?: { createdAt?: unknown; updatedAt?: unknown };
  ttl?: unknown;
}

/**
 * Refuses a schema storing an attribute the shared table reserves: its key attributes, every
 * index's key attributes (whether or not this entity uses the index: a property `gsi1pk` would
 * put the item in gsi1) and the entity attribute; and an embedded record that could store one.
 */
function refuseReserved(model: ItemModel, shared: SharedKeys, entity: string): void {
  const reserved = new Map<string, string>([
    [shared.partitionKey, "the table's partition key"],
    [shared.entityAttribute, "the entity attribute"],
  ]);
  if (shared.sortKey) reserved.set(shared.sortKey, "the table's sort key");
  for (const [index, ix] of shared.indexes) {
    reserved.set(ix.partitionKey, `the partition key of index ${index}`);
    if (ix.sortKey) reserved.set(ix.sortKey, `the sort key of index ${index}`);
  }
  for (const [attr, what] of reserved) {
    if (model.plan.known.has(attr)) {
      const f = model.plan.fields.find((x) => x.type === "field" && x.attr === attr);
      throw new DynoValidationError(
        `schema.${f?.prop ?? attr}`,
        `entity ${entity}: ${f?.prop ?? attr} is stored as ${attr}, which is ${what} (the shared table computes it from templates); rename the property or store it under another name`,
      );
    }
    for (const r of model.plan.records) {
      if (
        attr.length > r.prefix.length + r.suffix.length - 1 &&
        attr.startsWith(r.prefix) &&
        attr.endsWith(r.suffix)
      ) {
        throw new DynoValidationError(
          "schema",
          `entity ${entity}: an embedded record stored as ${JSON.stringify(`${r.prefix}<key>${r.suffix}`)} could store ${attr}, which is ${what}; give it a prefix that no key attribute starts with`,
        );
      }
    }
  }
}

/** The names of {@link KeyTemplates}: any other name in an entity's `key` or index templates is refused. */
const KEY_TEMPLATE_NAMES: readonly (keyof KeyTemplates)[] = ["partitionKey", "sortKey"];

/** Compiles an entity's options against its shared table's keys. */
export function defineEntity(
  table: string,
  name: string,
  shared: SharedKeys,
  options: RawEntityOptions,
): EntityDefinition {
  if (typeof name !== "string" || name === "") {
    throw new DynoValidationError("name", "an entity needs a name");
  }
  if (!options || typeof options !== "object") {
    throw new DynoValidationError(
      "options",
      "expected { schema, key, indexes?, version?, timestamps?, ttl? }",
    );
  }
  const model = new ItemModel(options.schema as AnySchema);
  const kinds = new Map<string, ValueKind>();
  if (!options.key || typeof options.key !== "object") {
    throw new DynoValidationError(
      "key",
      'expected { partitionKey: "ORG#{org}", sortKey?: "USER#{id}" }',
    );
  }
  checkNames(options.key, KEY_TEMPLATE_NAMES, "key");
  const key = compileKey(
    model,
    kinds,
    undefined,
    { partition: shared.partitionKey, sort: shared.sortKey },
    options.key,
    "key",
    `entity ${name}`,
  );
  const indexes = new Map<string, EntityKeySchema>();
  for (const [index, templates] of Object.entries(options.indexes ?? {})) {
    const attrs = shared.indexes.get(index);
    if (!attrs) {
      const known = [...shared.indexes.keys()];
      throw new DynoValidationError(
        `indexes.${index}`,
        `the shared table has no index ${index} (${known.length ? `indexes: ${known.join(", ")}` : "it declares none"})`,
      );
    }
    if (!templates || typeof templates !== "object") {
      throw new DynoValidationError(
        `indexes.${index}`,
        "expected { partitionKey, sortKey? } templates",
      );
    }
    checkNames(templates, KEY_TEMPLATE_NAMES, `indexes.${index}`);
    indexes.set(
      index,
      compileKey(
        model,
        kinds,
        index,
        { partition: attrs.partitionKey, sort: attrs.sortKey },
        templates,
        `indexes.${index}`,
        `entity ${name}`,
      ),
    );
  }
  const computed = new Set<string>([shared.entityAttribute, shared.partitionKey]);
  if (shared.sortKey) computed.add(shared.sortKey);
  for (const ix of indexes.values()) {
    computed.add(ix.partition.attr);
    if (ix.sort) computed.add(ix.sort.attr);
  }
  refuseReserved(model, shared, name);
  const behaviour = compileBehaviour(model, options, (prop) =>
    kinds.has(prop) ? `${prop} is named in a key template and cannot change on its own` : undefined,
  );
  const written = new Set<string>();
  for (const p of key.props) written.add((model.field(p) as { attr: string }).attr);
  for (const p of [behaviour.version, behaviour.createdAt, behaviour.updatedAt]) {
    if (p) written.add(p.attr);
  }
  const required = requiredAttributes(model.plan).filter((a) => !written.has(a));
  return {
    table,
    name,
    required,
    model,
    kinds,
    key,
    indexes,
    computed,
    entityAttribute: shared.entityAttribute,
    ...behaviour,
    behaviour,
    partitionAttr: key.partition.attr,
    owner: `entity ${name}`,
    encodeKey: (value, field) => encodeKey(key, kinds, value, field),
    owns: (item) => ownValue(item, shared.entityAttribute)?.S === name,
    ownsReads: [shared.entityAttribute],
  };
}
