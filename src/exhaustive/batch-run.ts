/**
 * The engine of `batchGetItemAll` and `batchWriteItemAll`: chunks of units (keys or write
 * requests) sent by `concurrency` workers; each chunk re-sends its unprocessed units (and the
 * whole chunk after a throttling error) with exponential backoff and full jitter until done
 * or `maxAttempts` sends of a unit. Throttling, 5xx answers and dropped connections are retried
 * that way (the SDK's own retries come first, inside each send). The first other error stops the
 * run: no chunk is started or re-sent after it, but the requests in flight are let finish, so
 * that what was done and what was not is known exactly when the run rejects.
 * @module
 */
import type { OperationContext } from "../operation/middleware.js";
import { AbortFanOut, linkSignals } from "../operation/signals.js";
import { backoffDelay, isRetryable, sleep, type Backoff } from "./backoff.js";
import type { BatchOptions, Progress } from "./options.js";
import { countPart, report, retriesOf } from "./runtime.js";

/** One key or write request of the caller's input. */
export interface Unit {
  /** Position in the caller's input (tables in input order, then the requests of each). */
  readonly order: number;
  readonly table: string;
  /** Canonical key string within the table. */
  readonly key: string;
  /** Sends so far. */
  attempts: number;
  state: "pending" | "done" | "failed";
}

/** How one chunk is sent: returns the units that came back unprocessed. */
export type SendChunk<U extends Unit> = (units: U[], signal: AbortSignal) => Promise<U[]>;

/** Settings of one batch run. */
export interface BatchRunSettings extends Backoff {
  readonly maxAttempts: number;
  readonly concurrency: number;
  readonly total: number;
  readonly onProgress?: (progress: Progress) => void;
  /** Units done so far, for progress (a write counts requests, a get counts keys). */
  readonly doneCount: () => number;
}

/** The settings of a run from the caller's batch options, with the documented defaults. */
export function batchSettings(
  options: BatchOptions,
  total: number,
  doneCount: () => number,
): BatchRunSettings {
  return {
    maxAttempts: options.maxAttempts ?? 10,
    baseDelayMs: options.baseDelayMs ?? 50,
    maxDelayMs: options.maxDelayMs ?? 3000,
    concurrency: options.concurrency ?? 4,
    onProgress: options.onProgress,
    total,
    doneCount,
  };
}

/** What a batch run keeps across its `runChunks` calls. */
export interface BatchRunState {
  /** Requests sent so far. */
  pages: number;
  /** The last retryable error seen (throttling, 5xx, dropped connection), for the error of a run that gives up. */
  lastError?: unknown;
}

/**
 * Runs chunks (each a list of units) with bounded concurrency, retries and backoff. Requests go
 * out under the operation's signal (cancelling the operation aborts them); a failing chunk only
 * stops the others between requests.
 */
export async function runChunks<U extends Unit>(
  ctx: OperationContext,
  chunks: U[][],
  send: SendChunk<U>,
  settings: BatchRunSettings,
  state: BatchRunState,
): Promise<void> {
  const stop = new AbortController();
  // One listener each on the operation's signal and on the pause signal, whatever the concurrency.
  const requests = new AbortFanOut(ctx.signal);
  const pauses = new AbortFanOut(linkSignals(ctx.signal, stop.signal));
  let next = 0;
  let failure: { error: unknown } | undefined;
  const progress = () =>
    report(settings.onProgress, {
      done: settings.doneCount(),
      total: settings.total,
      pages: state.pages,
      retries: retriesOf(ctx),
    });

  const runChunk = async (chunk: U[], signal: AbortSignal, pause: AbortSignal) => {
    let units = chunk;
    for (let resend = 0; ; resend++) {
      if (failure) return; // another chunk failed: send nothing more
      if (resend === 0) countPart(ctx);
      for (const unit of units) unit.attempts++;
      let leftover: U[];
      try {
        leftover = await send(units, signal);
      } catch (error) {
        if (!isRetryable(error) || ctx.signal.aborted) throw error;
        state.lastError = error;
        leftover = units;
      }
      state.pages++;
      const left = new Set(leftover);
      for (const unit of units) if (!left.has(unit)) unit.state = "done";
      const again: U[] = [];
      for (const unit of leftover) {
        if (unit.attempts >= settings.maxAttempts) unit.state = "failed";
        else again.push(unit);
      }
      progress();
      if (again.length === 0 || failure) return;
      try {
        await sleep(backoffDelay(resend + 1, settings), pause);
      } catch (error) {
        if (failure && !ctx.signal.aborted) return;
        throw error;
      }
      units = again;
    }
  };

  const worker = async () => {
    const request = requests.child();
    const pause = pauses.child();
    try {
      while (!failure && next < chunks.length) {
        const chunk = chunks[next++];
        try {
          await runChunk(chunk, request.signal, pause.signal);
        } catch (error) {
          failure ??= { error };
          stop.abort(error);
        }
      }
    } finally {
      request.release();
      pause.release();
    }
  };
  try {
    await Promise.all(
      Array.from({ length: Math.min(settings.concurrency, chunks.length) }, worker),
    );
  } finally {
    requests.close();
    pauses.close();
  }
  if (failure) throw failure.error;
}

/** Groups units into chunks of at most `maxUnits` and `maxBytes` (by `bytesOf`). */
export function chunk<U>(
  units: readonly U[],
  maxUnits: number,
  maxBytes: number,
  bytesOf: (unit: U) => number,
): U[][] {
  const chunks: U[][] = [];
  let current: U[] = [];
  let bytes = 0;
  for (const unit of units) {
    const size = bytesOf(unit);
    if (current.length > 0 && (current.length === maxUnits || bytes + size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(unit);
    bytes += size;
  }
  if (current.length) chunks.push(current);
  return chunks;
}

/**
 * Gives the error that ends a batch run what was done and what was not (`done`, `unprocessed`,
 * as on {@link BatchIncompleteError} and a cancelled run's `AbortError`), unless it has them.
 * The error keeps its class (an SDK error stays the SDK's); `done` and `unprocessed` become own
 * properties of it.
 */
export function withProgress(
  error: unknown,
  done: () => unknown,
  unprocessed: () => unknown,
): unknown {
  if (typeof error !== "object" || error === null || !Object.isExtensible(error)) return error;
  const e = error as { done?: unknown; unprocessed?: unknown };
  if (e.unprocessed === undefined) e.unprocessed = unprocessed();
  if (e.done === undefined) e.done = done();
  return error;
}
