import type { AnyMiddleware } from "../operation/middleware.js";
import { dataPlaneOperations, type OperationName } from "../operation/registry.js";
import { ATTEMPTS_META, PARTS_META } from "../operation/send.js";
import { CACHE_HIT_META } from "./cache.js";
import { capacityUnits, tableOf } from "./capacity.js";

/** What {@link metricsMiddleware} reports for each operation run. */
export interface OperationMetrics {
  /** The operation name, e.g. `"Query"`. */
  operation: OperationName;
  /** The operation id. */
  id: string;
  /** The table, when the input names exactly one. */
  table?: string;
  /** Wall time of the run, middleware inside this one included. */
  durationMs: number;
  /** Whether it produced an output. */
  ok: boolean;
  /** The error, when it failed. */
  error?: unknown;
  /**
   * Capacity units DynamoDB reported (needs `ReturnConsumedCapacity` in the input; see
   * the `returnConsumedCapacity` option), summed over every table and index; 0 for a cache hit.
   */
  consumedCapacity?: number;
  /**
   * True when a `cacheMiddleware` inside this one answered from memory: no request was sent
   * and no capacity consumed. (A cache outside this middleware answers hits before it runs, so
   * it reports only misses.)
   */
  cached: boolean;
  /**
   * HTTP requests sent beyond the first: the SDK's retries plus re-sends by inner middleware. For
   * an exhaustive run, beyond the first of each page or batch request (re-sends of unprocessed
   * batch parts are retries).
   */
  retries: number;
}

/** Options of {@link metricsMiddleware}. */
export interface MetricsOptions {
  /**
   * Ask DynamoDB for consumed capacity (`ReturnConsumedCapacity: "TOTAL"`) on inputs that
   * accept it and do not set it already. Default false: the input is left as given.
   */
  returnConsumedCapacity?: boolean;
}

/**
 * Reports duration, consumed capacity and retries of every operation it wraps, and whether a
 * cache answered it. Put it outside `cacheMiddleware` (before it in `dyno.use`) to see hits
 * (`cached: true`, `consumedCapacity: 0`); inside, it sees only the requests really sent.
 *
 * @example
 * ```ts
 * dyno.use(metricsMiddleware((m) => histogram.observe({ op: m.operation }, m.durationMs)));
 * ```
 */
export function metricsMiddleware(
  onMetrics: (metrics: OperationMetrics) => void,
  options: MetricsOptions = {},
): AnyMiddleware {
  return (next) => async (ctx) => {
    if (options.returnConsumedCapacity && dataPlaneOperations.has(ctx.operation)) {
      const input = ctx.input as { ReturnConsumedCapacity?: string };
      if (input.ReturnConsumedCapacity === undefined)
        ctx.input = { ...ctx.input, ReturnConsumedCapacity: "TOTAL" };
    }
    const started = performance.now();
    const report = (ok: boolean, output: unknown, error?: unknown) => {
      const attempts = (ctx.meta.get(ATTEMPTS_META) as number | undefined) ?? 1;
      const parts = (ctx.meta.get(PARTS_META) as number | undefined) ?? 1; // pages of an exhaustive run
      const cached = ctx.meta.get(CACHE_HIT_META) === true;
      emit(onMetrics, {
        operation: ctx.operation,
        id: ctx.id,
        table: tableOf(ctx.input),
        durationMs: performance.now() - started,
        ok,
        ...(ok ? {} : { error }),
        consumedCapacity: cached ? 0 : capacityUnits(output),
        cached,
        retries: cached ? 0 : Math.max(0, attempts - parts),
      });
    };
    try {
      const output = await next(ctx);
      report(true, output);
      return output;
    } catch (error) {
      report(false, undefined, error);
      throw error;
    }
  };
}

/** A reporting callback must never turn a good operation into a failed one: its errors are logged. */
export function emit<T>(callback: (value: T) => void, value: T): void {
  try {
    callback(value);
  } catch (error) {
    console.error("dyno-ts: a metrics/log callback threw; the operation is unaffected", error);
  }
}
