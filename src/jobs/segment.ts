/**
 * Working one leased segment: read its checkpoint, scan its pages from there (the exhaustive
 * layer's `scanPages`, on the pool when there is one; the next page is requested while the
 * handler works on this one), hand each page to the handler (retried with backoff), and after
 * each page write the checkpoint under the lease's fencing token (while the next pages are
 * handled; checkpoints go out one at a time, in page order, each only for pages whose handler
 * resolved; pages handled during a slow write are covered by the next one). Ends when the segment is done,
 * when the worker gives the segment back (at a page boundary), or when the lease is lost.
 * @module
 */
import type { ScanCommandInput, ScanCommandOutput } from "@aws-sdk/client-dynamodb";
import { backoffDelay } from "../exhaustive/backoff.js";
import type { IterateOptions } from "../exhaustive/options.js";
import type { DistributedLock } from "../lock/lock.js";
import { isTransient, monotonic, sleep } from "../lock/wire.js";
import { linkSignals } from "../operation/signals.js";
import type { Dyno } from "../session.js";
import type { StoredItem } from "../table/model.js";
import {
  decodeFailure,
  leaseFailure,
  leaseTableFailure,
  scanFailure,
  SegmentFailure,
} from "./failures.js";
import type { ResolvedJobOptions } from "./options.js";
import {
  lostAtPosition,
  readSegment,
  readSegmentItem,
  recordLoss,
  writeCheckpoint,
  type SegmentRecord,
} from "./records.js";

export { SegmentFailure } from "./failures.js";

/** How a segment's run ended. */
export type SegmentOutcome = "done" | "yielded" | "lost" | "stopped";

/** What a segment's run needs from its worker. */
export interface SegmentEnv {
  readonly dyno: Dyno;
  readonly options: ResolvedJobOptions;
  /** Aborted when the whole worker stops (its signal, or the job failed). */
  readonly stop: AbortSignal;
  /** Called after each checkpoint with the segment's new state. */
  readonly committed: (record: SegmentRecord) => void;
  /** The scanned table's key attribute names, when known (to name an item that cannot be decoded). */
  readonly keyAttributes: () => readonly string[] | undefined;
}

type PageSource = {
  scanPages(input: ScanCommandInput, options: IterateOptions): AsyncIterable<ScanCommandOutput>;
};

/**
 * Works `segment` while `lock` holds its lease, from the checkpoint in `item` (the segment's item
 * as the acquisition returned it; read first when undefined); `yieldAsked()` is checked at each
 * page boundary.
 * Releases the lease before it resolves. Rejects only with a {@link SegmentFailure}.
 */
export async function workSegment(
  env: SegmentEnv,
  segment: number,
  lock: DistributedLock,
  item: StoredItem | undefined,
  yieldAsked: () => boolean,
): Promise<SegmentOutcome> {
  const cancel = new AbortController(); // ends the prefetched page when we stop early
  const signal = linkSignals(lock.signal, env.stop, cancel.signal);
  try {
    return await run(env, segment, lock, item, yieldAsked, signal);
  } finally {
    cancel.abort();
    // Release at once, so that another worker need not wait a lease (a no-op once lost).
    await lock.release().catch(() => {});
  }
}

