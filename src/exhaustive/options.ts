/**
 * Options of the exhaustive operations, and how they are told apart from middleware among the
 * trailing arguments (`dyno.scanAll(input, { segments: 4 }, metrics)`): a function is a
 * middleware, the one plain object is the options. Options are validated before anything is
 * sent, with a `DynoValidationError` naming the option and what was given.
 * @module
 */
import { DynoValidationError } from "../errors.js";
import type { SchemaLike } from "../encoding/index.js";
import type { Middleware } from "../operation/middleware.js";
import type { OperationName } from "../operation/registry.js";

/** What `onProgress` receives: at most once per page (scans, queries) or per request (batches). */
export interface Progress {
  /** Items read so far (scans, queries, batch gets) or requests written so far (batch writes). */
  done: number;
  /** The number of keys or write requests in total, when known (batches). */
  total?: number;
  /** Requests sent so far: pages, or batch requests (re-sends of unprocessed parts included). */
  pages: number;
  /**
   * Re-sends so far: the SDK's own HTTP retries plus the batch layer's re-sends of unprocessed
   * or throttled parts (counted once each: an SDK retry inside a re-send is one more).
   */
  retries: number;
}

/** Options shared by every exhaustive operation. */
export interface ExhaustiveOptions {
  /** Cancels the run (rejects with `AbortError`, or ends an iterator with it). */
  signal?: AbortSignal;
  /** Called at most once per page or batch request. Errors it throws are logged, never fatal. */
  onProgress?: (progress: Progress) => void;
}

/** Options of `queryAll` (and of `scanAll` without `segments`). */
export interface PaginateOptions extends ExhaustiveOptions {
  /**
   * Caps the number of items. Pages are never trimmed: the page size of the last requests
   * shrinks to what is left, and when the run stops early the output's `LastEvaluatedKey`
   * says where to resume (`ExclusiveStartKey`).
   */
  maxItems?: number;
  /** Caps the number of pages requested; the output's `LastEvaluatedKey` says where to resume. */
  maxPages?: number;
}

/** Options of `scanAll`. */
export interface ScanAllOptions extends PaginateOptions {
  /**
   * Runs a parallel scan over `TotalSegments = segments` (1 to 1,000,000). With `maxItems`
   * the output is cut at `maxItems` items and has no `LastEvaluatedKey` (a parallel scan has
   * no single resume point).
   */
  segments?: number;
  /** How many segments are scanned at once (default: all of them). */
  concurrency?: number;
}

/** Options of the iterators `scanPages`, `queryPages`, `scanItems`, `queryItems`. */
export interface IterateOptions<T = Record<string, unknown>> extends ExhaustiveOptions {
  /** Stops after this many pages. */
  maxPages?: number;
  /** Stops after this many items (the last page's `Limit` shrinks to what is left). */
  maxItems?: number;
  /** Schema (or item class) the items are decoded with (`scanItems`, `queryItems`). */
  schema?: SchemaLike<T>;
}

/** Options of `batchGetItemAll` and `batchWriteItemAll`. */
export interface BatchOptions extends ExhaustiveOptions {
  /** Sends of one key or write request before it is given up on (default 10). */
  maxAttempts?: number;
  /** Backoff base: the k-th re-send waits a random 0..min(maxDelayMs, baseDelayMs·2^(k-1)) ms (default 50). */
  baseDelayMs?: number;
  /** Backoff cap (default 3000). */
  maxDelayMs?: number;
  /** Batch requests in flight at once (default 4). */
  concurrency?: number;
}

/** Options of `batchWriteItemAll`. */
export interface BatchWriteOptions extends BatchOptions {
  /**
   * Key attribute names per table (`{ Users: ["id"] }`), used to find duplicate keys and to
   * match unprocessed items. Tables not listed are described once per client (DescribeTable)
   * unless a delete request of the input shows their key.
   */
  keySchema?: Record<string, readonly string[]>;
}

type Kind = "count" | "nonNegative" | "function" | "signal" | "schema" | "keySchema";

const KINDS: Record<string, Kind> = {
  signal: "signal",
  onProgress: "function",
  maxItems: "count",
  maxPages: "count",
  segments: "count",
  concurrency: "count",
  maxAttempts: "count",
  baseDelayMs: "nonNegative",
  maxDelayMs: "nonNegative",
  schema: "schema",
  keySchema: "keySchema",
};

/**
 * Splits the trailing arguments of an exhaustive method into middleware and its one options
 * object, and validates the options against the names `allowed` for that method.
 * @throws DynoValidationError naming the bad argument or option.
 */
export function splitArgs<N extends OperationName, O extends object>(
  method: string,
  args: readonly unknown[],
  allowed: readonly (keyof O & string)[],
): { options: O; middleware: Middleware<N>[] } {
  const middleware: Middleware<N>[] = [];
  let options: O | undefined;
  args.forEach((arg, index) => {
    if (typeof arg === "function") middleware.push(arg as Middleware<N>);
    else if (arg === undefined) return;
    else if (arg !== null && typeof arg === "object" && !Array.isArray(arg)) {
      if (options)
        throw new DynoValidationError(
          `${method} arguments[${index + 1}]`,
          "a second options object; pass all options in one",
        );
      options = arg as O;
    } else {
      throw new DynoValidationError(
        `${method} arguments[${index + 1}]`,
        `expected a middleware function or an options object, got ${show(arg)}`,
      );
    }
  });
  options ??= {} as O;
  for (const [name, value] of Object.entries(options)) {
    if (!(allowed as readonly string[]).includes(name)) {
      throw new DynoValidationError(
        `options.${name}`,
        `not an option of ${method} (its options: ${allowed.join(", ")})`,
      );
    }
    if (value !== undefined) check(method, name, KINDS[name], value);
  }
  return { options, middleware };
}

function check(method: string, name: string, kind: Kind | undefined, value: unknown): void {
  const fail = (expected: string) => {
    throw new DynoValidationError(
      `options.${name}`,
      `${method}: expected ${expected}, got ${show(value)}`,
    );
  };
  switch (kind) {
    case "count":
      if (typeof value !== "number" || !Number.isInteger(value) || value < 1)
        fail("a positive integer");
      if (name === "segments" && (value as number) > 1_000_000) fail("at most 1000000 segments");
      return;
    case "nonNegative":
      if (typeof value !== "number" || !Number.isFinite(value) || value < 0)
        fail("a non-negative number of milliseconds");
      return;
    case "function":
      if (typeof value !== "function") fail("a function");
      return;
    case "signal":
      if (!(value instanceof AbortSignal)) fail("an AbortSignal");
      return;
    case "schema":
      if (typeof value !== "object" && typeof value !== "function") fail("a schema or item class");
      return;
    case "keySchema":
      if (
        typeof value !== "object" ||
        value === null ||
        !Object.values(value).every(
          (names) =>
            Array.isArray(names) &&
            names.length > 0 &&
            names.length <= 2 &&
            names.every((n) => typeof n === "string" && n !== ""),
        )
      )
        fail('{ [table]: ["partitionKey", "sortKey"?] }');
      return;
  }
}

function show(value: unknown): string {
  if (typeof value === "function") return "a function";
  if (typeof value === "string") return JSON.stringify(value);
  if (value instanceof AbortSignal) return "an AbortSignal";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
