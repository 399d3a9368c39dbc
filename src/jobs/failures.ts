/**
 * What fails a job, and the explanation every worker rejects with (and `jobStatus` shows): a
 * page whose handler kept failing, a page whose handler kept outliving its lease, a Scan refused
 * or failing past `maxAttempts`, an item that cannot be decoded (named by its key).
 * @module
 */
import type { StoredItem } from "../table/model.js";
import { ItemDecodeFailure, type ResolvedJobOptions } from "./options.js";
import type { JobFailureKind } from "./records.js";

/** What fails the job: a page that kept failing, a Scan refused, an item not decodable... */
export class SegmentFailure {
  constructor(
    readonly segment: number,
    readonly cause: unknown,
    readonly kind: JobFailureKind = "handler",
    /** The whole explanation, for every kind but `handler` (whose message is the cause's). */
    readonly explanation?: string,
  ) {}
}

/** The explanation of a page that lost its lease `lost` times while its handler ran. */
export function leaseFailure(
  segment: number,
  position: number,
  lost: number,
  options: ResolvedJobOptions,
): string {
  return (
    `a page of segment ${segment} (after ${position} checkpointed pages) lost its lease ` +
    `${lost} times while its handler ran (maxAttempts ${options.maxAttempts}): the handler held ` +
    `the event loop longer than the lease (leaseMs ${options.leaseMs}); synchronous work ` +
    `blocks lease renewal. Give runJob a larger leaseMs, or yield to the event loop ` +
    `(await) during long work`
  );
}

/** The explanation of a Scan that failed the job. */
export function scanFailure(segment: number, error: unknown, refused: boolean): string {
  const e = error as { name?: unknown; message?: unknown } | null;
  const what = `${typeof e?.name === "string" ? e.name : "Error"}: ${
    typeof e?.message === "string" ? e.message : String(error)
  }`;
  return refused
    ? `the Scan of segment ${segment} was refused (${what}); a Scan error DynamoDB refuses ` +
        `is not the handler's failure and is not retried: the job fails at once`
    : `the Scan of segment ${segment} kept failing (${what})`;
}

/** The explanation of a lease-table request that failed the job. */
export function leaseTableFailure(segment: number, error: unknown): string {
  const e = error as { name?: unknown; message?: unknown } | null;
  return `reading the checkpoint of segment ${segment} failed: ${
    typeof e?.name === "string" ? e.name : "Error"
  }: ${typeof e?.message === "string" ? e.message : String(error)}`;
}

/** An item of the page could not be decoded: the job fails at once, naming the item's key. */
export function decodeFailure(
  options: ResolvedJobOptions,
  keyAttributes: readonly string[] | undefined,
  segment: number,
  error: unknown,
): SegmentFailure {
  if (!(error instanceof ItemDecodeFailure)) return new SegmentFailure(segment, error, "decode");
  const cause = error.cause as { message?: unknown } | null;
  const message = typeof cause?.message === "string" ? cause.message : String(error.cause);
  const hint = /losing precision/.test(message)
    ? options.model
      ? "; a model decodes with its schema: give that attribute s.bigint(), or run the job " +
        "over the table (wrapNumbers: true) or raw: true"
      : "; runJob's wrapNumbers: true hands such numbers to the handler as NumberValue " +
        "(or raw: true, as AttributeValues)"
    : "";
  return new SegmentFailure(
    segment,
    error.cause,
    "decode",
    `the item ${itemName(error.item, keyAttributes)} of segment ${segment} could not be ` +
      `decoded: ${message}${hint}. A decode error is not the handler's failure: the job fails ` +
      `at once, not retried`,
  );
}

/** An item named by its key (the whole item, shortened, when the key is unknown). */
function itemName(item: StoredItem, keys: readonly string[] | undefined): string {
  const shown: StoredItem = {};
  for (const k of keys ?? []) if (item[k] !== undefined) shown[k] = item[k];
  const text = JSON.stringify(Object.keys(shown).length > 0 ? shown : item, (_k, v: unknown) =>
    v instanceof Uint8Array ? Buffer.from(v).toString("base64") : v,
  );
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
