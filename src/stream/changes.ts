/**
 * `streamChanges`: stream records decoded through models into typed changes. The model of a
 * record is found by the table its stream belongs to (when the record names it) and then by
 * `ownsItem` on its image (for an entity, the entity attribute) or `ownsKey`/`decodeKey` on its
 * key; the first model given that matches wins.
 * @module
 */
import { DynoEncodingError } from "../errors.js";
import { toPublic } from "../encoding/path-error.js";
import { Entity } from "../entity/entity.js";
import { decodeEntityKey } from "./entity-keys.js";
import type { EntityKey, KeyTemplates } from "../entity/types.js";
import { ownValue, setOwn } from "../own.js";
import type { KeyDecoder, Model, StoredItem } from "../table/model.js";
import {
  parseRecord,
  recordsOf,
  type ChangeType,
  type ParsedRecord,
  type StreamEventInput,
  type StreamRecordInput,
} from "./records.js";

/** The models a stream is decoded with, by the name changes report them under. */
export type StreamModels = Readonly<Record<string, Model>>;

/** The item type of a model. */
export type ItemOfModel<M> = M extends Model<infer T> ? T : never;

/**
 * The key type of a model: its decoded key when it decodes keys (a Table), an entity's key
 * properties (`{ org, id }`) for an entity, the stored key otherwise.
 */
export type KeyOfModel<M> =
  M extends KeyDecoder<infer K>
    ? K
    : // eslint-disable-next-line @typescript-eslint/no-explicit-any
      M extends Entity<infer T, string, infer K extends KeyTemplates, any>
      ? EntityKey<T, K>
      : StoredItem;

/** What every change says, whatever model it matched. */
export interface ChangeBase<T, K> {
  /** `"INSERT"`, `"MODIFY"` or `"REMOVE"`. */
  readonly type: ChangeType;
  /** The item's primary key. */
  readonly key: K;
  /** The item after the change; `undefined` for a REMOVE or when the stream has no new images. */
  readonly newItem: T | undefined;
  /** The item before the change; `undefined` for an INSERT or when the stream has no old images. */
  readonly oldItem: T | undefined;
  /** The record's `dynamodb.SequenceNumber` (what Lambda's partial batch response names). */
  readonly sequenceNumber: string | undefined;
  /** True for a REMOVE made by DynamoDB's TTL process rather than by a request. */
  readonly removedByTtl: boolean;
  /** The record as it arrived. */
  readonly record: StreamRecordInput;
}

/** A change to an item of model `E`, decoded with that model's schema. */
export interface ModelChange<E extends string, T, K> extends ChangeBase<T, K> {
  /** The name the model was given under. */
  readonly entity: E;
}

/** A change that matched none of the models: its key and images as stored, binaries decoded. */
export interface UnmatchedChange extends ChangeBase<StoredItem, StoredItem> {
  /** No model matched. */
  readonly entity: undefined;
}

/** A change decoded through `models`: narrowed to one model's types by checking `entity`. */
export type StreamChange<M extends StreamModels> =
  | {
      [E in keyof M & string]: ModelChange<E, ItemOfModel<M[E]>, KeyOfModel<M[E]>>;
    }[keyof M & string]
  | UnmatchedChange;

/**
 * The changes in a stream event, in order, each decoded with the model it belongs to.
 * @param event a Lambda `DynamoDBStreamEvent`, or an array of Lambda or Streams API records.
 * @param models the models to decode with, by name (`{ users: Users, orders: Orders }`).
 * @throws DynoValidationError naming `Records[i]...` for a malformed record;
 *   DynoEncodingError naming `Records[i].dynamodb.NewImage...` for an image that does not fit
 *   its model's schema.
 * @example
 * ```ts
 * for (const change of streamChanges(event, { users: Users })) {
 *   if (change.entity === "users" && change.type === "INSERT") welcome(change.newItem!);
 * }
 * ```
 */
export function* streamChanges<M extends StreamModels>(
  event: StreamEventInput,
  models: M,
): Generator<StreamChange<M>, void, undefined> {
  const decoder = new ChangeDecoder(models);
  const records = recordsOf(event);
  for (let i = 0; i < records.length; i++) yield decoder.decode(parseRecord(records[i]!, i));
}

/** Matches parsed records to models and decodes them; one per stream run. */
export class ChangeDecoder<M extends StreamModels> {
  readonly #models: readonly (readonly [string, Model])[];

