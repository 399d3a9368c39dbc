/**
 * Builders for CreateTable and UpdateTable. Attribute definitions are derived from the key
 * schemas of the table and its indexes; an attribute given two types is an error.
 * @module
 */
import type {
  AttributeDefinition,
  CreateTableCommandInput,
  GlobalSecondaryIndex,
  GlobalSecondaryIndexUpdate,
  KeySchemaElement,
  LocalSecondaryIndex,
  Projection,
  ProvisionedThroughput,
  ScalarAttributeType,
  SSESpecification,
  StreamViewType,
  TableClass,
  UpdateTableCommandInput,
} from "@aws-sdk/client-dynamodb";
import { DynoValidationError } from "../errors.js";
import { InputBuilder } from "./base.js";
import { checkCount, checkInteger, checkName, requireString, UniqueSet } from "./validate.js";

/** A key attribute: its name and scalar type. */
export type KeyAttribute = readonly [name: string, type: ScalarAttributeType];

/** What an index holds besides the keys: everything, only keys, or these attributes too. */
export type IndexProjection = "ALL" | "KEYS_ONLY" | readonly string[];

/** Provisioned capacity units. */
export interface Throughput {
  /** Read capacity units, a positive integer. */
  read: number;
  /** Write capacity units, a positive integer. */
  write: number;
}

/** On-demand billing, or provisioned billing with its capacity. */
export type Billing = "PAY_PER_REQUEST" | Throughput;

/** A global secondary index. */
export interface GsiOptions {
  /** The index's partition key. */
  partitionKey: KeyAttribute;
  /** The index's sort key. */
  sortKey?: KeyAttribute;
  /** What the index holds; `"ALL"` by default. */
  projection?: IndexProjection;
  /** The index's capacity under provisioned billing; the table's by default. */
  throughput?: Throughput;
}

/** A local secondary index (its partition key is the table's). */
export interface LsiOptions {
  /** The index's sort key. */
  sortKey: KeyAttribute;
  /** What the index holds; `"ALL"` by default. */
  projection?: IndexProjection;
}

/** Server-side encryption: `true` for a KMS key managed by AWS, `{ kmsKeyId }` for your own, `false` for an AWS-owned key. */
export type SseOptions = boolean | { kmsKeyId: string };

const MAX_GSIS = 20;
const MAX_LSIS = 5;
const MAX_TAGS = 50;

function toProjection(projection: IndexProjection = "ALL"): Projection {
  if (typeof projection === "string") return { ProjectionType: projection };
  return { ProjectionType: "INCLUDE", NonKeyAttributes: [...projection] };
}

function toThroughput(t: Throughput): ProvisionedThroughput {
  return { ReadCapacityUnits: t.read, WriteCapacityUnits: t.write };
}

function toKeySchema(hash: string, range?: string): KeySchemaElement[] {
  const schema: KeySchemaElement[] = [{ AttributeName: hash, KeyType: "HASH" }];
  if (range) schema.push({ AttributeName: range, KeyType: "RANGE" });
  return schema;
}

const keyName = (schema: readonly KeySchemaElement[] | undefined, type: "HASH" | "RANGE") =>
  schema?.find((k) => k.KeyType === type)?.AttributeName;

function checkThroughput(t: ProvisionedThroughput | undefined, field: string): void {
  if (!t) return;
  checkInteger(t.ReadCapacityUnits, `${field}.ReadCapacityUnits`);
  checkInteger(t.WriteCapacityUnits, `${field}.WriteCapacityUnits`);
}

function checkProjection(p: Projection | undefined, field: string): void {
  if (p?.ProjectionType === "INCLUDE" && !p.NonKeyAttributes?.length) {
    throw new DynoValidationError(`${field}.Projection`, "INCLUDE needs at least one attribute");
  }
  if (p?.ProjectionType !== "INCLUDE" && p?.NonKeyAttributes?.length) {
    throw new DynoValidationError(
      `${field}.Projection`,
      `${p.ProjectionType} takes no NonKeyAttributes`,
    );
  }
}

