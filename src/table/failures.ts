/**
 * Why a transaction was cancelled, action by action. DynamoDB's `TransactionCanceledException`
 * passes through untouched (API.md section 10); its `CancellationReasons` are positional, so
 * `dyno.transact` and `dyno.transactGet` remember, per error, which model and key each position
 * was, and {@link transactionFailures} hands that back.
 * @module
 */
import type { CancellationReason } from "@aws-sdk/client-dynamodb";
import type { VersionConflictError } from "../errors.js";
import { versionConflict } from "./conflict.js";
import type { AnyModel, GetPlan, StoredItem, WritePlan } from "./model.js";

/** One action of a cancelled transaction that DynamoDB gave a reason for. */
export interface TransactionFailure {
  /** Its position: `TransactItems[index]`, the `index`-th action added (`actions[index]` in errors). */
  readonly index: number;
  /** What the action was. */
  readonly action: "Put" | "Update" | "Delete" | "ConditionCheck" | "Get";
  /** The model it was on. */
  readonly model: AnyModel;
  /** The DynamoDB table. */
  readonly table: string;
  /** The item's key, as the model's users write it. */
  readonly key: unknown;
  /**
   * DynamoDB's reason code: `ConditionalCheckFailed`, `TransactionConflict` (another request
   * was working on the item), `ItemCollectionSizeLimitExceeded`, `ThrottlingError`,
   * `ProvisionedThroughputExceeded`, `ValidationError`...
   */
  readonly code: string;
  /** DynamoDB's message, when it gave one. */
  readonly message?: string;
  /**
   * The item as it was, decoded by the model, when DynamoDB returned it (a version-checked
   * action, or any conditional one with `returnFailedItems`) and the model shows it.
   */
  readonly item?: unknown;
  /** The same, as stored. */
  readonly storedItem?: StoredItem;
  /** Set when the action was version-checked and the stored version is what failed it. */
  readonly versionConflict?: VersionConflictError;
}

/** An action as the failure report needs it. */
export interface SentAction {
  readonly model: AnyModel;
  readonly plan: WritePlan | GetPlan<unknown>;
}

const reports = new WeakMap<object, readonly TransactionFailure[]>();

function decoded(model: AnyModel, item: StoredItem): unknown {
  try {
    return model.ownsItem(item) ? model.decodeItem(item) : undefined;
  } catch {
    return undefined; // an item that does not fit the schema is still there, as storedItem
  }
}

/**
 * Remembers, for a `TransactionCanceledException` thrown by a transaction of `actions`
 * (`actions[i]` sent as `TransactItems[i]`), which action each reason is about.
 */
export function noteCancellation(error: unknown, actions: readonly SentAction[]): void {
  if (error === null || typeof error !== "object") return;
  if ((error as { name?: unknown }).name !== "TransactionCanceledException") return;
  const reasons = (error as { CancellationReasons?: CancellationReason[] }).CancellationReasons;
  const out: TransactionFailure[] = [];
  (reasons ?? []).forEach((reason, index) => {
    const code = reason?.Code;
    const sent = actions[index];
    if (!sent || !code || code === "None") return;
    const plan = sent.plan;
    const old = reason.Item && Object.keys(reason.Item).length > 0 ? reason.Item : undefined;
    const write = "kind" in plan ? (plan as WritePlan) : undefined;
    const conflict =
      write && code === "ConditionalCheckFailed" ? versionConflict(write, old, error) : undefined;
    const item = old === undefined ? undefined : decoded(sent.model, old);
    out.push({
      index,
      action: write ? write.kind : "Get",
      model: sent.model,
      table: plan.table,
      key: plan.keyProps,
      code,
      ...(reason.Message ? { message: reason.Message } : {}),
      ...(item !== undefined ? { item } : {}),
      ...(old ? { storedItem: old } : {}),
      ...(conflict ? { versionConflict: conflict } : {}),
    });
  });
  reports.set(error, out);
}

/**
 * The actions a cancelled `dyno.transact` / `dyno.transactGet` failed on, each with its model,
 * key, DynamoDB's reason code and (when returned) the item as it was; `undefined` for any other
 * error. The error itself is the SDK's `TransactionCanceledException`, untouched.
 *
 * @example
 * ```ts
 * try { await dyno.transact((t) => { ... }); }
 * catch (e) {
 *   for (const f of transactionFailures(e) ?? []) console.log(f.model.name, f.key, f.code, f.versionConflict);
 *   throw e;
 * }
 * ```
 */
export function transactionFailures(error: unknown): readonly TransactionFailure[] | undefined {
  return error !== null && typeof error === "object" ? reports.get(error) : undefined;
}
