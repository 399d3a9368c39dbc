/**
 * Builders for TransactGetItems and TransactWriteItems. Each action of a transaction has its
 * own expressions and placeholder maps, rendered when the action is added.
 * @module
 */
import type {
  ReturnValuesOnConditionCheckFailure,
  TransactGetItem,
  TransactGetItemsCommandInput,
  TransactWriteItem,
  TransactWriteItemsCommandInput,
} from "@aws-sdk/client-dynamodb";
import type {
  Condition,
  ExpressionAttributeMaps,
  PathInput,
  UpdateAction,
} from "../expression/types.js";
import { DynoValidationError } from "../errors.js";
import {
  ItemIdentities,
  toAttributeMap,
  type AttributeValueMap,
  type ItemInput,
} from "./attribute-value.js";
import { CapacityBuilder, MultiWriteBuilder } from "./base.js";
import {
  addProjection,
  andConditions,
  checkCondition,
  checkUpdateActions,
  mergeUpdate,
  toPaths,
  withAttributes,
} from "./expressions.js";
import { checkCount, requireObject, requireString, UniqueSet } from "./validate.js";

/** The most actions one transaction may hold. */
const MAX_TRANSACTION_ITEMS = 100;

/** The expression each kind of action cannot do without. */
const REQUIRED_EXPRESSION: Record<string, string | undefined> = {
  Update: "UpdateExpression",
  ConditionCheck: "ConditionExpression",
};

/** A transaction action as the validation reads it. */
interface ActionFields extends ExpressionAttributeMaps {
  TableName?: string;
  Key?: AttributeValueMap;
  Item?: AttributeValueMap;
  ConditionExpression?: string;
  ReturnValuesOnConditionCheckFailure?: ReturnValuesOnConditionCheckFailure;
}

/** The action of a transaction item (its one member), with the member's name. */
function actionOf(item: TransactGetItem | TransactWriteItem): [string, ActionFields | undefined] {
  const [name, action] = Object.entries(item).find(([, v]) => v !== undefined) ?? ["", undefined];
  return [name, action as ActionFields | undefined];
}

/**
 * Checks a transaction's actions: at least one, at most 100, each with a table and a key
 * (or item), and no item addressed twice.
 */
function validateActions(
  items: readonly (TransactGetItem | TransactWriteItem)[] | undefined,
  keyNames?: ReadonlyMap<string, readonly string[]>,
): void {
  if (!items?.length)
    throw new DynoValidationError("TransactItems", "a transaction needs at least one action");
  checkCount(items.length, MAX_TRANSACTION_ITEMS, "TransactItems", "actions");
  const actions = items.map(actionOf);
  const identities = new ItemIdentities(keyNames);
  for (const [, a] of actions) if (a?.TableName) identities.learn(a.TableName, a.Key);
  const unique = new UniqueSet("TransactItems", "item");
  actions.forEach(([name, action], i) => {
    const field = `TransactItems[${i}]${name ? `.${name}` : ""}`;
    requireObject(action, field);
    requireString(action!.TableName, `${field}.TableName`);
    const target = name === "Put" ? "Item" : "Key";
    requireObject(action![target], `${field}.${target}`);
    const expression = REQUIRED_EXPRESSION[name];
    if (expression)
      requireString((action as Record<string, unknown>)[expression], `${field}.${expression}`);
    unique.add(identities.of(action!.TableName!, action![target]));
  });
}

/** Options of {@link TransactGetItemsBuilder.get}. */
export interface TransactGetOptions {
  /** Attributes to return. */
  project?: string | readonly PathInput[];
}

/**
 * Builds a `TransactGetItemsCommandInput` (1 to 100 gets, no item twice).
 * @example new TransactGetItemsBuilder().get("Users", { id: "u1" }).get("Orders", { pk: "o1" }, { project: ["total"] }).build()
 */
export class TransactGetItemsBuilder extends CapacityBuilder<TransactGetItemsCommandInput> {
  /** Reads the item at `key` in `table`. */
  get(table: string, key: ItemInput | AttributeValueMap, options: TransactGetOptions = {}): this {
    const Get: NonNullable<TransactGetItem["Get"]> = {
      TableName: table,
      Key: toAttributeMap(key, "Get.Key"),
    };
    if (options.project !== undefined) {
      const paths = toPaths(options.project);
      withAttributes(
        Get,
        (ctx) => (Get.ProjectionExpression = addProjection(undefined, paths, ctx)),
      );
    }
    this.draft.TransactItems = [...(this.draft.TransactItems ?? []), { Get }];
    return this;
  }

  protected validate(out: TransactGetItemsCommandInput): void {
    validateActions(out.TransactItems);
  }
}

