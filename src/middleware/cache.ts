import type { AnyMiddleware, Handler, OperationContext } from "../operation/middleware.js";
import type { OperationName } from "../operation/registry.js";

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
}

/** The cache middleware, with its controls. */
export interface CacheMiddleware extends AnyMiddleware {
  /** Forgets everything. */
  clear(): void;
  /** Forgets every output read from `table`. */
  invalidate(table: string): void;
  /** Entries held now. */
  readonly size: number;
  /** Hits and misses so far. */
  readonly stats: { hits: number; misses: number };
}

const DEFAULT_OPERATIONS: readonly OperationName[] = [
  "GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems", "DescribeTable",
]; // prettier-ignore

/** Operations that change data or tables: a success (or an error, which may have written) invalidates their tables. */
const WRITES = new Set<string>([
  "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems",
  "ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction",
  "CreateTable", "UpdateTable", "DeleteTable", "RestoreTableFromBackup", "RestoreTableToPointInTime",
  "ImportTable", "UpdateTimeToLive",
]); // prettier-ignore

/** PartiQL writes name tables inside statements: those clear the whole cache. */
const STATEMENTS = new Set<string>([
  "ExecuteStatement",
  "BatchExecuteStatement",
  "ExecuteTransaction",
]);

interface Entry {
  output: unknown;
  expires: number;
  tables: readonly string[];
}

/**
 * Caches outputs of read operations in memory and returns a copy on a hit, so that callers
 * never share (or corrupt) a cached object. A strongly consistent read (`ConsistentRead: true`)
 * always goes to DynamoDB. A write through the same session forgets what was cached for
 * the tables it touches; writes from elsewhere are seen once the TTL expires.
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
  const cached = new Set<string>(options.operations ?? DEFAULT_OPERATIONS);
  const keyOf = options.key ?? defaultKey;
  const entries = new Map<string, Entry>();
  const stats = { hits: 0, misses: 0 };

  const invalidate = (tables: readonly string[] | "all") => {
    if (tables === "all") return entries.clear();
    for (const [key, entry] of entries) {
      if (entry.tables.some((t) => tables.includes(t))) entries.delete(key);
    }
  };

  const middleware = (<N extends OperationName>(next: Handler<N>): Handler<N> =>
    async (ctx: OperationContext<N>) => {
      if (WRITES.has(ctx.operation)) {
        try {
          return await next(ctx);
        } finally {
          invalidate(STATEMENTS.has(ctx.operation) ? "all" : tablesOf(ctx.input));
        }
      }
      const key =
        cached.has(ctx.operation) && !isConsistent(ctx.input)
          ? keyOf(ctx.operation, ctx.input)
          : undefined;
      if (key === undefined) return next(ctx);
      const hit = entries.get(key);
      if (hit && hit.expires > now()) {
        entries.delete(key); // re-insert: most recently used last
        entries.set(key, hit);
        stats.hits++;
        return structuredClone(hit.output) as Awaited<ReturnType<Handler<N>>>;
      }
      stats.misses++;
      const output = await next(ctx);
      entries.delete(key);
      entries.set(key, {
        output: structuredClone(output),
        expires: now() + ttlMs,
        tables: tablesOf(ctx.input),
      });
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
      return output;
    }) as CacheMiddleware;

  Object.defineProperties(middleware, {
    clear: { value: () => entries.clear() },
    invalidate: { value: (table: string) => invalidate([table]) },
    stats: { value: stats },
    size: { get: () => entries.size },
  });
  return middleware;
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

/** Every table an input reads or writes. */
function tablesOf(input: unknown): string[] {
  const value = input as {
    TableName?: string;
    RequestItems?: Record<string, unknown>;
    TransactItems?: Record<string, { TableName?: string } | undefined>[];
  };
  const tables = new Set<string>();
  if (value.TableName) tables.add(value.TableName);
  for (const table of Object.keys(value.RequestItems ?? {})) tables.add(table);
  for (const item of value.TransactItems ?? []) {
    for (const action of Object.values(item)) if (action?.TableName) tables.add(action.TableName);
  }
  return [...tables];
}
