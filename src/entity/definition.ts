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
import type { PlanBase } from "../table/plans.js";
import { compileKey, type EntityKeySchema } from "./keys.js";
import type { ValueKind } from "./template.js";

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
  for (const attr of computed) {
    if (model.plan.known.has(attr)) {
      const f = model.plan.fields.find((x) => x.type === "field" && x.attr === attr);
      throw new DynoValidationError(
        `schema.${f?.prop ?? attr}`,
        `is stored as ${attr}, which the shared table computes (its key or entity attribute); rename it`,
      );
    }
  }
  const behaviour = compileBehaviour(model, options, (prop) =>
    kinds.has(prop) ? `${prop} is named in a key template and cannot change on its own` : undefined,
  );
  if (model.plan.records.some((r) => r.prefix === "" && r.suffix === "")) {
    throw new DynoValidationError(
      "schema",
      "an embedded record without prefix or suffix would claim the shared table's computed attributes; give it a prefix",
    );
  }
  return {
    table,
    name,
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
  };
}
