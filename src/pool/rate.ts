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

  /**
   * Spends `n` tokens (or gives them back, with a negative `n`); may go into debt, by at most
   * `maxDebt` (what a cost would take beyond that is forgiven; a debt already deeper stays).
   */
  take(n: number, now: number, maxDebt = Infinity): void {
    this.#refill(now);
    const tokens = Math.min(this.#burst, this.#tokens - n);
    this.#tokens = n > 0 ? Math.max(tokens, Math.min(this.#tokens, -maxDebt)) : tokens;
  }

  /** Keeps at most `n` tokens: after a cut, no burst at the new rate saved up at the old one. */
  cap(n: number, now: number): void {
    this.#refill(now);
    if (this.#tokens > n) this.#tokens = n;
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

/**
 * Measures a rate (per second) over a sliding window of about one second. Until it has watched
 * for a second (since it was made, or since an idle gap), the rate is what it saw over the time
 * it watched, not that count taken for a whole second's worth.
 */
export class RateMeter {
  #windowStart = performance.now();
  /** Since when it has been watching without a gap. */
  #since = this.#windowStart;
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
    const watched = now - this.#since;
    if (watched < 1000) return ((this.#previous + this.#current) * 1000) / Math.max(watched, 50);
    const fraction = (now - this.#windowStart) / 1000;
    return this.#previous * (1 - fraction) + this.#current;
  }

  #roll(now: number): void {
    const elapsed = now - this.#windowStart;
    if (elapsed < 1000) return;
    if (elapsed < 2000) {
      this.#previous = this.#current;
      this.#windowStart += 1000;
    } else {
      this.#previous = 0;
      this.#windowStart = this.#since = now;
    }
    this.#current = 0;
  }
}
