/**
 * `runJob`: one worker of a job. It joins the job (creating its items on first use), then runs
 * lease rounds — list the job's partition, judge leases and workers on its own clock, take
 * segments, give one back when above its share, beat — and works the segments it holds, until
 * every segment is done (then every worker resolves with the same stored totals), the job fails
 * (every worker rejects with `JobFailedError`), or its signal stops it (its leases released).
 * @module
 */
import { AbortError, DynoValidationError, JobFailedError } from "../errors.js";
import type { DistributedLock } from "../lock/lock.js";
import { tryAcquireLock } from "../lock/try-acquire.js";
import { isTransient, jitter, monotonic, sleep } from "../lock/wire.js";
import type { Dyno } from "../session.js";
import type { StoredItem } from "../table/model.js";
import { ensureLeaseTable } from "./lease-table.js";
import {
  jobDifference,
  resolveJobOptions,
  type JobOptions,
  type JobSummary,
  type ModelJobOptions,
  type RawJobOptions,
  type ResolvedJobOptions,
  type TableJobOptions,
} from "./options.js";
import {
  clearFailure,
  keyOf,
  openJobItem,
  readJob,
  recordFailure,
  segmentPart,
  writeSummary,
  writeWorker,
  type JobFailure,
  type JobRecord,
  type JobView,
} from "./records.js";
import { SegmentFailure, workSegment } from "./segment.js";
import { idleRoundMs, LeaseWatch, plan } from "./taker.js";
import { JobTotals, report } from "./totals.js";

/**
 * Runs a worker of the job `options.id`: any number of workers (processes, machines, Lambda
 * invocations) calling it with the same id and options share the job's segments through
 * fenced leases in `options.leaseTable`. Resolves, in every worker, with the job's totals once
 * every segment is done (at once for a finished job); rejects with `JobFailedError` in every
 * worker when a page keeps failing, with `AbortError` in this worker when `options.signal`
 * aborts (its leases are released at once, so others take its segments without waiting a
 * lease), and with `DynoValidationError` for bad options or a job joined with other options.
 *
 * Pages are handled at least once: exactly once while no worker dies and no handler blocks the
 * event loop past the lease; a page that was being handled when its worker died (or lost its
 * lease) is handled again by the segment's next holder. A page whose handler outlives its lease
 * `maxAttempts` times (synchronous work keeps the lease from being renewed) fails the job.
 *
 * @example
 * ```ts
 * const summary = await runJob(dyno, {
 *   id: "backfill-2026-12", table: "Users", segments: 16, leaseTable: "Jobs",
 *   handler: async (users, ctx) => { await backfill(users, ctx.signal); },
 * });
 * ```
 */
export function runJob<T>(dyno: Dyno, options: ModelJobOptions<T>): Promise<JobSummary>;
export function runJob(dyno: Dyno, options: RawJobOptions): Promise<JobSummary>;
export function runJob(dyno: Dyno, options: TableJobOptions): Promise<JobSummary>;
export async function runJob(dyno: Dyno, options: JobOptions<unknown>): Promise<JobSummary> {
  if (!dyno || typeof (dyno as { updateItem?: unknown }).updateItem !== "function") {
    throw new DynoValidationError("dyno", "expected a Dyno session");
  }
  return new JobWorker(dyno, resolveJobOptions(options)).run();
}

/** The error every worker of a failed job rejects with. */
function failedError(id: string, failure: JobFailure, cause?: unknown): JobFailedError {
  const error = cause ?? Object.assign(new Error(failure.message), { name: failure.name });
  const why =
    failure.kind === "handler"
      ? `a page of segment ${failure.segment} kept failing: ${failure.name}: ${failure.message}`
      : failure.message;
  return new JobFailedError(`job ${id} failed: ${why}`, {
    job: id,
    segment: failure.segment,
    cause: error,
  });
}

