/**
 * `processStream`: a Lambda handler's body for DynamoDB streams. Records of one shard are
 * handled in order, shards at once; the first record of a shard that fails (to decode, or in
 * the handler) and every later record of that shard are reported in Lambda's partial batch
 * response and not handled, so Lambda retries them in order.
 * @module
 */
import { AbortError } from "../errors.js";
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
   */
  onError?: (error: unknown, failed: { index: number; sequenceNumber: string | undefined }) => void;
  /** Stops starting records when aborted; the records not handled are reported as failures. */
  signal?: AbortSignal;
}

/** The handler of one change; its rejection marks the record (and the rest of its shard) failed. */
export type ChangeHandler<M extends StreamModels> = (change: StreamChange<M>) => unknown;

/**
 * Handles a stream event's changes, returning Lambda's partial batch response.
 * @returns `{ batchItemFailures }`: for each shard with a failure, the sequence number of its
 *   first failed record and of every later record of that shard, none of which was handled
 *   after the failure.
 * @throws DynoValidationError when `event` is not a stream event; an error when a record with no
 *   sequence number fails (Lambda can only retry it by retrying the whole batch).
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
    const shard = shardOf(record);
    const list = shards.get(shard);
    if (list) list.push(index);
    else shards.set(shard, [index]);
  });

  /** Handles one shard's records in order; the indexes of the records not handled successfully. */
  const runShard = async (indexes: number[]): Promise<number[]> => {
    for (let n = 0; n < indexes.length; n++) {
      const index = indexes[n]!;
      try {
        if (options.signal?.aborted)
          throw options.signal.reason ?? new AbortError("processStream was aborted");
        await handler(decoder.decode(parseRecord(records[index]!, index)));
      } catch (error) {
        onError(error, { index, sequenceNumber: records[index]?.dynamodb?.SequenceNumber });
        return indexes.slice(n);
      }
    }
    return [];
  };

  const queue = [...shards.values()];
  const failed: number[] = [];
  const workers = Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
    for (let shard = queue.shift(); shard; shard = queue.shift())
      failed.push(...(await runShard(shard)));
  });
  await Promise.all(workers);

  failed.sort((a, b) => a - b);
  const batchItemFailures: { itemIdentifier: string }[] = [];
  for (const index of failed) {
    const sequenceNumber = records[index]?.dynamodb?.SequenceNumber;
    if (typeof sequenceNumber !== "string" || sequenceNumber === "") {
      throw new Error(
        `processStream: Records[${index}] failed and has no dynamodb.SequenceNumber to report; the whole batch must be retried`,
      );
    }
    batchItemFailures.push({ itemIdentifier: sequenceNumber });
  }
  return { batchItemFailures };
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
