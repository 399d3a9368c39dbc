/**
 * The options of `runJob` and their validation: every bad option is a `DynoValidationError`
 * naming it, thrown before any request is sent.
 * @module
 */
import type { ScanCommandInput } from "@aws-sdk/client-dynamodb";
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { DynoValidationError } from "../errors.js";
import { unmarshalItem } from "../encoding/index.js";
import type { Pool } from "../pool/index.js";
import type { Model, StoredItem } from "../table/model.js";

/** What the handler learns about the page it is given. */
export interface JobContext {
  /** The job's id. */
  readonly job: string;
  /** The segment (0 … segments − 1) the page belongs to. */
  readonly segment: number;
  /**
   * Aborted when this worker must stop working on the segment: its lease lapsed (before any other
   * worker can take the segment over), the job failed, or `runJob`'s `signal` aborted. A handler
   * that stops then leaves the page to be handled again by the segment's next holder.
   */
  readonly signal: AbortSignal;
  /** The segment lease's fencing token: pass it to writes that must refuse a stale worker. */
  readonly fencingToken: bigint;
  /** Items of this segment handled and checkpointed before this page. */
  readonly items: number;
  /** Pages of this segment handled and checkpointed before this page. */
  readonly pages: number;
  /**
   * 1 for the first call with this page, 2 for its first retry, ...; each earlier loss of the
   * page's lease while its handler ran (in any worker) counts as an attempt too.
   */
  readonly attempt: number;
}

/** Progress of the whole job, as this worker sees it (after each of its checkpoints and each lease round). */
export interface JobProgress {
  /** Segments finished, by any worker. */
  readonly segmentsDone: number;
  /** The job's number of segments. */
  readonly segments: number;
  /** Items handled and checkpointed, by every worker. */
  readonly items: number;
  /** Pages handled and checkpointed, by every worker. */
  readonly pages: number;
  /** Job-wide items per second since this worker joined. */
  readonly itemsPerSecond: number;
  /**
   * Estimated time left in ms, from the table's approximate item count (DescribeTable's
   * `ItemCount`, which DynamoDB refreshes about every six hours) and the current rate; undefined
   * when there is no estimate.
   */
  readonly etaMs: number | undefined;
}

/** What `runJob` resolves with, the same in every worker of the job. */
export interface JobSummary {
  /** Items handled (each counted once, however many times a page was handled). */
  readonly items: number;
  /** Pages handled (each counted once). */
  readonly pages: number;
  /** The job's number of segments. */
  readonly segments: number;
  /** How many workers (`runJob` calls) joined the job before it finished. */
  readonly workers: number;
  /**
   * From the job's creation to its end, in ms, on the wall clocks of the worker that created it
   * and the one that finished it (the one figure of a job that clock skew can affect; no lease or
   * checkpoint decision uses a wall clock).
   */
  readonly durationMs: number;
}

/** Scan input members a job may set (the job sets the table, segment and start key itself). */
export type JobScanInput = Omit<
  ScanCommandInput,
  "TableName" | "Segment" | "TotalSegments" | "ExclusiveStartKey"
>;

