/**
 * `jobStatus`: a job's state as its lease table holds it, read with one strongly consistent query.
 * @module
 */
import { DynoValidationError } from "../errors.js";
import type { Dyno } from "../session.js";
import type { JobSummary } from "./options.js";
import { readJob } from "./records.js";

/** One segment of a job, as {@link jobStatus} reports it. */
export interface SegmentStatus {
  readonly segment: number;
  /** `"pending"`: never leased; `"held"`: a worker holds its lease; `"idle"`: started, not held now. */
  readonly state: "pending" | "held" | "idle" | "done";
  /** The worker whose name the lease carries (it may have died: leases are judged by watching, not by this). */
  readonly owner: string | undefined;
  /** The last fencing token handed out for the segment. */
  readonly fencingToken: bigint;
  /** Items and pages checkpointed. */
  readonly items: number;
  readonly pages: number;
}

/** A job's state, from {@link jobStatus}. */
export interface JobStatus {
  readonly id: string;
  /** `"running"` until every segment is done; `"failed"` once a page kept failing. */
  readonly state: "running" | "done" | "failed";
  readonly table: string;
  readonly segments: number;
  readonly segmentsDone: number;
  /** Items and pages checkpointed, over every segment. */
  readonly items: number;
  readonly pages: number;
  /** Workers that joined the job, and those of them that have not left. */
  readonly workers: number;
  readonly workersNotLeft: number;
  /** When the job was created (the creating worker's wall clock). */
  readonly createdAt: Date;
  /** The totals every worker resolved with, once done. */
  readonly summary: JobSummary | undefined;
  /** Why it failed, once failed. */
  readonly failure:
    { readonly segment: number; readonly name: string; readonly message: string } | undefined;
  /** Every segment, in order. */
  readonly segmentStates: readonly SegmentStatus[];
}

/**
 * Reads job `options.id`'s state from `options.leaseTable`. Resolves with undefined when there is
 * no such job (or no such lease table).
 */
export async function jobStatus(
  dyno: Dyno,
  options: { id: string; leaseTable: string; signal?: AbortSignal },
): Promise<JobStatus | undefined> {
  if (!options || typeof options.id !== "string" || options.id === "") {
    throw new DynoValidationError("id", "must be a non-empty string: the job's id");
  }
  if (typeof options.leaseTable !== "string" || options.leaseTable === "") {
    throw new DynoValidationError("leaseTable", "must be a non-empty table name");
  }
  let view;
  try {
    view = await readJob(dyno, options.leaseTable, options.id, options.signal);
  } catch (error) {
    if ((error as { name?: string }).name === "ResourceNotFoundException") return undefined;
    throw error;
  }
  const job = view.job;
  if (!job) return undefined;
  const segmentStates: SegmentStatus[] = [];
  let items = 0;
  let pages = 0;
  let done = 0;
  for (let segment = 0; segment < job.segments; segment++) {
    const record = view.segments.get(segment);
    const owner = record?.lease.owner;
    const state = !record
      ? "pending"
      : record.done
        ? "done"
        : owner !== undefined
          ? "held"
          : "idle";
    if (record?.done) done++;
    items += record?.items ?? 0;
    pages += record?.pages ?? 0;
    segmentStates.push({
      segment,
      state,
      owner,
      fencingToken: record?.lease.fence ?? 0n,
      items: record?.items ?? 0,
      pages: record?.pages ?? 0,
    });
  }
  return {
    id: options.id,
    state: job.summary ? "done" : job.failed ? "failed" : "running",
    table: job.table,
    segments: job.segments,
    segmentsDone: done,
    items,
    pages,
    workers: view.workers.length,
    workersNotLeft: view.workers.filter((w) => !w.left).length,
    createdAt: new Date(job.createdAt),
    summary: job.summary,
    failure: job.failed && {
      segment: job.failed.segment,
      name: job.failed.name,
      message: job.failed.message,
    },
    segmentStates,
  };
}