/**
 * Builds a `TransactWriteItemsCommandInput` (1 to 100 actions, no item twice).
 * @example
 * new TransactWriteItemsBuilder()
 *   .put("Orders", order, cond.notExists("pk"))
 *   .update("Stock", { sku: "a" }, update.decrement("count"), cond.gt("count", 0))
 *   .conditionCheck("Users", { id: "u1" }, cond.eq("active", true))
 *   .token("order-123").build()
 */
export class TransactWriteItemsBuilder extends MultiWriteBuilder<TransactWriteItemsCommandInput> {
  private onConditionFailure: ReturnValuesOnConditionCheckFailure | undefined;

  /** Puts `item` into `table`, if `condition` (when given) holds. */
  put(table: string, item: ItemInput | AttributeValueMap, condition?: Condition): this {
    const Put = { TableName: table, Item: toAttributeMap(item, "Put.Item") };
    return this.push({ Put: this.withCondition(Put, "Put", condition) });
  }

  /** Updates the item at `key` with `update.*` actions, if `condition` (when given) holds. */
  update(
    table: string,
    key: ItemInput | AttributeValueMap,
    actions: UpdateAction | readonly UpdateAction[],
    condition?: Condition,
  ): this {
    const list = checkUpdateActions([actions], "Update.UpdateExpression");
    if (list.length === 0)
      throw new DynoValidationError(
        "Update.UpdateExpression",
        "an update needs at least one action",
      );
    const Update = {
      TableName: table,
      Key: toAttributeMap(key, "Update.Key"),
      UpdateExpression: "",
    };
    return this.push({ Update: this.withCondition(Update, "Update", condition, list) });
  }

  /** Deletes the item at `key` from `table`, if `condition` (when given) holds. */
  delete(table: string, key: ItemInput | AttributeValueMap, condition?: Condition): this {
    const Delete = { TableName: table, Key: toAttributeMap(key, "Delete.Key") };
    return this.push({ Delete: this.withCondition(Delete, "Delete", condition) });
  }

  /** Makes the transaction depend on `condition` holding for the item at `key`, without writing it. */
  conditionCheck(table: string, key: ItemInput | AttributeValueMap, condition: Condition): this {
    checkCondition(condition, "ConditionCheck.ConditionExpression");
    const check = {
      TableName: table,
      Key: toAttributeMap(key, "ConditionCheck.Key"),
      ConditionExpression: "",
    };
    return this.push({ ConditionCheck: this.withCondition(check, "ConditionCheck", condition) });
  }

  /** The idempotency token (`ClientRequestToken`, 1 to 36 characters): a retry with it is not applied twice. */
  token(clientRequestToken: string): this {
    this.draft.ClientRequestToken = clientRequestToken;
    return this;
  }

  /**
   * Makes every conditional action of this builder return the item as it was when its
   * condition fails, in the `CancellationReasons` of the `TransactionCanceledException`.
   */
  returnValuesOnConditionCheckFailure(
    values: ReturnValuesOnConditionCheckFailure = "ALL_OLD",
  ): this {
    this.onConditionFailure = values;
    return this;
  }

  private push(item: TransactWriteItem): this {
    this.draft.TransactItems = [...(this.draft.TransactItems ?? []), item];
    return this;
  }

  /** Renders the action's condition (and update actions) with the action's own placeholders. */
  private withCondition<A extends ActionFields & { UpdateExpression?: string }>(
    action: A,
    name: string,
    condition: Condition | undefined,
    actions: readonly UpdateAction[] = [],
  ): A {
    const conditions =
      condition === undefined ? [] : [checkCondition(condition, `${name}.ConditionExpression`)];
    if (conditions.length === 0 && actions.length === 0) return action;
    return withAttributes(action, (ctx) => {
      if (actions.length) action.UpdateExpression = mergeUpdate(undefined, actions, ctx);
      if (conditions.length) action.ConditionExpression = andConditions(undefined, conditions, ctx);
    });
  }

  protected override render(out: TransactWriteItemsCommandInput): void {
    const mode = this.onConditionFailure;
    if (mode === undefined || !out.TransactItems) return;
    out.TransactItems = out.TransactItems.map((item) => {
      const [name, action] = actionOf(item);
      if (!action?.ConditionExpression || action.ReturnValuesOnConditionCheckFailure) return item;
      return { [name]: { ...action, ReturnValuesOnConditionCheckFailure: mode } };
    });
  }

  protected validate(out: TransactWriteItemsCommandInput): void {
    validateActions(out.TransactItems, this.keyNames);
    const token = out.ClientRequestToken;
    if (token !== undefined && (token.length < 1 || token.length > 36)) {
      throw new DynoValidationError(
        "ClientRequestToken",
        `must be 1 to 36 characters, got ${token.length}`,
      );
    }
  }
}
