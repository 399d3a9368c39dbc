/**
 * Adaptive limits: additive increase, multiplicative decrease (AIMD), the way TCP finds a
 * link's bandwidth. One {@link AimdLimit} per rate limit of a pool; the pool's sender tells it
 * of throttling (cut, at most once per round trip: the sender decides) and of successful
 * requests (grow), so a bulk job settles near the throughput the table really gives instead of
 * hammering it.
 * @module
 */
import type { AdaptiveOptions } from "./options.js";

/**
 * A cut this long after the previous one starts a new episode of throttling: its rate measured
 * over the last second is then the rate of a pool that was not being throttled.
 */
export const EPISODE_GAP_MS = 1000;

/** One adaptive rate limit (requests per second, or capacity units per second). */
export class AimdLimit {
  /** The limit in force; undefined: none yet (no configured limit and no throttling so far). */
  value: number | undefined;
  readonly #ceiling: number | undefined;
  readonly #floor: number;
  readonly #decrease: number;
  readonly #recover: number;
  /** What one second of recovery is a fraction of: the ceiling, or the rate the table gave. */
  #base = 0;
  #lastGrowth = 0;
  #lastCut = -Infinity;

  /** `ceiling`: the configured limit, if any; `floor`: the lowest it may be cut to. */
  constructor(ceiling: number | undefined, floor: number, options: Required<AdaptiveOptions>) {
    this.value = ceiling;
    this.#ceiling = ceiling;
    this.#floor = ceiling === undefined ? floor : Math.min(floor, ceiling);
    this.#decrease = options.decrease;
    this.#recover = options.recoverPerSecond;
    this.#base = ceiling ?? 0;
  }

  /**
   * Throttled: the limit becomes `decrease` × where it was. The first cut of an episode starts
   * from the lower of the limit and the rate `sent` over the last second (cutting a limit the
   * pool does not reach would change nothing); the later cuts of the same episode from the
   * limit alone, since while throttled requests are retried the pool's own rate sinks by
   * itself and cutting from it again would compound the cut. Without a configured ceiling,
   * the highest rate that `succeeded` over a second so far (what the table has been seen to
   * give) is the base of recovery.
   */
  cut(sent: number, succeeded: number, now: number): void {
    const fresh = now - this.#lastCut >= EPISODE_GAP_MS || this.value === undefined;
    const measured = Math.max(sent, this.#floor);
    const from = fresh ? Math.min(this.value ?? Infinity, measured) : this.value!;
    this.value = Math.max(this.#floor, from * this.#decrease);
    if (this.#ceiling === undefined) {
      this.#base = Math.max(this.#base, this.#floor, succeeded > 0 ? succeeded : this.value);
    }
    this.#lastCut = now;
    this.#lastGrowth = now;
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