/** The input fields CreateTable and UpdateTable share. */
type TableInput = CreateTableCommandInput | UpdateTableCommandInput;

/** Base of the table builders: billing, streams, encryption, table class, deletion protection. */
abstract class TableBuilder<I extends TableInput> extends InputBuilder<I> {
  /** Key attribute types given to the builder: [attribute, type, the field that gave it]. */
  private readonly declared: [string, ScalarAttributeType, string][] = [];

  /** The table name (or ARN). */
  table(name: string): this {
    this.draft.TableName = name;
    return this;
  }

  /** On-demand (`"PAY_PER_REQUEST"`) or provisioned billing (`{ read, write }`). */
  billing(billing: Billing): this {
    if (billing === "PAY_PER_REQUEST") {
      this.draft.BillingMode = "PAY_PER_REQUEST";
      delete this.draft.ProvisionedThroughput;
    } else {
      this.draft.BillingMode = "PROVISIONED";
      this.draft.ProvisionedThroughput = toThroughput(billing);
    }
    return this;
  }

  /** Turns the table's stream on with this view type, or off with `false`. */
  stream(viewType: StreamViewType | false): this {
    this.draft.StreamSpecification =
      viewType === false
        ? { StreamEnabled: false }
        : { StreamEnabled: true, StreamViewType: viewType };
    return this;
  }

  /** Server-side encryption (see {@link SseOptions}). */
  sse(options: SseOptions): this {
    const spec: SSESpecification = { Enabled: options !== false };
    if (options !== false) spec.SSEType = "KMS";
    if (typeof options === "object") spec.KMSMasterKeyId = options.kmsKeyId;
    this.draft.SSESpecification = spec;
    return this;
  }

  /** `"STANDARD"` or `"STANDARD_INFREQUENT_ACCESS"`. */
  tableClass(tableClass: TableClass): this {
    this.draft.TableClass = tableClass;
    return this;
  }

  /** Protects the table from DeleteTable (`true` by default). */
  deletionProtection(enabled = true): this {
    this.draft.DeletionProtectionEnabled = enabled;
    return this;
  }

  /** Records a key attribute's type, checked and turned into an attribute definition at build. */
  protected declare(key: KeyAttribute | undefined, field: string): void {
    if (key) this.declared.push([key[0], key[1], field]);
  }

  /**
   * Sets `AttributeDefinitions` to the attributes the key schemas use, typed from the
   * builder's keys and the input's own definitions. With `exact` (CreateTable), a definition
   * no key schema uses is an error; otherwise (UpdateTable, which may list the table's own
   * keys) it is kept.
   */
  protected defineAttributes(
    out: I,
    schemas: readonly (readonly KeySchemaElement[] | undefined)[],
    exact: boolean,
  ): void {
    const types = new Map<string, ScalarAttributeType>();
    const define = (name: string, type: ScalarAttributeType | undefined) => {
      const known = types.get(name);
      if (known && type && known !== type) {
        throw new DynoValidationError(
          `AttributeDefinitions.${name}`,
          `defined as both ${known} and ${type}`,
        );
      }
      if (type) types.set(name, type);
    };
    for (const def of out.AttributeDefinitions ?? [])
      define(def.AttributeName ?? "", def.AttributeType);
    for (const [name, type] of this.declared) define(name, type);
    const existing = (out.AttributeDefinitions ?? []).map((d) => d.AttributeName ?? "");
    const keys = schemas.flatMap((schema) => (schema ?? []).map((k) => k.AttributeName ?? ""));
    const unused = existing.find((name) => !keys.includes(name));
    if (exact && unused !== undefined) {
      throw new DynoValidationError(
        `AttributeDefinitions.${unused}`,
        "is not used by any key schema",
      );
    }
    const used = new Set(exact ? keys : [...existing, ...keys]);
    const definitions: AttributeDefinition[] = [...used].map((name) => {
      const type = types.get(name);
      if (!type)
        throw new DynoValidationError(
          `AttributeDefinitions.${name}`,
          "key attribute without a type",
        );
      return { AttributeName: name, AttributeType: type };
    });
    if (definitions.length) out.AttributeDefinitions = definitions;
  }

