/**
 * The SDK's default retry strategy for DynamoDB, without loading it: `@smithy/util-retry`'s
 * `StandardRetryStrategy` as a `DynamoDBClient` configures it (at most 4 attempts, a 25 ms base
 * delay, 1 s for throttling, full-jitter exponential backoff capped at 20 s, a token bucket of
 * 500: a retry costs 14, a throttling retry 5, a success gives back its cost or 1). The strategy
 * sleeps the delay itself and records it as the token's acquisition delay, as the SDK's does.
 * `test/lean/retry.test.ts` checks these figures against a fresh SDK client's strategy.
 * @module
 */
import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from "../transport/retry.js";

/** DynamoDB's defaults in the SDK: attempts and base delay. */
export const DYNAMODB_MAX_ATTEMPTS = 4;
export const DYNAMODB_BASE_DELAY_MS = 25;
const THROTTLING_DELAY_MS = 1_000;
const MAXIMUM_RETRY_DELAY_MS = 20_000;
const INITIAL_RETRY_TOKENS = 500;
const RETRY_COST = 14;
const THROTTLING_RETRY_COST = 5;
const NO_RETRY_INCREMENT = 1;

class Token implements RetryToken {
  readonly $retryLog = { acquisitionDelay: 0 };
  constructor(
    readonly count: number,
    readonly cost: number | undefined,
  ) {}
  getRetryCount(): number {
    return this.count;
  }
  getRetryDelay(): number {
    return 0; // slept by the strategy itself
  }
}

/** The standard retry strategy, as the SDK's (mode `"standard"`). */
export class StandardRetry implements RetryStrategyV2 {
  /** Read by the user-agent headers (`m/E`), as the SDK's strategy's. */
  readonly mode = "standard";
  #capacity = INITIAL_RETRY_TOKENS;

  constructor(
    readonly maxAttempts: number = DYNAMODB_MAX_ATTEMPTS,
    readonly baseDelay: number = DYNAMODB_BASE_DELAY_MS,
  ) {}

  /** The bucket's tokens left (for tests). */
  get capacity(): number {
    return this.#capacity;
  }

  acquireInitialRetryToken(): Promise<RetryToken> {
    return Promise.resolve(new Token(0, undefined));
  }

  async refreshRetryTokenForRetry(token: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const throttling = info.errorType === "THROTTLING";
    const cost = throttling ? THROTTLING_RETRY_COST : RETRY_COST;
    const retryable = throttling || info.errorType === "TRANSIENT";
    const count = token.getRetryCount();
    if (!retryable || count + 1 >= this.maxAttempts || this.#capacity < cost)
      throw new Error("No retry token available");
    const base = throttling ? THROTTLING_DELAY_MS : this.baseDelay;
    const backoff = Math.floor(Math.random() * Math.min(base * 2 ** count, MAXIMUM_RETRY_DELAY_MS));
    let delay = backoff;
    if (info.retryAfterHint instanceof Date)
      delay = Math.max(
        backoff,
        Math.min(info.retryAfterHint.getTime() - Date.now(), backoff + 5_000),
      );
    this.#capacity -= cost;
    const next = new Token(count + 1, cost);
    await new Promise((resolve) => setTimeout(resolve, delay));
    next.$retryLog.acquisitionDelay = delay;
    return next;
  }

  recordSuccess(token: RetryToken): void {
    const cost = (token as Token).cost;
    this.#capacity = Math.min(INITIAL_RETRY_TOKENS, this.#capacity + (cost ?? NO_RETRY_INCREMENT));
  }
}