/** The options every job takes, whatever its items are. */
export interface JobOptionsBase<T> {
  /** The job's identity: every `runJob` with the same id (and lease table) joins or resumes it. */
  id: string;
  /** Extra Scan input members (`FilterExpression`, `ProjectionExpression`, `Limit` as page size, ...). */
  input?: JobScanInput;
  /** `TotalSegments` of the parallel scan, fixed for the job's life (1 … 1,000,000). */
  segments: number;
  /**
   * The table holding the job's leases and checkpoints (partition key `job`, sort key `part`,
   * both strings); created on demand (pay per request) when missing, a worker then waiting up
   * to 60 s for it to be ACTIVE. Several jobs share one.
   */
  leaseTable: string;
  /** A dead worker's segments are taken over after about one lease, in ms. Default 10,000. */
  leaseMs?: number;
  /** Segments this worker works on at once. Default 4. */
  concurrency?: number;
  /** A pool to send the scans through, sharing its rate limits and concurrency with other work. */
  pool?: Pool;
  /** Handles one page of items; the page is checkpointed once it resolves. */
  handler: (items: T[], ctx: JobContext) => unknown;
  /** Called with the job's progress; its errors are logged, never fatal. */
  onProgress?: (progress: JobProgress) => void;
  /** Stops this worker only: its leases are released at once, and `runJob` rejects with `AbortError`. */
  signal?: AbortSignal;
  /**
   * Calls of the handler (and reads of the page) per page before the job fails; also how many
   * times a page may lose its lease while its handler runs (a handler holding the event loop
   * past `leaseMs`) before the job fails. Default 3.
   */
  maxAttempts?: number;
  /** Backoff between attempts: the k-th retry waits up to `baseDelayMs · 2^(k−1)` (full jitter). Default 100. */
  baseDelayMs?: number;
  /** The cap of that backoff, in ms. Default 5,000. */
  maxDelayMs?: number;
  /**
   * A job that failed (`JobFailedError`) rejects at once when joined again; with `retryFailed`
   * its failure is cleared and the job resumes from its checkpoints.
   */
  retryFailed?: boolean;
  /** This worker's name in the lease table. Default `host:pid:random`. */
  owner?: string;
}

/**
 * An item of a page could not be decoded (a number beyond a JS number's precision, an item that
 * does not fit the model's schema): not the handler's failure, so the job fails at once.
 */
export class ItemDecodeFailure {
  constructor(
    /** The item as stored. */
    readonly item: StoredItem,
    /** The decoder's error (a `DynoEncodingError` naming the attribute). */
    readonly cause: unknown,
  ) {}
}

/** A job over a table's items, decoded as plain values (no schema). */
export interface TableJobOptions extends JobOptionsBase<Record<string, unknown>> {
  /** The table to scan. */
  table: string;
  model?: undefined;
  raw?: false;
  /**
   * A number a JS number cannot hold exactly (beyond 2^53, or more than 15-17 significant
   * digits) reaches the handler as a `NumberValue` (`unmarshalItems`' option). Without it such
   * an item fails the job at once, naming its key and attribute.
   */
  wrapNumbers?: boolean;
}

/** A job over a table's items as stored (`AttributeValue` maps). */
export interface RawJobOptions extends JobOptionsBase<StoredItem> {
  /** The table to scan. */
  table: string;
  model?: undefined;
  /** Hands the handler the items as DynamoDB stores them. */
  raw: true;
  wrapNumbers?: undefined;
}

/** A job over a model's items (a Table or an entity): typed, decoded, and only the model's own. */
export interface ModelJobOptions<T> extends JobOptionsBase<T> {
  /** The model whose table is scanned; items it does not own (other entities) are skipped. */
  model: Model<T>;
  table?: undefined;
  raw?: false;
  wrapNumbers?: undefined;
}

/** The options of `runJob`. */
export type JobOptions<T = Record<string, unknown>> =
  TableJobOptions | RawJobOptions | ModelJobOptions<T>;

/** Validated options with defaults filled in. */
export interface ResolvedJobOptions {
  readonly id: string;
  readonly table: string;
  readonly input: JobScanInput;
  readonly segments: number;
  readonly leaseTable: string;
  readonly leaseMs: number;
  readonly concurrency: number;
  readonly pool: Pool | undefined;
  /** The job's model, if it is over one. */
  readonly model: Model<unknown> | undefined;
  /** Decodes a page; throws {@link ItemDecodeFailure} naming the item that cannot be. */
  readonly decode: (items: StoredItem[]) => unknown[];
  readonly handler: (items: unknown[], ctx: JobContext) => unknown;
  readonly onProgress: ((progress: JobProgress) => void) | undefined;
  readonly signal: AbortSignal | undefined;
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly retryFailed: boolean;
  readonly owner: string;
  /** What identifies the work: a job joined with another one is refused. */
  readonly fingerprint: string;
}

const KNOWN = new Set([
  "id",
  "table",
  "model",
  "raw",
  "input",
  "segments",
  "leaseTable",
  "leaseMs",
  "concurrency",
  "pool",
  "handler",
  "onProgress",
  "signal",
  "maxAttempts",
  "baseDelayMs",
  "maxDelayMs",
  "retryFailed",
  "owner",
  "wrapNumbers",
]);

