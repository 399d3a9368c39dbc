/**
 * How exhaustive methods run: on any {@link ExhaustiveRuntime} (a session, a pool), each run an
 * `Operation` of the engine, so middleware, cancellation and the runtime's sender apply.
 * @module
 */
import { AbortError } from "../errors.js";
import type { OperationContext } from "../operation/middleware.js";
import { Operation, runOperation, type OperationRuntime } from "../operation/operation.js";
import type { OperationName } from "../operation/registry.js";
import { ATTEMPTS_META, PARTS_META } from "../operation/send.js";
import { onAbort } from "../operation/signals.js";
import type { Progress } from "./options.js";

/**
 * What an exhaustive method runs on: an {@link OperationRuntime} and, optionally, its own way
 * to run an operation (a pool queues it; a session runs it at once). Without `do`, the
 * operation is started under the runtime directly.
 */
export interface ExhaustiveRuntime extends OperationRuntime {
  do?<N extends OperationName>(operation: Operation<N>): Operation<N>;
}

/** Runs `operation` on `runtime`, cancelling it when `signal` (an option of the call) aborts. */
export function start<N extends OperationName>(
  runtime: ExhaustiveRuntime,
  operation: Operation<N>,
  signal?: AbortSignal,
): Operation<N> {
  if (signal) {
    if (signal.aborted) operation.cancel(signal.reason);
    else {
      const unlink = onAbort(signal, () => operation.cancel(signal.reason));
      // settle, then unlink (an operation nobody awaits never rejects unhandled: see Operation)
      operation.then(unlink, unlink);
    }
  }
  return runtime.do ? runtime.do(operation) : operation[runOperation](runtime);
}

/** Counts one more part (page or batch request sent for the first time) of a run. */
export function countPart(ctx: OperationContext): void {
  ctx.meta.set(PARTS_META, ((ctx.meta.get(PARTS_META) as number | undefined) ?? 0) + 1);
}

/** Re-sends so far: HTTP attempts beyond the first of each part. */
export function retriesOf(ctx: OperationContext): number {
  const attempts = (ctx.meta.get(ATTEMPTS_META) as number | undefined) ?? 0;
  const parts = (ctx.meta.get(PARTS_META) as number | undefined) ?? 0;
  return Math.max(0, attempts - parts);
}

/** Calls a progress callback; its errors are logged, never fatal to the run. */
export function report(onProgress: ((p: Progress) => void) | undefined, progress: Progress): void {
  if (!onProgress) return;
  try {
    onProgress(progress);
  } catch (error) {
    console.error("dyno-ts: an onProgress callback threw; the operation is unaffected", error);
  }
}

/** Throws the signal's reason as an {@link AbortError} when it is aborted. */
export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw abortErrorOf(signal);
}

/** The signal's reason as an {@link AbortError} (an operation's own reason already is one). */
export function abortErrorOf(signal: AbortSignal): AbortError {
  const reason: unknown = signal.reason;
  return reason instanceof AbortError
    ? reason
    : new AbortError(reason instanceof Error ? reason.message : "aborted", { cause: reason });
}
