import type { TableDescription } from "@aws-sdk/client-dynamodb";
import { CUSTOM_FINAL_META } from "../operation/context.js";
import type { AnyMiddleware, Handler, OperationContext } from "../operation/middleware.js";
import type { OperationName } from "../operation/registry.js";
import { canonicalTable, isWrite, tablesOf, type Touched } from "./tables.js";

/** Options of {@link cacheMiddleware}. */
export interface CacheOptions {
  /** How long an output stays fresh. Default 60 000 ms. */
  ttlMs?: number;
  /** The most outputs kept; the least recently used goes first. Default 1000. */
  maxEntries?: number;
  /** Which operations are cached. Default: GetItem, BatchGetItem, Query, Scan, TransactGetItems, DescribeTable. */
  operations?: readonly OperationName[];
  /** The cache key of an input; return undefined to bypass the cache. Default: the operation and the input's JSON. */
  key?: (operation: OperationName, input: unknown) => string | undefined;
  /** The clock, in ms (for tests). Default `Date.now`. */
  now?: () => number;
  /**
   * How long after a write whose outcome is unknown (cancelled, timed out, a connection lost, a
   * server error: it may still land, and nothing will say when) the cache keeps no read of the
   * tables it touches. Default: `ttlMs`, the staleness the cache allows for writes from elsewhere.
   */
  inDoubtMs?: number;
}

/** The cache middleware, with its controls. */
export interface CacheMiddleware extends AnyMiddleware {
  /** Forgets everything. */
  clear(): void;
  /** Forgets every output read from `table` (a name or an ARN). */
  invalidate(table: string): void;
  /** Entries held now. */
  readonly size: number;
  /** Hits and misses so far. */
  readonly stats: { hits: number; misses: number };
}

const DEFAULT_OPERATIONS: readonly OperationName[] = [
  "GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems", "DescribeTable",
]; // prettier-ignore

/**
 * `ctx.meta` key that the cache sets to `true` when it answers a run from memory (no request
 * was sent, no capacity consumed). Middleware outside the cache reads it, as
 * `metricsMiddleware` does for its `cached` field.
 */
export const CACHE_HIT_META = "dyno.cacheHit";

interface Entry {
  output: unknown;
  expires: number;
  tables: Touched;
}

/**
 * Caches outputs of read operations in memory and returns a copy on a hit, so that callers
 * never share (or corrupt) a cached object; a hit carries no `ConsumedCapacity` (it consumed
 * none) and is marked in `ctx.meta` ({@link CACHE_HIT_META}). A strongly consistent read
 * (`ConsistentRead: true`) always goes to DynamoDB, and so does a run with its own final
 * handler (an exhaustive one such as `scanAll`).
 *
 * A write through the same session (any operation that is not a read, PartiQL other than
 * SELECT included) forgets what was cached for the tables it touches, however each names the
 * table (name or ARN), and a read that was in flight when such a write completed does not
 * store its answer: writes win over reads that started before them. A write whose outcome is
 * unknown (cancelled, timed out, a lost connection, a server error) may still land after it
 * settles, with nothing to say when: it forgets its tables at once and, for `inDoubtMs`
 * (default: the TTL), keeps no read of them. A DescribeTable answer is
 * kept only while the table and its indexes are ACTIVE. Writes from elsewhere are seen once
 * the TTL expires.
 *
 * @example
 * ```ts
 * const cache = cacheMiddleware({ ttlMs: 5_000 });
 * dyno.use(cache);
 * ```
 */
