/**
 * Adaptive limits: additive increase, multiplicative decrease (AIMD), the way TCP finds a
 * link's bandwidth. One {@link AimdLimit} per rate limit of a pool; the pool's sender tells it
 * of throttling (cut) and of successful requests (grow), so a bulk job settles near the
 * throughput the table really gives instead of hammering it.
 * @module
 */
import type { AdaptiveOptions } from "./options.js";

/** One adaptive rate limit (requests per second, or capacity units per second). */
export class AimdLimit {
  /** The limit in force; undefined: none yet (no configured limit and no throttling so far). */
  value: number | undefined;
  readonly #ceiling: number | undefined;
  readonly #floor: number;
  readonly #decrease: number;
  readonly #recover: number;
  /** What one second of recovery is a fraction of: the ceiling, or the rate before the last cut. */
  #base = 0;
  #lastGrowth = 0;

  /** `ceiling`: the configured limit, if any; `floor`: the lowest it may be cut to. */
  constructor(ceiling: number | undefined, floor: number, options: Required<AdaptiveOptions>) {
    this.value = ceiling;
    this.#ceiling = ceiling;
    this.#floor = ceiling === undefined ? floor : Math.min(floor, ceiling);
    this.#decrease = options.decrease;
    this.#recover = options.recoverPerSecond;
  }

  /**
   * Throttled: the limit becomes `decrease` × the lower of the limit and the rate `measured`
   * just now (cutting a limit the pool does not reach would change nothing). Returns true.
   */
  cut(measured: number, now: number): boolean {
    const from = Math.min(this.value ?? Infinity, Math.max(measured, this.#floor));
    this.#base = this.#ceiling ?? from;
    this.value = Math.max(this.#floor, from * this.#decrease);
    this.#lastGrowth = now;
    return true;
  }

  /**
   * A request succeeded: raise the limit by `recoverPerSecond` × base per second since the last
   * change (at most one second's worth at once), up to the ceiling. Returns true when the
   * whole-number part changed or the ceiling was reached (worth telling a watcher).
   */
  grow(now: number): boolean {
    const value = this.value;
    if (value === undefined || value === this.#ceiling) return false;
    const seconds = Math.min(1, (now - this.#lastGrowth) / 1000);
    this.#lastGrowth = now;
    const next = Math.min(this.#ceiling ?? Infinity, value + this.#recover * this.#base * seconds);
    this.value = next;
    return Math.floor(next) !== Math.floor(value) || next === this.#ceiling;
  }
}