async function run(
  env: SegmentEnv,
  segment: number,
  lock: DistributedLock,
  item: StoredItem | undefined,
  yieldAsked: () => boolean,
  signal: AbortSignal,
): Promise<SegmentOutcome> {
  const { dyno, options } = env;
  const ended = (): SegmentOutcome => (lock.signal.aborted ? "lost" : "stopped");
  // The item as the acquisition left it holds the checkpoint; else it is read.
  let state: SegmentRecord | undefined = item && readSegment(segment, item);
  for (let attempt = 1; !state; attempt++) {
    try {
      state = (await readSegmentItem(dyno, options.leaseTable, options.id, segment, signal)) ?? {
        segment,
        lease: {
          owner: lock.owner,
          rvn: undefined,
          fence: lock.fencingToken,
          leaseMs: lock.leaseMs,
        },
        lastKey: undefined,
        items: 0,
        pages: 0,
        done: false,
        lostAt: undefined,
        lost: 0,
      };
    } catch (error) {
      if (signal.aborted) return ended();
      if (!isTransient(error) || attempt >= options.maxAttempts)
        throw new SegmentFailure(segment, error, "lease-table", leaseTableFailure(segment, error));
      await sleep(backoffDelay(attempt, options), signal);
    }
  }
  // Someone took the lease after us (our lock learns it at its next renewal).
  if (state.lease.fence !== lock.fencingToken) return "lost";
  if (state.done) return "done";
  const source: PageSource = options.pool ?? dyno;
  let failures = 0;
  const stored = new Checkpoints(env, segment, lock, state, ended);
  try {
    // Each pass scans from the last page handled; a failed page read starts a new pass.
    for (;;) {
      const outcome = await stored.keepUp();
      if (outcome) return outcome;
      const pages = source.scanPages(
        {
          ...options.input,
          TableName: options.table,
          Segment: segment,
          TotalSegments: options.segments,
          ExclusiveStartKey: state.lastKey,
        },
        { signal },
      );
      const iterator = pages[Symbol.asyncIterator]();
      let next = iterator.next();
      try {
        for (;;) {
          let page: ScanCommandOutput;
          try {
            const result = await next;
            if (result.done) throw new Error("scanPages ended without a last page");
            page = result.value;
            failures = 0;
          } catch (error) {
            if (signal.aborted) return ended();
            // A request DynamoDB refuses (a bad filter, a missing table) fails at once.
            const refused = !isTransient(error);
            if (refused || ++failures >= options.maxAttempts) {
              throw new SegmentFailure(
                segment,
                error,
                "scan",
                scanFailure(segment, error, refused),
              );
            }
            await sleep(backoffDelay(failures, options), signal);
            if (signal.aborted) return ended();
            break; // a new pass from the last page handled
          }
          const lastKey = page.LastEvaluatedKey;
          // Prefetch: the next page is read while this one is handled.
          if (lastKey) {
            next = iterator.next();
            next.catch(() => {}); // awaited on the next turn, or abandoned when we stop
          }
          const handled = await handle(env, segment, lock, state, page.Items ?? [], signal);
          if (handled === LEASE_LAPSED) {
            // What was handled before this page is stored first: the count is kept at the
            // position the segment's next holder resumes from, when it gets that far.
            await stored.idle();
            return await counted(env, segment, lock, state.pages);
          }
          if (handled === undefined) return ended();
          state = advance(state, lastKey, handled);
          stored.handled(state);
          if (!lastKey) return (await stored.drained()) ?? "done";
          if (yieldAsked()) return (await stored.drained()) ?? "yielded";
          // The scan runs ahead of slow checkpoint writes by a few pages at most.
          const outcome = await stored.keepUp();
          if (outcome) return outcome;
          if (signal.aborted) return ended();
        }
      } finally {
        // Stops the generator (and its prefetched request, through the signal when we stop early).
        void iterator.return?.().catch(() => {});
      }
    }
  } finally {
    // What was handled is stored (or refused) before the lease is released.
    await stored.idle();
  }
}

/**
 * Pages handled beyond the checkpoint being written before the scan waits for it (a crash has
 * those pages, and the write's, handled again). While a checkpoint is being written the next
 * pages are handled; the write after it then covers all of them at once.
 */
const MAX_UNWRITTEN_PAGES = 2;

/**
 * A segment's checkpoint writes: one at a time, each only for pages whose handler resolved,
 * under the lease's fencing token, each following the one stored before it. Pages handled while
 * a write is in flight are covered together by the next write.
 */
class Checkpoints {
  #stored: SegmentRecord;
  #handled: SegmentRecord;
  #writing: Promise<void> | undefined;
  /** The pages the write in flight covers (the stored ones when none is). */
  #writingTo: number;
  #outcome: SegmentOutcome | undefined;
  #failure: SegmentFailure | undefined;