export function cacheMiddleware(options: CacheOptions = {}): CacheMiddleware {
  const ttlMs = options.ttlMs ?? 60_000;
  const maxEntries = options.maxEntries ?? 1000;
  const now = options.now ?? Date.now;
  const inDoubtMs = options.inDoubtMs ?? ttlMs;
  const cached = new Set<string>(options.operations ?? DEFAULT_OPERATIONS);
  const keyOf = options.key ?? defaultKey;
  const entries = new Map<string, Entry>();
  const stats = { hits: 0, misses: 0 };
  // Generations, bumped by each invalidation, so that a read can tell whether a write
  // completed while it was in flight: per table, of all tables at once (`everything`), and
  // of any table (`total`, for reads that cannot name their tables).
  const generations = new Map<string, number>();
  let everything = 0;
  let total = 0;
  // Until when (clock ms) a write in doubt may still land, per table and for every table.
  const doubt = new Map<string, number>();
  let doubtAll = 0;

  /** Until when a read of `tables` must not be kept: the latest doubt window over them. */
  const doubtUntil = (tables: Touched): number => {
    let until = doubtAll;
    const at = now();
    for (const [table, end] of doubt) {
      if (end <= at) doubt.delete(table);
      else if (end > until && (tables === "all" || tables.includes(table))) until = end;
    }
    return until;
  };

  const inDoubt = (tables: Touched) => {
    const until = now() + inDoubtMs;
    if (tables === "all") doubtAll = Math.max(doubtAll, until);
    else for (const table of tables) doubt.set(table, Math.max(doubt.get(table) ?? 0, until));
  };

  const generationOf = (tables: Touched): number => {
    if (tables === "all") return total;
    let sum = everything;
    for (const table of tables) sum += generations.get(table) ?? 0;
    return sum;
  };

  const invalidate = (tables: Touched) => {
    total++;
    if (tables === "all") {
      everything++;
      return entries.clear();
    }
    for (const table of tables) generations.set(table, (generations.get(table) ?? 0) + 1);
    for (const [key, entry] of entries) {
      if (entry.tables === "all" || entry.tables.some((t) => tables.includes(t)))
        entries.delete(key);
    }
  };

  const middleware = (<N extends OperationName>(next: Handler<N>): Handler<N> =>
    async (ctx: OperationContext<N>) => {
      if (isWrite(ctx.operation, ctx.input)) {
        const tables = tablesOf(ctx.operation, ctx.input);
        // A write that fails may still land (an aborted request the server received, a
        // timeout, a lost connection, a retried one): neither its cancel nor the end of its run
        // says when. In doubt from the cancel on, and again from the end of the run.
        const cancelled = () => {
          inDoubt(tables);
          invalidate(tables);
        };
        ctx.signal.addEventListener("abort", cancelled, { once: true });
        try {
          return await next(ctx);
        } catch (error) {
          if (!answeredWithoutWriting(error)) inDoubt(tables);
          throw error;
        } finally {
          ctx.signal.removeEventListener("abort", cancelled);
          invalidate(tables);
        }
      }
      const key =
        cached.has(ctx.operation) && !isConsistent(ctx.input) && !ctx.meta.has(CUSTOM_FINAL_META)
          ? keyOf(ctx.operation, ctx.input)
          : undefined;
      if (key === undefined) return next(ctx);
      const hit = entries.get(key);
      if (hit && hit.expires > now()) {
        entries.delete(key); // re-insert: most recently used last
        entries.set(key, hit);
        stats.hits++;
        ctx.meta.set(CACHE_HIT_META, true);
        const copy = structuredClone(hit.output) as Awaited<ReturnType<Handler<N>>>;
        delete (copy as { ConsumedCapacity?: unknown }).ConsumedCapacity;
        return copy;
      }
      stats.misses++;
      const tables = tablesOf(ctx.operation, ctx.input);
      const generation = generationOf(tables);
      const started = now();
      const output = await next(ctx);
      // A write completed meanwhile, or one in doubt may land after this read: not kept.
      if (
        generationOf(tables) !== generation ||
        started < doubtUntil(tables) ||
        !isSettled(ctx.operation, output)
      )
        return output;
      entries.delete(key);
      entries.set(key, { output: structuredClone(output), expires: now() + ttlMs, tables });
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
      return output;
    }) as CacheMiddleware;

  Object.defineProperties(middleware, {
    clear: { value: () => invalidate("all") },
    invalidate: { value: (table: string) => invalidate([canonicalTable(table)]) },
    stats: { value: stats },
    size: { get: () => entries.size },
  });
  return middleware;
}

/**
 * True for an error that is DynamoDB's answer to the only attempt, a 4xx (a failed condition, a
 * validation error, throttling): the write was refused, not applied. Anything else (an abort,
 * a timeout, a network error, a 5xx, or an answer after retries) leaves its outcome unknown.
 */
function answeredWithoutWriting(error: unknown): boolean {
  const meta = (error as { $metadata?: { httpStatusCode?: number; attempts?: number } } | null)
    ?.$metadata;
  const status = meta?.httpStatusCode;
  return status !== undefined && status >= 400 && status < 500 && (meta?.attempts ?? 1) <= 1;
}

/** A DescribeTable answer about a table (or index) in transition would go stale by itself. */
function isSettled(operation: OperationName, output: unknown): boolean {
  if (operation !== "DescribeTable") return true;
  const table = (output as { Table?: TableDescription } | undefined)?.Table;
  if (!table) return false;
  const indexes = table.GlobalSecondaryIndexes ?? [];
  return table.TableStatus === "ACTIVE" && indexes.every((i) => i.IndexStatus === "ACTIVE");
}

function defaultKey(operation: OperationName, input: unknown): string {
  return `${operation}:${JSON.stringify(input, (_key, value) =>
    value instanceof Uint8Array ? `bytes:${Array.prototype.join.call(value, ",")}` : value,
  )}`;
}

function isConsistent(input: unknown): boolean {
  const value = input as {
    ConsistentRead?: boolean;
    RequestItems?: Record<string, { ConsistentRead?: boolean }>;
  };
  if (value.ConsistentRead) return true;
  return Object.values(value.RequestItems ?? {}).some((request) => request?.ConsistentRead);
}
