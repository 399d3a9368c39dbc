/**
 * `batchGetItemAll`: any number of keys over any number of tables, read with BatchGetItem
 * requests of at most 100 keys, unprocessed keys re-sent with backoff. A key given twice is read
 * once (DynamoDB refuses duplicates in one request). DynamoDB's 16 MB limit is on the response
 * (it answers the rest as unprocessed, which is retried); 100 keys are far below it in a request.
 * @module
 */
import type {
  AttributeValue,
  BatchGetItemCommandInput,
  BatchGetItemCommandOutput,
  KeysAndAttributes,
} from "@aws-sdk/client-dynamodb";
import { BatchIncompleteError, DynoValidationError } from "../errors.js";
import type { Handler } from "../operation/middleware.js";
import { ATTEMPTS_META, sendRequest } from "../operation/send.js";
import { batchSettings, chunk, runChunks, type Unit } from "./batch-run.js";
import { CapacityByTable } from "./capacity.js";
import { ownEntry, wholeKeyString } from "./keys.js";
import type { BatchOptions } from "./options.js";
import { MAX_REQUEST_BYTES } from "./size.js";

/** Keys per BatchGetItem (DynamoDB's limit). */
export const MAX_GET_KEYS = 100;

type ItemMap = Record<string, AttributeValue>;

interface GetUnit extends Unit {
  readonly keyMap: ItemMap;
}

function inputOf(
  input: BatchGetItemCommandInput,
  units: readonly GetUnit[],
): BatchGetItemCommandInput {
  const RequestItems: Record<string, KeysAndAttributes> = {};
  for (const unit of [...units].sort((a, b) => a.order - b.order)) {
    const entry = ownEntry(RequestItems, unit.table, () => ({
      ...input.RequestItems![unit.table],
      Keys: [],
    }));
    entry.Keys!.push(unit.keyMap);
  }
  return { ...input, RequestItems };
}

/** The final handler of `batchGetItemAll`. */
export function batchGetHandler(options: BatchOptions): Handler<"BatchGetItem"> {
  return async (ctx) => {
    const input = ctx.input;
    const requestItems = input?.RequestItems;
    if (!requestItems || typeof requestItems !== "object" || Array.isArray(requestItems))
      throw new DynoValidationError("RequestItems", "expected { [table]: { Keys: [...] } }");
    const units: GetUnit[] = [];
    const responses: Record<string, ItemMap[]> = {};
    const byId = new Map<string, GetUnit>();
    for (const [table, entry] of Object.entries(requestItems)) {
      if (!entry || !Array.isArray(entry.Keys))
        throw new DynoValidationError(`RequestItems.${table}.Keys`, "expected an array of keys");
      ownEntry(responses, table, () => []);
      entry.Keys.forEach((keyMap, index) => {
        const where = `RequestItems.${table}.Keys[${index}]`;
        if (!keyMap || typeof keyMap !== "object" || Object.keys(keyMap).length === 0)
          throw new DynoValidationError(where, "expected a key (attribute name → value)");
        const key = wholeKeyString(keyMap, where);
        const id = `${table}\u0001${key}`;
        if (byId.has(id)) return; // read once
        const unit: GetUnit = {
          order: units.length,
          table,
          key,
          keyMap,
          attempts: 0,
          state: "pending",
        };
        units.push(unit);
        byId.set(id, unit);
      });
    }
    const outputSoFar = (): BatchGetItemCommandOutput => {
      const out: BatchGetItemCommandOutput = {
        $metadata: {
          ...(last?.$metadata ?? {}),
          attempts: ctx.meta.get(ATTEMPTS_META) as number | undefined,
        },
        Responses: responses,
        UnprocessedKeys: {},
      };
      const consumed = capacity.list();
      if (consumed) out.ConsumedCapacity = consumed;
      return out;
    };
    const capacity = new CapacityByTable();
    let last: BatchGetItemCommandOutput | undefined;
    let done = 0;
    const onAbort = () => {
      const reason = ctx.signal.reason as { done?: unknown; unprocessed?: unknown } | undefined;
      if (reason && typeof reason === "object") {
        reason.done = outputSoFar();
        reason.unprocessed = inputOf(
          input,
          units.filter((u) => u.state !== "done"),
        );
      }
    };
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    try {
      const send = async (chunkUnits: GetUnit[], signal: AbortSignal) => {
        const output = await sendRequest(ctx, "BatchGetItem", inputOf(input, chunkUnits), signal);
        last = output;
        capacity.add(output.ConsumedCapacity);
        for (const [table, items] of Object.entries(output.Responses ?? {}))
          for (const item of items) ownEntry(responses, table, () => []).push(item);
        const leftover: GetUnit[] = [];
        for (const [table, entry] of Object.entries(output.UnprocessedKeys ?? {})) {
          for (const keyMap of entry.Keys ?? []) {
            const unit = byId.get(
              `${table}\u0001${wholeKeyString(keyMap, `UnprocessedKeys.${table}`)}`,
            );
            if (unit) leftover.push(unit);
          }
        }
        done += chunkUnits.length - leftover.length;
        return leftover;
      };
      await runChunks(
        ctx,
        chunk(units, MAX_GET_KEYS, MAX_REQUEST_BYTES, () => 1),
        send,
        batchSettings(options, units.length, () => done),
        { pages: 0 },
      );
      const failed = units.filter((u) => u.state !== "done");
      if (failed.length) {
        throw new BatchIncompleteError(
          `batchGetItemAll: ${failed.length} of ${units.length} keys were not read after ${options.maxAttempts ?? 10} attempts`,
          inputOf(input, failed),
          { done: outputSoFar() },
        );
      }
      return outputSoFar();
    } finally {
      ctx.signal.removeEventListener("abort", onAbort);
    }
  };
}
