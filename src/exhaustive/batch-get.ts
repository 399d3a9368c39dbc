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
import { keyIdentity, tableKeyIdentity, tryKeyIdentity } from "../encoding/identity.js";
import { BatchIncompleteError, DynoValidationError } from "../errors.js";
import type { Handler } from "../operation/middleware.js";
import { ATTEMPTS_META, sendRequest } from "../operation/send.js";
import { ownOrSet, ownValue, setOwn } from "../own.js";
import {
  batchSettings,
  chunk,
  runChunks,
  withProgress,
  type BatchRunState,
  type Unit,
} from "./batch-run.js";
import { answerError, checkBatchGet } from "./answers.js";
import { CapacityByTable } from "./capacity.js";
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
    const entry = ownOrSet(RequestItems, unit.table, () => ({
      ...ownValue(input.RequestItems!, unit.table),
      Keys: [],
    }));
    entry.Keys!.push(unit.keyMap);
  }
  return { ...input, RequestItems };
}

/**
 * The units of `chunkUnits` that an output left unprocessed, matched by key identity. A key that
 * matches none (a server or middleware that answered with a key it was not asked for) makes
 * every unit of its table in the chunk unprocessed, and the items of that table in the output
 * are not taken (`distrusted`): the table's part is read again rather than any key being
 * counted as read on a guess.
 */
function unprocessedUnits(
  output: BatchGetItemCommandOutput,
  chunkUnits: readonly GetUnit[],
): { leftover: GetUnit[]; distrusted: Set<string> } {
  const inChunk = new Map<string, GetUnit>();
  for (const unit of chunkUnits) inChunk.set(tableKeyIdentity(unit.table, unit.key), unit);
  const leftover = new Set<GetUnit>();
  const distrusted = new Set<string>();
  for (const [table, entry] of Object.entries(output.UnprocessedKeys ?? {})) {
    for (const keyMap of entry?.Keys ?? []) {
      const id = tryKeyIdentity(keyMap);
      const unit = id === undefined ? undefined : inChunk.get(tableKeyIdentity(table, id));
      if (unit) leftover.add(unit);
      else distrusted.add(table);
    }
  }
  for (const unit of chunkUnits) if (distrusted.has(unit.table)) leftover.add(unit);
  return { leftover: [...leftover], distrusted };
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
    const byId = new Set<string>();
    for (const [table, entry] of Object.entries(requestItems)) {
      if (!entry || !Array.isArray(entry.Keys))
        throw new DynoValidationError(`RequestItems.${table}.Keys`, "expected an array of keys");
      setOwn(responses, table, []);
      entry.Keys.forEach((keyMap, index) => {
        const where = `RequestItems.${table}.Keys[${index}]`;
        if (!keyMap || typeof keyMap !== "object" || Object.keys(keyMap).length === 0)
          throw new DynoValidationError(where, "expected a key (attribute name → value)");
        const key = keyIdentity(keyMap, undefined, where);
        const id = tableKeyIdentity(table, key);
        if (byId.has(id)) return; // the same key (in any notation) is read once
        byId.add(id);
        units.push({ order: units.length, table, key, keyMap, attempts: 0, state: "pending" });
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
    const state: BatchRunState = { pages: 0 };
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
        const request = inputOf(input, chunkUnits);
        const tables = Object.keys(request.RequestItems!);
        const where = `a BatchGetItem request of ${chunkUnits.length} keys`;
        const output = await sendRequest(ctx, "BatchGetItem", request, signal).catch((error) => {
          throw answerError(error, "BatchGetItem", tables, where);
        });
        if (!output || typeof output !== "object" || Array.isArray(output))
          checkBatchGet(tables, where, output, () => false);
        const { leftover, distrusted } = unprocessedUnits(output, chunkUnits);
        const left = new Set(leftover);
        checkBatchGet(tables, where, output, (table) =>
          chunkUnits.every((u) => u.table !== table || left.has(u)),
        );
        last = output;
        capacity.add(output.ConsumedCapacity);
        for (const [table, items] of Object.entries(output.Responses ?? {})) {
          if (distrusted.has(table)) continue;
          const into = ownOrSet(responses, table, () => []);
          for (const item of items) into.push(item);
        }
        done += chunkUnits.length - leftover.length;
        return leftover;
      };
      await runChunks(
        ctx,
        chunk(units, MAX_GET_KEYS, MAX_REQUEST_BYTES, () => 1),
        send,
        batchSettings(options, units.length, () => done),
        state,
      );
      const failed = units.filter((u) => u.state !== "done");
      if (failed.length) {
        throw new BatchIncompleteError(
          `batchGetItemAll: ${failed.length} of ${units.length} keys were not read after ${options.maxAttempts ?? 10} attempts`,
          inputOf(input, failed),
          {
            done: outputSoFar(),
            ...(state.lastError === undefined ? {} : { cause: state.lastError }),
          },
        );
      }
      return outputSoFar();
    } catch (error) {
      throw withProgress(error, outputSoFar, () =>
        inputOf(
          input,
          units.filter((u) => u.state !== "done"),
        ),
      );
    } finally {
      ctx.signal.removeEventListener("abort", onAbort);
    }
  };
}
