/**
 * The one table of exhaustive methods. Each entry takes the runtime that runs it (a session, a
 * pool), the SDK input and trailing middleware and/or one options object; a session or pool
 * installs them all as its own methods (`dyno.scanAll(input, ...)` is
 * `exhaustiveMethods.scanAll(dyno, input, ...)`).
 *
 * The `...All` variants are one `Operation` each (named after the SDK operation: `"Scan"`,
 * `"BatchWriteItem"`, ...), whose final handler sends every page or chunk through the runtime's
 * sender: middleware wraps the whole run. The iterators run each page as its own operation:
 * middleware sees every page request.
 * @module
 */
import type {
  AttributeValue,
  BatchGetItemCommandInput,
  BatchWriteItemCommandInput,
  QueryCommandInput,
  QueryCommandOutput,
  ScanCommandInput,
  ScanCommandOutput,
} from "@aws-sdk/client-dynamodb";
import { DynoValidationError } from "../errors.js";
import type { SchemaLike } from "../encoding/index.js";
import type { Handler, Middleware } from "../operation/middleware.js";
import { Operation, type OperationOptions } from "../operation/operation.js";
import { setOwn } from "../own.js";
import { batchGetHandler } from "./batch-get.js";
import { withProgress } from "./batch-run.js";
import { batchWriteHandler } from "./batch-write.js";
import { items, pages } from "./iterate.js";
import {
  splitArgs,
  type BatchOptions,
  type BatchWriteOptions,
  type IterateOptions,
  type PaginateOptions,
  type ScanAllOptions,
} from "./options.js";
import { paginateHandler, parallelScanHandler } from "./paginate.js";
import { start, type ExhaustiveRuntime } from "./runtime.js";

/** A trailing argument of an exhaustive method: a middleware of its operation, or its options. */
export type ExhaustiveArg<N extends "Scan" | "Query" | "BatchGetItem" | "BatchWriteItem", O> =
  Middleware<N> | O;

const PAGINATE = ["signal", "onProgress", "maxItems", "maxPages"] as const;
const ITERATE = ["signal", "onProgress", "maxItems", "maxPages", "schema"] as const;
const BATCH = [
  "signal",
  "onProgress",
  "maxAttempts",
  "baseDelayMs",
  "maxDelayMs",
  "concurrency",
] as const;

function checkInput(method: string, input: unknown): void {
  if (!input || typeof input !== "object")
    throw new DynoValidationError("input", `${method}: expected the SDK input object`);
}

function scanAll(
  runtime: ExhaustiveRuntime,
  input: ScanCommandInput,
  ...args: ExhaustiveArg<"Scan", ScanAllOptions>[]
): Operation<"Scan"> {
  checkInput("scanAll", input);
  const { options, middleware } = splitArgs<"Scan", ScanAllOptions>("scanAll", args, [
    ...PAGINATE,
    "segments",
    "concurrency",
  ]);
  let final;
  if (options.segments !== undefined) {
    for (const field of ["Segment", "TotalSegments", "ExclusiveStartKey"] as const) {
      if (input[field] !== undefined)
        throw new DynoValidationError(
          `input.${field}`,
          "scanAll with options.segments sets the segments itself; remove it",
        );
    }
    if (options.maxPages !== undefined)
      throw new DynoValidationError(
        "options.maxPages",
        "scanAll: cannot be combined with segments (use maxItems)",
      );
    final = parallelScanHandler({ ...options, segments: options.segments });
  } else {
    if (options.concurrency !== undefined)
      throw new DynoValidationError(
        "options.concurrency",
        "scanAll: needs options.segments (a parallel scan)",
      );
    final = paginateHandler<"Scan">(options);
  }
  return start(runtime, Operation.create("Scan", input, ...middleware, { final }), options.signal);
}

function queryAll(
  runtime: ExhaustiveRuntime,
  input: QueryCommandInput,
  ...args: ExhaustiveArg<"Query", PaginateOptions>[]
): Operation<"Query"> {
  checkInput("queryAll", input);
  const { options, middleware } = splitArgs<"Query", PaginateOptions>("queryAll", args, PAGINATE);
  const final = paginateHandler<"Query">(options);
  return start(runtime, Operation.create("Query", input, ...middleware, { final }), options.signal);
}

