/**
 * `dyno.transact`: a TransactWriteItems over any models (tables and entities alike). Each
 * action is a model's plan (src/table/model.ts), rendered by `TransactWriteItemsBuilder`;
 * everything is checked before anything is sent: the models, keys and items, one item
 * addressed twice, 1 to 100 actions, the token.
 * @module
 */
import type {
  ReturnConsumedCapacity,
  ReturnItemCollectionMetrics,
  TransactWriteItemsCommandInput,
  TransactWriteItemsCommandOutput,
} from "@aws-sdk/client-dynamodb";
import { TransactWriteItemsBuilder } from "../builders/transact.js";
import { DynoValidationError } from "../errors.js";
import { cond } from "../expression/condition.js";
import type { Condition } from "../expression/types.js";
import type { Dyno } from "../session.js";
import { collect, itemId, refuseTwice, requireModel } from "./across.js";
import type { ConditionInput, Updates } from "./expressions.js";
import { noteCancellation } from "./failures.js";
import type { AnyModel, ModelItem, ModelKey, WritePlan } from "./model.js";
import { checkOptions } from "./options.js";

/** The most actions one transaction may hold (DynamoDB's limit). */
export const MAX_TRANSACTION_ACTIONS = 100;

/** Options of `dyno.transact`. */
export interface TransactOptions {
  /**
   * The idempotency token (`ClientRequestToken`, 1 to 36 characters): the same transaction sent
   * again with it within 10 minutes is not applied twice.
   */
  token?: string;
  /** `ReturnConsumedCapacity`. */
  returnConsumedCapacity?: ReturnConsumedCapacity;
  /** `ReturnItemCollectionMetrics`. */
  returnItemCollectionMetrics?: ReturnItemCollectionMetrics;
  /**
   * Every conditional action returns the item as it was when its condition fails, in
   * `transactionFailures(error)` (version-checked actions always do).
   */
  returnFailedItems?: boolean;
}

const OPTIONS: readonly (keyof TransactOptions)[] = [
  "token",
  "returnConsumedCapacity",
  "returnItemCollectionMetrics",
  "returnFailedItems",
];

/** Options of a transaction's `put`. */
export interface TransactPutOptions<T> {
  /** The put happens only if the stored item meets it. */
  condition?: ConditionInput<T>;
}

/** Options of a transaction's `update` and `delete`. */
export interface TransactWriteOptions<T> {
  /** The write happens only if the stored item meets it. */
  condition?: ConditionInput<T>;
  /** The version the stored item must have (models with a version property). */
  version?: number;
}

/** One action, and the model it is on. */
export interface TransactEntry {
  readonly model: AnyModel;
  readonly plan: WritePlan;
}

/**
 * The actions of one transaction (the `t` of `dyno.transact((t) => ...)`), on any models.
 * Each method checks its action at once, so a bad key or item throws where it is written.
 */
export class TransactWriter {
  readonly #entries: TransactEntry[] = [];
  readonly #seen = new Map<string, string>();
  #closed = false;

  /** Puts `item` (replacing any item with its key), if `condition` holds. */
  put<M extends AnyModel>(
    model: M,
    item: ModelItem<M>,
    options: TransactPutOptions<ModelItem<M>> = {},
  ): this {
    const [m, at] = this.#next(model);
    return this.#add(m, m.putPlan(item, planOptions(options, at), at), at);
  }

  /** Updates the item at `key` with `(u) => u.set(...)...` actions, if `condition` (and `version`) hold. */
  update<M extends AnyModel>(
    model: M,
    key: ModelKey<M>,
    actions: (u: Updates<ModelItem<M>>) => Updates<ModelItem<M>>,
    options: TransactWriteOptions<ModelItem<M>> = {},
  ): this {
    const [m, at] = this.#next(model);
    return this.#add(m, m.updatePlan(key, actions, planOptions(options, at), at), at);
  }

  /** Deletes the item at `key`, if `condition` (and `version`) hold. */
  delete<M extends AnyModel>(
    model: M,
    key: ModelKey<M>,
    options: TransactWriteOptions<ModelItem<M>> = {},
  ): this {
    const [m, at] = this.#next(model);
    return this.#add(m, m.deletePlan(key, planOptions(options, at), at), at);
  }

  /** Makes the transaction depend on `condition` holding for the item at `key`, without writing it. */
  check<M extends AnyModel>(
    model: M,
    key: ModelKey<M>,
    condition: ConditionInput<ModelItem<M>>,
  ): this {
    const [m, at] = this.#next(model);
    return this.#add(m, m.checkPlan(key, condition, at), at);
  }

