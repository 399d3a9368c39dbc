/**
 * `SharedTable`: one DynamoDB table shared by several entities (single-table design, API.md
 * section 14). It names the generic key attributes (`pk`, `sk`, `gsi1pk`...) and the entity
 * attribute; entities fill them from their properties through key templates. Creating and
 * dropping the table goes through the Table model's own `create`/`drop`.
 * @module
 */
import { checkName } from "../builders/validate.js";
import { checkSecret, checkValidator } from "../table/behaviour.js";
import type { TableDescription } from "@aws-sdk/client-dynamodb";
import * as s from "../encoding/schema/s.js";
import type { AnySchema, Schema } from "../encoding/schema/schema.js";
import type { StandardSchemaV1 } from "../encoding/schema/standard.js";
import { DynoValidationError } from "../errors.js";
import { setOwn } from "../own.js";
import { checkNames, checkOptions } from "../table/options.js";
import { Table, type CreateOptions, type DropOptions } from "../table/table.js";
import type { PathsOf } from "../table/types.js";
import { Collection, type Members } from "./collection.js";
import { defineEntity, type SharedKeys } from "./definition.js";
import { Entity } from "./entity.js";
import { refuseOverlap } from "./overlap.js";
import type { ModelSession } from "../table/model-session.js";
import type { CheckedTemplate, KeyTemplates } from "./types.js";

/** The key attributes of one index of a shared table. */
export interface SharedIndex {
  /** The index's partition key attribute (a string). */
  readonly partitionKey: string;
  /** The index's sort key attribute (a string). */
  readonly sortKey?: string;
}

/** How to define a shared table. */
export interface SharedTableOptions<IX extends { readonly [index: string]: SharedIndex }> {
  /** The partition key attribute name (a string attribute), e.g. `"pk"`. */
  partitionKey: string;
  /** The sort key attribute name, e.g. `"sk"`. */
  sortKey?: string;
  /** Global secondary indexes by name: `{ gsi1: { partitionKey: "gsi1pk", sortKey: "gsi1sk" } }` (projection ALL). */
  indexes?: IX;
  /** The attribute holding each item's entity name (default `"_type"`). */
  entityAttribute?: string;
}

/** The names of {@link SharedTableOptions}: any other option is refused. */
export const SHARED_TABLE_OPTIONS: readonly (keyof SharedTableOptions<never>)[] = [
  "partitionKey",
  "sortKey",
  "indexes",
  "entityAttribute",
];

/** The names of {@link SharedIndex}: any other name in an index's definition is refused. */
const SHARED_INDEX_OPTIONS: readonly (keyof SharedIndex)[] = ["partitionKey", "sortKey"];

/** Index templates of an entity, checked against its schema and the shared table's indexes. */
export type EntityIndexes<T, IX, EIX> = {
  [I in keyof EIX]: I extends keyof IX
    ? EIX[I] extends KeyTemplates
      ? {
          partitionKey: CheckedTemplate<T, EIX[I]["partitionKey"]>;
          sortKey?: EIX[I]["sortKey"] extends string
            ? CheckedTemplate<T, EIX[I]["sortKey"]>
            : undefined;
        }
      : KeyTemplates
    : `the shared table has no index ${I & string}`;
};

/** How to define an entity. */
export interface EntityOptions<T, PK extends string, SK extends string | undefined, IX, EIX> {
  /** The object schema of the entity's items (`s.object({...})`). */
  schema: Schema<T, false>;
  /** The key templates: `{ partitionKey: "ORG#{org}", sortKey: "USER#{id}" }`. */
  key: {
    partitionKey: PK & CheckedTemplate<T, PK>;
    sortKey?: SK & CheckedTemplate<T, SK & string>;
  };
  /** Index key templates, by index of the shared table: `{ gsi1: { partitionKey: "EMAIL#{email}" } }`. */
  indexes?: EIX & EntityIndexes<T, IX, EIX>;
  /** A number property holding the item's version: optimistic locking (API.md section 15). */
  version?: PathsOf<T, number> & keyof T & string;
  /** Date properties set on writes: `createdAt` on a put that does not give it, `updatedAt` on every put and update. */
  timestamps?: {
    createdAt?: PathsOf<T, Date> & keyof T & string;
    updatedAt?: PathsOf<T, Date> & keyof T & string;
  };
  /** A date property stored as epoch seconds, the table's time to live: `create()` enables it; reads leave out expired items. */
  ttl?: PathsOf<T, Date> & keyof T & string;
  /** Checks every item a put writes before anything is sent: any Standard Schema (zod, valibot, arktype, `s.*`). */
  validate?: StandardSchemaV1;
  /** Signs the entity's cursors (HMAC-SHA256): a modified cursor is refused. */
  cursorSecret?: string | Uint8Array;
}

