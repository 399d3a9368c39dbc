/**
 * Two small rate primitives, driven by the clock only when asked (no timers): a token bucket
 * that may go into debt, and a meter of what was spent over about the last second.
 * @module
 */

/**
 * A token bucket: `rate` tokens per second, holding at most one second of them (and at least
 * one), as the SDK's own client-side rate limiter does: a process that stalls (a loaded
 * machine, a long GC) catches up instead of losing its rate. It starts with one token, so a
 * fresh pool does not burst. {@link take} may leave it in debt, which later requests wait out:
 * that is how costs known only after a request (SDK retries, consumed capacity) are paid.
 */
export class TokenBucket {
  #rate: number;
  #burst: number;
  #tokens: number;
  #updated = performance.now();

  constructor(rate: number) {
    this.#rate = rate;
    this.#burst = Math.max(1, rate);
    this.#tokens = 1;
  }

  /** Tokens per second. */
  get rate(): number {
    return this.#rate;
  }

  set rate(rate: number) {
    this.#refill(performance.now());
    this.#rate = rate;
    this.#burst = Math.max(1, rate);
    if (this.#tokens > this.#burst) this.#tokens = this.#burst;
  }

  /** The tokens now (negative while in debt). */
  tokens(now: number): number {
    this.#refill(now);
    return this.#tokens;
  }

  /** Spends `n` tokens (or gives them back, with a negative `n`); may go into debt. */
  take(n: number, now: number): void {
    this.#refill(now);
    this.#tokens = Math.min(this.#burst, this.#tokens - n);
  }

  /** Milliseconds from `now` until the bucket holds more than `level` tokens (0 if it does). */
  msUntilAbove(level: number, now: number): number {
    const missing = level - this.tokens(now);
    return missing < 0 ? 0 : (missing * 1000) / this.#rate + 0.05;
  }

  #refill(now: number): void {
    const elapsed = now - this.#updated;
    this.#updated = now;
    if (elapsed > 0)
      this.#tokens = Math.min(this.#burst, this.#tokens + (elapsed * this.#rate) / 1000);
  }
}

/** Measures a rate (per second) over a sliding window of about one second. */
export class RateMeter {
  #windowStart = performance.now();
  #current = 0;
  #previous = 0;

  /** Records `n` units spent at `now`. */
  add(n: number, now: number): void {
    this.#roll(now);
    this.#current += n;
  }

  /** Units per second over the last second or so. */
  rate(now: number): number {
    this.#roll(now);
    const fraction = (now - this.#windowStart) / 1000;
    return this.#previous * (1 - fraction) + this.#current;
  }

  #roll(now: number): void {
    const elapsed = now - this.#windowStart;
    if (elapsed < 1000) return;
    this.#previous = elapsed < 2000 ? this.#current : 0;
    this.#current = 0;
    this.#windowStart = elapsed < 2000 ? this.#windowStart + 1000 : now;
  }
}
