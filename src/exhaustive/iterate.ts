/**
 * The iterators `scanPages`, `queryPages`, `scanItems`, `queryItems`. Each page is its own
 * `Scan`/`Query` operation run by the runtime (a session runs it at once, a pool queues it), so
 * the session's and the call's middleware see every page request, exactly as if the caller
 * wrote the loop. Nothing is requested before iteration starts; the next page is requested only
 * when the consumer asks for it (memory: one page); `break` ends the loop with no more requests.
 * @module
 */
import type {
  AttributeValue,
  QueryCommandInput,
  QueryCommandOutput,
  ScanCommandInput,
  ScanCommandOutput,
} from "@aws-sdk/client-dynamodb";
import { unmarshalItems, type SchemaLike } from "../encoding/index.js";
import type { Middleware } from "../operation/middleware.js";
import { Operation } from "../operation/operation.js";
import type { IterateOptions } from "./options.js";
import { answerError, checkPage } from "./answers.js";
import { KeyTrail } from "./progress.js";
import { report, start, type ExhaustiveRuntime } from "./runtime.js";

type PagedName = "Scan" | "Query";
type InputFor<N extends PagedName> = N extends "Scan" ? ScanCommandInput : QueryCommandInput;
type OutputFor<N extends PagedName> = N extends "Scan" ? ScanCommandOutput : QueryCommandOutput;

/** The pages of a scan or query, one operation each. */
export async function* pages<N extends PagedName>(
  runtime: ExhaustiveRuntime,
  name: N,
  input: InputFor<N>,
  options: IterateOptions<unknown>,
  middleware: Middleware<N>[],
): AsyncGenerator<OutputFor<N>, void, undefined> {
  let startKey: Record<string, AttributeValue> | undefined = input.ExclusiveStartKey;
  let left = options.maxItems;
  let count = 0;
  let retries = 0;
  const run = name === "Scan" ? "scanPages" : "queryPages";
  const trail = new KeyTrail(run, startKey);
  for (let page = 0; options.maxPages === undefined || page < options.maxPages;) {
    const pageInput = { ...input } as InputFor<N>;
    if (startKey) pageInput.ExclusiveStartKey = startKey;
    if (left !== undefined) pageInput.Limit = Math.min(input.Limit ?? left, left);
    const operation = start(
      runtime,
      Operation.create(name, pageInput as never, ...middleware),
      options.signal,
    );
    const where = `page ${page + 1} of ${run}`;
    const tables = input.TableName === undefined ? [] : [input.TableName];
    const output = (await Promise.resolve(operation).catch((error: unknown) => {
      throw answerError(error, name, tables, where);
    })) as OutputFor<N>;
    checkPage(name, input.TableName, where, output);
    page++;
    const got = output.Items?.length ?? output.Count ?? 0;
    count += got;
    retries += Math.max(0, (output.$metadata?.attempts ?? 1) - 1);
    report(options.onProgress, { done: count, pages: page, retries });
    if (left !== undefined) left -= got;
    yield output;
    // Checked once the page is handed out, before the same page would be requested again.
    trail.check(output.LastEvaluatedKey, page);
    startKey = output.LastEvaluatedKey;
    if (!startKey || left === 0) return;
  }
}

/** The items of a scan or query, decoded (with `options.schema` when given). */
export async function* items<N extends PagedName, T>(
  runtime: ExhaustiveRuntime,
  name: N,
  input: InputFor<N>,
  options: IterateOptions<T>,
  middleware: Middleware<N>[],
): AsyncGenerator<T, void, undefined> {
  const schema = options.schema as SchemaLike<T> | undefined;
  for await (const page of pages(
    runtime,
    name,
    input,
    options as IterateOptions<unknown>,
    middleware,
  )) {
    const decoded = schema
      ? unmarshalItems(page.Items ?? [], schema)
      : (unmarshalItems(page.Items ?? []) as T[]);
    yield* decoded;
  }
}