  /** Builds a GSI (creation) from options, recording its key types. */
  protected globalIndex(name: string, options: GsiOptions, field: string): GlobalSecondaryIndex {
    this.declare(options.partitionKey, `${field}.${name}`);
    this.declare(options.sortKey, `${field}.${name}`);
    const index: GlobalSecondaryIndex = {
      IndexName: name,
      KeySchema: toKeySchema(options.partitionKey[0], options.sortKey?.[0]),
      Projection: toProjection(options.projection),
    };
    if (options.throughput) index.ProvisionedThroughput = toThroughput(options.throughput);
    return index;
  }

  /** Under provisioned billing, gives indexes without their own capacity the table's. */
  protected defaultThroughput(out: I, indexes: readonly GlobalSecondaryIndex[]): void {
    const table = out.ProvisionedThroughput;
    if (out.BillingMode === "PAY_PER_REQUEST" || !table) return;
    for (const index of indexes) index.ProvisionedThroughput ??= { ...table };
  }

  /** Checks billing against the capacities of the table and the given GSIs, and the GSIs' projections. */
  protected checkIndexes(out: I, indexes: readonly [string, GlobalSecondaryIndex][]): void {
    const onDemand = out.BillingMode === "PAY_PER_REQUEST";
    if (onDemand && out.ProvisionedThroughput) {
      throw new DynoValidationError(
        "ProvisionedThroughput",
        "not allowed with PAY_PER_REQUEST billing",
      );
    }
    checkThroughput(out.ProvisionedThroughput, "ProvisionedThroughput");
    for (const [field, index] of indexes) {
      if (onDemand && index.ProvisionedThroughput) {
        throw new DynoValidationError(
          `${field}.ProvisionedThroughput`,
          "not allowed with PAY_PER_REQUEST billing",
        );
      }
      checkThroughput(index.ProvisionedThroughput, `${field}.ProvisionedThroughput`);
      checkProjection(index.Projection, field);
    }
  }

  protected validate(out: I): void {
    requireString(out.TableName, "TableName");
    const stream = out.StreamSpecification;
    if (stream?.StreamEnabled && !stream.StreamViewType) {
      throw new DynoValidationError(
        "StreamSpecification.StreamViewType",
        "an enabled stream needs a view type",
      );
    }
  }
}

/**
 * Builds a `CreateTableCommandInput`. Billing is on-demand unless `.billing({ read, write })`
 * (or the input being extended) says otherwise.
 * @example
 * new CreateTableBuilder().table("Orders").partitionKey("pk", "S").sortKey("sk", "S")
 *   .gsi("byStatus", { partitionKey: ["status", "S"], sortKey: ["createdAt", "N"], projection: "KEYS_ONLY" })
 *   .lsi("byTotal", { sortKey: ["total", "N"] }).stream("NEW_AND_OLD_IMAGES").tags({ team: "shop" }).build()
 */
export class CreateTableBuilder extends TableBuilder<CreateTableCommandInput> {
  private partition: KeyAttribute | undefined;
  private sort: KeyAttribute | undefined;
  private readonly lsis: [string, LsiOptions][] = [];

  /** The table's partition (hash) key. */
  partitionKey(name: string, type: ScalarAttributeType): this {
    this.partition = [name, type];
    this.declare(this.partition, "KeySchema");
    return this;
  }

  /** The table's sort (range) key. */
  sortKey(name: string, type: ScalarAttributeType): this {
    this.sort = [name, type];
    this.declare(this.sort, "KeySchema");
    return this;
  }

  /** Adds a global secondary index. */
  gsi(indexName: string, options: GsiOptions): this {
    const index = this.globalIndex(indexName, options, "GlobalSecondaryIndexes");
    this.draft.GlobalSecondaryIndexes = [...(this.draft.GlobalSecondaryIndexes ?? []), index];
    return this;
  }

