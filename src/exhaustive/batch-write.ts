/**
 * `batchWriteItemAll`: any number of put and delete requests over any number of tables, sent as
 * BatchWriteItem requests of at most 25 requests and 16 MB, unprocessed items re-sent with
 * backoff, duplicate keys written in the caller's order, and exactly what was left reported.
 * @module
 */
import type {
  AttributeValue,
  BatchWriteItemCommandInput,
  BatchWriteItemCommandOutput,
  ItemCollectionMetrics,
  WriteRequest,
} from "@aws-sdk/client-dynamodb";
import { BatchIncompleteError, DynoValidationError } from "../errors.js";
import type { Handler, OperationContext } from "../operation/middleware.js";
import { ATTEMPTS_META, sendRequest } from "../operation/send.js";
import { batchSettings, chunk, runChunks, type Unit } from "./batch-run.js";
import { CapacityByTable } from "./capacity.js";
import { keySchemaOf, keyString, ownEntry } from "./keys.js";
import type { BatchWriteOptions } from "./options.js";
import { countPart, throwIfAborted } from "./runtime.js";
import { itemSize, MAX_ITEM_BYTES, MAX_REQUEST_BYTES } from "./size.js";

/** Requests per BatchWriteItem (DynamoDB's limit). */
export const MAX_WRITE_REQUESTS = 25;

interface WriteUnit extends Unit {
  readonly request: WriteRequest;
  readonly wire: number;
  /** How many earlier requests of the input have the same table and key. */
  readonly generation: number;
}

type ItemMap = Record<string, AttributeValue>;

/** Checks the shape and item sizes of every request before anything is sent. */
function checkRequests(
  input: BatchWriteItemCommandInput,
): { table: string; request: WriteRequest; wire: number; where: string }[] {
  const requestItems = input?.RequestItems;
  if (!requestItems || typeof requestItems !== "object" || Array.isArray(requestItems))
    throw new DynoValidationError("RequestItems", "expected { [table]: WriteRequest[] }");
  const out: { table: string; request: WriteRequest; wire: number; where: string }[] = [];
  for (const [table, requests] of Object.entries(requestItems)) {
    if (!Array.isArray(requests))
      throw new DynoValidationError(`RequestItems.${table}`, "expected an array of write requests");
    requests.forEach((request, index) => {
      const where = `RequestItems.${table}[${index}]`;
      const put = request?.PutRequest?.Item;
      const del = request?.DeleteRequest?.Key;
      if (
        (put === undefined) === (del === undefined) ||
        (put ?? del) === null ||
        typeof (put ?? del) !== "object"
      )
        throw new DynoValidationError(
          where,
          "expected exactly one of PutRequest.Item or DeleteRequest.Key",
        );
      const size = itemSize((put ?? del) as ItemMap);
      if (put && size.bytes > MAX_ITEM_BYTES)
        throw new DynoValidationError(
          where,
          `item of ${size.bytes} bytes is over DynamoDB's 400 KB (${MAX_ITEM_BYTES} bytes) item limit`,
        );
      out.push({ table, request, wire: size.wire + 32, where });
    });
  }
  return out;
}

/** The key attribute names of each table: from options, from a delete request's key, or described. */
async function keyNames(
  ctx: OperationContext<"BatchWriteItem">,
  input: BatchWriteItemCommandInput,
  options: BatchWriteOptions,
): Promise<Map<string, readonly string[]>> {
  const names = new Map<string, readonly string[]>();
  await Promise.all(
    Object.entries(input.RequestItems ?? {}).map(async ([table, requests]) => {
      const given =
        options.keySchema && Object.hasOwn(options.keySchema, table)
          ? options.keySchema[table]
          : undefined;
      if (given) return void names.set(table, given);
      const deletion = requests.find((r) => r.DeleteRequest?.Key)?.DeleteRequest?.Key;
      if (deletion) return void names.set(table, Object.keys(deletion).sort());
      const schema = await keySchemaOf(ctx.client, table, () => {
        countPart(ctx);
        return sendRequest(ctx, "DescribeTable", { TableName: table });
      });
      names.set(table, schema);
    }),
  );
  return names;
}

/** The input of the same shape holding `units` (in the caller's order). */
function inputOf(
  input: BatchWriteItemCommandInput,
  units: readonly WriteUnit[],
): BatchWriteItemCommandInput {
  const RequestItems: Record<string, WriteRequest[]> = {};
  for (const unit of [...units].sort((a, b) => a.order - b.order))
    ownEntry(RequestItems, unit.table, () => []).push(unit.request);
  return { ...input, RequestItems };
}

