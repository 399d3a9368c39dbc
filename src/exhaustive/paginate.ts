/**
 * `scanAll` / `queryAll`: final handlers that follow `LastEvaluatedKey` to the end (or to
 * `maxItems` / `maxPages`) and merge the pages into one output; and the parallel scan over
 * `TotalSegments`. Every page goes through `sendRequest`, so the runtime's sender sees it.
 * @module
 */
import type {
  AttributeValue,
  ConsumedCapacity,
  QueryCommandInput,
  QueryCommandOutput,
  ScanCommandInput,
  ScanCommandOutput,
} from "@aws-sdk/client-dynamodb";
import type { Handler, OperationContext } from "../operation/middleware.js";
import { ATTEMPTS_META, sendRequest } from "../operation/send.js";
import { AbortFanOut, linkSignals } from "../operation/signals.js";
import { answerError, checkPage } from "./answers.js";
import { addCapacity } from "./capacity.js";
import { KeyTrail } from "./progress.js";
import type { PaginateOptions, ScanAllOptions } from "./options.js";
import { countPart, report, retriesOf } from "./runtime.js";

type PagedName = "Scan" | "Query";
type PagedInput = ScanCommandInput | QueryCommandInput;
type PagedOutput = ScanCommandOutput | QueryCommandOutput;
type Key = Record<string, AttributeValue>;

/** The sums of a run's pages, merged into one output at the end. */
class Merged {
  items: Record<string, AttributeValue>[] | undefined;
  count = 0;
  scanned = 0;
  capacity: ConsumedCapacity | undefined;
  pages = 0;
  last: PagedOutput | undefined;

  add(page: PagedOutput): void {
    this.pages++;
    this.last = page;
    if (page.Items) {
      this.items ??= [];
      for (const item of page.Items) this.items.push(item);
    }
    this.count += page.Count ?? 0;
    this.scanned += page.ScannedCount ?? 0;
    this.capacity = addCapacity(this.capacity, page.ConsumedCapacity);
  }

  get size(): number {
    return this.items ? this.items.length : this.count;
  }

  output(ctx: OperationContext, lastKey: Key | undefined): PagedOutput {
    const { LastEvaluatedKey: _, ...last } = this.last ?? { $metadata: {} };
    const out: PagedOutput = {
      ...last,
      $metadata: { ...last.$metadata, attempts: ctx.meta.get(ATTEMPTS_META) as number },
      Count: this.count,
      ScannedCount: this.scanned,
    };
    if (this.items) out.Items = this.items;
    if (this.capacity) out.ConsumedCapacity = this.capacity;
    if (lastKey) out.LastEvaluatedKey = lastKey;
    return out;
  }
}

const tablesOf = (input: PagedInput): string[] =>
  input.TableName === undefined ? [] : [input.TableName];

/** The input of one page: the caller's, with a start key and a page size; never mutated. */
function pageInput<I extends PagedInput>(base: I, startKey: Key | undefined, limit?: number): I {
  const input: I = { ...base };
  if (startKey) input.ExclusiveStartKey = startKey;
  else delete input.ExclusiveStartKey;
  if (limit !== undefined) input.Limit = limit;
  return input;
}

/** The page size of the next request: the input's `Limit`, shrunk to what `maxItems` leaves. */
function nextLimit(base: PagedInput, left: number | undefined): number | undefined {
  if (left === undefined) return base.Limit;
  return base.Limit === undefined ? left : Math.min(base.Limit, left);
}

/** Follows one sequence of pages (a whole scan or query, or one segment) into `merged`. */
async function follow<N extends PagedName>(
  ctx: OperationContext<N>,
  base: PagedInput,
  merged: Merged,
  options: PaginateOptions,
  signal: AbortSignal,
): Promise<Key | undefined> {
  let left = options.maxItems;
  let startKey = base.ExclusiveStartKey;
  let pages = 0;
  const run = ctx.operation === "Scan" ? "scanAll" : "queryAll";
  const trail = new KeyTrail(run, startKey);
  for (;;) {
    const limit = nextLimit(base, left);
    const input = pageInput(base, startKey, limit);
    countPart(ctx);
    const where = `page ${pages + 1} of ${run}`;
    const page = (await sendRequest(ctx, ctx.operation, input as never, signal).catch((error) => {
      throw answerError(error, ctx.operation, tablesOf(base), where);
    })) as PagedOutput;
    checkPage(ctx.operation, base.TableName, where, page);
    pages++;
    const before = merged.size;
    merged.add(page);
    if (left !== undefined) left = Math.max(0, left - (merged.size - before));
    report(options.onProgress, { done: merged.size, pages: merged.pages, retries: retriesOf(ctx) });
    trail.check(page.LastEvaluatedKey, pages);
    startKey = page.LastEvaluatedKey;
    if (!startKey) return undefined;
    if (left === 0 || (options.maxPages !== undefined && pages >= options.maxPages))
      return startKey;
  }
}

