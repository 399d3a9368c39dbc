/**
 * Retry decisions as the SDK's retry middleware makes them. The retry strategy itself is the
 * client's own (`client.config.retryStrategy()`: standard or adaptive, its token bucket shared
 * with the SDK path); this module classifies errors the way `@smithy/service-error-classification`
 * does and reads the server's retry-after hint.
 * @module
 */

/** The error kinds a retry strategy tells apart. */
export type RetryErrorType = "THROTTLING" | "TRANSIENT" | "SERVER_ERROR" | "CLIENT_ERROR";

/** What the strategy is told about a failed attempt. */
export interface RetryErrorInfo {
  error: unknown;
  errorType: RetryErrorType;
  retryAfterHint?: Date;
}

/** A token of the SDK's retry strategy (v2 interface). */
export interface RetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
  $retryLog?: { acquisitionDelay?: number };
}

/** The SDK's retry strategy interface (v2), as the client's config resolves it. */
export interface RetryStrategyV2 {
  acquireInitialRetryToken(scope: string): Promise<RetryToken>;
  refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken>;
  recordSuccess(token: RetryToken): void;
}

const THROTTLING_ERROR_CODES = new Set([
  "BandwidthLimitExceeded",
  "EC2ThrottledException",
  "LimitExceededException",
  "PriorRequestNotComplete",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "ThrottledException",
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "TransactionInProgressException",
]);
const TRANSIENT_ERROR_CODES = new Set([
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
]);
const TRANSIENT_ERROR_STATUS_CODES = new Set([500, 502, 503, 504]);
const NODEJS_TRANSIENT_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

interface ErrorLike {
  name?: string;
  message?: string;
  code?: string;
  cause?: unknown;
  $retryable?: { throttling?: boolean };
  $metadata?: { httpStatusCode?: number; clockSkewCorrected?: boolean };
}

function isThrottling(error: ErrorLike): boolean {
  return (
    error.$metadata?.httpStatusCode === 429 ||
    THROTTLING_ERROR_CODES.has(error.name ?? "") ||
    error.$retryable?.throttling == true
  );
}

function isTransient(error: ErrorLike | undefined, depth = 0): boolean {
  if (!error || error.name === "AbortError") return false;
  return (
    error.$retryable !== undefined ||
    error.$metadata?.clockSkewCorrected === true ||
    (error.name === "InvalidSignatureException" &&
      (error.message?.includes("Signature expired") ?? false)) ||
    TRANSIENT_ERROR_CODES.has(error.name ?? "") ||
    NODEJS_TRANSIENT_CODES.has(error.code ?? "") ||
    TRANSIENT_ERROR_STATUS_CODES.has(error.$metadata?.httpStatusCode ?? 0) ||
    (error.code === "ERR_HTTP2_STREAM_ERROR" &&
      (error.message?.includes("NGHTTP2_REFUSED_STREAM") ?? false)) ||
    (error.cause !== undefined && depth <= 10 && isTransient(error.cause as ErrorLike, depth + 1))
  );
}

function isServerError(error: ErrorLike): boolean {
  const status = error.$metadata?.httpStatusCode;
  return status !== undefined && status >= 500 && status <= 599 && !isTransient(error);
}

/** The SDK's classification of a failed attempt. */
export function retryErrorType(error: unknown): RetryErrorType {
  const e = (error ?? {}) as ErrorLike;
  if (isThrottling(e)) return "THROTTLING";
  if (isTransient(e)) return "TRANSIENT";
  if (isServerError(e)) return "SERVER_ERROR";
  return "CLIENT_ERROR";
}

/** The error info the SDK passes to its strategy, retry-after hint included. */
export function retryErrorInfo(
  error: unknown,
  headers: Record<string, string | string[] | undefined> | undefined,
): RetryErrorInfo {
  const info: RetryErrorInfo = { error, errorType: retryErrorType(error) };
  const hint = headers && retryAfterHint(headers);
  if (hint) info.retryAfterHint = hint;
  return info;
}

/** The SDK's reading of `retry-after` / `x-amz-retry-after` (headers in lower case). */
function retryAfterHint(headers: Record<string, string | string[] | undefined>): Date | undefined {
  for (const name in headers) {
    const raw = headers[name];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value === undefined) continue;
    if (name === "retry-after") {
      let seconds = NaN;
      if (value.endsWith("GMT")) {
        const date = Date.parse(value);
        if (!Number.isNaN(date)) seconds = (date - Date.now()) / 1000;
      } else if (/ GMT, ((\d+)|(\d+\.\d+))$/.test(value)) {
        seconds = Number(/ GMT, ([\d.]+)$/.exec(value)?.[1]);
      } else if (/^((\d+)|(\d+\.\d+))$/.test(value)) {
        seconds = Number(value);
      } else if (Date.parse(value) >= Date.now()) {
        seconds = (Date.parse(value) - Date.now()) / 1000;
      }
      return Number.isNaN(seconds) ? undefined : new Date(Date.now() + seconds * 1000);
    }
    if (name === "x-amz-retry-after") {
      const ms = Number(value);
      return Number.isNaN(ms) ? undefined : new Date(Date.now() + ms);
    }
  }
  return undefined;
}