function scanPages(
  runtime: ExhaustiveRuntime,
  input: ScanCommandInput,
  ...args: ExhaustiveArg<"Scan", IterateOptions>[]
): AsyncIterable<ScanCommandOutput> {
  checkInput("scanPages", input);
  const { options, middleware } = splitArgs<"Scan", IterateOptions>("scanPages", args, ITERATE);
  return pages(runtime, "Scan", input, options as IterateOptions<unknown>, middleware);
}

function queryPages(
  runtime: ExhaustiveRuntime,
  input: QueryCommandInput,
  ...args: ExhaustiveArg<"Query", IterateOptions>[]
): AsyncIterable<QueryCommandOutput> {
  checkInput("queryPages", input);
  const { options, middleware } = splitArgs<"Query", IterateOptions>("queryPages", args, ITERATE);
  return pages(runtime, "Query", input, options as IterateOptions<unknown>, middleware);
}

function scanItems<T = Record<string, unknown>>(
  runtime: ExhaustiveRuntime,
  input: ScanCommandInput,
  ...args: ExhaustiveArg<"Scan", IterateOptions<T>>[]
): AsyncIterable<T> {
  checkInput("scanItems", input);
  const { options, middleware } = splitArgs<"Scan", IterateOptions<T>>("scanItems", args, ITERATE);
  return items(runtime, "Scan", input, options, middleware);
}

function queryItems<T = Record<string, unknown>>(
  runtime: ExhaustiveRuntime,
  input: QueryCommandInput,
  ...args: ExhaustiveArg<"Query", IterateOptions<T>>[]
): AsyncIterable<T> {
  checkInput("queryItems", input);
  const { options, middleware } = splitArgs<"Query", IterateOptions<T>>(
    "queryItems",
    args,
    ITERATE,
  );
  return items(runtime, "Query", input, options, middleware);
}

function batchGetItemAll(
  runtime: ExhaustiveRuntime,
  input: BatchGetItemCommandInput,
  ...args: ExhaustiveArg<"BatchGetItem", BatchOptions>[]
): Operation<"BatchGetItem"> {
  checkInput("batchGetItemAll", input);
  const { options, middleware } = splitArgs<"BatchGetItem", BatchOptions>(
    "batchGetItemAll",
    args,
    BATCH,
  );
  const responses: Record<string, Record<string, AttributeValue>[]> = {};
  for (const table of Object.keys(input.RequestItems ?? {})) setOwn(responses, table, []);
  const run = reportingCancel(batchGetHandler(options), {
    done: { $metadata: {}, Responses: responses, UnprocessedKeys: {} },
    unprocessed: input,
  });
  return start(
    runtime,
    Operation.create("BatchGetItem", input, ...middleware, run),
    options.signal,
  );
}

function batchWriteItemAll(
  runtime: ExhaustiveRuntime,
  input: BatchWriteItemCommandInput,
  ...args: ExhaustiveArg<"BatchWriteItem", BatchWriteOptions>[]
): Operation<"BatchWriteItem"> {
  checkInput("batchWriteItemAll", input);
  const { options, middleware } = splitArgs<"BatchWriteItem", BatchWriteOptions>(
    "batchWriteItemAll",
    args,
    [...BATCH, "keySchema"],
  );
  const run = reportingCancel(batchWriteHandler(options), {
    done: { ...input, RequestItems: {} },
    unprocessed: input,
  });
  return start(
    runtime,
    Operation.create("BatchWriteItem", input, ...middleware, run),
    options.signal,
  );
}

/**
 * A batch run's handler, and what its `AbortError` says when it is cancelled before the handler
 * runs (an aborted signal, a pool that never started it): nothing done, everything unprocessed.
 * Once running, the handler says what it did.
 */