  constructor(
    private readonly env: SegmentEnv,
    private readonly segment: number,
    private readonly lock: DistributedLock,
    state: SegmentRecord,
    private readonly ended: () => SegmentOutcome,
  ) {
    this.#stored = this.#handled = state;
    this.#writingTo = state.pages;
  }

  /** A page's handler resolved: `state` is stored as soon as the write before it landed. */
  handled(state: SegmentRecord): void {
    this.#handled = state;
    this.#write();
  }

  #write(): void {
    if (this.#writing || this.#outcome || this.#failure) return;
    if (this.#handled.pages === this.#stored.pages) return;
    const from = this.#stored;
    const to = this.#handled;
    this.#writingTo = to.pages;
    this.#writing = checkpoint(this.env, this.segment, this.lock, from, to).then(
      (written) => {
        this.#writing = undefined;
        if (written === undefined) this.#outcome = this.ended();
        else if (written === false) this.#outcome = "lost";
        else {
          this.#stored = to;
          this.env.committed(to);
          this.#write();
        }
      },
      (error: unknown) => {
        this.#writing = undefined;
        this.#failure =
          error instanceof SegmentFailure ? error : new SegmentFailure(this.segment, error);
      },
    );
  }

  /**
   * Waits while more than {@link MAX_UNWRITTEN_PAGES} handled pages are not covered by the write
   * in flight; an outcome when the run must end (the lease was lost, or the worker stops);
   * rejects with the write's `SegmentFailure`.
   */
  keepUp(): Promise<SegmentOutcome | undefined> {
    return this.#until(() => this.#handled.pages - this.#writingTo <= MAX_UNWRITTEN_PAGES);
  }

  /** Waits until every handled page is stored; an outcome or a rejection as {@link keepUp}. */
  drained(): Promise<SegmentOutcome | undefined> {
    return this.#until(() => this.#handled.pages === this.#stored.pages);
  }

  async #until(enough: () => boolean): Promise<SegmentOutcome | undefined> {
    while (this.#writing && !this.#outcome && !enough()) await this.#writing;
    if (this.#failure) throw this.#failure;
    return this.#outcome;
  }

  /** Resolves once no write is in flight (nothing handled is left to write, or writing stopped). */
  async idle(): Promise<void> {
    while (this.#writing) await this.#writing;
  }
}

/** The segment's state once a page of `handled` items ending at `lastKey` is checkpointed. */
function advance(
  state: SegmentRecord,
  lastKey: StoredItem | undefined,
  handled: number,
): SegmentRecord {
  return {
    ...state,
    lastKey,
    items: state.items + handled,
    pages: state.pages + 1,
    done: lastKey === undefined,
  };
}

/** {@link handle}'s answer when the lease lapsed while the handler was running. */
const LEASE_LAPSED: unique symbol = Symbol("lease lapsed");

/**
 * Hands a page to the handler, retrying with backoff; resolves with the number of items handled,
 * {@link LEASE_LAPSED} when the lease lapsed while the handler ran, or undefined when the run
 * must stop otherwise. `ctx.attempt` counts the page's earlier losses of its lease (by any
 * worker) as attempts too. An item that cannot be decoded fails the job at once.
 */
async function handle(
  env: SegmentEnv,
  segment: number,
  lock: DistributedLock,
  state: SegmentRecord,
  raw: StoredItem[],
  signal: AbortSignal,
): Promise<number | typeof LEASE_LAPSED | undefined> {
  const { options } = env;
  const lostBefore = lostAtPosition(state, state.pages);
  for (let attempt = 1; ; attempt++) {
    if (signal.aborted) return undefined;
    // Decoded afresh for each attempt (a handler may have changed the items it was given).
    let items: unknown[];
    try {
      items = options.decode(raw);
    } catch (error) {
      throw decodeFailure(options, env.keyAttributes(), segment, error);
    }
    try {
      const handled = new Promise<unknown>((resolve) =>
        resolve(
          options.handler(items, {
            job: options.id,
            segment,
            signal,
            fencingToken: lock.fencingToken,
            items: state.items,
            pages: state.pages,
            attempt: lostBefore + attempt,
          }),
        ),
      );
      // A handler that ignores ctx.signal must not keep the lease: the run stops waiting for it
      // (the page is handled again by the segment's next holder; no checkpoint covers it).
      if ((await unlessAborted(handled, signal)) === ABANDONED) return stopped(env, lock);
      return items.length;
    } catch (error) {
      if (signal.aborted) return stopped(env, lock);
      if (attempt >= options.maxAttempts) throw new SegmentFailure(segment, error);
      await sleep(backoffDelay(attempt, options), signal);
    }
  }
}

/** Why a handler's run was cut off: its lease lapsed (not this worker stopping), or undefined. */
function stopped(env: SegmentEnv, lock: DistributedLock): typeof LEASE_LAPSED | undefined {
  return lock.signal.aborted && !env.stop.aborted ? LEASE_LAPSED : undefined;
}

/**
 * The page at `position` lost its lease while its handler ran: counts it (beside the
 * checkpoint, for every worker to see). Resolves `"lost"` (the segment's next holder handles the
 * page again); rejects with a `SegmentFailure` once the page has lost its lease `maxAttempts`
 * times: a handler that holds the event loop past the lease would otherwise run forever.
 */
async function counted(
  env: SegmentEnv,
  segment: number,
  lock: DistributedLock,
  position: number,
): Promise<SegmentOutcome> {
  const { dyno, options } = env;
  let lost: number | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      const deadline = monotonic() + options.leaseMs;
      lost = await recordLoss(
        dyno,
        options.leaseTable,
        options.id,
        segment,
        position,
        lock.fencingToken,
        deadline,
      );
      break;
    } catch (error) {
      // Not counted this time: the next loss is (a count is a guard, not a checkpoint).
      if (!isTransient(error) || attempt >= options.maxAttempts || env.stop.aborted) break;
      await sleep(backoffDelay(attempt, options), env.stop);
    }
  }
  if (lost === undefined || lost < options.maxAttempts) return "lost";
  throw new SegmentFailure(
    segment,
    lock.signal.reason,
    "lease",
    leaseFailure(segment, position, lost, options),
  );
}

