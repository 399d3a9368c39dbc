/**
 * What counts as DynamoDB throttling a request, in one place: the batch layer retries it, the
 * pool slows down on it, the lock retries a renewal on it.
 * @module
 */

/** Error names with which DynamoDB (and AWS in general) answers a request it throttled. */
const THROTTLING_ERRORS: ReadonlySet<string> = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
  "TooManyRequestsException",
]);

/** True when `error` is a throttling answer: by name, HTTP 429, or the SDK's `$retryable.throttling`. */
export function isThrottlingError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const e = error as {
    name?: string;
    $metadata?: { httpStatusCode?: number };
    $retryable?: { throttling?: boolean };
  };
  return (
    THROTTLING_ERRORS.has(e.name ?? "") ||
    e.$metadata?.httpStatusCode === 429 ||
    e.$retryable?.throttling === true
  );
}
