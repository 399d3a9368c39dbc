/**
 * A job's items in the lease table, in the job's partition (`job` = the job's id):
 *
 * | `part` | attributes |
 * |---|---|
 * | `job` | `table`, `segments`, `fingerprint`, `createdAt` (epoch ms); `failed` once failed; `summary` once done |
 * | `segment#0000007` | the segment lease (the lock's `_lock_*` attributes) and its checkpoint: `lastKey` (the page's `LastEvaluatedKey`), `items`, `pages`, `done`; `lostAt`, `lost`, `lostBy` once a page's handler outlived its lease |
 * | `worker#<owner>` | a worker: `beat` (moved every lease round; others judge liveness by watching it on their own clock), `left` |
 *
 * A checkpoint is written only under the segment's fencing token and only over the checkpoint it
 * follows (`pages`), so it is idempotent and a worker that lost its lease can never move it.
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { Dyno } from "../session.js";
import { lockAttributes, readRecord, type LockRecord } from "../lock/record.js";
import { isConditionFailure, within } from "../lock/wire.js";
import type { StoredItem } from "../table/model.js";
import { JOB_KEY, PART_KEY } from "./lease-table.js";
import type { JobSummary } from "./options.js";

/** The lock attributes of segment leases (the lock's default prefix). */
export const LEASE = lockAttributes();

/** The sort key of the job's own item. */
export const JOB_PART = "job";
const SEGMENT_PREFIX = "segment#";
const WORKER_PREFIX = "worker#";

/** The sort key of a segment's item (zero-padded, so the partition lists segments in order). */
export const segmentPart = (segment: number): string =>
  `${SEGMENT_PREFIX}${String(segment).padStart(7, "0")}`;
/** The sort key of a worker's item. */
export const workerPart = (owner: string): string => `${WORKER_PREFIX}${owner}`;

/** The primary key of one of the job's items. */
export const keyOf = (id: string, part: string): StoredItem => ({
  [JOB_KEY]: { S: id },
  [PART_KEY]: { S: part },
});

/**
 * What failed a job: a page whose handler kept failing (`handler`), a page whose handler kept
 * outliving its lease (`lease`), a Scan refused or failing past `maxAttempts` (`scan`), an item
 * that could not be decoded (`decode`), or a request to the lease table (`lease-table`).
 */
export type JobFailureKind = "handler" | "lease" | "scan" | "decode" | "lease-table";

/** Why a job failed, as its item records it. */
export interface JobFailure {
  readonly segment: number;
  /** The error's name (`ValidationException`, `LockLostError`, the handler's error's...). */
  readonly name: string;
  /** The error's message, or for every kind but `handler` the whole explanation. */
  readonly message: string;
  readonly owner: string;
  /** What failed; `handler` for failures recorded before kinds existed. */
  readonly kind: JobFailureKind;
}

const KINDS = new Set<string>(["handler", "lease", "scan", "decode", "lease-table"]);

/** The job's own item. */
export interface JobRecord {
  readonly table: string;
  readonly segments: number;
  readonly fingerprint: string;
  readonly createdAt: number;
  readonly failed: JobFailure | undefined;
  readonly summary: JobSummary | undefined;
}

/** A segment's lease and checkpoint. */
export interface SegmentRecord {
  readonly segment: number;
  readonly lease: LockRecord;
  /** Where the segment resumes: the last checkpointed page's `LastEvaluatedKey`. */
  readonly lastKey: StoredItem | undefined;
  readonly items: number;
  readonly pages: number;
  readonly done: boolean;
  /**
   * The position (`pages`) of the last page whose handler was still running when its holder's
   * lease lapsed, and how many times that happened there (every worker's losses counted).
   */
  readonly lostAt: number | undefined;
  readonly lost: number;
}

/** A worker's item. */
export interface WorkerRecord {
  readonly owner: string;
  readonly beat: string;
  readonly left: boolean;
}

/** Everything in the job's partition. */
export interface JobView {
  readonly job: JobRecord | undefined;
  /** Segments that have an item (a segment never leased has none: not started). */
  readonly segments: Map<number, SegmentRecord>;
  readonly workers: WorkerRecord[];
}

const num = (v: AttributeValue | undefined): number => (v?.N === undefined ? 0 : Number(v.N));

/** Reads a segment's item. */
export function readSegment(segment: number, item: StoredItem): SegmentRecord {
  return {
    segment,
    lease: readRecord(item, LEASE),
    lastKey: item.lastKey?.M,
    items: num(item.items),
    pages: num(item.pages),
    done: item.done?.BOOL === true,
    lostAt: item.lostAt?.N === undefined ? undefined : Number(item.lostAt.N),
    lost: num(item.lost),
  };
}

