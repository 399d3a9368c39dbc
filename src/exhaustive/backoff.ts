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

/** True for DynamoDB's throttling errors, which the batch layer retries with backoff. */
export const isThrottling: (error: unknown) => boolean = isThrottlingError;
