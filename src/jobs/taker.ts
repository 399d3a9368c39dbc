/**
 * The lease taker's judgement (the Kinesis Client Library's design, over the lock's records):
 * each round a worker lists the job's partition, notes on its own monotonic clock when each
 * segment's record version and each worker's beat last moved, and from that decides which
 * segments to take — free ones, and those whose version has not moved for a whole lease (never
 * comparing another machine's clock) — aiming at ceil(segments left / live workers), at most
 * `concurrency`. A worker above that share gives one segment back per round, at a page boundary,
 * so a worker that joins gets segments without anyone's page being handled twice.
 * @module
 */
import type { JobView, SegmentRecord } from "./records.js";

/** Since when (our monotonic clock) a value has been seen unchanged. */
interface Seen {
  readonly value: string;
  readonly since: number;
}

/** What one round decided. */
export interface Plan {
  /** Segments to try to take, each with the record versions the attempt may replace. */
  readonly take: { readonly segment: number; readonly accept: readonly string[] }[];
  /** How many of our segments to give back at their next page boundary. */
  readonly shed: number;
  /** Segments not done. */
  readonly remaining: number;
  /** Workers judged alive, this one included. */
  readonly workers: number;
}

/** Watches segment versions and worker beats across rounds. */
export class LeaseWatch {
  readonly #versions = new Map<number, Seen>();
  readonly #beats = new Map<string, Seen>();

  /** Notes what a listing received at `now` shows. */
  observe(view: JobView, now: number): void {
    for (const record of view.segments.values()) {
      const rvn = record.lease.owner === undefined ? undefined : record.lease.rvn;
      if (rvn === undefined) this.#versions.delete(record.segment);
      else if (this.#versions.get(record.segment)?.value !== rvn) {
        this.#versions.set(record.segment, { value: rvn, since: now });
      }
    }
    for (const worker of view.workers) {
      if (this.#beats.get(worker.owner)?.value !== worker.beat) {
        this.#beats.set(worker.owner, { value: worker.beat, since: now });
      }
    }
  }

  /** The version of a held segment's lease that has not moved for its whole lease, if so. */
  expiredVersion(record: SegmentRecord, now: number, leaseMs: number): string | undefined {
    const seen = this.#versions.get(record.segment);
    if (!seen || record.lease.owner === undefined) return undefined;
    return now - seen.since >= (record.lease.leaseMs ?? leaseMs) ? seen.value : undefined;
  }

  /** True while a worker's beat has moved within the last lease (or it was first seen within it). */
  alive(owner: string, now: number, leaseMs: number): boolean {
    const seen = this.#beats.get(owner);
    return seen !== undefined && now - seen.since < leaseMs;
  }
}

/** Decides one round for the worker `owner` that holds `held`. */
export function plan(
  view: JobView,
  watch: LeaseWatch,
  me: { owner: string; held: ReadonlySet<number>; concurrency: number; segments: number },
  now: number,
  leaseMs: number,
): Plan {
  const workers = new Set([me.owner]);
  for (const w of view.workers) {
    if (!w.left && watch.alive(w.owner, now, leaseMs)) workers.add(w.owner);
  }
  const free: number[] = [];
  const expired: { segment: number; accept: string[] }[] = [];
  let remaining = 0;
  for (let segment = 0; segment < me.segments; segment++) {
    const record = view.segments.get(segment);
    if (record?.done) continue;
    remaining++;
    if (me.held.has(segment)) continue;
    if (!record || record.lease.owner === undefined) free.push(segment);
    else if (record.lease.owner === me.owner && record.lease.rvn !== undefined) {
      // Ours, yet not held: a lease of ours that lapsed (or an attempt whose answer was lost).
      // Only this worker writes its name, so taking it back on exactly that version is safe now.
      expired.unshift({ segment, accept: [record.lease.rvn] });
    } else {
      const version = watch.expiredVersion(record, now, leaseMs);
      if (version !== undefined) expired.push({ segment, accept: [version] });
    }
  }
  const target = Math.min(me.concurrency, Math.ceil(remaining / workers.size));
  const want = Math.max(0, target - me.held.size);
  // Random order spreads workers that start together over different segments.
  const take = [
    ...shuffle(free).map((segment) => ({ segment, accept: [] as string[] })),
    ...shuffle(expired),
  ].slice(0, want);
  const shed = me.held.size > target ? 1 : 0;
  return { take, shed, remaining, workers: workers.size };
}

function shuffle<T>(values: T[]): T[] {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [values[i], values[j]] = [values[j]!, values[i]!];
  }
  return values;
}

/**
 * The wait before the next round of a worker that holds no segment (every segment left is held
 * by others), given a full round and the job's expected remaining time: a quarter of that time,
 * so that the worker learns of the job's end (or of a segment given back) soon after it happens
 * without listing the job at a fixed fast rate; between 50 ms and a full round, and a quarter
 * round while no estimate exists.
 */
export function idleRoundMs(roundMs: number, etaMs: number | undefined): number {
  if (etaMs === undefined) return roundMs / 4;
  return Math.min(roundMs, Math.max(IDLE_ROUND_MIN_MS, etaMs / 4));
}

/** The shortest wait between an idle worker's rounds. */
const IDLE_ROUND_MIN_MS = 50;