/** How many times the page at `position` of a segment lost its lease while its handler ran. */
export const lostAtPosition = (record: SegmentRecord, position: number): number =>
  record.lostAt === position ? record.lost : 0;

function readSummary(v: AttributeValue | undefined): JobSummary | undefined {
  const m = v?.M;
  if (!m) return undefined;
  return {
    items: num(m.items),
    pages: num(m.pages),
    segments: num(m.segments),
    workers: num(m.workers),
    durationMs: num(m.durationMs),
  };
}

/** Reads the job's own item. */
export function readJobItem(item: StoredItem): JobRecord {
  const f = item.failed?.M;
  return {
    table: item.table?.S ?? "",
    segments: num(item.segments),
    fingerprint: item.fingerprint?.S ?? "",
    createdAt: num(item.createdAt),
    failed: f && {
      segment: num(f.segment),
      name: f.name?.S ?? "Error",
      message: f.message?.S ?? "",
      owner: f.owner?.S ?? "",
      kind: KINDS.has(f.kind?.S ?? "") ? (f.kind!.S as JobFailureKind) : "handler",
    },
    summary: readSummary(item.summary),
  };
}

/** Reads the whole job partition with strongly consistent queries. */
export async function readJob(
  dyno: Dyno,
  leaseTable: string,
  id: string,
  signal: AbortSignal | undefined,
): Promise<JobView> {
  const out = await within(
    dyno.queryAll({
      TableName: leaseTable,
      KeyConditionExpression: "#j = :j",
      ExpressionAttributeNames: { "#j": JOB_KEY },
      ExpressionAttributeValues: { ":j": { S: id } },
      ConsistentRead: true,
    }),
    signal,
  );
  let job: JobRecord | undefined;
  const segments = new Map<number, SegmentRecord>();
  const workers: WorkerRecord[] = [];
  for (const item of out.Items ?? []) {
    const part = item[PART_KEY]?.S ?? "";
    if (part === JOB_PART) job = readJobItem(item);
    else if (part.startsWith(SEGMENT_PREFIX)) {
      const segment = Number(part.slice(SEGMENT_PREFIX.length));
      segments.set(segment, readSegment(segment, item));
    } else if (part.startsWith(WORKER_PREFIX)) {
      workers.push({
        owner: part.slice(WORKER_PREFIX.length),
        beat: item.beat?.N ?? "0",
        left: item.left?.BOOL === true,
      });
    }
  }
  return { job, segments, workers };
}

/** Reads one segment's item (strongly consistent); undefined when it has none. */
export async function readSegmentItem(
  dyno: Dyno,
  leaseTable: string,
  id: string,
  segment: number,
  signal: AbortSignal | undefined,
): Promise<SegmentRecord | undefined> {
  const out = await within(
    dyno.getItem({
      TableName: leaseTable,
      Key: keyOf(id, segmentPart(segment)),
      ConsistentRead: true,
    }),
    signal,
  );
  return out.Item && readSegment(segment, out.Item);
}

/** What a worker writes after a page: the new checkpoint, following the one it resumed from. */
export interface CheckpointWrite {
  readonly segment: number;
  readonly fencingToken: bigint;
  /** The checkpoint's `pages` before this page (the write is conditioned on it). */
  readonly previousPages: number;
  readonly lastKey: StoredItem | undefined;
  readonly items: number;
  readonly pages: number;
}

/**
 * Writes a checkpoint under the lease's fencing token. Resolves `true` when it is written (also
 * when an earlier attempt of this same write had landed), `false` when the lease was taken over
 * (the token or the checkpoint moved on: this worker must stop the segment).
 */
