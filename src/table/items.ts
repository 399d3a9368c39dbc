/**
 * The result of `table.query()` and `table.scan()`: an `AsyncIterable` of decoded items
 * that reads page by page as it is iterated, with `.all()` for every item at once. Each
 * iteration (and each `.all()`) runs the read again from the start.
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";

/** A raw item as DynamoDB returns it. */
export type RawItem = Record<string, AttributeValue>;

/** How an {@link ItemIterable} reads: raw items one by one, and all of them at once. */
export interface ItemSource {
  /** The raw items, page by page. */
  items(): AsyncIterable<RawItem>;
  /** Every raw item (one exhaustive operation). */
  all(): PromiseLike<readonly RawItem[]>;
}

/**
 * Decoded items of a query or scan: `for await (const user of users.query(...))`, or
 * `await users.query(...).all()`.
 */
export class ItemIterable<T> implements AsyncIterable<T> {
  readonly #source: ItemSource;
  readonly #decode: (item: RawItem) => T;

  /** @internal Made by a table. */
  constructor(source: ItemSource, decode: (item: RawItem) => T) {
    this.#source = source;
    this.#decode = decode;
  }

  /** Reads page by page as the loop asks for items; breaking out stops reading. */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for await (const item of this.#source.items()) yield this.#decode(item);
  }

  /** Every item, decoded. */
  async all(): Promise<T[]> {
    const items = await this.#source.all();
    return items.map(this.#decode);
  }
}