/** DynamoDB's largest `TotalSegments`. */
export const MAX_SEGMENTS = 1_000_000;

const show = (v: unknown): string =>
  typeof v === "string" ? JSON.stringify(v) : typeof v === "bigint" ? `${v}n` : String(v);

function integer(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new DynoValidationError(
      field,
      `must be an integer from ${min} to ${max}, got ${show(value)}`,
    );
  }
  return value;
}

function positive(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new DynoValidationError(field, `must be a positive finite number, got ${show(value)}`);
  }
  return value;
}

function name(value: unknown, field: string): string {
  if (typeof value !== "string" || value === "") {
    throw new DynoValidationError(field, `must be a non-empty string, got ${show(value)}`);
  }
  return value;
}

const processTag = randomUUID().slice(0, 8);
let workerCounter = 0;

/** Checks `options` and fills in defaults; throws `DynoValidationError` naming the bad option. */
export function resolveJobOptions(options: JobOptions<unknown>): ResolvedJobOptions {
  if (!options || typeof options !== "object") {
    throw new DynoValidationError(
      "options",
      "expected { id, table, segments, leaseTable, handler, ... }",
    );
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) {
      throw new DynoValidationError(key, `is not a job option (known: ${[...KNOWN].join(", ")})`);
    }
  }
  const id = name(options.id, "id");
  if (Buffer.byteLength(id) > 1024)
    throw new DynoValidationError("id", "must be at most 1024 bytes");
  const model = options.model;
  if (model !== undefined && options.table !== undefined) {
    throw new DynoValidationError("table", "give either table or model, not both");
  }
  if (model !== undefined) {
    if (
      !model ||
      typeof model.name !== "string" ||
      typeof model.ownsItem !== "function" ||
      typeof model.decodeItem !== "function"
    ) {
      throw new DynoValidationError(
        "model",
        "must be a Table or an entity (name, ownsItem, decodeItem)",
      );
    }
    if (options.raw) throw new DynoValidationError("raw", "cannot be combined with model");
  } else if (options.table === undefined) {
    throw new DynoValidationError("table", "is required (or model): the table the job scans");
  }
  const table = model ? model.name : name(options.table, "table");
  const input = options.input ?? {};
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new DynoValidationError("input", "must be an object of Scan input members");
  }
  for (const field of ["TableName", "Segment", "TotalSegments", "ExclusiveStartKey"]) {
    if ((input as Record<string, unknown>)[field] !== undefined) {
      throw new DynoValidationError(`input.${field}`, "is set by the job itself; remove it");
    }
  }
  if (typeof options.handler !== "function") {
    throw new DynoValidationError("handler", "must be a function (items, ctx) => ...");
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== "function") {
    throw new DynoValidationError("onProgress", "must be a function");
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new DynoValidationError("signal", "must be an AbortSignal");
  }
  const pool = options.pool;
  if (pool !== undefined && (typeof pool !== "object" || typeof pool.scanPages !== "function")) {
    throw new DynoValidationError("pool", "must be a Pool");
  }
  const segments = integer(options.segments, "segments", 1, MAX_SEGMENTS);
  const leaseMs = options.leaseMs === undefined ? 10_000 : positive(options.leaseMs, "leaseMs");
  if (leaseMs < 100)
    throw new DynoValidationError("leaseMs", `must be at least 100 ms, got ${leaseMs}`);
  const concurrency =
    options.concurrency === undefined ? 4 : integer(options.concurrency, "concurrency", 1, 10_000);
  const maxAttempts =
    options.maxAttempts === undefined ? 3 : integer(options.maxAttempts, "maxAttempts", 1, 1000);
  const baseDelayMs =
    options.baseDelayMs === undefined ? 100 : positive(options.baseDelayMs, "baseDelayMs");
  const maxDelayMs =
    options.maxDelayMs === undefined ? 5000 : positive(options.maxDelayMs, "maxDelayMs");
  const owner =
    options.owner === undefined
      ? `${hostname()}:${process.pid}:${processTag}:${++workerCounter}`
      : name(options.owner, "owner");
  const wrapNumbers = options.wrapNumbers;
  if (wrapNumbers !== undefined) {
    if (typeof wrapNumbers !== "boolean") {
      throw new DynoValidationError(
        "wrapNumbers",
        `must be true or false, got ${show(wrapNumbers)}`,
      );
    }
    if (model !== undefined || options.raw) {
      throw new DynoValidationError(
        "wrapNumbers",
        "applies to a job over a table's plain items: a model decodes with its schema " +
          "(s.bigint() for such numbers), raw: true does not decode",
      );
    }
  }
  const each =
    (decodeOne: (item: StoredItem) => unknown) =>
    (items: StoredItem[]): unknown[] =>
      items.map((item) => {
        try {
          return decodeOne(item);
        } catch (error) {
          throw new ItemDecodeFailure(item, error);
        }
      });
  const plain = { wrapNumbers: wrapNumbers === true };
  const decode: (items: StoredItem[]) => unknown[] = model
    ? (items) => each((item) => model.decodeItem(item))(items.filter((i) => model.ownsItem(i)))
    : options.raw
      ? (items) => items
      : each((item) => unmarshalItem(item, undefined, plain));
  return {
    id,
    table,
    input,
    segments,
    leaseTable: name(options.leaseTable, "leaseTable"),
    leaseMs,
    concurrency,
    pool,
    model,
    decode,
    handler: options.handler as (items: unknown[], ctx: JobContext) => unknown,
    onProgress: options.onProgress,
    signal: options.signal,
    maxAttempts,
    baseDelayMs,
    maxDelayMs,
    retryFailed: options.retryFailed === true,
    owner,
    fingerprint: fingerprintOf(
      table,
      segments,
      input,
      model ? "model" : options.raw ? "raw" : "plain",
    ),
  };
}