  /** Adds a local secondary index: the table's partition key with another sort key. */
  lsi(indexName: string, options: LsiOptions): this {
    this.declare(options.sortKey, `LocalSecondaryIndexes.${indexName}`);
    this.lsis.push([indexName, options]);
    return this;
  }

  /** Adds tags (`{ key: value }`); repeated calls add, a repeated key takes the last value. */
  tags(tags: Record<string, string>): this {
    const merged = new Map((this.draft.Tags ?? []).map((t) => [t.Key, t.Value]));
    for (const [k, v] of Object.entries(tags)) merged.set(k, v);
    this.draft.Tags = [...merged].map(([Key, Value]) => ({ Key, Value }));
    return this;
  }

  protected override render(out: CreateTableCommandInput): void {
    const hash = this.partition?.[0] ?? keyName(out.KeySchema, "HASH");
    const range = this.sort?.[0] ?? keyName(out.KeySchema, "RANGE");
    if (!hash)
      throw new DynoValidationError("KeySchema", "a table needs a partition key (.partitionKey)");
    out.KeySchema = toKeySchema(hash, range);
    const lsis: LocalSecondaryIndex[] = this.lsis.map(([IndexName, o]) => {
      if (!o?.sortKey)
        throw new DynoValidationError(`LocalSecondaryIndexes.${IndexName}`, "needs a sort key");
      return {
        IndexName,
        KeySchema: toKeySchema(hash, o.sortKey[0]),
        Projection: toProjection(o.projection),
      };
    });
    if (lsis.length) out.LocalSecondaryIndexes = [...(out.LocalSecondaryIndexes ?? []), ...lsis];
    if (out.GlobalSecondaryIndexes)
      out.GlobalSecondaryIndexes = out.GlobalSecondaryIndexes.map((g) => ({ ...g }));
    if (!out.BillingMode && !out.ProvisionedThroughput) out.BillingMode = "PAY_PER_REQUEST";
    this.defaultThroughput(out, out.GlobalSecondaryIndexes ?? []);
    const indexes = [...(out.GlobalSecondaryIndexes ?? []), ...(out.LocalSecondaryIndexes ?? [])];
    this.defineAttributes(out, [out.KeySchema, ...indexes.map((i) => i.KeySchema)], true);
  }

  protected override validate(out: CreateTableCommandInput): void {
    super.validate(out);
    const gsis = out.GlobalSecondaryIndexes ?? [];
    const lsis = out.LocalSecondaryIndexes ?? [];
    checkCount(gsis.length, MAX_GSIS, "GlobalSecondaryIndexes", "global secondary indexes");
    checkCount(lsis.length, MAX_LSIS, "LocalSecondaryIndexes", "local secondary indexes");
    const names = new UniqueSet("IndexName", "index name");
    for (const index of [...gsis, ...lsis]) {
      checkName(index.IndexName ?? "", "IndexName");
      names.add(index.IndexName);
    }
    const hasSortKey = Boolean(keyName(out.KeySchema, "RANGE"));
    for (const lsi of lsis) {
      const field = `LocalSecondaryIndexes.${lsi.IndexName}`;
      if (!hasSortKey)
        throw new DynoValidationError(
          field,
          "a local secondary index needs a table with a sort key",
        );
      if (!keyName(lsi.KeySchema, "RANGE"))
        throw new DynoValidationError(field, "needs a sort key");
      if (keyName(lsi.KeySchema, "HASH") !== keyName(out.KeySchema, "HASH")) {
        throw new DynoValidationError(field, "must have the table's partition key");
      }
      checkProjection(lsi.Projection, field);
    }
    if (out.BillingMode !== "PAY_PER_REQUEST" && !out.ProvisionedThroughput) {
      throw new DynoValidationError(
        "ProvisionedThroughput",
        "provisioned billing needs read and write capacity",
      );
    }
    this.checkIndexes(
      out,
      gsis.map((g) => [`GlobalSecondaryIndexes.${g.IndexName}`, g]),
    );
    checkCount(out.Tags?.length ?? 0, MAX_TAGS, "Tags", "tags");
    for (const tag of out.Tags ?? []) {
      if (!tag.Key || tag.Key.length > 128)
        throw new DynoValidationError("Tags", `tag key "${tag.Key}" must be 1-128 characters`);
      if ((tag.Value ?? "").length > 256)
        throw new DynoValidationError(`Tags.${tag.Key}`, "value longer than 256 characters");
    }
  }
}

