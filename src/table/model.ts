/**
 * The model contract: what every model (a `Table`, an entity) offers to the rooms above it —
 * transactions and batches over models, jobs and streams. A layer that takes "a model" takes
 * this interface, never a concrete class, so entities and tables plug in alike.
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";

/** A stored item as DynamoDB holds it. */
export type StoredItem = Record<string, AttributeValue>;

/** A Table or an entity, as the layers above the model see it. */
export interface Model<T = unknown> {
  /** The DynamoDB table the model's items live in. */
  readonly name: string;
  /**
   * True when a stored item belongs to this model: always for a plain Table; for an entity,
   * when the item's entity attribute names it.
   */
  ownsItem(item: StoredItem): boolean;
  /**
   * Decodes a stored item (a full item, as a scan or a stream's new image gives it) into the
   * model's type; computed attributes (an entity's key attributes and entity attribute) are
   * left out. Throws `DynoEncodingError` when the item does not fit the schema.
   */
  decodeItem(item: StoredItem): T;
}

/**
 * A model that can read its own primary key back from a stored key (a stream record's `Keys`,
 * an `UnprocessedKeys` entry): the key properties decoded with their codecs. A `Table`
 * implements it; layers that only see keys (streams with `KEYS_ONLY` views) use it when present.
 */
export interface KeyDecoder<K> {
  /**
   * Decodes the key attributes of a stored key or item into the model's key properties.
   * @throws DynoEncodingError naming the attribute when a key attribute is missing or does not fit.
   */
  decodeKey(key: StoredItem): K;
  /**
   * True when a stored key is one of this model's (for an entity, its key template's prefix).
   * Without it, a key is the model's when `decodeKey` accepts it.
   */
  ownsKey?(key: StoredItem): boolean;
}
