/**
 * A job's progress as one worker sees it: every segment's checkpointed counts, from the lease
 * rounds' listings and from this worker's own checkpoints (whichever is further along), and the
 * rate since this worker joined.
 * @module
 */
import { monotonic, within } from "../lock/wire.js";
import type { Dyno } from "../session.js";
import type { JobProgress } from "./options.js";
import type { JobView, SegmentRecord } from "./records.js";

/** Calls a progress callback; its errors are logged, never fatal to the job. */
export function report(
  onProgress: ((progress: JobProgress) => void) | undefined,
  progress: JobProgress,
): void {
  if (!onProgress) return;
  try {
    onProgress(progress);
  } catch (error) {
    console.error("dyno-ts: a job's onProgress callback threw; the job is unaffected", error);
  }
}

/** Every segment's committed counts, summed. */
export class JobTotals {
  readonly #segments: number;
  readonly #latest = new Map<number, { items: number; pages: number; done: boolean }>();
  #items = 0;
  #pages = 0;
  #done = 0;
  #startItems: number | undefined;
  readonly #startedAt = monotonic();
  #estimate: number | undefined;

  constructor(segments: number) {
    this.#segments = segments;
  }

  /** Segments done, by any worker. */
  get segmentsDone(): number {
    return this.#done;
  }

  /**
   * Reads the table's approximate item count for the ETA; resolves with its key attribute names.
   * Rejects when the table does not exist (before the job is created); other errors (e.g. no
   * permission to describe) only cost the ETA.
   */
  async estimateFrom(
    dyno: Dyno,
    table: string,
    signal: AbortSignal,
  ): Promise<string[] | undefined> {
    try {
      const out = await within(dyno.describeTable({ TableName: table }), signal);
      const count = out.Table?.ItemCount;
      if (typeof count === "number" && count > 0) this.#estimate = count;
      const keys = out.Table?.KeySchema?.map((k) => k.AttributeName ?? "").filter((k) => k);
      return keys && keys.length > 0 ? keys : undefined;
    } catch (error) {
      if ((error as { name?: string }).name === "ResourceNotFoundException" || signal.aborted) {
        throw error;
      }
      return undefined;
    }
  }

  /** Takes in a listing of the job. */
  observe(view: JobView): void {
    for (const record of view.segments.values()) this.commit(record);
    this.#startItems ??= this.#items;
  }

  /** Takes in a segment's checkpoint (ignored when older than what is known). */
  commit(record: SegmentRecord): void {
    const known = this.#latest.get(record.segment);
    if (known && (known.pages > record.pages || known.done)) return;
    this.#items += record.items - (known?.items ?? 0);
    this.#pages += record.pages - (known?.pages ?? 0);
    if (record.done && !known?.done) this.#done++;
    this.#latest.set(record.segment, {
      items: record.items,
      pages: record.pages,
      done: record.done,
    });
  }

  /** The job's progress now. */
  progress(): JobProgress {
    const seconds = (monotonic() - this.#startedAt) / 1000;
    const gained = this.#items - (this.#startItems ?? this.#items);
    const itemsPerSecond = seconds > 0 ? gained / seconds : 0;
    const left = this.#estimate === undefined ? undefined : this.#estimate - this.#items;
    const done = this.#done === this.#segments;
    return {
      segmentsDone: this.#done,
      segments: this.#segments,
      items: this.#items,
      pages: this.#pages,
      itemsPerSecond,
      etaMs: done
        ? 0
        : left !== undefined && left > 0 && itemsPerSecond > 0
          ? (left / itemsPerSecond) * 1000
          : undefined,
    };
  }
}