/** A stable text of what the job scans: table, segments and the input (keys sorted). */
function fingerprintOf(table: string, segments: number, input: object, items: string): string {
  const stable = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(stable);
    if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
    if (value && typeof value === "object") {
      return Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((k) => [k, stable((value as Record<string, unknown>)[k])]),
      );
    }
    return value;
  };
  return JSON.stringify({ table, segments, items, input: stable(input) });
}

/**
 * What differs between a stored job and these options, naming each option with its stored and
 * given values (`segments: stored 8, given 4`); undefined when they are the same job.
 */
export function jobDifference(
  stored: { table: string; segments: number; fingerprint: string },
  given: ResolvedJobOptions,
): string | undefined {
  if (stored.fingerprint === given.fingerprint) return undefined;
  const show = (v: unknown) => (v === undefined ? "(none)" : JSON.stringify(v));
  const parse = (text: string): Record<string, unknown> => {
    try {
      const value: unknown = JSON.parse(text);
      return value && typeof value === "object" ? (value as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  };
  const before = parse(stored.fingerprint);
  const now = parse(given.fingerprint);
  const found: string[] = [];
  if (stored.table !== given.table)
    found.push(`table: stored ${show(stored.table)}, given ${show(given.table)}`);
  if (stored.segments !== given.segments) {
    found.push(`segments: stored ${stored.segments}, given ${given.segments}`);
  }
  if (before.items !== now.items) {
    const kind = (k: unknown) => (k === "model" ? "model" : k === "raw" ? "raw: true" : "table");
    found.push(`items: stored as ${kind(before.items)}, given ${kind(now.items)}`);
  }
  const inputBefore = (before.input ?? {}) as Record<string, unknown>;
  const inputNow = (now.input ?? {}) as Record<string, unknown>;
  for (const key of [...new Set([...Object.keys(inputBefore), ...Object.keys(inputNow)])].sort()) {
    const a = JSON.stringify(inputBefore[key]);
    const b = JSON.stringify(inputNow[key]);
    if (a !== b)
      found.push(`input.${key}: stored ${show(inputBefore[key])}, given ${show(inputNow[key])}`);
  }
  return found.length > 0 ? found.join("; ") : "the stored job's options are unreadable";
}
