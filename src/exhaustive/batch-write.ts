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
import { BatchIncompleteError, DynoResponseError, DynoValidationError } from "../errors.js";
import type { Handler, OperationContext } from "../operation/middleware.js";
import { ATTEMPTS_META, sendRequest } from "../operation/send.js";
import { keyIdentity, tableKeyIdentity, tryKeyIdentity } from "../encoding/identity.js";
import { ownOrSet, ownValue } from "../own.js";
import {
  batchSettings,
  chunk,
  runChunks,
  withProgress,
  type BatchRunSettings,
  type BatchRunState,
  type Unit,
} from "./batch-run.js";
import { answerError, checkBatchWrite, isUnreadableAnswer } from "./answers.js";
import { CapacityByTable } from "./capacity.js";
import { forgetKeySchema, keySchemaOf } from "./keys.js";
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

/** Where a table's key attribute names came from: only a described (cached) schema can be stale. */
type NamesSource = "option" | "delete" | "described";

/** The key attribute names of each table: from options, from a delete request's key, or described. */
async function keyNames(
  ctx: OperationContext<"BatchWriteItem">,
  input: BatchWriteItemCommandInput,
  options: BatchWriteOptions,
): Promise<Map<string, { names: readonly string[]; source: NamesSource }>> {
  const names = new Map<string, { names: readonly string[]; source: NamesSource }>();
  await Promise.all(
    Object.entries(input.RequestItems ?? {}).map(async ([table, requests]) => {
      const given = options.keySchema ? ownValue(options.keySchema, table) : undefined;
      if (given) return void names.set(table, { names: given, source: "option" });
      const deletion = requests.find((r) => r.DeleteRequest?.Key)?.DeleteRequest?.Key;
      if (deletion)
        return void names.set(table, { names: Object.keys(deletion).sort(), source: "delete" });
      const schema = await keySchemaOf(ctx.client, table, () => {
        countPart(ctx);
        return sendRequest(ctx, "DescribeTable", { TableName: table });
      });
      names.set(table, { names: schema, source: "described" });
    }),
  );
  return names;
}

/**
 * A `keySchema` option is trusted until DynamoDB refuses a request over keys; then each given
 * table is described once, and a given key that is not the table's ends the run with an error
 * naming the option (else two writes of one item, planned as two keys, end in DynamoDB's bare
 * "contains duplicates").
 * @throws DynoValidationError naming `keySchema.<table>`, with DynamoDB's refusal as its cause.
 */
async function refuseWrongGivenKeys(
  ctx: OperationContext<"BatchWriteItem">,
  names: ReadonlyMap<string, { names: readonly string[]; source: NamesSource }>,
  refusal: unknown,
): Promise<void> {
  for (const [table, given] of names) {
    if (given.source !== "option") continue;
    let actual: readonly string[];
    try {
      actual = await keySchemaOf(ctx.client, table, () => {
        countPart(ctx);
        return sendRequest(ctx, "DescribeTable", { TableName: table });
      });
    } catch {
      return; // cannot tell: DynamoDB's own refusal stands
    }
    const sorted = (list: readonly string[]) => JSON.stringify([...list].sort());
    if (sorted(actual) !== sorted(given.names)) {
      throw new DynoValidationError(
        `keySchema.${table}`,
        `the option names ${JSON.stringify(given.names)}, but table ${table}'s key is ${JSON.stringify(actual)}; DynamoDB refused a request: ${(refusal as Error)?.message}`,
        { cause: refusal },
      );
    }
  }
}

/** DynamoDB's answer when a request's keys do not fit the table's key schema (or collide under it). */
function isKeySchemaError(error: unknown): boolean {
  const e = error as { name?: string; message?: string } | null;
  return e?.name === "ValidationException" && /key/i.test(e.message ?? "");
}

/** The input of the same shape holding `units` (in the caller's order). */
function inputOf(
  input: BatchWriteItemCommandInput,
  units: readonly WriteUnit[],
): BatchWriteItemCommandInput {
  const RequestItems: Record<string, WriteRequest[]> = {};
  for (const unit of [...units].sort((a, b) => a.order - b.order))
    ownOrSet(RequestItems, unit.table, () => []).push(unit.request);
  return { ...input, RequestItems };
}

