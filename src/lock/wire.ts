/**
 * The lock's requests and waits: one UpdateItem or GetItem through the session (so its
 * middleware and transport apply), cancelled by a signal or a deadline; how the lock reads
 * DynamoDB's answers; and an abortable, jittered sleep. Time is this process's monotonic clock.
 * @module
 */
import type {
  GetItemCommandOutput,
  UpdateItemCommandInput,
  UpdateItemCommandOutput,
} from "@aws-sdk/client-dynamodb";
import type { Dyno } from "../session.js";
import { readRecord, type LockRecord, type LockTarget } from "./record.js";

/** This process's monotonic clock, in ms. Every lease decision is measured on it. */
export const monotonic = (): number => performance.now();

/**
 * Awaits `op`, cancelling it when `signal` aborts or when the monotonic clock reaches
 * `deadline` (whichever comes first); the cancelled operation rejects with `AbortError`.
 */
export async function within<T>(
  op: PromiseLike<T> & { cancel(reason?: unknown): void },
  signal: AbortSignal | undefined,
  deadline = Infinity,
): Promise<T> {
  const onAbort = () => op.cancel(signal?.reason);
  if (signal?.aborted) onAbort();
  signal?.addEventListener("abort", onAbort, { once: true });
  const ms = deadline - monotonic();
  const timer =
    ms === Infinity ? undefined : setTimeout(() => op.cancel("deadline reached"), Math.max(0, ms));
  try {
    return await op;
  } finally {
    signal?.removeEventListener("abort", onAbort);
    if (timer) clearTimeout(timer);
  }
}

/** Sends one conditional update of the lock's record. */
export function sendUpdate(
  dyno: Dyno,
  input: UpdateItemCommandInput,
  signal: AbortSignal | undefined,
  deadline?: number,
): Promise<UpdateItemCommandOutput> {
  return within(dyno.updateItem(input), signal, deadline);
}

/** True for DynamoDB's answer to a failed condition. */
export function isConditionFailure(error: unknown): error is { Item?: LockItem } {
  return (error as { name?: string } | null)?.name === "ConditionalCheckFailedException";
}

type LockItem = NonNullable<GetItemCommandOutput["Item"]>;

/**
 * The record after a failed condition: from the item DynamoDB returned with the error
 * (`ReturnValuesOnConditionCheckFailure`), else (engines that do not return it, e.g.
 * dynalite) by a strongly consistent read.
 */
export async function recordAfterFailure(
  dyno: Dyno,
  target: LockTarget,
  error: { Item?: LockItem },
  signal: AbortSignal | undefined,
  deadline?: number,
): Promise<LockRecord> {
  if (error.Item) return readRecord(error.Item, target.attributes);
  const names = target.attributes;
  const out = await within(
    dyno.getItem({
      TableName: target.table,
      Key: target.key,
      ConsistentRead: true,
      ProjectionExpression: "#o, #r, #f, #l",
      ExpressionAttributeNames: {
        "#o": names.owner,
        "#r": names.rvn,
        "#f": names.fence,
        "#l": names.leaseMs,
      },
    }),
    signal,
    deadline,
  );
  return readRecord(out.Item, names);
}

/**
 * True for an error after which the same request may succeed later: throttling, a server
 * fault, a network failure or a timeout. Client errors (validation, missing table, access
 * denied, ...) are not.
 */
export function isTransient(error: unknown): boolean {
  const e = error as {
    name?: string;
    $fault?: string;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
  } | null;
  if (!e || typeof e !== "object") return false;
  if (e.$retryable || e.$fault === "server") return true;
  if (
    e.name === "ProvisionedThroughputExceededException" ||
    e.name === "ThrottlingException" ||
    e.name === "RequestLimitExceeded" ||
    e.name === "LimitExceededException" ||
    e.name === "TransactionConflictException" ||
    e.name === "AbortError" ||
    e.name === "TimeoutError"
  ) {
    return true;
  }
  // No HTTP status at all: the request never got an answer (connection refused, reset, ...).
  return e.$metadata?.httpStatusCode === undefined;
}

/**
 * Sleeps `ms` (at least 0), resolving early when `signal` aborts (the caller checks it).
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** `ms` jittered uniformly within ±50%. */
export const jitter = (ms: number): number => ms * (0.5 + Math.random());