/** The names of {@link EntityOptions}: any other option of `app.entity(...)` is refused. */
export const ENTITY_OPTIONS: readonly (keyof EntityOptions<
  unknown,
  string,
  undefined,
  unknown,
  unknown
>)[] = ["schema", "key", "indexes", "version", "timestamps", "ttl", "validate", "cursorSecret"];

/**
 * A table shared by several entities. Made by `dyno.sharedTable(name, options)`.
 *
 * @example
 * ```ts
 * const app = dyno.sharedTable("App", {
 *   partitionKey: "pk", sortKey: "sk",
 *   indexes: { gsi1: { partitionKey: "gsi1pk", sortKey: "gsi1sk" } },
 * });
 * const Users = app.entity("User", { schema: User, key: { partitionKey: "ORG#{org}", sortKey: "USER#{id}" } });
 * await app.create();
 * ```
 */
export class SharedTable<
  IX extends { readonly [index: string]: SharedIndex } = Record<never, never>,
> {
  /** The table name. */
  readonly name: string;
  /** The key attributes and entity attribute. */
  readonly keys: SharedKeys;
  readonly #session: ModelSession;
  readonly #entities = new Map<string, Entity<unknown>>();

  /** Use `dyno.sharedTable(name, options)`. */
  constructor(session: ModelSession, name: string, options: SharedTableOptions<IX>) {
    if (typeof name !== "string" || name === "")
      throw new DynoValidationError("name", "a table needs a name");
    if (!options || typeof options !== "object") {
      throw new DynoValidationError(
        "options",
        "expected { partitionKey, sortKey?, indexes?, entityAttribute? }",
      );
    }
    checkOptions(options, SHARED_TABLE_OPTIONS, "");
    const attr = (v: unknown, where: string): string => {
      if (typeof v !== "string" || v === "")
        throw new DynoValidationError(where, "expected an attribute name");
      return v;
    };
    const indexes = new Map<string, { partitionKey: string; sortKey: string | undefined }>();
    for (const [index, def] of Object.entries(
      (options.indexes ?? {}) as Record<string, SharedIndex>,
    )) {
      checkName(index, `indexes.${index}`);
      if (!def || typeof def !== "object")
        throw new DynoValidationError(`indexes.${index}`, "expected { partitionKey, sortKey? }");
      checkNames(def, SHARED_INDEX_OPTIONS, `indexes.${index}`);
      indexes.set(index, {
        partitionKey: attr(def.partitionKey, `indexes.${index}.partitionKey`),
        sortKey:
          def.sortKey === undefined ? undefined : attr(def.sortKey, `indexes.${index}.sortKey`),
      });
    }
    this.keys = {
      partitionKey: attr(options.partitionKey, "partitionKey"),
      sortKey: options.sortKey === undefined ? undefined : attr(options.sortKey, "sortKey"),
      indexes,
      entityAttribute:
        options.entityAttribute === undefined
          ? "_type"
          : attr(options.entityAttribute, "entityAttribute"),
    };
    const all = [
      this.keys.partitionKey,
      this.keys.sortKey,
      ...[...indexes.values()].flatMap((i) => [i.partitionKey, i.sortKey]),
    ];
    if (all.includes(this.keys.entityAttribute)) {
      throw new DynoValidationError(
        "entityAttribute",
        `${this.keys.entityAttribute} is also a key attribute`,
      );
    }
    this.#session = session;
    this.name = name;
  }

  /**
   * Defines an entity of this table: its schema, key templates (`{property}` placeholders) for
   * the table's key and any of its indexes, and optionally version, timestamps, TTL, validation
   * and cursor signing.
   */
  entity<
    T,
    const N extends string,
    const PK extends string,
    const SK extends string | undefined = undefined,
    const EIX extends { readonly [I in keyof IX]?: KeyTemplates } = Record<never, never>,
  >(
    name: N,
    options: EntityOptions<T, PK, SK, IX, EIX>,
  ): Entity<T, N, { partitionKey: PK; sortKey: SK }, { [I in keyof EIX]: EIX[I] & KeyTemplates }> {
    if (this.#entities.has(name)) {
      throw new DynoValidationError(
        "name",
        `table ${this.name} already has an entity ${JSON.stringify(name)}`,
      );
    }
    if (options && typeof options === "object") checkOptions(options, ENTITY_OPTIONS, "");
    const definition = defineEntity(this.name, name, this.keys, options as never);
    refuseOverlap(
      name,
      definition.key,
      [...this.#entities.values()].map((e) => e.definition),
    );
    if (definition.ttl) {
      for (const other of this.#entities.values()) {
        const t = other.definition.ttl;
        if (t && t.attr !== definition.ttl.attr) {
          throw new DynoValidationError(
            "ttl",
            `a table has one TTL attribute: entity ${other.entity} uses ${t.attr}, this one ${definition.ttl.attr}`,
          );
        }
      }
    }
    const entity = new Entity(this.#session, this.name, definition, {
      validate: checkValidator(options.validate),
      cursorSecret: checkSecret(options.cursorSecret),
    });
    this.#entities.set(name, entity as Entity<unknown>);
    return entity as never;
  }

  /**
   * Several entities read together from one partition: `app.collection({ users: Users, orders: Orders })`.
   */
  collection<const M extends Members>(members: M): Collection<M> {
    for (const [name, e] of Object.entries(members)) {
      if (!(e instanceof Entity) || e.name !== this.name || this.#entities.get(e.entity) !== e) {
        throw new DynoValidationError(
          `members.${name}`,
          `expected an entity of table ${this.name}`,
        );
      }
    }
    return new Collection(this.#session, this.name, members);
  }

  /** The entities defined so far, by entity name. */
  get entities(): ReadonlyMap<string, Entity<unknown>> {
    return this.#entities;
  }

  /**
   * Creates the table (string key attributes, every index with projection ALL) and waits until
   * it and its indexes are ACTIVE; enables time to live when an entity declares `ttl` (on an
   * engine without time to live, dynalite, that step is skipped). Define the entities first.
   */
  async create(options: CreateOptions = {}): Promise<TableDescription> {
    const table = this.#table();
    const description = await table.create(options);
    const ttl = [...this.#entities.values()].find((e) => e.definition.ttl)?.definition.ttl;
    if (ttl) {
      await table.ttl(ttl.attr as never).catch((e: unknown) => {
        // dynalite has no time to live; reads leave expired items out all the same.
        if ((e as { name?: unknown }).name !== "UnknownOperationException") throw e;
      });
    }
    return description;
  }

  /** Deletes the table and waits until it is gone (see {@link Table.drop}: a deadline and a signal). */
  drop(options: DropOptions = {}): Promise<void> {
    return this.#table().drop(options);
  }

  /** The table's description (DescribeTable). */
  describe(): Promise<TableDescription> {
    return this.#table().describe();
  }

  /** The table as a plain Table model of its key attributes (for create, drop and describe). */
  #table(): Table<Record<string, unknown>, never, never> {
    const k = this.keys;
    const shape: Record<string, AnySchema> = { [k.partitionKey]: s.string() };
    if (k.sortKey) setOwn(shape, k.sortKey, s.string());
    const indexes: Record<string, { partitionKey: string; sortKey?: string }> = {};
    for (const [name, ix] of k.indexes) {
      setOwn(shape, ix.partitionKey, s.string());
      if (ix.sortKey) setOwn(shape, ix.sortKey, s.string());
      setOwn(indexes, name, {
        partitionKey: ix.partitionKey,
        ...(ix.sortKey ? { sortKey: ix.sortKey } : {}),
      });
    }
    const ttl = [...this.#entities.values()].find((e) => e.definition.ttl)?.definition.ttl;
    if (ttl) setOwn(shape, ttl.attr, s.date({ as: "epochSeconds" }));
    // The Table runs on the session's operations; it takes the session type this room does not import.
    return new Table(this.#session as never, this.name, {
      schema: s.object(shape) as never,
      partitionKey: k.partitionKey as never,
      ...(k.sortKey ? { sortKey: k.sortKey as never } : {}),
      indexes: indexes as never,
    });
  }
}