/** The final handler of `batchWriteItemAll`. */
export function batchWriteHandler(options: BatchWriteOptions): Handler<"BatchWriteItem"> {
  return async (ctx) => {
    const input = ctx.input;
    const checked = checkRequests(input);
    // Cancelled while reading key schemas: nothing was written.
    const early = () => {
      const reason = ctx.signal.reason as { done?: unknown; unprocessed?: unknown } | undefined;
      if (reason && typeof reason === "object") {
        reason.done = { ...input, RequestItems: {} };
        reason.unprocessed = input;
      }
    };
    ctx.signal.addEventListener("abort", early, { once: true });
    let names: Map<string, readonly string[]>;
    try {
      names = await keyNames(ctx, input, options);
    } finally {
      ctx.signal.removeEventListener("abort", early);
    }
    throwIfAborted(ctx.signal);
    const seen = new Map<string, number>();
    const units: WriteUnit[] = checked.map(({ table, request, wire, where }, order) => {
      const item = (request.PutRequest?.Item ?? request.DeleteRequest?.Key) as ItemMap;
      const key = keyString(item, names.get(table)!, where);
      const id = `${table}\u0001${key}`;
      const generation = seen.get(id) ?? 0;
      seen.set(id, generation + 1);
      return { order, table, key, request, wire, generation, attempts: 0, state: "pending" };
    });

    const onAbort = () => {
      const reason = ctx.signal.reason as { done?: unknown; unprocessed?: unknown } | undefined;
      if (reason && typeof reason === "object") {
        reason.done = inputOf(
          input,
          units.filter((u) => u.state === "done"),
        );
        reason.unprocessed = inputOf(
          input,
          units.filter((u) => u.state !== "done"),
        );
      }
    };
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    try {
      const capacity = new CapacityByTable();
      const metrics: Record<string, ItemCollectionMetrics[]> = {};
      let last: BatchWriteItemCommandOutput | undefined;
      let done = 0;
      const state = { pages: 0 };
      const send = async (chunkUnits: WriteUnit[], signal: AbortSignal) => {
        const byId = new Map<string, WriteUnit>();
        for (const unit of chunkUnits) byId.set(`${unit.table}\u0001${unit.key}`, unit);
        const output = await sendRequest(ctx, "BatchWriteItem", inputOf(input, chunkUnits), signal);
        last = output;
        capacity.add(output.ConsumedCapacity);
        for (const [table, list] of Object.entries(output.ItemCollectionMetrics ?? {}))
          ownEntry(metrics, table, () => []).push(...list);
        const leftover = unprocessedUnits(output.UnprocessedItems, chunkUnits, byId, names);
        done += chunkUnits.length - leftover.length;
        return leftover;
      };
      const generations = Math.max(0, ...seen.values());
      const failedKeys = new Set<string>();
      for (let generation = 0; generation < generations; generation++) {
        const ready: WriteUnit[] = [];
        for (const unit of units) {
          if (unit.generation !== generation) continue;
          // A later write of a key whose earlier write failed is not sent: it stays in order in `unprocessed`.
          if (failedKeys.has(`${unit.table}\u0001${unit.key}`)) unit.state = "failed";
          else ready.push(unit);
        }
        await runChunks(
          ctx,
          chunk(ready, MAX_WRITE_REQUESTS, MAX_REQUEST_BYTES - 65536, (u) => u.wire),
          send,
          batchSettings(options, units.length, () => done),
          state,
        );
        for (const unit of ready)
          if (unit.state === "failed") failedKeys.add(`${unit.table}\u0001${unit.key}`);
      }
      const failed = units.filter((u) => u.state !== "done");
      if (failed.length) {
        throw new BatchIncompleteError(
          `batchWriteItemAll: ${failed.length} of ${units.length} write requests were not processed after ${options.maxAttempts ?? 10} attempts`,
          inputOf(input, failed),
          {
            done: inputOf(
              input,
              units.filter((u) => u.state === "done"),
            ),
          },
        );
      }
      const out: BatchWriteItemCommandOutput = {
        $metadata: {
          ...(last?.$metadata ?? {}),
          attempts: ctx.meta.get(ATTEMPTS_META) as number | undefined,
        },
        UnprocessedItems: {},
      };
      const consumed = capacity.list();
      if (consumed) out.ConsumedCapacity = consumed;
      if (Object.keys(metrics).length) out.ItemCollectionMetrics = metrics;
      return out;
    } finally {
      ctx.signal.removeEventListener("abort", onAbort);
    }
  };
}

/** Maps an output's `UnprocessedItems` back to the units of the chunk. */
function unprocessedUnits(
  unprocessed: Record<string, WriteRequest[]> | undefined,
  chunkUnits: readonly WriteUnit[],
  byId: ReadonlyMap<string, WriteUnit>,
  names: ReadonlyMap<string, readonly string[]>,
): WriteUnit[] {
  if (!unprocessed) return [];
  const leftover = new Set<WriteUnit>();
  for (const [table, requests] of Object.entries(unprocessed)) {
    for (const request of requests) {
      const item = (request.PutRequest?.Item ?? request.DeleteRequest?.Key) as ItemMap | undefined;
      let unit: WriteUnit | undefined;
      try {
        unit = item
          ? byId.get(`${table}\u0001${keyString(item, names.get(table) ?? [], "")}`)
          : undefined;
      } catch {
        unit = undefined;
      }
      if (unit) leftover.add(unit);
      // Not matched (should not happen): re-send every request of that table in the chunk; a put or delete is idempotent.
      else for (const u of chunkUnits) if (u.table === table) leftover.add(u);
    }
  }
  return [...leftover];
}