class JobWorker {
  readonly #dyno: Dyno;
  readonly #options: ResolvedJobOptions;
  readonly #stop = new AbortController();
  readonly #watch = new LeaseWatch();
  /** Segments this worker holds, and whether each was asked to give its segment back. */
  readonly #runs = new Map<number, { promise: Promise<void>; yield: boolean }>();
  readonly #totals: JobTotals;
  #failure: JobFailedError | undefined;
  /** The write recording our failure for the other workers (awaited before `run` settles). */
  #recording: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  /** This worker's first beat, once sent. */
  #joining: Promise<void> | undefined;
  /** This worker's leaving beat, once sent. */
  #leaving: Promise<void> | undefined;
  /** A segment ended (or the worker stopped) since the last round began. */
  #woken = false;
  /** The scanned table's key attribute names, once described. */
  #keyAttributes: readonly string[] | undefined;

  constructor(dyno: Dyno, options: ResolvedJobOptions) {
    this.#dyno = dyno;
    this.#options = options;
    this.#totals = new JobTotals(options.segments);
    this.#keyAttributes = options.model?.keyAttributes;
  }

  async run(): Promise<JobSummary> {
    const { signal, id } = this.#options;
    const onAbort = () =>
      this.#stopAll(new AbortError(`runJob ${id}: aborted`, { cause: signal?.reason }));
    if (signal?.aborted) onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    let joined = false;
    try {
      this.#throwIfStopped();
      const opened = await this.#open();
      if (opened.job.summary) return opened.job.summary;
      joined = true;
      this.#joining = this.#beat(false);
      this.#joining.catch(() => {}); // awaited once the first round's leases are asked for
      return await this.#rounds(opened.job, opened);
    } catch (error) {
      if (this.#failure) throw this.#failure;
      if (this.#stop.signal.aborted) throw this.#stop.signal.reason;
      throw error;
    } finally {
      signal?.removeEventListener("abort", onAbort);
      if (!this.#stop.signal.aborted) this.#stop.abort(new AbortError(`runJob ${id}: ended`));
      await Promise.all([...this.#runs.values()].map((r) => r.promise));
      await this.#recording;
      if (joined) await (this.#leaving ?? this.#leave());
    }
  }

  #throwIfStopped(): void {
    if (this.#failure) throw this.#failure;
    if (this.#stop.signal.aborted) throw this.#stop.signal.reason;
  }

  #stopAll(reason: unknown): void {
    if (!this.#stop.signal.aborted) this.#stop.abort(reason);
    this.#woken = true;
    this.#wake?.();
  }

  /**
   * Creates or joins the job: its lease table and item, checked against our options. Resolves
   * with the job and its partition as read (or as just created): the first lease round's listing.
   */
  async #open(): Promise<JobView & { job: JobRecord }> {
    const o = this.#options;
    const signal = this.#stop.signal;
    // Both at once (each request costs a round trip): the source table (its size for the ETA;
    // missing, it fails the call unless the job is already finished), and the job as stored.
    const source = this.#totals.estimateFrom(this.#dyno, o.table, signal).then(
      (keys) => void (this.#keyAttributes ??= keys),
      (error: unknown) => {
        if ((error as { name?: unknown } | null)?.name !== "ResourceNotFoundException") throw error;
        const e = error as { message?: unknown };
        throw new DynoValidationError(
          o.model ? "model" : "table",
          `table ${JSON.stringify(o.table)} does not exist (DescribeTable: ResourceNotFoundException` +
            `${typeof e.message === "string" && e.message ? `: ${e.message}` : ""}); the job scans it`,
          { cause: error },
        );
      },
    );
    source.catch(() => {}); // awaited below unless the job is finished
    await ensureLeaseTable(this.#dyno, o.leaseTable, signal);
    // The job's partition is listed while its item is created unless it exists: a new job's
    // first worker takes its segments one round trip sooner; a joiner's create is refused at no
    // cost in time (it is answered alongside the listing).
    const create = openJobItem(
      this.#dyno,
      o.leaseTable,
      o.id,
      { table: o.table, segments: o.segments, fingerprint: o.fingerprint, createdAt: Date.now() },
      signal,
    );
    create.catch(() => {}); // awaited below
    const [known, opened] = await Promise.all([
      readJob(this.#dyno, o.leaseTable, o.id, signal),
      create,
    ]);
    // A job the listing missed (created meanwhile by another worker) is listed again.
    const view: JobView & { job: JobRecord } =
      opened.created || known.job
        ? { ...known, job: known.job ?? opened.job }
        : { ...(await readJob(this.#dyno, o.leaseTable, o.id, signal)), job: opened.job };
    const job = view.job;
    if (!job.summary) await source;
    const differs = jobDifference(job, o);
    if (differs) {
      throw new DynoValidationError(
        "id",
        `job ${o.id} in ${o.leaseTable} was started with other options: ${differs}; ` +
          `join it with the same options, or use a new id`,
      );
    }
    if (job.failed && !job.summary) {
      if (!o.retryFailed) throw failedError(o.id, job.failed);
      await clearFailure(
        this.#dyno,
        o.leaseTable,
        o.id,
        job.failed,
        view.segments.values(),
        signal,
      );
      const segments = new Map(
        [...view.segments].map(([n, record]) => [n, { ...record, lostAt: undefined, lost: 0 }]),
      );
      return { ...view, segments, job: { ...job, failed: undefined } };
    }
    return view;
  }

  /** The leaving beat, sent once the joining beat is answered (else it could land last). */
  #leave(): Promise<void> {
    return (this.#leaving ??= (this.#joining ?? Promise.resolve())
      .catch(() => {})
      .then(() => this.#beat(true))
      .catch(() => {}));
  }

  #beat(left: boolean): Promise<void> {
    const o = this.#options;
    return writeWorker(
      this.#dyno,
      o.leaseTable,
      o.id,
      o.owner,
      left,
      left ? undefined : this.#stop.signal,
    );
  }

  /**
   * The lease rounds; `opened` is the partition as the job was opened (the first round's
   * listing). This worker's joining beat is in flight meanwhile.
   */
  async #rounds(job: JobRecord, opened: JobView | undefined): Promise<JobSummary> {
    const o = this.#options;
    let first = true;
    const roundMs = Math.min(2000, Math.max(50, o.leaseMs / 5));
    let failures = 0;
    let last: JobView | undefined;
    for (;;) {
      this.#throwIfStopped();
      // Our own checkpoints finished the job: no listing needed to know it.
      if (last && this.#totals.segmentsDone === o.segments) return this.#finish(job, last);
      let view: JobView;
      try {
        view = opened ?? (await readJob(this.#dyno, o.leaseTable, o.id, this.#stop.signal));
        opened = undefined;
        last = view;
        failures = 0;
      } catch (error) {
        this.#throwIfStopped();
        // A round that cannot list is skipped; our held leases keep renewing on their own.
        if (!isTransient(error) || ++failures > 10) throw error;
        await sleep(jitter(roundMs), this.#stop.signal);
        continue;
      }
      const now = monotonic();
      this.#watch.observe(view, now);
      if (view.job?.summary) return view.job.summary;
      if (view.job?.failed) {
        this.#failure ??= failedError(o.id, view.job.failed);
        this.#stopAll(this.#failure);
        throw this.#failure;
      }
      this.#totals.observe(view);
      if (this.#totals.segmentsDone === o.segments) return this.#finish(job, view);
      report(o.onProgress, this.#totals.progress());
      const decided = plan(
        view,
        this.#watch,
        {
          owner: o.owner,
          held: new Set(this.#runs.keys()),
          concurrency: o.concurrency,
          segments: o.segments,
        },
        now,
        o.leaseMs,
      );
      if (decided.shed > 0) {
        const run = [...this.#runs.values()].find((r) => !r.yield);
        if (run) run.yield = true;
      }
      // Every lease first, then the scans: a lease write queued behind other segments' scans
      // (DynamoDB Local serialises writes after reads) would start its segment late.
      const taken = await Promise.allSettled(
        decided.take.map((t) => this.#take(t.segment, t.accept)),
      );
      for (const t of taken) if (t.status === "fulfilled") t.value?.();
      for (const t of taken) if (t.status === "rejected") throw t.reason;
      // The first round's beat is the joining one, sent before its leases were asked for.
      await (first ? this.#joining! : this.#beat(false)).catch((error) => {
        if (!isTransient(error)) throw error;
      });
      first = false;
      this.#throwIfStopped();
      // Until the next round, or at once when a segment ended meanwhile (a slot is free).
      if (!this.#woken) {
        const wait =
          this.#runs.size > 0 ? roundMs : idleRoundMs(roundMs, this.#totals.progress().etaMs);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, jitter(wait));
          function done() {
            clearTimeout(timer);
            resolve();
          }
          this.#wake = done;
        });
      }
      this.#wake = undefined;
      this.#woken = false;
    }
  }

  /** Tries to take a segment's lease; on success, resolves with what starts working it. */
  async #take(segment: number, accept: readonly string[]): Promise<(() => void) | undefined> {
    const o = this.#options;
    let result;
    try {
      result = await tryAcquireLock(
        this.#dyno,
        {
          table: o.leaseTable,
          key: keyOf(o.id, segmentPart(segment)),
          leaseMs: o.leaseMs,
          owner: o.owner,
          // No signal: an attempt cut off when this worker stops may still land, leaving a lease
          // held in our name; it completes (within a lease), and is released below.
        },
        accept,
        true, // the segment's checkpoint comes with the lease: no read before the first page
      );
    } catch (error) {
      if (this.#stop.signal.aborted || isTransient(error)) return undefined; // tried next round
      throw error;
    }
    const lock = result.lock;
    if (!lock) return undefined;
    if (this.#stop.signal.aborted) {
      await lock.release().catch(() => {});
      return undefined;
    }
    return () => this.#work(segment, lock, result.item);
  }

  /** Works a segment whose lease `lock` holds, from its item as the acquisition returned it. */
  #work(segment: number, lock: DistributedLock, item: StoredItem | undefined): void {
    const o = this.#options;
    const entry = { promise: Promise.resolve(), yield: false };
    entry.promise = workSegment(
      {
        dyno: this.#dyno,
        options: o,
        stop: this.#stop.signal,
        keyAttributes: () => this.#keyAttributes,
        committed: (record) => {
          this.#totals.commit(record);
          report(o.onProgress, this.#totals.progress());
          // The job's last checkpoint: its summary is written while the leases are released.
          if (this.#totals.segmentsDone === o.segments) {
            this.#woken = true;
            this.#wake?.();
          }
        },
      },
      segment,
      lock,
      item,
      () => entry.yield,
    ).then(
      () => this.#ended(segment),
      (error: unknown) => this.#ended(segment, error),
    );
    this.#runs.set(segment, entry);
  }

  /** A segment's run ended: a failure fails the job; otherwise the next round starts now. */
  #ended(segment: number, error?: unknown): void {
    this.#runs.delete(segment);
    if (error !== undefined && !this.#failure) {
      const o = this.#options;
      const cause = error instanceof SegmentFailure ? error.cause : error;
      const e = cause as { name?: unknown; message?: unknown } | null;
      const failed = error instanceof SegmentFailure ? error : undefined;
      const failure: JobFailure = {
        segment: failed?.segment ?? segment,
        name: typeof e?.name === "string" ? e.name : "Error",
        message:
          failed?.explanation ?? (typeof e?.message === "string" ? e.message : String(cause)),
        owner: o.owner,
        kind: failed?.kind ?? "handler",
      };
      this.#failure = failedError(o.id, failure, cause);
      this.#stopAll(this.#failure);
      this.#recording = recordFailure(this.#dyno, o.leaseTable, o.id, failure).catch(
        (recordError) =>
          console.error(`dyno-ts: runJob ${o.id}: the failure could not be recorded`, recordError),
      );
    }
    this.#woken = true;
    this.#wake?.();
  }

  /** Every segment is done: the totals, stored once by whichever worker comes first. */
  async #finish(job: JobRecord, view: JobView): Promise<JobSummary> {
    // Every page is checkpointed; the segments' runs are only releasing their leases now (`run`
    // waits for them before it resolves).
    const o = this.#options;
    const totals = this.#totals.progress();
    report(o.onProgress, { ...totals, etaMs: 0 });
    // This worker leaves while the summary is written (the finally below then waits for it).
    void this.#leave();
    return writeSummary(
      this.#dyno,
      o.leaseTable,
      o.id,
      {
        items: totals.items,
        pages: totals.pages,
        segments: o.segments,
        // the workers seen in the job's partition, and this one (a view taken before its first
        // heartbeat landed, e.g. of a job it created, does not list it)
        workers: new Set([...view.workers.map((w) => w.owner), o.owner]).size,
        durationMs: Math.max(0, Date.now() - job.createdAt),
      },
      this.#stop.signal,
    );
  }
}
