/**
 * `dyno.batchWrite`: any number of puts and deletes over any models and tables, written with
 * `batchWriteItemAll` (requests of 25, unprocessed items retried with backoff until done, one
 * key written twice split across requests in the caller's order so the later one wins).
 * @module
 */
import type { BatchWriteItemCommandOutput, WriteRequest } from "@aws-sdk/client-dynamodb";
import { DynoValidationError } from "../errors.js";
import type { BatchOptions } from "../exhaustive/options.js";
import type { Dyno } from "../session.js";
import { collect, requireModel } from "./across.js";
import { BATCH_OPTIONS } from "./batch-get.js";
import type { AnyModel, DeletePlan, ModelItem, ModelKey, PutPlan } from "./model.js";
import { checkOptions } from "./options.js";

/** One write, with the model it is on. */
export interface WriteEntry {
  readonly model: AnyModel;
  readonly plan: PutPlan | DeletePlan;
  /** Where it stands in the caller's input (`writes[3]`), for errors. */
  readonly at: string;
}

/**
 * Refuses what an untyped caller passes after the item or key (`{ condition }`, `{ version }`):
 * BatchWriteItem carries no condition, and a dropped one would write what it should not.
 */
function refuseOptions(extra: readonly unknown[], at: string): void {
  if (extra.length === 0) return;
  throw new DynoValidationError(
    `${at}.options`,
    "a batch write takes no options: BatchWriteItem cannot carry a condition or a version check (use dyno.transact for conditioned writes)",
  );
}

/** The writes of one batch (the `b` of `dyno.batchWrite((b) => ...)`), on any models. */
export class BatchWriter {
  readonly #entries: WriteEntry[] = [];
  #closed = false;

  /** Puts `item` (replacing any item with its key; a batch write takes no condition). */
  put<M extends AnyModel>(model: M, item: ModelItem<M>, ...options: []): this {
    const [m, at] = this.#next(model);
    refuseOptions(options, at);
    return this.#add({ model: m, plan: m.putPlan(item, { batch: true }, at), at });
  }

  /** Deletes the item at `key` (no condition). */
  delete<M extends AnyModel>(model: M, key: ModelKey<M>, ...options: []): this {
    const [m, at] = this.#next(model);
    refuseOptions(options, at);
    return this.#add({ model: m, plan: m.deletePlan(key, {}, at), at });
  }

  /** @internal */
  get entries(): readonly WriteEntry[] {
    return this.#entries;
  }

  /** @internal */
  close(): void {
    this.#closed = true;
  }

  #next(model: unknown): [AnyModel, string] {
    const at = `writes[${this.#entries.length}]`;
    if (this.#closed) {
      throw new DynoValidationError(
        at,
        "the batch was already sent: add every write before the function returns (await inside it)",
      );
    }
    return [requireModel(model, `${at}.model`), at];
  }

  #add(entry: WriteEntry): this {
    this.#entries.push(entry);
    return this;
  }
}

/**
 * Writes every entry (one `batchWriteItemAll`): requests grouped by table in the caller's order,
 * each table's key declared from its models (so duplicates and unprocessed items are matched exactly).
 * @throws DynoValidationError when a model gave a conditional write (a batch cannot carry one)
 *   or two models of one table disagree on its key.
 */
export async function writeEntries(
  dyno: Pick<Dyno, "batchWriteItemAll">,
  entries: readonly WriteEntry[],
  options: BatchOptions,
): Promise<BatchWriteItemCommandOutput | undefined> {
  if (entries.length === 0) return undefined;
  // Maps, then Object.fromEntries: a table may be called "__proto__" or "constructor".
  const requests = new Map<string, WriteRequest[]>();
  const keySchema = new Map<string, readonly string[]>();
  for (const { model, plan, at } of entries) {
    if (plan.conditions.length > 0 || plan.version) {
      throw new DynoValidationError(
        at,
        `${model.name}: a batch write cannot carry a condition (or a version check); use transact or a single write`,
      );
    }
    const names = keySchema.get(plan.table);
    if (names && names.join("\u0000") !== model.keyAttributes.join("\u0000")) {
      throw new DynoValidationError(
        `${at}.model`,
        `models of table ${plan.table} disagree on its key (${names.join(", ")} / ${model.keyAttributes.join(", ")})`,
      );
    }
    keySchema.set(plan.table, model.keyAttributes);
    let list = requests.get(plan.table);
    if (!list) requests.set(plan.table, (list = []));
    list.push(
      plan.kind === "Put"
        ? { PutRequest: { Item: plan.item } }
        : { DeleteRequest: { Key: plan.key } },
    );
  }
  return dyno.batchWriteItemAll(
    { RequestItems: Object.fromEntries(requests) },
    { ...options, keySchema: Object.fromEntries(keySchema) },
  );
}

/**
 * Writes puts and deletes of any models: `dyno.batchWrite((b) => { b.put(Users, u); b.delete(Orders, k); })`.
 * Resolves once every write is done (the `batchWriteItemAll` output, or `undefined` for no write);
 * a write that could not be done after the retries rejects with `BatchIncompleteError` holding
 * exactly what was left.
 */
export async function batchWrite(
  dyno: Dyno,
  fn: (b: BatchWriter) => unknown,
  options: BatchOptions = {},
): Promise<BatchWriteItemCommandOutput | undefined> {
  checkOptions(options, BATCH_OPTIONS, "batchWrite");
  const b = new BatchWriter();
  await collect(b, fn, "batchWrite");
  return writeEntries(dyno, b.entries, options);
}

/**
 * A model's own `batchDelete(keys, options)` (tables and entities alike): every key deleted,
 * unprocessed ones retried.
 * @throws DynoValidationError: not an array, a bad key (`keys[i].<prop>`).
 */
export async function modelBatchDelete(
  dyno: Pick<Dyno, "batchWriteItemAll">,
  model: AnyModel,
  keys: readonly unknown[],
  options: BatchOptions,
): Promise<void> {
  if (!Array.isArray(keys)) throw new DynoValidationError("keys", "expected an array of keys");
  const entries = keys.map((k, i) => {
    const at = `keys[${i}]`;
    return { model, plan: model.deletePlan(k as never, {}, at), at };
  });
  await writeEntries(dyno, entries, options);
}