/** The final handler of `scanAll` / `queryAll` without segments. */
export function paginateHandler<N extends PagedName>(options: PaginateOptions): Handler<N> {
  return (async (ctx: OperationContext<N>) => {
    const merged = new Merged();
    // `options.signal` cancels the whole operation (see `start`), which aborts ctx.signal.
    const lastKey = await follow(ctx, ctx.input as PagedInput, merged, options, ctx.signal);
    return merged.output(ctx, lastKey);
  }) as Handler<N>;
}

/**
 * The final handler of `scanAll(input, { segments })`: segment `i` of `segments` scanned by one
 * of `concurrency` workers; the items come out in segment order. The first failing segment
 * aborts the requests of the others and the run rejects with its error. With `maxItems`, the
 * run stops (in-flight requests aborted) once that many items are in, and cuts the output there.
 */
export function parallelScanHandler(
  options: ScanAllOptions & { segments: number },
): Handler<"Scan"> {
  return async (ctx) => {
    const { segments, maxItems } = options;
    const concurrency = Math.min(options.concurrency ?? segments, segments);
    const stop = new AbortController();
    const signal = linkSignals(
      ctx.signal,
      stop.signal,
      ...(options.signal ? [options.signal] : []),
    );
    const perSegment = Array.from({ length: segments }, () => new Merged());
    let pages = 0;
    let items = 0;
    let next = 0;
    let failure: { error: unknown } | undefined;
    const full = () => maxItems !== undefined && items >= maxItems;
    const scanSegment = async (segment: number, signal: AbortSignal) => {
      const merged = perSegment[segment];
      const base: ScanCommandInput = { ...ctx.input, Segment: segment, TotalSegments: segments };
      let startKey: Key | undefined;
      let segmentPages = 0;
      const trail = new KeyTrail(`scanAll segment ${segment}`);
      do {
        countPart(ctx);
        const left = maxItems === undefined ? undefined : Math.max(1, maxItems - items);
        const where = `page ${segmentPages + 1} of scanAll segment ${segment}`;
        const page = await sendRequest(
          ctx,
          "Scan",
          pageInput(base, startKey, nextLimit(base, left)),
          signal,
        ).catch((error) => {
          throw answerError(error, "Scan", tablesOf(base), where);
        });
        checkPage("Scan", base.TableName, where, page);
        const before = merged.size;
        merged.add(page);
        items += merged.size - before;
        pages++;
        report(options.onProgress, { done: items, pages, retries: retriesOf(ctx) });
        trail.check(page.LastEvaluatedKey, ++segmentPages);
        startKey = page.LastEvaluatedKey;
      } while (startKey && !full() && !failure);
    };
    // One listener on the run's signal; each worker's requests listen on a child of it.
    const fan = new AbortFanOut(signal);
    const worker = async () => {
      const child = fan.child();
      try {
        while (!failure && !full() && next < segments) {
          try {
            await scanSegment(next++, child.signal);
          } catch (error) {
            if (full() && stop.signal.aborted) return; // aborted by ourselves: enough items
            failure ??= { error };
            stop.abort(error);
          }
        }
        if (full()) stop.abort(enough);
      } finally {
        child.release();
      }
    };
    try {
      await Promise.all(Array.from({ length: concurrency }, worker));
    } finally {
      fan.close();
    }
    if (failure) throw failure.error;
    const out = new Merged();
    for (const merged of perSegment) if (merged.last) mergeInto(out, merged);
    if (maxItems !== undefined && out.items && out.items.length > maxItems) {
      out.items.length = maxItems;
      out.count = maxItems;
    }
    // Select: "COUNT" has no items to cut: its count is what maxItems caps.
    if (maxItems !== undefined && !out.items && out.count > maxItems) out.count = maxItems;
    return out.output(ctx, undefined) as ScanCommandOutput;
  };
}

const enough = new Error("maxItems reached");

function mergeInto(out: Merged, from: Merged): void {
  out.pages += from.pages;
  out.last = from.last;
  if (from.items) {
    out.items ??= [];
    for (const item of from.items) out.items.push(item);
  }
  out.count += from.count;
  out.scanned += from.scanned;
  out.capacity = addCapacity(out.capacity, from.capacity);
}
