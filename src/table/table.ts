/**
 * `Table`: one DynamoDB table seen through an object schema (API.md section 9). Items go in
 * and come out typed; keys, key conditions, conditions, projections and updates are written
 * with the schema's property names and values, translated by `paths.ts` and built by the
 * ordinary input builders; every call runs as the session's own operation (so its
 * middleware applies).
 * @module
 */
import type {
  QueryCommandInput,
  ScanCommandInput,
  StreamViewType,
  TableDescription,
} from "@aws-sdk/client-dynamodb";
import {
  CreateTableBuilder,
  type Billing,
  type IndexProjection,
  type KeyAttribute,
} from "../builders/table-admin.js";
import { QueryBuilder, ScanBuilder } from "../builders/read.js";
import { checkName } from "../builders/validate.js";
import { unmarshalItem } from "../encoding/api.js";
import type { AnySchema, Schema } from "../encoding/schema/schema.js";
import { DynoValidationError } from "../errors.js";
import type { PathSegment } from "../expression/types.js";
import type { Dyno } from "../session.js";
import { conditionOf, keyAgnostic, type ConditionInput, type Updates } from "./expressions.js";

export type { ConditionInput };
import type { RawItem } from "./items.js";
import type { StandardSchemaV1 } from "../encoding/schema/standard.js";
import {
  checkSecret,
  checkValidator,
  compileBehaviour,
  unexpired,
  validateAsync,
  type Behaviour,
} from "./behaviour.js";
import { bindingOf } from "./cursor.js";
import { PagedItems } from "./pages.js";
import { decodeKey, encodeKey, keyCondition, keyField, type KeySchema } from "./keys.js";
import { requiredAttributes } from "./storage.js";
import type {
  CheckPlan,
  KeyDecoder,
  DeletePlan,
  GetPlan,
  GetPlanOptions,
  Model,
  PutPlan,
  PutPlanOptions,
  StoredItem,
  UpdatePlan,
  VersionedPlanOptions,
} from "./model.js";
import { checkPlan, deletePlan, getPlan, putPlan, updatePlan, type TablePlanner } from "./plans.js";
import { sendDelete, sendGet, sendPut, sendUpdate } from "./send.js";
import { ItemModel } from "./paths.js";
import { checkMaxItems, readSource } from "./runs.js";
import { modelBatchGet, type ModelBatchGetOptions } from "./batch-get.js";
import { modelBatchDelete, writeEntries } from "./batch-write.js";
import { waitForTable, type TableWaitGoal, type TableWaitOptions } from "./wait.js";
import type { BatchOptions } from "../exhaustive/options.js";
import { checkNames, checkOptions } from "./options.js";
import { INDEX_DEFINITION_NAMES } from "./types.js";
import type {
  IndexDefinition,
  IndexItem,
  IndexPartition,
  IndexSort,
  Indexes,
  KeyOf,
  KeyProperty,
  KeyQuery,
  PathsOf,
  Projected,
} from "./types.js";

/** How to define a table: its schema, key properties and secondary indexes. */
export interface TableOptions<
  S extends AnySchema,
  PK extends string,
  SK extends string | undefined,
  IX,
> {
  /** The object schema of the items (`s.object({...})`). */
  schema: S;
  /** The partition key: a required top-level property stored as a string, number or binary. */
  partitionKey: PK;
  /** The sort key, when the table has one. */
  sortKey?: SK;
  /** Secondary indexes by name: `{ byEmail: { partitionKey: "email" } }`, `{ byAge: { local: true, sortKey: "age" } }`. */
  indexes?: IX;
  /**
   * A number property holding the item's version: optimistic locking (API.md section 15). A put
   * without a version writes 1 where no item exists; a put with version n, and an update or
   * delete with `{ version: n }`, only where the stored version is n (else
   * `VersionConflictError`), and puts and updates increment it.
   */
  version?: PathsOf<ItemOf<S>, number> & keyof ItemOf<S> & string;
  /** Date properties set on writes: `createdAt` on a put that does not give it, `updatedAt` on every put and update. */
  timestamps?: {
    createdAt?: PathsOf<ItemOf<S>, Date> & keyof ItemOf<S> & string;
    updatedAt?: PathsOf<ItemOf<S>, Date> & keyof ItemOf<S> & string;
  };
  /**
   * A `s.date({ as: "epochSeconds" })` property holding the item's expiry: `create()` enables
   * time to live on it, and reads leave expired items out unless `{ includeExpired: true }`.
   */
  ttl?: PathsOf<ItemOf<S>, Date> & keyof ItemOf<S> & string;
  /** Checks every item a put writes before anything is sent: any Standard Schema (zod, valibot, arktype, `s.*`). */
  validate?: StandardSchemaV1;
  /** Signs the table's cursors (`.page()`, HMAC-SHA256): a modified cursor is refused. */
  cursorSecret?: string | Uint8Array;
}