  constructor(models: M) {
    if (models === null || typeof models !== "object") {
      throw new TypeError("streamChanges: models must be an object of models by name");
    }
    this.#models = Object.entries(models).map(([name, model]) => {
      if (!isModel(model)) {
        throw new TypeError(
          `streamChanges: models.${name} is not a model (a Table or an entity: name, ownsItem, decodeItem)`,
        );
      }
      return [name, model] as const;
    });
  }

  /** The change a parsed record makes. */
  decode(r: ParsedRecord): StreamChange<M> {
    const where = `Records[${r.index}].dynamodb`;
    const match = this.#match(r);
    if (!match) {
      return {
        entity: undefined,
        type: r.type,
        key: r.keys ?? {},
        newItem: r.newImage,
        oldItem: r.oldImage,
        sequenceNumber: r.sequenceNumber,
        removedByTtl: r.removedByTtl,
        record: r.record,
      };
    }
    const [entity, model] = match;
    const newItem: unknown =
      r.newImage && at(`${where}.NewImage`, () => model.decodeItem(r.newImage!));
    const oldItem: unknown =
      r.oldImage && at(`${where}.OldImage`, () => model.decodeItem(r.oldImage!));
    const keySource = r.keys ?? r.newImage ?? r.oldImage;
    let key: unknown = r.keys ?? {};
    if (hasDecodeKey(model) && keySource) {
      key = at(`${where}.${r.keys ? "Keys" : r.newImage ? "NewImage" : "OldImage"}`, () =>
        model.decodeKey(keySource),
      );
    } else if (model instanceof Entity) {
      // An entity's key is the properties its key templates name, which its items carry; a
      // key-only record's are read back from its key attributes.
      const item = (newItem ?? oldItem) as Record<string, unknown> | undefined;
      const read = item ? entityKeyOf(model, item) : r.keys && decodeEntityKey(model, r.keys);
      if (read) key = read;
    }
    return {
      entity,
      type: r.type,
      key,
      newItem,
      oldItem,
      sequenceNumber: r.sequenceNumber,
      removedByTtl: r.removedByTtl,
      record: r.record,
    } as StreamChange<M>;
  }

  #match(r: ParsedRecord): readonly [string, Model] | undefined {
    const image = r.newImage ?? r.oldImage;
    for (const entry of this.#models) {
      const model = entry[1];
      if (r.table !== undefined && model.name !== r.table) continue;
      if (!(image ? model.ownsItem(image) : r.keys !== undefined && ownsKey(model, r.keys))) {
        continue;
      }
      // Without the stream's ARN (Streams API records) the table is unknown, and a Table owns
      // every item of its table: it owns this one only if it can read the record's key.
      if (
        r.table === undefined &&
        image &&
        hasDecodeKey(model) &&
        !ownsKey(model, r.keys ?? image)
      ) {
        continue;
      }
      return entry;
    }
    return undefined;
  }
}

/** The key properties of an entity's decoded item: the properties its key templates name. */
function entityKeyOf(
  model: Entity<unknown>,
  item: Record<string, unknown>,
): Record<string, unknown> {
  const key: Record<string, unknown> = {};
  for (const prop of model.definition.key.props) setOwn(key, prop, ownValue(item, prop));
  return key;
}

function isModel(m: unknown): m is Model {
  return (
    m !== null &&
    typeof m === "object" &&
    typeof (m as Model).name === "string" &&
    typeof (m as Model).ownsItem === "function" &&
    typeof (m as Model).decodeItem === "function"
  );
}

function hasDecodeKey(m: Model): m is Model & KeyDecoder<unknown> {
  return typeof (m as Partial<KeyDecoder<unknown>>).decodeKey === "function";
}

/**
 * Whether a key-only record belongs to a model: an entity owns the keys its key templates read
 * back; else its `ownsKey` when it has one, else a model that decodes keys owns the keys it can
 * decode, else `ownsItem` on the key attributes.
 */
function ownsKey(model: Model, keys: StoredItem): boolean {
  if (model instanceof Entity) return decodeEntityKey(model, keys) !== undefined;
  if (hasDecodeKey(model)) {
    if (typeof model.ownsKey === "function") return model.ownsKey(keys);
    try {
      model.decodeKey(keys);
      return true;
    } catch {
      return false;
    }
  }
  return model.ownsItem(keys);
}

/** Runs a decode, prefixing an encoding error's path with where the value is in the event. */
function at<T>(where: string, decode: () => T): T {
  try {
    return decode();
  } catch (e) {
    throw e instanceof DynoEncodingError ? toPublic(e, where) : e;
  }
}
