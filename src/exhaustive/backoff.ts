/**
 * Exponential backoff with full jitter (the k-th re-send waits a uniformly random time in
 * `[0, min(maxDelayMs, baseDelayMs·2^(k-1))]`), and an abortable sleep.
 * @module
 */
import { isThrottlingError } from "../operation/throttling.js";
import { abortErrorOf } from "./runtime.js";

/** The backoff settings of a batch run. */
export interface Backoff {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** The wait before re-send number `retry` (1 for the first re-send). */
export function backoffDelay(retry: number, { baseDelayMs, maxDelayMs }: Backoff): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(retry - 1, 30));
  return Math.random() * ceiling;
}

/** Waits `ms`; rejects with an AbortError at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(abortErrorOf(signal));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortErrorOf(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Node's codes of a connection that failed in flight (the server may be fine a moment later). */
const DROPPED: ReadonlySet<string> = new Set(["ECONNRESET", "EPIPE", "ETIMEDOUT"]);

/** Server-side failures by name, for errors that carry no HTTP status. */
const SERVER_ERRORS: ReadonlySet<string> = new Set([
  "InternalServerError",
  "InternalFailure",
  "ServiceUnavailable",
  "ServiceUnavailableException",
]);

/**
 * True for errors the batch layer retries with backoff (after the SDK's own retries gave up):
 * throttling, any 5xx answer (`InternalServerError`...), and a connection dropped in flight.
 * Re-sending a batch is safe: a put or delete written twice leaves the same item, and a read
 * is a read.
 */
export function isRetryable(error: unknown): boolean {
  if (isThrottlingError(error)) return true;
  if (typeof error !== "object" || error === null) return false;
  const e = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  return (
    (status !== undefined && status >= 500) ||
    SERVER_ERRORS.has(e.name ?? "") ||
    DROPPED.has(e.code ?? "")
  );
}