const ABANDONED: unique symbol = Symbol("abandoned");

/** `work`'s outcome, or {@link ABANDONED} as soon as `signal` aborts (`work` then runs on unheard). */
function unlessAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T | typeof ABANDONED> {
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.resolve(ABANDONED);
  }
  return new Promise<T | typeof ABANDONED>((resolve, reject) => {
    const onAbort = () => resolve(ABANDONED);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => (signal.removeEventListener("abort", onAbort), resolve(value)),
      (error: unknown) => (signal.removeEventListener("abort", onAbort), reject(error)),
    );
  });
}

/**
 * Writes the checkpoint `to` over the stored one `from` (pages handled since), retrying transient
 * failures while the lease lasts. Resolves `true` once written, `false` when the lease was taken
 * over, or undefined when the run must stop (those pages are handled again by the next holder).
 */
async function checkpoint(
  env: SegmentEnv,
  segment: number,
  lock: DistributedLock,
  from: SegmentRecord,
  to: SegmentRecord,
): Promise<true | false | undefined> {
  const { dyno, options } = env;
  const write = {
    segment,
    fencingToken: lock.fencingToken,
    previousPages: from.pages,
    lastKey: to.lastKey,
    items: to.items,
    pages: to.pages,
  };
  for (let attempt = 1; ; attempt++) {
    try {
      // Written even when the lease has just lapsed: a page handled is worth recording, and the
      // fencing token refuses the write once another worker has taken the segment over.
      const deadline = monotonic() + options.leaseMs;
      const written = await writeCheckpoint(
        dyno,
        options.leaseTable,
        options.id,
        write,
        undefined,
        deadline,
      );
      return written;
    } catch (error) {
      if (!isTransient(error)) throw new SegmentFailure(segment, error);
      if (lock.signal.aborted) return undefined; // the segment's next holder handles the page again
      await sleep(backoffDelay(attempt, options), lock.signal);
    }
  }
}
