/**
 * `processStream`: a Lambda handler's body for DynamoDB streams. Records of one shard are
 * handled in order, shards at once; the first record of a shard that fails (to decode, or in
 * the handler) and every later record of that shard are reported in Lambda's partial batch
 * response and not handled, so Lambda retries them in order.
 * @module
 */
import { AbortError, DynoError, DynoValidationError } from "../errors.js";
import { ChangeDecoder, type StreamChange, type StreamModels } from "./changes.js";
import {
  parseRecord,
  recordsOf,
  type StreamEventInput,
  type StreamRecordInput,
} from "./records.js";

/** Lambda's partial batch response (with `ReportBatchItemFailures` on the event source mapping). */
export interface StreamBatchResponse {
  /** The sequence numbers of the records Lambda must send again. */
  batchItemFailures: { itemIdentifier: string }[];
}

/** How `processStream` runs. */
export interface ProcessStreamOptions {
  /**
   * The shard a record belongs to; records of one shard are handled in order, one at a time.
   * Default: the record's `eventSourceARN` (a Lambda batch holds one shard's records, so the
   * whole batch is one sequence). Give it when passing records of several shards.
   */
  shardOf?: (record: StreamRecordInput) => string;
  /** How many shards are handled at once (default: all of them). */
  concurrency?: number;
  /**
   * Called with each failure that ends a shard's run (the record's index, its sequence number
   * and the error). Default: `console.error`, so a failure leaves a trace in the function's logs.
   * It may return a promise, which is awaited before the shard's run ends. When it throws or
   * rejects, `processStream` still waits for every shard, then rejects with that error (Lambda
   * then retries the whole batch).
   */
  onError?: (
    error: unknown,
    failed: { index: number; sequenceNumber: string | undefined },
  ) => unknown;
  /** Stops starting records when aborted; the records not handled are reported as failures. */
  signal?: AbortSignal;
}

/** The handler of one change; its rejection marks the record (and the rest of its shard) failed. */
export type ChangeHandler<M extends StreamModels> = (change: StreamChange<M>) => unknown;

/**
 * Handles a stream event's changes, returning Lambda's partial batch response.
 * @returns `{ batchItemFailures }`: for each shard with a failure, the sequence number of its
 *   first failed record and of every later record of that shard that has one (each listed
 *   once), none of which was handled after the failure.
 * @throws DynoValidationError when `event` is not a stream event, or `shardOf` does not return a
 *   string; a DynoError when the first failed record of a shard has no sequence number (Lambda
 *   can only retry it by retrying the whole batch); the error `onError` threw. Each only after
 *   every shard has stopped, so no handler is left running.
 * @example
 * ```ts
 * export const handler = (event: DynamoDBStreamEvent) =>
 *   processStream(event, { users: Users }, async (change) => {
 *     if (change.entity === "users") await index(change.key, change.newItem);
 *   });
 * ```
 */
export async function processStream<M extends StreamModels>(
  event: StreamEventInput,
  models: M,
  handler: ChangeHandler<M>,
  options: ProcessStreamOptions = {},
): Promise<StreamBatchResponse> {
  if (typeof handler !== "function") {
    throw new TypeError("processStream: the handler must be a function");
  }
  const concurrency = options.concurrency ?? Infinity;
  if (!(concurrency >= 1) || (concurrency !== Infinity && !Number.isInteger(concurrency))) {
    throw new TypeError(
      `processStream: concurrency must be a positive integer, got ${String(options.concurrency)}`,
    );
  }
  const records = recordsOf(event);
  const decoder = new ChangeDecoder(models);
  const shardOf =
    options.shardOf ??
    ((r: StreamRecordInput) =>
      r !== null && typeof r === "object" ? (r.eventSourceARN ?? "") : "");
  const onError = options.onError ?? defaultOnError;

  const shards = new Map<string, number[]>();
  records.forEach((record, index) => {
    const shard: unknown = shardOf(record);
    if (typeof shard !== "string") {
      throw new DynoValidationError(
        "options.shardOf",
        `must return a string (the shard of a record), got ${shard === null ? "null" : typeof shard} for Records[${index}]`,
      );
    }
    const list = shards.get(shard);
    if (list) list.push(index);
    else shards.set(shard, [index]);
  });

  /** The first error `onError` threw or rejected with (`processStream` rejects with it, last). */
  let onErrorFailure: { error: unknown } | undefined;

  /** Handles one shard's records in order; the indexes of the records not handled successfully. */
  const runShard = async (indexes: number[]): Promise<number[]> => {
    for (let n = 0; n < indexes.length; n++) {
      const index = indexes[n]!;
      try {
        if (options.signal?.aborted)
          throw options.signal.reason ?? new AbortError("processStream was aborted");
        await handler(decoder.decode(parseRecord(records[index]!, index)));
      } catch (error) {
        try {
          await onError(error, { index, sequenceNumber: sequenceNumberOf(records[index]) });
        } catch (e) {
          onErrorFailure ??= { error: e };
        }
        return indexes.slice(n);
      }
    }
    return [];
  };

  const queue = [...shards.values()];
  const failedRuns: number[][] = [];
  const workers = Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
    for (let shard = queue.shift(); shard; shard = queue.shift()) {
      const failed = await runShard(shard);
      if (failed.length > 0) failedRuns.push(failed);
    }
  });
  await Promise.all(workers);
  if (onErrorFailure) throw onErrorFailure.error;

  // Lambda retries a shard from the lowest sequence number reported: the first failed record of
  // a shard must have one; a later record without one is retried with it, so it is left out.
  const reported = new Set<string>();
  for (const run of failedRuns) {
    const first = run[0]!;
    if (sequenceNumberOf(records[first]) === undefined) {
      throw new DynoError(
        `processStream: Records[${first}] failed and has no dynamodb.SequenceNumber to report; the whole batch must be retried`,
      );
    }
    for (const index of run) {
      const sequenceNumber = sequenceNumberOf(records[index]);
      if (sequenceNumber !== undefined) reported.add(sequenceNumber);
    }
  }
  const failedInOrder = failedRuns.flat().sort((a, b) => a - b);
  const batchItemFailures: { itemIdentifier: string }[] = [];
  for (const index of failedInOrder) {
    const sequenceNumber = sequenceNumberOf(records[index]);
    if (sequenceNumber === undefined || !reported.delete(sequenceNumber)) continue;
    batchItemFailures.push({ itemIdentifier: sequenceNumber });
  }
  return { batchItemFailures };
}

/** A record's `dynamodb.SequenceNumber` when it is a non-empty string (what Lambda can retry from). */
function sequenceNumberOf(record: StreamRecordInput | undefined): string | undefined {
  const data: unknown =
    record !== null && typeof record === "object"
      ? (record as StreamRecordInput).dynamodb
      : undefined;
  const sequenceNumber =
    data !== null && typeof data === "object"
      ? (data as { SequenceNumber?: unknown }).SequenceNumber
      : undefined;
  return typeof sequenceNumber === "string" && sequenceNumber !== "" ? sequenceNumber : undefined;
}

function defaultOnError(
  error: unknown,
  failed: { index: number; sequenceNumber: string | undefined },
): void {
  console.error(
    `processStream: Records[${failed.index}] (sequence number ${failed.sequenceNumber ?? "none"}) failed; it and the rest of its shard are reported for retry`,
    error,
  );
}