function reportingCancel<N extends "BatchGetItem" | "BatchWriteItem">(
  final: Handler<N>,
  nothing: { done: unknown; unprocessed: unknown },
): OperationOptions<N> {
  let entered = false;
  return {
    final: (ctx) => {
      entered = true;
      return final(ctx);
    },
    onCancel: (error) => {
      if (!entered)
        withProgress(
          error,
          () => nothing.done,
          () => nothing.unprocessed,
        );
    },
  };
}

/**
 * Every exhaustive method, as `(runtime, input, ...middlewareOrOptions)`. Sessions and pools
 * install each entry as a method of their own (see {@link ExhaustiveMethods}).
 */
export const exhaustiveMethods = {
  scanAll,
  queryAll,
  scanPages,
  queryPages,
  scanItems,
  queryItems,
  batchGetItemAll,
  batchWriteItemAll,
} as const;

/** The names of the exhaustive methods. */
export type ExhaustiveMethodName = keyof typeof exhaustiveMethods;

/**
 * The exhaustive methods as a session or pool has them (the runtime is `this`). Trailing
 * arguments: middleware of the operation, and at most one options object.
 */
export interface ExhaustiveMethods {
  /**
   * Scans to the end: one output with every item, `Count`/`ScannedCount`/`ConsumedCapacity`
   * summed. `{ segments, concurrency }` runs a parallel scan. `Limit` is the page size.
   */
  scanAll(
    input: ScanCommandInput,
    ...args: ExhaustiveArg<"Scan", ScanAllOptions>[]
  ): Operation<"Scan">;
  /** Queries to the end: one output with every item, counts and capacity summed. */
  queryAll(
    input: QueryCommandInput,
    ...args: ExhaustiveArg<"Query", PaginateOptions>[]
  ): Operation<"Query">;
  /** The pages of a scan, requested one at a time as the loop asks for them. */
  scanPages(
    input: ScanCommandInput,
    ...args: ExhaustiveArg<"Scan", IterateOptions>[]
  ): AsyncIterable<ScanCommandOutput>;
  /** The pages of a query, requested one at a time as the loop asks for them. */
  queryPages(
    input: QueryCommandInput,
    ...args: ExhaustiveArg<"Query", IterateOptions>[]
  ): AsyncIterable<QueryCommandOutput>;
  /** The items of a scan, decoded (with `schema` when given), one page in memory at a time. */
  scanItems<T = Record<string, unknown>>(
    input: ScanCommandInput,
    ...args: ExhaustiveArg<"Scan", IterateOptions<T> & { schema?: SchemaLike<T> }>[]
  ): AsyncIterable<T>;
  /** The items of a query, decoded (with `schema` when given), one page in memory at a time. */
  queryItems<T = Record<string, unknown>>(
    input: QueryCommandInput,
    ...args: ExhaustiveArg<"Query", IterateOptions<T> & { schema?: SchemaLike<T> }>[]
  ): AsyncIterable<T>;
  /** Reads any number of keys; the output's `Responses` holds every item found. */
  batchGetItemAll(
    input: BatchGetItemCommandInput,
    ...args: ExhaustiveArg<"BatchGetItem", BatchOptions>[]
  ): Operation<"BatchGetItem">;
  /** Writes any number of put/delete requests; none lost or duplicated, duplicates in caller order. */
  batchWriteItemAll(
    input: BatchWriteItemCommandInput,
    ...args: ExhaustiveArg<"BatchWriteItem", BatchWriteOptions>[]
  ): Operation<"BatchWriteItem">;
}

/** Installs every exhaustive method on a class whose instances are runtimes (a session, a pool). */
export function installExhaustiveMethods(target: { prototype: object }): void {
  for (const [name, method] of Object.entries(exhaustiveMethods)) {
    Object.defineProperty(target.prototype, name, {
      configurable: true,
      writable: true,
      value: function (this: ExhaustiveRuntime, input: never, ...args: never[]) {
        return (method as (runtime: ExhaustiveRuntime, input: never, ...args: never[]) => unknown)(
          this,
          input,
          ...args,
        );
      },
    });
  }
}
