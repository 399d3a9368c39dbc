import type { AnyMiddleware } from "../operation/middleware.js";
import type { OperationName } from "../operation/registry.js";
import { CACHE_HIT_META } from "./cache.js";
import { capacityUnits, tableOf } from "./capacity.js";
import { emit } from "./metrics.js";

/** One line of {@link logMiddleware}'s log. */
export interface LogEntry {
  /** `"start"` before the call (only with `logStart`), then `"done"` or `"error"`. */
  event: "start" | "done" | "error";
  operation: OperationName;
  id: string;
  table?: string;
  /** Set on `"done"` and `"error"`. */
  durationMs?: number;
  /** Items returned, when the output has `Count` or `Items`. */
  count?: number;
  consumedCapacity?: number;
  /** On `"done"`: true when a `cacheMiddleware` inside this one answered from memory. */
  cached?: boolean;
  /** The error's name and message, on `"error"`. */
  error?: { name: string; message: string };
  /** The input, only with `logInput` (it may hold personal data). */
  input?: unknown;
}

/** Where log lines go: a function, or a console-like object (`info` for success, `error` for failures). */
export type Logger =
  | ((entry: LogEntry) => void)
  | { info(message: string, entry: LogEntry): void; error(message: string, entry: LogEntry): void };

/** Options of {@link logMiddleware}. */
export interface LogOptions {
  /** Also log when an operation starts. Default false. */
  logStart?: boolean;
  /** Include the input in the entry. Default false: inputs may hold personal data. */
  logInput?: boolean;
}

/**
 * Logs each operation's outcome: name, id, table, duration, item count, capacity, error.
 *
 * @example
 * ```ts
 * dyno.use(logMiddleware(console));             // console.info / console.error
 * dyno.use(logMiddleware((e) => pino.info(e)));  // structured
 * ```
 */
export function logMiddleware(logger: Logger = console, options: LogOptions = {}): AnyMiddleware {
  const write = (entry: LogEntry) => {
    if (typeof logger === "function") return emit(logger, entry);
    const message = `dyno ${entry.operation} ${entry.event}${entry.table ? ` ${entry.table}` : ""}${
      entry.durationMs === undefined ? "" : ` ${entry.durationMs.toFixed(1)}ms`
    }${entry.error ? `: ${entry.error.name}: ${entry.error.message}` : ""}`;
    emit(
      (e: LogEntry) =>
        entry.event === "error" ? logger.error(message, e) : logger.info(message, e),
      entry,
    );
  };
  return (next) => async (ctx) => {
    const base = {
      operation: ctx.operation,
      id: ctx.id,
      table: tableOf(ctx.input),
      ...(options.logInput ? { input: ctx.input } : {}),
    };
    if (options.logStart) write({ event: "start", ...base });
    const started = performance.now();
    try {
      const output = await next(ctx);
      const { Count, Items } = output as { Count?: number; Items?: unknown[] };
      write({
        event: "done",
        ...base,
        durationMs: performance.now() - started,
        count: Count ?? Items?.length,
        ...(ctx.meta.get(CACHE_HIT_META) === true
          ? { cached: true, consumedCapacity: 0 }
          : { consumedCapacity: capacityUnits(output) }),
      });
      return output;
    } catch (error) {
      const { name, message } =
        error instanceof Error ? error : { name: "Error", message: String(error) };
      write({
        event: "error",
        ...base,
        durationMs: performance.now() - started,
        error: { name, message },
      });
      throw error;
    }
  };
}