/** The names of {@link TableOptions}: any other option of `dyno.table(...)` is refused. */
export const TABLE_OPTIONS: readonly (keyof TableOptions<AnySchema, string, undefined, unknown>)[] =
  [
    "schema",
    "partitionKey",
    "sortKey",
    "indexes",
    "version",
    "timestamps",
    "ttl",
    "validate",
    "cursorSecret",
  ];

/** The item type of an object schema. */
type ItemOf<S> = S extends Schema<infer T, boolean> ? T : never;

/** Options of {@link Table.put}. */
export interface PutOptions<T> {
  /** The write happens only if the existing item meets it (`(c) => c.notExists("id")`). */
  condition?: ConditionInput<T>;
  /** `"ALL_OLD"` returns the item the put replaced. */
  returnValues?: "NONE" | "ALL_OLD";
}

/** The names of {@link PutOptions}: any other option is refused. */
export const PUT_OPTIONS: readonly (keyof PutOptions<unknown>)[] = ["condition", "returnValues"];

/** Options of {@link Table.update}. */
export interface UpdateOptions<T> {
  /** The version the stored item must have (tables with `version`); the update increments it. */
  version?: number;
  /** The update happens only if the existing item meets it. */
  condition?: ConditionInput<T>;
  /** `"ALL_NEW"` returns the item after the update, `"ALL_OLD"` before it. */
  returnValues?: "NONE" | "ALL_NEW" | "ALL_OLD";
}

/** The names of {@link UpdateOptions}: any other option is refused. */
export const UPDATE_OPTIONS: readonly (keyof UpdateOptions<unknown>)[] = [
  "version",
  "condition",
  "returnValues",
];

/** Options of {@link Table.delete}. */
export interface DeleteOptions<T> {
  /** The version the stored item must have (tables with `version`). */
  version?: number;
  /** The delete happens only if the item meets it. */
  condition?: ConditionInput<T>;
  /** `"ALL_OLD"` returns the deleted item. */
  returnValues?: "NONE" | "ALL_OLD";
}

/** The names of {@link DeleteOptions}: any other option is refused. */
export const DELETE_OPTIONS: readonly (keyof DeleteOptions<unknown>)[] = [
  "version",
  "condition",
  "returnValues",
];

/** Options of {@link Table.get}. */
export interface GetOptions<P> {
  /** Also returns an item whose TTL has passed (tables with `ttl`). */
  includeExpired?: boolean;
  /** Strongly consistent read. */
  consistentRead?: boolean;
  /** Reads only these top-level properties; the item's type narrows to them. */
  project?: readonly P[];
}

/** The names of {@link GetOptions}: any other option is refused. */
export const GET_OPTIONS: readonly (keyof GetOptions<string>)[] = [
  "includeExpired",
  "consistentRead",
  "project",
];

/** Options of {@link Table.scan} (and, with more, of {@link Table.query}). */
export interface ScanOptions<T, X, P> {
  /** Reads a declared secondary index instead of the table. */
  index?: X;
  /** Also returns items whose TTL has passed (tables with `ttl`). */
  includeExpired?: boolean;
  /** Keeps only the items that meet it (a FilterExpression). */
  filter?: ConditionInput<T>;
  /** Reads only these top-level properties; the items' type narrows to them. */
  project?: readonly P[];
  /** Strongly consistent reads (not on global secondary indexes). */
  consistentRead?: boolean;
  /** Stops after this many items. */
  maxItems?: number;
  /** Items DynamoDB evaluates per request (`Limit`). */
  pageSize?: number;
}

/** The names of {@link ScanOptions}: any other option is refused. */
export const SCAN_OPTIONS: readonly (keyof ScanOptions<unknown, unknown, string>)[] = [
  "index",
  "includeExpired",
  "filter",
  "project",
  "consistentRead",
  "maxItems",
  "pageSize",
];