export async function writeCheckpoint(
  dyno: Dyno,
  leaseTable: string,
  id: string,
  write: CheckpointWrite,
  signal: AbortSignal | undefined,
  deadline?: number,
): Promise<boolean> {
  const names: Record<string, string> = {
    "#f": LEASE.fence,
    "#p": "pages",
    "#i": "items",
    "#d": "done",
  };
  const values: Record<string, AttributeValue> = {
    ":f": { N: String(write.fencingToken) },
    ":p": { N: String(write.pages) },
    ":i": { N: String(write.items) },
    ":d": { BOOL: write.lastKey === undefined },
    ":prev": { N: String(write.previousPages) },
  };
  names["#k"] = "lastKey";
  let update = "SET #p = :p, #i = :i, #d = :d";
  if (write.lastKey) {
    values[":k"] = { M: write.lastKey };
    update += ", #k = :k";
  } else update += " REMOVE #k";
  const follows =
    write.previousPages === 0 ? "(attribute_not_exists(#p) OR #p = :prev)" : "#p = :prev";
  try {
    await within(
      dyno.updateItem({
        TableName: leaseTable,
        Key: keyOf(id, segmentPart(write.segment)),
        UpdateExpression: update,
        ConditionExpression: `#f = :f AND ${follows}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      }),
      signal,
      deadline,
    );
    return true;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const now =
      error.Item ??
      (
        await within(
          dyno.getItem({
            TableName: leaseTable,
            Key: keyOf(id, segmentPart(write.segment)),
            ConsistentRead: true,
          }),
          signal,
          deadline,
        )
      ).Item;
    if (!now) return false;
    const record = readSegment(write.segment, now);
    // An earlier attempt of this very write landed (its answer was lost).
    return record.lease.fence === write.fencingToken && record.pages === write.pages;
  }
}

/**
 * Counts a loss: the page at `position` of `segment` (the checkpoint's `pages` before it) was
 * still being handled when the lease of `fencingToken` lapsed. Resolves with the number of such
 * losses at that position (every worker's), or undefined when the checkpoint has moved past it
 * (the page was handled meanwhile: nothing to count).
 *
 * The count is kept beside the checkpoint (`lostAt`, `lost`) and moves only while the checkpoint
 * has not passed `position`; it is not conditioned on the fencing token, since the worker that
 * lost the lease usually finds the segment taken over by then, and a loss must be counted
 * whoever holds the segment now. Each lease loses its page at most once, and `lostBy` (the
 * fencing token of the last loss counted) makes a retried write count once. Read, then written
 * conditioned on what was read (retried when another worker's count landed in between).
 */
export async function recordLoss(
  dyno: Dyno,
  leaseTable: string,
  id: string,
  segment: number,
  position: number,
  fencingToken: bigint,
  deadline: number,
): Promise<number | undefined> {
  const key = keyOf(id, segmentPart(segment));
  // Each retry follows another worker's loss landing in between: a few at most.
  for (let tries = 1; tries <= 10; tries++) {
    const out = await within(
      dyno.getItem({ TableName: leaseTable, Key: key, ConsistentRead: true }),
      undefined,
      deadline,
    );
    if (!out.Item) return undefined;
    const record = readSegment(segment, out.Item);
    if (record.done || record.pages > position) return undefined;
    const by = out.Item.lostBy?.N;
    const lost = lostAtPosition(record, position);
    if (by === String(fencingToken) && record.lostAt === position) return lost; // counted already
    const names = { "#p": "pages", "#at": "lostAt", "#n": "lost", "#by": "lostBy" };
    const values: Record<string, AttributeValue> = {
      ":pos": { N: String(position) },
      ":n": { N: String(lost + 1) },
      ":f": { N: String(fencingToken) },
    };
    let unchanged = "attribute_not_exists(#by)";
    if (by !== undefined) {
      values[":by"] = { N: by };
      unchanged = "#by = :by";
    }
    try {
      await within(
        dyno.updateItem({
          TableName: leaseTable,
          Key: key,
          UpdateExpression: "SET #at = :pos, #n = :n, #by = :f",
          ConditionExpression: `(attribute_not_exists(#p) OR #p <= :pos) AND ${unchanged}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
        undefined,
        deadline,
      );
      return lost + 1;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // The checkpoint moved on, or another loss was counted meanwhile: read again.
    }
  }
  return undefined; // not counted this time (the next loss is)
}

/**
 * Creates the job's item unless it exists; resolves with the job's item as stored, and whether
 * this call created it (else another worker did, earlier).
 */
export async function openJobItem(
  dyno: Dyno,
  leaseTable: string,
  id: string,
  job: { table: string; segments: number; fingerprint: string; createdAt: number },
  signal: AbortSignal,
): Promise<{ job: JobRecord; created: boolean }> {
  const item: StoredItem = {
    ...keyOf(id, JOB_PART),
    table: { S: job.table },
    segments: { N: String(job.segments) },
    fingerprint: { S: job.fingerprint },
    createdAt: { N: String(job.createdAt) },
  };
  try {
    await within(
      dyno.putItem({
        TableName: leaseTable,
        Item: item,
        ConditionExpression: "attribute_not_exists(#j)",
        ExpressionAttributeNames: { "#j": JOB_KEY },
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      }),
      signal,
    );
    return { job: readJobItem(item), created: true };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const stored =
      error.Item ??
      (
        await within(
          dyno.getItem({ TableName: leaseTable, Key: keyOf(id, JOB_PART), ConsistentRead: true }),
          signal,
        )
      ).Item;
    return { job: readJobItem(stored ?? item), created: !stored };
  }
}

/** Records the job's failure (the first one wins); resolves with the failure as stored. */
export async function recordFailure(
  dyno: Dyno,
  leaseTable: string,
  id: string,
  failure: JobFailure,
): Promise<void> {
  try {
    await dyno.updateItem({
      TableName: leaseTable,
      Key: keyOf(id, JOB_PART),
      UpdateExpression: "SET #f = :f",
      ConditionExpression: "attribute_not_exists(#f) AND attribute_not_exists(#s)",
      ExpressionAttributeNames: { "#f": "failed", "#s": "summary" },
      ExpressionAttributeValues: {
        ":f": {
          M: {
            segment: { N: String(failure.segment) },
            name: { S: failure.name },
            message: { S: failure.message },
            owner: { S: failure.owner },
            kind: { S: failure.kind },
          },
        },
      },
    });
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/**
 * Clears a recorded failure (`retryFailed`), and every segment's count of lost leases (the failed
 * segment's and any other's), so the retried job gets its full `maxAttempts` on every page.
 */
export async function clearFailure(
  dyno: Dyno,
  leaseTable: string,
  id: string,
  failure: JobFailure,
  segments: Iterable<SegmentRecord>,
  signal: AbortSignal,
): Promise<void> {
  const losing = new Set<number>();
  if (failure.kind === "lease") losing.add(failure.segment);
  for (const record of segments) if (record.lost > 0) losing.add(record.segment);
  for (const segment of losing) {
    try {
      await within(
        dyno.updateItem({
          TableName: leaseTable,
          Key: keyOf(id, segmentPart(segment)),
          UpdateExpression: "REMOVE #at, #n, #by",
          ConditionExpression: "attribute_exists(#p)",
          ExpressionAttributeNames: {
            "#at": "lostAt",
            "#n": "lost",
            "#by": "lostBy",
            "#p": PART_KEY,
          },
        }),
        signal,
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error; // no such segment record: nothing to clear
    }
  }
  await within(
    dyno.updateItem({
      TableName: leaseTable,
      Key: keyOf(id, JOB_PART),
      UpdateExpression: "REMOVE #f",
      ExpressionAttributeNames: { "#f": "failed" },
    }),
    signal,
  );
}

/**
 * Writes the job's summary unless one is there; resolves with the summary as stored (the first
 * worker's), so every worker resolves with the same totals.
 */
export async function writeSummary(
  dyno: Dyno,
  leaseTable: string,
  id: string,
  summary: JobSummary,
  signal: AbortSignal,
): Promise<JobSummary> {
  const m: StoredItem = {};
  for (const [k, v] of Object.entries(summary)) m[k] = { N: String(v) };
  try {
    await within(
      dyno.updateItem({
        TableName: leaseTable,
        Key: keyOf(id, JOB_PART),
        UpdateExpression: "SET #s = :s",
        ConditionExpression: "attribute_not_exists(#s)",
        ExpressionAttributeNames: { "#s": "summary" },
        ExpressionAttributeValues: { ":s": { M: m } },
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      }),
      signal,
    );
    return summary;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const stored =
      error.Item ??
      (
        await within(
          dyno.getItem({ TableName: leaseTable, Key: keyOf(id, JOB_PART), ConsistentRead: true }),
          signal,
        )
      ).Item;
    return (stored && readSummary(stored.summary)) ?? summary;
  }
}

/** A worker's beat: joins the job (or beats again), or marks the worker as gone. */
export async function writeWorker(
  dyno: Dyno,
  leaseTable: string,
  id: string,
  owner: string,
  left: boolean,
  signal: AbortSignal | undefined,
): Promise<void> {
  await within(
    dyno.updateItem({
      TableName: leaseTable,
      Key: keyOf(id, workerPart(owner)),
      UpdateExpression: "ADD #b :one SET #l = :l",
      ExpressionAttributeNames: { "#b": "beat", "#l": "left" },
      ExpressionAttributeValues: { ":one": { N: "1" }, ":l": { BOOL: left } },
    }),
    signal,
  );
}