  /** @internal The actions, in order. */
  get entries(): readonly TransactEntry[] {
    return this.#entries;
  }

  /** @internal No action can be added any more. */
  close(): void {
    this.#closed = true;
  }

  #next(model: unknown): [AnyModel, string] {
    const at = `actions[${this.#entries.length}]`;
    if (this.#closed) {
      throw new DynoValidationError(
        at,
        "the transaction was already sent: add every action before the function returns (await inside it)",
      );
    }
    return [requireModel(model, `${at}.model`), at];
  }

  #add(model: AnyModel, plan: WritePlan, at: string): this {
    refuseTwice(this.#seen, itemId(model, plan.key, `${at}.key`), at, "a transaction");
    this.#entries.push({ model, plan });
    return this;
  }
}

function planOptions<O extends object>(options: O, at: string): O {
  if (options === null || typeof options !== "object") {
    throw new DynoValidationError(`${at}.options`, "expected an options object");
  }
  return options;
}

const and = (conditions: readonly Condition[]): Condition | undefined =>
  conditions.length === 0
    ? undefined
    : conditions.length === 1
      ? conditions[0]
      : cond.and(...conditions);

/**
 * The TransactWriteItems input of `entries`: each plan rendered by the builder, the tables'
 * key schemas declared (so one item addressed twice is found exactly), version-checked
 * actions asking for the old item when they fail.
 * @throws DynoValidationError: no action, more than 100, a bad token.
 */
export function transactInput(
  entries: readonly TransactEntry[],
  options: TransactOptions,
): TransactWriteItemsCommandInput {
  if (entries.length === 0) {
    throw new DynoValidationError("actions", "a transaction needs at least one action");
  }
  if (entries.length > MAX_TRANSACTION_ACTIONS) {
    throw new DynoValidationError(
      "actions",
      `a transaction holds at most ${MAX_TRANSACTION_ACTIONS} actions, this one has ${entries.length}; nothing was sent (split it, or use batchWrite where all-or-nothing is not needed)`,
    );
  }
  const b = new TransactWriteItemsBuilder();
  const declared = new Set<string>();
  for (const { model, plan } of entries) {
    if (!declared.has(model.name)) {
      declared.add(model.name);
      const [pk, sk] = model.keyAttributes;
      b.keySchema(model.name, pk!, sk);
    }
    const condition = and(plan.conditions);
    switch (plan.kind) {
      case "Put":
        b.put(plan.table, plan.item, condition);
        break;
      case "Update":
        b.update(plan.table, plan.key, plan.actions, condition);
        break;
      case "Delete":
        b.delete(plan.table, plan.key, condition);
        break;
      case "ConditionCheck":
        b.conditionCheck(plan.table, plan.key, condition!);
        break;
    }
  }
  if (options.token !== undefined) {
    if (typeof options.token !== "string") {
      throw new DynoValidationError("token", "expected a string of 1 to 36 characters");
    }
    b.token(options.token);
  }
  if (options.returnConsumedCapacity) b.returnConsumedCapacity(options.returnConsumedCapacity);
  if (options.returnItemCollectionMetrics)
    b.returnItemCollectionMetrics(options.returnItemCollectionMetrics);
  const input = b.build();
  input.TransactItems = input.TransactItems!.map((item, i) => {
    const plan = entries[i]!.plan;
    const asks = plan.version || (options.returnFailedItems && plan.conditions.length > 0);
    if (!asks) return item;
    const [name, action] = Object.entries(item)[0]!;
    return { [name]: { ...action, ReturnValuesOnConditionCheckFailure: "ALL_OLD" } };
  });
  return input;
}

/**
 * Runs a transaction: `fn` adds the actions (`t.put`, `t.update`, `t.delete`, `t.check`), then
 * they are sent as one TransactWriteItems. A cancelled transaction rejects with the SDK's
 * `TransactionCanceledException`, untouched; `transactionFailures(error)` says which actions
 * failed and why.
 */
export async function transact(
  dyno: Dyno,
  fn: (t: TransactWriter) => unknown,
  options: TransactOptions = {},
): Promise<TransactWriteItemsCommandOutput> {
  checkOptions(options, OPTIONS, "transact");
  const t = new TransactWriter();
  await collect(t, fn, "transact");
  const input = transactInput(t.entries, options);
  try {
    return await dyno.transactWriteItems(input);
  } catch (e) {
    noteCancellation(e, t.entries);
    throw e;
  }
}