/** Options of {@link Table.scan}: a parallel scan too. */
export interface TableScanOptions<T, X, P> extends ScanOptions<T, X, P> {
  /**
   * A parallel scan over this many segments (`scanAll` with `segments`). Iterating it reads
   * every segment before the first item, as a parallel scan has no single order.
   */
  segments?: number;
  /** Segments scanned at once (default: all). */
  concurrency?: number;
}

/** The names of {@link TableScanOptions}: any other option is refused. */
export const TABLE_SCAN_OPTIONS: readonly (keyof TableScanOptions<unknown, unknown, string>)[] = [
  ...SCAN_OPTIONS,
  "segments",
  "concurrency",
];

/**
 * Checks a model scan's options. One segment of a parallel scan (`segment`, `totalSegments`) is
 * refused with the way to do it, as a model scan reads every segment itself.
 */
export function checkScanOptions(options: unknown, known: readonly string[]): void {
  for (const name of ["segment", "totalSegments"]) {
    if (options !== null && typeof options === "object" && name in options) {
      throw new DynoValidationError(
        `options.${name}`,
        "a model scan reads every segment itself: { segments: n } scans them in parallel; " +
          "to read one segment of a parallel scan, use dyno.scanAll or a job (dyno.jobs)",
      );
    }
  }
  checkOptions(options, known, "");
}

/** Options of {@link Table.query}. */
export interface QueryOptions<T, X, P> extends ScanOptions<T, X, P> {
  /** Descending sort key order. */
  descending?: boolean;
}

/** The names of {@link QueryOptions}: any other option is refused. */
export const QUERY_OPTIONS: readonly (keyof QueryOptions<unknown, unknown, string>)[] = [
  ...SCAN_OPTIONS,
  "descending",
];

/** Options of {@link Table.create}. */
export interface CreateOptions {
  /** `"PAY_PER_REQUEST"` (default) or `{ read, write }` capacity. */
  billing?: Billing;
  /** Turns the table's stream on with this view type. */
  stream?: StreamViewType;
  /** Tags of the table. */
  tags?: Record<string, string>;
  /**
   * How long to wait for ACTIVE, in ms (default 60 000): a table (or index) stuck in another
   * state ends the wait with a `DynoError` naming the table and its state.
   */
  timeoutMs?: number;
  /** Cancels the creation's wait (and the request in flight) with `AbortError`. */
  signal?: AbortSignal;
}

/** Options of {@link Table.drop}: how long to wait until the table is gone, and a signal to cancel the wait. */
export type DropOptions = TableWaitOptions;

/** The goal of `create()`'s wait: the table and every global index ACTIVE. */
const ACTIVE: TableWaitGoal = {
  state: "ACTIVE",
  ready: (table) =>
    table?.TableStatus === "ACTIVE" &&
    (table.GlobalSecondaryIndexes ?? []).every(
      (g) => g.IndexStatus === undefined || g.IndexStatus === "ACTIVE",
    ),
};

/** The goal of `drop()`'s wait: DescribeTable answers ResourceNotFoundException. */
const DELETED: TableWaitGoal = { state: "deleted", ready: (table) => table === undefined };

interface IndexModel {
  readonly name: string;
  readonly keys: KeySchema;
  /** Decodes items read from the index (only the keys and projected properties). */
  readonly schema: AnySchema;
  readonly projection: IndexProjection;
  readonly local: boolean;
}

/**
 * A table seen through an object schema. Made by `dyno.table(name, options)`.
 *
 * @example
 * ```ts
 * const users = dyno.table("Users", { schema: User, partitionKey: "id" });
 * await users.create();
 * await users.put({ id: "u1", name: "Ada", age: 36, tags: new Set(["math"]) });
 * await users.update({ id: "u1" }, (u) => u.increment("age").add("tags", new Set(["poetry"])));
 * const ada = await users.get({ id: "u1" }); // User | undefined
 * for await (const u of users.scan({ filter: (c) => c.gt("age", 30) })) console.log(u.name);
 * ```
 */
export class Table<
  T,
  PK extends KeyProperty<T>,
  SK extends KeyProperty<T> | undefined = undefined,
  IX extends Indexes<T> = Record<never, never>,
