/**
 * Single writes and reads of plans (the {@link Model} contract): a model's own `put`, `update`,
 * `delete` and `get` render their plan with the ordinary input builders and run it as the
 * session's operation. A version-checked write asks for the old item when its condition fails,
 * and a version mismatch rejects with `VersionConflictError` instead of the SDK's error.
 * @module
 */
import type {
  DeleteItemCommandOutput,
  PutItemCommandOutput,
  UpdateItemCommandOutput,
} from "@aws-sdk/client-dynamodb";
import { GetItemBuilder } from "../builders/read.js";
import { DeleteItemBuilder, PutItemBuilder, UpdateItemBuilder } from "../builders/write.js";
import type { Dyno } from "../session.js";

/** The operations single plans are sent with (a `Dyno`, or an entity's session). */
export type PlanSender = Pick<Dyno, "putItem" | "updateItem" | "deleteItem" | "getItem">;
import { versionConflict } from "./conflict.js";
import type { DeletePlan, GetPlan, PutPlan, StoredItem, UpdatePlan, WritePlan } from "./model.js";

type ReturnOld = "NONE" | "ALL_OLD";
type ReturnAny = ReturnOld | "ALL_NEW";

interface Conditional {
  condition(c: WritePlan["conditions"][number]): unknown;
  returnValuesOnConditionCheckFailure(v: "ALL_OLD"): unknown;
}

function conditioned<B extends Conditional>(b: B, plan: WritePlan): B {
  for (const c of plan.conditions) b.condition(c);
  if (plan.version) b.returnValuesOnConditionCheckFailure("ALL_OLD");
  return b;
}

/**
 * Turns a failed version check into `VersionConflictError`; anything else passes through. An
 * error without the old item (the item is missing, or an engine that ignores
 * `ReturnValuesOnConditionCheckFailure`, such as dynalite) is settled by a consistent read of the
 * key, so the caller's own condition failing is never mistaken for a conflict.
 */
async function checked<O>(
  dyno: PlanSender,
  plan: WritePlan,
  run: () => PromiseLike<O>,
): Promise<O> {
  if (!plan.version) return run();
  try {
    return await run();
  } catch (e) {
    if ((e as { name?: unknown }).name === "ConditionalCheckFailedException") {
      let old = (e as { Item?: StoredItem }).Item;
      if (old === undefined) {
        const read = new GetItemBuilder().table(plan.table).key(plan.key).consistentRead();
        const attrs = [plan.version.attribute, ...Object.keys(plan.key)].map((a) => [a]);
        old = (await dyno.getItem(read.project(...attrs).build())).Item;
      }
      throw versionConflict(plan, old, e) ?? e;
    }
    throw e;
  }
}

/** Runs a put plan (PutItem). */
export function sendPut(
  dyno: PlanSender,
  plan: PutPlan,
  returnValues?: ReturnOld,
): Promise<PutItemCommandOutput> {
  const b = conditioned(new PutItemBuilder().table(plan.table).item(plan.item), plan);
  if (returnValues) b.returnValues(returnValues);
  return checked(dyno, plan, () => dyno.putItem(b.build()));
}

/** Runs an update plan (UpdateItem). */
export function sendUpdate(
  dyno: PlanSender,
  plan: UpdatePlan,
  returnValues?: ReturnAny,
): Promise<UpdateItemCommandOutput> {
  const b = conditioned(
    new UpdateItemBuilder().table(plan.table).key(plan.key).update(plan.actions),
    plan,
  );
  if (returnValues) b.returnValues(returnValues);
  return checked(dyno, plan, () => dyno.updateItem(b.build()));
}

/** Runs a delete plan (DeleteItem). */
export function sendDelete(
  dyno: PlanSender,
  plan: DeletePlan,
  returnValues?: ReturnOld,
): Promise<DeleteItemCommandOutput> {
  const b = conditioned(new DeleteItemBuilder().table(plan.table).key(plan.key), plan);
  if (returnValues) b.returnValues(returnValues);
  return checked(dyno, plan, () => dyno.deleteItem(b.build()));
}

/** Runs a get plan (GetItem): the decoded item, or `undefined` when there is none to show. */
export async function sendGet<T>(dyno: PlanSender, plan: GetPlan<T>): Promise<T | undefined> {
  const b = new GetItemBuilder().table(plan.table).key(plan.key);
  if (plan.consistentRead) b.consistentRead();
  if (plan.projection) b.project(...plan.projection);
  const out = await dyno.getItem(b.build());
  return out.Item ? plan.decode(out.Item) : undefined;
}