/**
 * Builds an `UpdateTableCommandInput`: billing and capacity, one GSI created or deleted,
 * GSI capacity changes, stream, encryption, table class, deletion protection.
 * @example new UpdateTableBuilder().table("Orders").createGsi("byUser", { partitionKey: ["userId", "S"] }).build()
 */
export class UpdateTableBuilder extends TableBuilder<UpdateTableCommandInput> {
  /** Creates a global secondary index (DynamoDB allows one creation or deletion per UpdateTable). */
  createGsi(indexName: string, options: GsiOptions): this {
    const Create = this.globalIndex(indexName, options, "GlobalSecondaryIndexUpdates");
    return this.gsiUpdate({ Create });
  }

  /** Changes a global secondary index's provisioned capacity. */
  updateGsi(indexName: string, throughput: Throughput): this {
    return this.gsiUpdate({
      Update: { IndexName: indexName, ProvisionedThroughput: toThroughput(throughput) },
    });
  }

  /** Deletes a global secondary index. */
  deleteGsi(indexName: string): this {
    return this.gsiUpdate({ Delete: { IndexName: indexName } });
  }

  private gsiUpdate(update: GlobalSecondaryIndexUpdate): this {
    this.draft.GlobalSecondaryIndexUpdates = [
      ...(this.draft.GlobalSecondaryIndexUpdates ?? []),
      update,
    ];
    return this;
  }

  protected override render(out: UpdateTableCommandInput): void {
    if (!out.GlobalSecondaryIndexUpdates) return;
    out.GlobalSecondaryIndexUpdates = out.GlobalSecondaryIndexUpdates.map((u) =>
      u.Create ? { ...u, Create: { ...u.Create } } : u,
    );
    const created = out.GlobalSecondaryIndexUpdates.flatMap((u) => (u.Create ? [u.Create] : []));
    this.defaultThroughput(out, created);
    if (created.length)
      this.defineAttributes(
        out,
        created.map((c) => c.KeySchema),
        false,
      );
  }

  protected override validate(out: UpdateTableCommandInput): void {
    super.validate(out);
    const { TableName: _name, ...changes } = out;
    if (!Object.values(changes).some((v) => v !== undefined)) {
      throw new DynoValidationError("UpdateTable", "nothing to update");
    }
    const updates = out.GlobalSecondaryIndexUpdates ?? [];
    const names = new UniqueSet("GlobalSecondaryIndexUpdates", "index");
    let structural = 0;
    const created: [string, GlobalSecondaryIndex][] = [];
    for (const u of updates) {
      const action = u.Create ?? u.Update ?? u.Delete;
      const name = action?.IndexName ?? "";
      checkName(name, "GlobalSecondaryIndexUpdates.IndexName");
      names.add(name);
      if (u.Create || u.Delete) structural += 1;
      if (u.Create)
        created.push([`GlobalSecondaryIndexUpdates.${name}`, u.Create as GlobalSecondaryIndex]);
      if (u.Update)
        checkThroughput(
          u.Update.ProvisionedThroughput,
          `GlobalSecondaryIndexUpdates.${name}.ProvisionedThroughput`,
        );
    }
    if (structural > 1) {
      throw new DynoValidationError(
        "GlobalSecondaryIndexUpdates",
        "DynamoDB creates or deletes only one index per UpdateTable",
      );
    }
    this.checkIndexes(out, created);
  }
}