>
  implements Model<T>, KeyDecoder<KeyOf<T, PK, SK>>
{
  /** The table name. */
  readonly name: string;
  /** The session the table's operations run in. */
  readonly dyno: Dyno;
  /** The items' schema. */
  readonly schema: Schema<T, boolean>;
  readonly #model: ItemModel;
  readonly #keys: KeySchema;
  readonly #indexes = new Map<string, IndexModel>();
  readonly #planner: TablePlanner;
  readonly #behaviour: Behaviour;
  readonly #validate: StandardSchemaV1 | undefined;
  readonly #cursorSecret: string | Uint8Array | undefined;
  readonly #keyAttributes: readonly string[];
  /** The attributes every stored item has (keys left out): what an update must write to create one. */
  readonly #required: readonly string[];

  /** Use `dyno.table(name, options)`. */
  constructor(dyno: Dyno, name: string, options: TableOptions<Schema<T, boolean>, PK, SK, IX>) {
    if (typeof name !== "string" || name === "") {
      throw new DynoValidationError("name", "a table needs a name");
    }
    if (!options || typeof options !== "object") {
      throw new DynoValidationError(
        "options",
        "expected { schema, partitionKey, sortKey?, indexes? }",
      );
    }
    checkOptions(options, TABLE_OPTIONS, "");
    this.dyno = dyno;
    this.name = name;
    this.schema = options.schema;
    this.#model = new ItemModel(options.schema as AnySchema);
    this.#keys = {
      partition: keyField(this.#model, options.partitionKey, "partitionKey"),
      sort:
        options.sortKey === undefined
          ? undefined
          : keyField(this.#model, options.sortKey, "sortKey"),
    };
    if (this.#keys.sort && this.#keys.sort.prop === this.#keys.partition.prop) {
      throw new DynoValidationError("sortKey", "the sort key must differ from the partition key");
    }
    const keyAttrs = [this.#keys.partition.attr, this.#keys.sort?.attr];
    this.#required = requiredAttributes(this.#model.plan).filter((a) => !keyAttrs.includes(a));
    this.#behaviour = compileBehaviour(this.#model, options, (prop) =>
      prop === this.#keys.partition.prop || prop === this.#keys.sort?.prop
        ? `${prop} is part of the table's key and cannot change on its own`
        : undefined,
    );
    this.#validate = checkValidator(options.validate);
    this.#cursorSecret = checkSecret(options.cursorSecret);
    this.#planner = {
      table: name,
      model: this.#model,
      keys: this.#keys,
      required: this.#required,
      behaviour: this.#behaviour,
      validate: this.#validate,
      partitionAttr: this.#keys.partition.attr,
      owner: `table ${name}`,
      encodeKey: (key, field) => encodeKey(this.#model, this.#keys, key, field),
    };
    this.#keyAttributes = [
      this.#keys.partition.attr,
      ...(this.#keys.sort ? [this.#keys.sort.attr] : []),
    ];
    for (const [index, def] of Object.entries((options.indexes ?? {}) as Indexes<T>)) {
      this.#indexes.set(index, this.#index(index, def));
    }
  }

  #index(name: string, def: IndexDefinition<T>): IndexModel {
    const where = `indexes.${name}`;
    if (!def || typeof def !== "object") {
      throw new DynoValidationError(
        where,
        "expected { partitionKey, sortKey?, projection? } or { local: true, sortKey }",
      );
    }
    checkNames(def, INDEX_DEFINITION_NAMES, where);
    const local = def.local === true;
    if (local && !this.#keys.sort) {
      throw new DynoValidationError(where, "a local secondary index needs a table with a sort key");
    }
    if (local && def.sortKey === undefined) {
      throw new DynoValidationError(`${where}.sortKey`, "a local secondary index needs a sort key");
    }
    const keys: KeySchema = {
      partition: local
        ? this.#keys.partition
        : keyField(this.#model, def.partitionKey, `${where}.partitionKey`),
      sort:
        def.sortKey === undefined
          ? undefined
          : keyField(this.#model, def.sortKey, `${where}.sortKey`),
    };
    const projection = def.projection ?? "ALL";
    let schema = this.#model.schema;
    if (projection !== "ALL") {
      const props = new Set<string>([this.#keys.partition.prop, keys.partition.prop]);
      if (this.#keys.sort) props.add(this.#keys.sort.prop);
      if (keys.sort) props.add(keys.sort.prop);
      if (projection !== "KEYS_ONLY") {
        if (!Array.isArray(projection)) {
          throw new DynoValidationError(
            `${where}.projection`,
            'expected "ALL", "KEYS_ONLY" or an array of properties',
          );
        }
        for (const p of projection) props.add(p);
      }
      schema = this.#model.projection([...props], `${where}.projection`).schema;
      // Reads leave expired items out with a filter on the TTL attribute, which DynamoDB
      // refuses on an index that does not carry it.
      const ttl = this.#behaviour.ttl;
      if (ttl && !props.has(ttl.prop)) {
        throw new DynoValidationError(
          `${where}.projection`,
          `the table's ttl property ${ttl.prop} is not projected into index ${name}, so its reads cannot leave expired items out; project it (add "${ttl.prop}" to the list, or use "ALL")`,
        );
      }
    }
    const attrs =
      typeof projection === "string"
        ? projection
        : this.#model
            .projection(projection, `${where}.projection`)
            .paths.map((p) => p[0] as string);
    checkName(name, where);
    return { name, keys, schema, projection: attrs, local };
  }

  // ------------------------------------------------------------------ items

  /** Reads one item by its key; `undefined` when there is none. */
  async get<P extends keyof T & string = keyof T & string>(
    key: KeyOf<T, PK, SK>,
    options: GetOptions<P> = {},
  ): Promise<Projected<T, P> | undefined> {
    checkOptions(options, GET_OPTIONS, "");
    return sendGet(this.dyno, this.getPlan(key, options)) as Promise<Projected<T, P> | undefined>;
  }

  /** Writes an item (replacing any with its key); with `returnValues: "ALL_OLD"`, returns the replaced one. */
  put(item: T, options: PutOptions<T> & { returnValues: "ALL_OLD" }): Promise<T | undefined>;
  put(item: T, options?: PutOptions<T>): Promise<void>;
  async put(item: T, options: PutOptions<T> = {}): Promise<T | undefined | void> {
    checkOptions(options, PUT_OPTIONS, "");
    await validateAsync(this.#validate, item, "item");
    const plan = putPlan(this.#planner, item, options, "", true);
    const out = await sendPut(this.dyno, plan, options.returnValues);
    if (options.returnValues === "ALL_OLD")
      return out.Attributes ? (this.#decode(out.Attributes) as T) : undefined;
  }

  /**
   * Updates an item with actions on its properties: `(u) => u.set("age", 3).add("visits", 1)`.
   * Every action is checked against the schema first (a `DynoValidationError` naming the path,
   * and nothing sent). As UpdateItem does, this creates the item when there is none, but only
   * when the actions write every attribute the schema requires: otherwise the update is
   * conditioned on the item's existence, and updating a missing item rejects with
   * `ConditionalCheckFailedException` rather than store an item no read could decode (refuse
   * creating in every case with `condition: (c) => c.exists("id")`). `returnValues: "ALL_NEW"`
   * returns the item after the update, `"ALL_OLD"` the item before it.
   */
  update(
    key: KeyOf<T, PK, SK>,
    actions: (
      u: Updates<T, PK | Exclude<SK, undefined>>,
    ) => Updates<T, PK | Exclude<SK, undefined>>,
    options: UpdateOptions<T> & { returnValues: "ALL_NEW" },
  ): Promise<T>;
  update(
    key: KeyOf<T, PK, SK>,
    actions: (
      u: Updates<T, PK | Exclude<SK, undefined>>,
    ) => Updates<T, PK | Exclude<SK, undefined>>,
    options: UpdateOptions<T> & { returnValues: "ALL_OLD" },
  ): Promise<T | undefined>;
  update(
    key: KeyOf<T, PK, SK>,
    actions: (
      u: Updates<T, PK | Exclude<SK, undefined>>,
    ) => Updates<T, PK | Exclude<SK, undefined>>,
    options?: UpdateOptions<T>,
  ): Promise<void>;
  async update(
    key: KeyOf<T, PK, SK>,
    actions: (
      u: Updates<T, PK | Exclude<SK, undefined>>,
    ) => Updates<T, PK | Exclude<SK, undefined>>,
    options: UpdateOptions<T> = {},
  ): Promise<T | undefined | void> {
    checkOptions(options, UPDATE_OPTIONS, "");
    const plan = this.updatePlan(key, keyAgnostic(actions), options);
    const out = await sendUpdate(this.dyno, plan, options.returnValues);
    if (options.returnValues === "ALL_NEW" || options.returnValues === "ALL_OLD") {
      return out.Attributes ? (this.#decode(out.Attributes) as T) : undefined;
    }
  }

  /** Deletes an item by its key; with `returnValues: "ALL_OLD"`, returns it. */
  delete(
    key: KeyOf<T, PK, SK>,
    options: DeleteOptions<T> & { returnValues: "ALL_OLD" },
  ): Promise<T | undefined>;
  delete(key: KeyOf<T, PK, SK>, options?: DeleteOptions<T>): Promise<void>;
  async delete(
    key: KeyOf<T, PK, SK>,
    options: DeleteOptions<T> = {},
  ): Promise<T | undefined | void> {
    checkOptions(options, DELETE_OPTIONS, "");
    const plan = this.deletePlan(key, options);
    const out = await sendDelete(this.dyno, plan, options.returnValues);
    if (options.returnValues === "ALL_OLD")
      return out.Attributes ? (this.#decode(out.Attributes) as T) : undefined;
  }

  /**
   * The items with a partition key value, optionally narrowed by a sort key condition:
   * `users.query({ org: "o1", joined: { gt: since } }, { index?, filter?, project?, descending? })`.
   * Iterate it, or `.all()`.
   */
  query<
    X extends (keyof IX & string) | undefined = undefined,
    P extends keyof IndexItem<T, PK, SK, IX, X> & string = keyof IndexItem<T, PK, SK, IX, X> &
      string,
  >(
    key: KeyQuery<T, IndexPartition<T, PK, IX, X>, IndexSort<T, SK, IX, X>>,
    options: QueryOptions<T, X, P> = {},
  ): PagedItems<Projected<IndexItem<T, PK, SK, IX, X>, P>> {
    checkOptions(options, QUERY_OPTIONS, "");
    const index = this.#indexOf(options.index);
    const keys = index?.keys ?? this.#keys;
    const build = (ttl: boolean) => {
      const b = new QueryBuilder()
        .table(this.name)
        .keyCondition(
          keyCondition(
            this.#model,
            keys,
            key,
            index ? `index ${index.name}` : `table ${this.name}`,
          ),
        );
      if (options.descending) b.descending();
      this.#read(b, index, options, ttl);
      return b.build();
    };
    return this.#paged("Query", build, index, options);
  }

  /** Every item of the table (or of an index), optionally filtered. Iterate it, or `.all()`. */
  scan<
    X extends (keyof IX & string) | undefined = undefined,
    P extends keyof IndexItem<T, PK, SK, IX, X> & string = keyof IndexItem<T, PK, SK, IX, X> &
      string,
  >(
    options: TableScanOptions<T, X, P> = {},
  ): PagedItems<Projected<IndexItem<T, PK, SK, IX, X>, P>> {
    checkScanOptions(options, TABLE_SCAN_OPTIONS);
    const index = this.#indexOf(options.index);
    const build = (ttl: boolean) => {
      const b = new ScanBuilder().table(this.name);
      this.#read(b, index, options, ttl);
      return b.build();
    };
    return this.#paged("Scan", build, index, options);
  }

  /**
   * A query's or scan's items: read with the TTL filter (unless `includeExpired`), paged
   * with cursors bound to the read without its TTL cut-off (the current time).
   */
  #paged<I>(
    operation: "Query" | "Scan",
    build: (ttl: boolean) => QueryCommandInput & ScanCommandInput,
    index: IndexModel | undefined,
    options: TableScanOptions<T, unknown, string>,
  ): PagedItems<I> {
    const input = build(true);
    const schema = this.#read(new ScanBuilder(), index, { project: options.project }, false);
    const decodeWith = schema ?? this.#model.schema;
    const keyAttributes = new Set([...this.#keyAttributes]);
    if (index) {
      keyAttributes.add(index.keys.partition.attr);
      if (index.keys.sort) keyAttributes.add(index.keys.sort.attr);
    }
    return new PagedItems<I>(
      readSource(this.dyno, {
        operation,
        input,
        schema: decodeWith,
        maxItems: options.maxItems,
        ...(options.segments === undefined ? {} : { segments: options.segments }),
        ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      }),
      {
        session: this.dyno,
        operation,
        input,
        binding: () =>
          bindingOf(["table", this.name, operation, options.includeExpired === true, build(false)]),
        keyAttributes: [...keyAttributes],
        secret: this.#cursorSecret,
      },
      (item) => unmarshalItem(item, decodeWith) as I,
    );
  }

  /** Reads items by their keys (any number; unprocessed keys retried), in the order of the keys; missing ones are left out. */
  async batchGet(
    keys: readonly KeyOf<T, PK, SK>[],
    options: ModelBatchGetOptions = {},
  ): Promise<T[]> {
    return (await modelBatchGet(this.dyno, this, keys, options)) as T[];
  }

  /** Writes items (any number, in requests of 25, unprocessed ones retried until written). */
  async batchPut(items: readonly T[], options: BatchOptions = {}): Promise<void> {
    if (!Array.isArray(items)) throw new DynoValidationError("items", "expected an array of items");
    const entries = items.map((item, i) => {
      const at = `items[${i}]`;
      return { model: this, plan: this.putPlan(item, { batch: true }, at), at };
    });
    await writeEntries(this.dyno, entries, options);
  }

  /** Deletes items by their keys (any number, unprocessed ones retried). */
  async batchDelete(keys: readonly KeyOf<T, PK, SK>[], options: BatchOptions = {}): Promise<void> {
    await modelBatchDelete(this.dyno, this, keys, options);
  }

  // ------------------------------------------------------------------ the table itself

  /**
   * Creates the table with the declared keys and indexes (attribute definitions derived from
   * them) and waits until it and its indexes are ACTIVE.
   */
  async create(options: CreateOptions = {}): Promise<TableDescription> {
    const attr = (k: KeySchema["partition"]): KeyAttribute => [k.attr, k.type];
    const b = new CreateTableBuilder().table(this.name).partitionKey(...attr(this.#keys.partition));
    if (this.#keys.sort) b.sortKey(...attr(this.#keys.sort));
    for (const index of this.#indexes.values()) {
      const sort = index.keys.sort ? attr(index.keys.sort) : undefined;
      if (index.local) b.lsi(index.name, { sortKey: sort!, projection: index.projection });
      else {
        b.gsi(index.name, {
          partitionKey: attr(index.keys.partition),
          ...(sort ? { sortKey: sort } : {}),
          projection: index.projection,
        });
      }
    }
    b.billing(options.billing ?? "PAY_PER_REQUEST");
    if (options.stream) b.stream(options.stream);
    if (options.tags) b.tags(options.tags);
    await (options.signal ? this.dyno.withSignal(options.signal) : this.dyno).createTable(
      b.build(),
    );
    const description = await this.#waitActive(options);
    if (this.#behaviour.ttl) {
      await this.ttl(this.#behaviour.ttl.prop as never).catch((e: unknown) => {
        // dynalite has no time to live; reads leave expired items out all the same.
        if ((e as { name?: unknown }).name !== "UnknownOperationException") throw e;
      });
    }
    return description;
  }

  #waitActive(options: TableWaitOptions): Promise<TableDescription> {
    return waitForTable(this.dyno, this.name, ACTIVE, options) as Promise<TableDescription>;
  }

  /**
   * Deletes the table and waits until it is gone, at most `timeoutMs` (default 60 000): a table
   * stuck in a state ends the wait with a `DynoError` naming the table and its state; `signal`
   * cancels it (`AbortError`).
   */
  async drop(options: DropOptions = {}): Promise<void> {
    await (options.signal ? this.dyno.withSignal(options.signal) : this.dyno).deleteTable({
      TableName: this.name,
    });
    await waitForTable(this.dyno, this.name, DELETED, options);
  }

  /** The table's description (DescribeTable). */
  async describe(): Promise<TableDescription> {
    const out = await this.dyno.describeTable({ TableName: this.name });
    return out.Table!;
  }

  /**
   * Turns time to live on (or off, with `enabled: false`) for a date property stored as epoch
   * seconds (`s.date({ as: "epochSeconds" })`): DynamoDB deletes items once that time has passed.
   */
  async ttl(property: PathsOf<T, Date> & keyof T & string, enabled = true): Promise<void> {
    const f = this.#model.field(property);
    const def = f?.type === "field" ? f.schema.def : undefined;
    if (!f || f.type !== "field" || def?.kind !== "date" || def.as !== "epochSeconds") {
      throw new DynoValidationError(
        String(property),
        'time to live needs a top-level s.date({ as: "epochSeconds" }) property',
      );
    }
    await this.dyno.updateTimeToLive({
      TableName: this.name,
      TimeToLiveSpecification: { AttributeName: f.attr, Enabled: enabled },
    });
  }

  // ------------------------------------------------------------------ helpers

  #indexOf(name: string | undefined): IndexModel | undefined {
    if (name === undefined) return undefined;
    const index = this.#indexes.get(name);
    if (!index) {
      const known = [...this.#indexes.keys()];
      throw new DynoValidationError(
        "index",
        `${JSON.stringify(name)} is not an index of table ${this.name} (${known.length ? `indexes: ${known.join(", ")}` : "it declares none"})`,
      );
    }
    return index;
  }

  // ------------------------------------------------------------------ the Model contract

  /** The table's primary key attribute names (the {@link Model} contract). */
  get keyAttributes(): readonly string[] {
    return this.#keyAttributes;
  }

  /** The plan of a put of `item` (the {@link Model} contract; `put` sends it). */
  putPlan(item: T, options: PutPlanOptions<T> = {}, at = ""): PutPlan {
    return putPlan(this.#planner, item, options, at);
  }

  /** The plan of an update (the {@link Model} contract; `update` sends it). */
  updatePlan(
    key: KeyOf<T, PK, SK>,
    actions: (u: Updates<T>) => Updates<T>,
    options: VersionedPlanOptions<T> = {},
    at = "",
  ): UpdatePlan {
    return updatePlan(this.#planner, key, actions, options, at);
  }

  /** The plan of a delete (the {@link Model} contract; `delete` sends it). */
  deletePlan(key: KeyOf<T, PK, SK>, options: VersionedPlanOptions<T> = {}, at = ""): DeletePlan {
    return deletePlan(this.#planner, key, options, at);
  }

  /** The plan of a condition check (the {@link Model} contract; used by transactions). */
  checkPlan(key: KeyOf<T, PK, SK>, condition: ConditionInput<T>, at = ""): CheckPlan {
    return checkPlan(this.#planner, key, condition, at);
  }

  /** The plan of a read by key (the {@link Model} contract; `get` sends it). */
  getPlan(key: KeyOf<T, PK, SK>, options: GetPlanOptions = {}, at = ""): GetPlan<T> {
    return getPlan<T>(this.#planner, key, options, at);
  }

  /** Every stored item of a plain table belongs to it (the {@link Model} contract). */
  ownsItem(_item: StoredItem): boolean {
    return true;
  }

  /** Decodes a stored item with the table's schema (the {@link Model} contract). */
  decodeItem(item: StoredItem): T {
    return this.#decode(item) as T;
  }

  /** Decodes the primary key of a stored key or item (the {@link KeyDecoder} contract). */
  decodeKey(key: StoredItem): KeyOf<T, PK, SK> {
    return decodeKey(this.#model, this.#keys, key) as KeyOf<T, PK, SK>;
  }

  #decode(item: RawItem, schema: AnySchema = this.#model.schema): unknown {
    return unmarshalItem(item, schema);
  }

  /** Applies a projection to a builder; returns the schema that decodes what it reads. */
  #project(
    b: { project(...paths: PathSegment[][]): unknown },
    project: readonly string[] | undefined,
    base?: AnySchema,
  ): AnySchema | undefined {
    if (project === undefined) return base;
    const { paths, schema } = this.#model.projection(project, "project");
    b.project(...paths);
    return schema;
  }

  #read(
    b: QueryBuilder | ScanBuilder,
    index: IndexModel | undefined,
    options: ScanOptions<T, unknown, string>,
    ttl: boolean,
  ): AnySchema | undefined {
    if (index) b.index(index.name);
    if (options.filter !== undefined)
      b.filter(conditionOf<T>(this.#model, options.filter, "filter"));
    const live = ttl ? unexpired(this.#behaviour, options.includeExpired) : undefined;
    if (live) b.filter(live);
    if (options.consistentRead) b.consistentRead();
    if (options.pageSize !== undefined) b.limit(options.pageSize);
    checkMaxItems(options.maxItems);
    return this.#project(b, options.project, index?.schema);
  }
}
