/**
 * The result of `table.query()` and `table.scan()`: an `AsyncIterable` of decoded items
 * that reads page by page as it is iterated, with `.all()` for every item at once. Each
 * iteration (and each `.all()`) runs the read again from the start.
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";

/** A raw item as DynamoDB returns it. */
export type RawItem = Record<string, AttributeValue>;

/** How an {@link ItemIterable} reads: items one by one, and all of them at once. */
export interface ItemSource<T> {
  /** The decoded items, read page by page. */
  items(): AsyncIterable<T>;
  /** Every item (one exhaustive operation). */
  all(): Promise<T[]>;
}

/**
 * Decoded items of a query or scan: `for await (const user of users.query(...))`, or
 * `await users.query(...).all()`.
 */
export class ItemIterable<T> implements AsyncIterable<T> {
  readonly #source: ItemSource<T>;

  /** @internal Made by a table. */
  constructor(source: ItemSource<T>) {
    this.#source = source;
  }

  /** Reads page by page as the loop asks for items; breaking out stops reading. */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.#source.items()[Symbol.asyncIterator]();
  }

  /** Every item, decoded (one `queryAll` / `scanAll` operation). */
  all(): Promise<T[]> {
    return this.#source.all();
  }
}
