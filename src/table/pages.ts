/**
 * Pages for API clients: `query(...).page({ limit, cursor })` reads at most `limit` items after
 * the cursor and hands back a cursor for the next page (undefined after the last). A page asks
 * DynamoDB to evaluate no more items than it still needs (`Limit`), so that the cursor is the
 * key of the last item returned and nothing is skipped when a filter leaves items out.
 * @module
 */
import type { QueryCommandInput, ScanCommandInput } from "@aws-sdk/client-dynamodb";
import { DynoValidationError } from "../errors.js";
import { checkPage } from "../exhaustive/answers.js";
import { KeyTrail } from "../exhaustive/progress.js";
import { ItemIterable, type ItemSource, type RawItem } from "./items.js";
import { checkOptions } from "./options.js";
import { decodeCursor, encodeCursor } from "./cursor.js";
import type { ModelSession } from "./model-session.js";

/** What `page()` takes. */
export interface PageRequest {
  /** The most items the page holds (1 or more). */
  limit: number;
  /** The cursor of the previous page; none for the first. */
  cursor?: string | undefined;
}

/** The names of {@link PageRequest}: any other name is refused. */
export const PAGE_REQUEST_OPTIONS: readonly (keyof PageRequest)[] = ["limit", "cursor"];

/** One page: its items, and the cursor of the next page (undefined on the last). */
export interface Page<T> {
  items: T[];
  cursor?: string | undefined;
}

/** How a read pages. */
export interface PageSource {
  readonly session: ModelSession;
  readonly operation: "Query" | "Scan";
  readonly input: QueryCommandInput & ScanCommandInput;
  /** The digest of the read a cursor is bound to (computed when a page is asked for). */
  binding(): string;
  /** The key attributes a `LastEvaluatedKey` of this read holds. */
  readonly keyAttributes: readonly string[];
  readonly secret: string | Uint8Array | undefined;
}

/** Reads one page of raw items. */
export async function readPage(source: PageSource, request: PageRequest): Promise<Page<RawItem>> {
  if (!request || typeof request !== "object")
    throw new DynoValidationError("page", "expected { limit, cursor? }");
  checkOptions(request, PAGE_REQUEST_OPTIONS, "page");
  const { limit, cursor } = request;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new DynoValidationError("limit", `must be a positive integer, got ${String(limit)}`);
  }
  const binding = source.binding();
  let start =
    cursor === undefined
      ? undefined
      : decodeCursor(cursor, binding, source.keyAttributes, source.secret);
  const items: RawItem[] = [];
  const run = `${source.operation === "Query" ? "query" : "scan"} .page()`;
  const trail = new KeyTrail(run, start);
  let pages = 0;
  do {
    const input = {
      ...source.input,
      Limit: limit - items.length,
      ...(start ? { ExclusiveStartKey: start } : {}),
    };
    const out = await (
      source.operation === "Query" ? source.session.query(input) : source.session.scan(input)
    ).catch((e: unknown) => {
      // The cursor's key is the only input a caller can forge: DynamoDB refusing the read that
      // starts from it ("the provided starting key does not match the range key predicate"...)
      // means a modified cursor, never a defect of the read.
      if (
        pages === 0 &&
        cursor !== undefined &&
        (e as { name?: unknown }).name === "ValidationException"
      ) {
        throw new DynoValidationError(
          "cursor",
          `DynamoDB refused the cursor's position (${(e as Error).message}): the cursor was modified or belongs to another read`,
          { cause: e },
        );
      }
      throw e;
    });
    checkPage(source.operation, source.input.TableName, `page ${pages + 1} of ${run}`, out);
    items.push(...(out.Items ?? []));
    trail.check(out.LastEvaluatedKey, ++pages);
    start = out.LastEvaluatedKey;
  } while (start && items.length < limit);
  return { items, cursor: start ? encodeCursor(start, binding, source.secret) : undefined };
}

/**
 * The items of a model's query or scan: iterate them (page by page), `.all()`, or `.page()`
 * for one page at a time with a cursor.
 */
export class PagedItems<T> extends ItemIterable<T> {
  readonly #pages: PageSource;
  readonly #decode: (item: RawItem) => T;

  /** @internal Made by a Table or an entity. */
  constructor(source: ItemSource<T>, pages: PageSource, decode: (item: RawItem) => T) {
    super(source);
    this.#pages = pages;
    this.#decode = decode;
  }

  /**
   * At most `limit` items after `cursor`, and the cursor of the next page (undefined on the
   * last page). A cursor of another query or model is refused with `DynoValidationError`.
   */
  async page(request: PageRequest): Promise<Page<T>> {
    const page = await readPage(this.#pages, request);
    return { items: page.items.map(this.#decode), cursor: page.cursor };
  }
}
