/**
 * Middleware: plain function composition over {@link Handler}. A middleware receives the
 * next handler and returns a handler; it may short-circuit, rewrite `ctx.input`, transform
 * the output or call `next` again to retry.
 * @module
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynoValidationError } from "../errors.js";
import type { InputOf, OperationName, OutputOf } from "./registry.js";

/** What a handler sees of the operation it runs. */
export interface OperationContext<N extends OperationName = OperationName> {
  /** The operation name, e.g. `"Scan"`. */
  readonly operation: N;
  /** The id of the {@link Operation} being run. */
  readonly id: string;
  /** The input; a middleware may replace it before calling `next`. */
  input: InputOf<N>;
  /** The client the request goes through. */
  readonly client: DynamoDBClient;
  /** Aborted when the operation is cancelled; pass it on to any I/O of your own. */
  readonly signal: AbortSignal;
  /** Free-form data shared by the middleware of one operation run. */
  readonly meta: Map<string, unknown>;
}

/** Runs an operation: the final handler sends the request, a middleware wraps another handler. */
export type Handler<N extends OperationName = OperationName> = (
  ctx: OperationContext<N>,
) => Promise<OutputOf<N>>;

/** Wraps the next handler of operation `N`. */
export type Middleware<N extends OperationName = OperationName> = (next: Handler<N>) => Handler<N>;

/**
 * A middleware for every operation: generic in the operation, so one value serves
 * `dyno.use(...)` and any per-call list. Read `ctx.operation` (or {@link isOperation}) to
 * treat some operations specially.
 *
 * @example
 * ```ts
 * const timing: AnyMiddleware = (next) => async (ctx) => {
 *   const t = performance.now();
 *   try { return await next(ctx); } finally { console.log(ctx.operation, performance.now() - t); }
 * };
 * ```
 */
export type AnyMiddleware = <N extends OperationName>(next: Handler<N>) => Handler<N>;

/** Narrows a context to one operation, e.g. `if (isOperation(ctx, "Scan")) ctx.input.TableName`. */
export function isOperation<N extends OperationName>(
  ctx: OperationContext<OperationName>,
  name: N,
): ctx is OperationContext<N> {
  return ctx.operation === name;
}

/**
 * Composes middleware around a final handler: the first middleware is the outermost.
 * Done once per operation run, not per request.
 *
 * Every handler in the chain is made to return a real promise, whatever the code behind it
 * returns: a plain value is wrapped, a thenable adopted, a synchronous throw becomes a
 * rejection. So `next(ctx)` is always a promise for the middleware above it, and a run
 * always settles. A middleware that does not return a handler fails the run with a
 * `DynoValidationError` naming it (`middleware[i]`).
 */
export function compose<N extends OperationName>(
  middleware: readonly Middleware<N>[],
  final: Handler<N>,
): Handler<N> {
  let handler = settling(final);
  for (let i = middleware.length - 1; i >= 0; i--) {
    const next = middleware[i](handler) as unknown;
    if (typeof next !== "function") {
      throw new DynoValidationError(
        `middleware[${i}]`,
        `returned ${next === null ? "null" : typeof next}, not a handler function ((ctx) => output)`,
      );
    }
    handler = settling(next as Handler<N>);
  }
  return handler;
}

/** A handler that always returns a promise (native promises pass through unchanged). */
function settling<N extends OperationName>(handler: Handler<N>): Handler<N> {
  return (ctx) => {
    try {
      const result: unknown = handler(ctx);
      return result instanceof Promise ? result : Promise.resolve(result as OutputOf<N>);
    } catch (error) {
      return Promise.reject(error);
    }
  };
}