interface Checked {
  readonly table: string;
  readonly request: WriteRequest;
  readonly wire: number;
  readonly where: string;
  readonly order: number;
}

/**
 * The units of `requests` under the tables' key names: each keyed by its key identity, and
 * numbered by generation (how many earlier requests of the list have the same table and key).
 */
function unitsOf(
  requests: readonly Checked[],
  names: ReadonlyMap<string, { names: readonly string[] }>,
): WriteUnit[] {
  const seen = new Map<string, number>();
  return requests.map(({ table, request, wire, where, order }) => {
    const item = (request.PutRequest?.Item ?? request.DeleteRequest?.Key) as ItemMap;
    const key = keyIdentity(item, names.get(table)!.names, where);
    const id = tableKeyIdentity(table, key);
    const generation = seen.get(id) ?? 0;
    seen.set(id, generation + 1);
    return { order, table, key, request, wire, generation, attempts: 0, state: "pending" };
  });
}

/** The final handler of `batchWriteItemAll`. */
export function batchWriteHandler(options: BatchWriteOptions): Handler<"BatchWriteItem"> {
  return async (ctx) => {
    const input = ctx.input;
    const checked = checkRequests(input).map((c, order) => ({ ...c, order }));
    let units: WriteUnit[] = [];
    /** Units whose request was sent and answered unreadably: may or may not be written. */
    const uncertain = new Set<WriteUnit>();
    const doneSoFar = () =>
      inputOf(
        input,
        units.filter((u) => u.state === "done"),
      );
    // Before the units exist (key schemas being read) nothing was written: all is unprocessed.
    const leftSoFar = () =>
      units.length === 0
        ? input
        : inputOf(
            input,
            units.filter((u) => u.state !== "done"),
          );
    const onAbort = () => {
      const reason = ctx.signal.reason as { done?: unknown; unprocessed?: unknown } | undefined;
      if (reason && typeof reason === "object") {
        reason.done = doneSoFar();
        reason.unprocessed = leftSoFar();
      }
    };
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    const capacity = new CapacityByTable();
    const metrics: Record<string, ItemCollectionMetrics[]> = {};
    const state: BatchRunState = { pages: 0 };
    let last: BatchWriteItemCommandOutput | undefined;
    let done = 0;
    try {
      let names = await keyNames(ctx, input, options);
      // A described schema is cached per client; the table may have been re-created since.
      const stale = () => [...names].filter(([, n]) => n.source === "described").map(([t]) => t);
      let redescribed = false;
      const describeAgain = async (): Promise<boolean> => {
        const tables = stale();
        if (redescribed || tables.length === 0) return false;
        redescribed = true;
        const before = new Map(tables.map((t) => [t, names.get(t)!.names.join("\u0000")]));
        for (const table of tables) forgetKeySchema(ctx.client, table);
        names = await keyNames(ctx, input, options);
        return tables.some((t) => names.get(t)!.names.join("\u0000") !== before.get(t));
      };
      try {
        units = unitsOf(checked, names);
      } catch (error) {
        if (!(error instanceof DynoValidationError) || !(await describeAgain())) throw error;
        units = unitsOf(checked, names);
      }
      throwIfAborted(ctx.signal);

      const send = async (chunkUnits: WriteUnit[], signal: AbortSignal) => {
        const request = inputOf(input, chunkUnits);
        const tables = Object.keys(request.RequestItems!);
        const where = `a BatchWriteItem request of ${chunkUnits.length} writes`;
        let output: BatchWriteItemCommandOutput;
        try {
          output = await sendRequest(ctx, "BatchWriteItem", request, signal);
          checkBatchWrite(tables, where, output);
        } catch (error) {
          // The request was sent and its answer cannot be read: its writes may have been made.
          if (isUnreadableAnswer(error) || error instanceof DynoResponseError)
            for (const unit of chunkUnits) uncertain.add(unit);
          throw answerError(error, "BatchWriteItem", tables, where);
        }
        last = output;
        capacity.add(output.ConsumedCapacity);
        for (const [table, list] of Object.entries(output.ItemCollectionMetrics ?? {}))
          ownOrSet(metrics, table, () => []).push(...list);
        const leftover = unprocessedUnits(output.UnprocessedItems, chunkUnits, names);
        done += chunkUnits.length - leftover.length;
        return leftover;
      };
      const settings = batchSettings(options, checked.length, () => done);
      try {
        await writeInOrder(ctx, units, send, settings, state);
      } catch (error) {
        if (!isKeySchemaError(error) || ctx.signal.aborted) throw error;
        await refuseWrongGivenKeys(ctx, names, error);
        if (!(await describeAgain())) throw error;
        // The table's key changed: what was written stays written; the rest is planned again.
        const rest = units.filter((u) => u.state !== "done");
        const again = unitsOf(
          rest.map((u) => checked[u.order]),
          names,
        );
        units = [...units.filter((u) => u.state === "done"), ...again];
        await writeInOrder(ctx, again, send, settings, state);
      }
      const failed = units.filter((u) => u.state !== "done");
      if (failed.length) {
        throw new BatchIncompleteError(
          `batchWriteItemAll: ${failed.length} of ${units.length} write requests were not processed after ${options.maxAttempts ?? 10} attempts`,
          inputOf(input, failed),
          {
            done: doneSoFar(),
            ...(state.lastError === undefined ? {} : { cause: state.lastError }),
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
    } catch (error) {
      const ended = withProgress(error, doneSoFar, leftSoFar);
      if (
        uncertain.size &&
        typeof ended === "object" &&
        ended !== null &&
        Object.isExtensible(ended)
      )
        (ended as { uncertain?: unknown }).uncertain ??= inputOf(input, [...uncertain]);
      throw ended;
    } finally {
      ctx.signal.removeEventListener("abort", onAbort);
    }
  };
}

/**
 * Sends `units` generation by generation (a key's first write, then its second, ...), so that
 * duplicate keys land in the caller's order. A later write of a key whose earlier write failed
 * is not sent: it stays, in order, among the unprocessed.
 */
async function writeInOrder(
  ctx: OperationContext<"BatchWriteItem">,
  units: readonly WriteUnit[],
  send: (chunkUnits: WriteUnit[], signal: AbortSignal) => Promise<WriteUnit[]>,
  settings: BatchRunSettings,
  state: BatchRunState,
): Promise<void> {
  const generations = units.reduce((max, u) => Math.max(max, u.generation + 1), 0);
  const failedKeys = new Set<string>();
  for (let generation = 0; generation < generations; generation++) {
    const ready: WriteUnit[] = [];
    for (const unit of units) {
      if (unit.generation !== generation) continue;
      if (failedKeys.has(tableKeyIdentity(unit.table, unit.key))) unit.state = "failed";
      else ready.push(unit);
    }
    await runChunks(
      ctx,
      chunk(ready, MAX_WRITE_REQUESTS, MAX_REQUEST_BYTES - 65536, (u) => u.wire),
      send,
      settings,
      state,
    );
    for (const unit of ready)
      if (unit.state === "failed") failedKeys.add(tableKeyIdentity(unit.table, unit.key));
  }
}

/**
 * Maps an output's `UnprocessedItems` back to the units of the chunk, by key identity (DynamoDB
 * echoes numbers in its own notation). A request that matches none makes every request of its
 * table in the chunk unprocessed: re-sending a put or delete that was written leaves the same item.
 */
function unprocessedUnits(
  unprocessed: Record<string, WriteRequest[]> | undefined,
  chunkUnits: readonly WriteUnit[],
  names: ReadonlyMap<string, { names: readonly string[] }>,
): WriteUnit[] {
  if (!unprocessed) return [];
  const byId = new Map<string, WriteUnit>();
  for (const unit of chunkUnits) byId.set(tableKeyIdentity(unit.table, unit.key), unit);
  const leftover = new Set<WriteUnit>();
  for (const [table, requests] of Object.entries(unprocessed)) {
    for (const request of requests ?? []) {
      const item = (request?.PutRequest?.Item ?? request?.DeleteRequest?.Key) as
        ItemMap | undefined;
      const id = tryKeyIdentity(item, names.get(table)?.names);
      const unit = id === undefined ? undefined : byId.get(tableKeyIdentity(table, id));
      if (unit) leftover.add(unit);
      else for (const u of chunkUnits) if (u.table === table) leftover.add(u);
    }
  }
  return [...leftover];
}
