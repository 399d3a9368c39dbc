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
  TransactWriteItem,
} from "@aws-sdk/client-dynamodb";
import {
  checkCondition,
  checkUpdateActions,
  mergeUpdate,
  withAttributes,
} from "../builders/expressions.js";
import { DynoValidationError } from "../errors.js";
import { cond } from "../expression/condition.js";
import type { Dyno } from "../session.js";
import { collect, itemId, refuseTwice, requireModel } from "./across.js";
import { keyAgnostic, type ConditionInput, type Updates } from "./expressions.js";
import type { KeyProps } from "./types.js";
import { noteCancellation } from "./failures.js";
import type { AnyModel, ModelItem, ModelKey, StoredItem, WritePlan } from "./model.js";
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

/** The names of {@link TransactPutOptions}: any other option is refused. */
export const TRANSACT_PUT_OPTIONS: readonly (keyof TransactPutOptions<unknown>)[] = ["condition"];

/** Options of a transaction's `update` and `delete`. */
export interface TransactWriteOptions<T> {
  /** The write happens only if the stored item meets it. */
  condition?: ConditionInput<T>;
  /** The version the stored item must have (models with a version property). */
  version?: number;
}

/** The names of {@link TransactWriteOptions}: any other option is refused. */
export const TRANSACT_WRITE_OPTIONS: readonly (keyof TransactWriteOptions<unknown>)[] = [
  "condition",
  "version",
];

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
    return this.#add(m, m.putPlan(item, planOptions(options, TRANSACT_PUT_OPTIONS, at), at), at);
  }

  /** Updates the item at `key` with `(u) => u.set(...)...` actions, if `condition` (and `version`) hold. */
  update<M extends AnyModel>(
    model: M,
    key: ModelKey<M>,
    actions: (
      u: Updates<ModelItem<M>, KeyProps<ModelKey<M>>>,
    ) => Updates<ModelItem<M>, KeyProps<ModelKey<M>>>,
    options: TransactWriteOptions<ModelItem<M>> = {},
  ): this {
    const [m, at] = this.#next(model);
    return this.#add(
      m,
      m.updatePlan(key, keyAgnostic(actions), planOptions(options, TRANSACT_WRITE_OPTIONS, at), at),
      at,
    );
  }

  /** Deletes the item at `key`, if `condition` (and `version`) hold. */
  delete<M extends AnyModel>(
    model: M,
    key: ModelKey<M>,
    options: TransactWriteOptions<ModelItem<M>> = {},
  ): this {
    const [m, at] = this.#next(model);
    return this.#add(
      m,
      m.deletePlan(key, planOptions(options, TRANSACT_WRITE_OPTIONS, at), at),
      at,
    );
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

function planOptions<O extends object>(options: O, known: readonly string[], at: string): O {
  checkOptions(options, known, at);
  return options;
}

/** The transaction item of one plan, its expressions rendered with the action's own placeholders. */
function renderAction(plan: WritePlan, asksOld: boolean): TransactWriteItem {
  const conditions = plan.conditions;
  for (let i = 0; i < conditions.length; i++)
    checkCondition(conditions[i], `${plan.kind}.ConditionExpression`);
  const condition = conditions.length <= 1 ? conditions[0] : cond.and(...conditions);
  const action: TransactAction =
    plan.kind === "Put"
      ? { TableName: plan.table, Item: plan.item }
      : { TableName: plan.table, Key: plan.key };
  const actions =
    plan.kind === "Update" ? checkUpdateActions(plan.actions, "Update.UpdateExpression") : [];
  if (plan.kind === "Update" && actions.length === 0) {
    throw new DynoValidationError("Update.UpdateExpression", "an update needs at least one action");
  }
  if (plan.kind === "ConditionCheck" && condition === undefined) {
    throw new DynoValidationError(
      "ConditionCheck.ConditionExpression",
      "a condition check needs a condition",
    );
  }
  if (condition !== undefined || actions.length > 0) {
    withAttributes(action, (ctx) => {
      if (actions.length > 0) action.UpdateExpression = mergeUpdate(undefined, actions, ctx);
      if (condition !== undefined) action.ConditionExpression = condition.render(ctx);
    });
  }
  if (asksOld) action.ReturnValuesOnConditionCheckFailure = "ALL_OLD";
  return { [plan.kind]: action } as TransactWriteItem;
}

/** The members of a transaction action that {@link renderAction} fills in. */
interface TransactAction {
  TableName: string;
  Item?: StoredItem;
  Key?: StoredItem;
  UpdateExpression?: string;
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: StoredItem;
  ReturnValuesOnConditionCheckFailure?: "ALL_OLD";
}

/**
 * The TransactWriteItems input of `entries`: each plan rendered on its own (the plans are
 * fresh and already checked against their models, and one item addressed twice was refused
 * as each action was added, so no builder copies or re-checks them), version-checked actions
 * asking for the old item when they fail.
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
  const items = new Array<TransactWriteItem>(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const plan = entries[i]!.plan;
    const asks =
      plan.version !== undefined ||
      (options.returnFailedItems === true && plan.conditions.length > 0);
    items[i] = renderAction(plan, asks);
  }
  const input: TransactWriteItemsCommandInput = { TransactItems: items };
  if (options.token !== undefined) {
    const token = options.token as unknown;
    if (typeof token !== "string" || token.length < 1 || token.length > 36) {
      throw new DynoValidationError(
        "token",
        `expected a string of 1 to 36 characters, got ${typeof token === "string" ? `${token.length} characters` : typeof token}`,
      );
    }
    input.ClientRequestToken = token;
  }
  if (options.returnConsumedCapacity) input.ReturnConsumedCapacity = options.returnConsumedCapacity;
  if (options.returnItemCollectionMetrics)
    input.ReturnItemCollectionMetrics = options.returnItemCollectionMetrics;
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
