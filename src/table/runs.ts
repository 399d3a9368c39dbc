/**
 * How a table runs its multi-request reads and writes: query and scan pages followed to
 * the end, and batches of any size with their unprocessed parts re-sent.
 * @module
 */
import type {
  AttributeValue,
  QueryCommandInput,
  ScanCommandInput,
  WriteRequest,
} from "@aws-sdk/client-dynamodb";
import { BatchIncompleteError } from "../errors.js";
import type { Dyno } from "../session.js";
import type { RawItem } from "./items.js";

type ListInput = QueryCommandInput & ScanCommandInput;

/** Raw items of a query or scan, page by page, up to `maxItems`. */
export async function* readItems(
  dyno: Dyno,
  operation: "Query" | "Scan",
  input: ListInput,
  maxItems: number | undefined,
): AsyncIterable<RawItem> {
  let left = maxItems ?? Infinity;
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page: ListInput = start ? { ...input, ExclusiveStartKey: start } : input;
    const out = await (operation === "Query" ? dyno.query(page) : dyno.scan(page));
    for (const item of out.Items ?? []) {
      yield item;
      if (--left <= 0) return;
    }
    start = out.LastEvaluatedKey;
  } while (start);
}

/** Every raw item of a query or scan, up to `maxItems`. */
export async function readAll(
  dyno: Dyno,
  operation: "Query" | "Scan",
  input: ListInput,
  maxItems: number | undefined,
): Promise<RawItem[]> {
  const out: RawItem[] = [];
  for await (const item of readItems(dyno, operation, input, maxItems)) out.push(item);
  return out;
}

interface RetryOptions {
  maxAttempts?: number;
}

const pause = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(1000, 25 * 2 ** attempt)));

/** Reads keys in requests of 100, re-sending unprocessed keys with backoff. */
export async function getAll(
  dyno: Dyno,
  table: string,
  keys: RawItem[],
  options: RetryOptions & { consistentRead?: boolean },
): Promise<RawItem[]> {
  const items: RawItem[] = [];
  const maxAttempts = options.maxAttempts ?? 10;
  for (let i = 0; i < keys.length; i += 100) {
    let pending = keys.slice(i, i + 100);
    for (let attempt = 1; pending.length > 0; attempt++) {
      const out = await dyno.batchGetItem({
        RequestItems: {
          [table]: { Keys: pending, ...(options.consistentRead ? { ConsistentRead: true } : {}) },
        },
      });
      items.push(...(out.Responses?.[table] ?? []));
      pending = out.UnprocessedKeys?.[table]?.Keys ?? [];
      if (pending.length === 0) break;
      if (attempt >= maxAttempts) {
        throw new BatchIncompleteError(`${pending.length} keys unread after ${attempt} attempts`, {
          [table]: { Keys: pending },
        });
      }
      await pause(attempt);
    }
  }
  return items;
}

/** Writes requests in batches of 25, re-sending unprocessed ones with backoff. */
export async function writeAll(
  dyno: Dyno,
  table: string,
  requests: WriteRequest[],
  options: RetryOptions,
): Promise<void> {
  const maxAttempts = options.maxAttempts ?? 10;
  for (let i = 0; i < requests.length; i += 25) {
    let pending = requests.slice(i, i + 25);
    for (let attempt = 1; pending.length > 0; attempt++) {
      const out = await dyno.batchWriteItem({ RequestItems: { [table]: pending } });
      pending = out.UnprocessedItems?.[table] ?? [];
      if (pending.length === 0) break;
      if (attempt >= maxAttempts) {
        throw new BatchIncompleteError(
          `${pending.length} writes unprocessed after ${attempt} attempts`,
          { [table]: [...pending, ...requests.slice(i + 25)] },
        );
      }
      await pause(attempt);
    }
  }
}
