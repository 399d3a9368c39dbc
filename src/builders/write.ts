/**
 * Builders for single-item writes: PutItem, UpdateItem and DeleteItem.
 * @module
 */
import type {
  DeleteItemCommandInput,
  PutItemCommandInput,
  ReturnValue,
  UpdateItemCommandInput,
} from "@aws-sdk/client-dynamodb";
import { update } from "../expression/index.js";
import type { PathInput, UpdateAction } from "../expression/types.js";
import { DynoValidationError } from "../errors.js";
import { toAttributeMap, type AttributeValueMap, type ItemInput } from "./attribute-value.js";
import { WriteBuilder } from "./base.js";
import { checkUpdateActions } from "./expressions.js";
import { requireObject } from "./validate.js";

/** The `ReturnValues` PutItem and DeleteItem accept. */
export type OldReturnValue = Extract<ReturnValue, "NONE" | "ALL_OLD">;

/**
 * Builds a `PutItemCommandInput`.
 * @example new PutItemBuilder().table("Users").item({ id: "u1", name: "Ada" }).condition(cond.notExists("id")).build()
 */
export class PutItemBuilder extends WriteBuilder<PutItemCommandInput, OldReturnValue> {
  protected readonly allowedReturnValues: readonly OldReturnValue[] = ["NONE", "ALL_OLD"];

  /** The whole item to write, key included. */
  item(item: ItemInput | AttributeValueMap): this {
    this.draft.Item = toAttributeMap(item, "Item");
    return this;
  }

  protected override validate(out: PutItemCommandInput): void {
    super.validate(out);
    requireObject(out.Item, "Item");
  }
}

/**
 * Builds a `DeleteItemCommandInput`.
 * @example new DeleteItemBuilder().table("Users").key({ id: "u1" }).returnValues("ALL_OLD").build()
 */
export class DeleteItemBuilder extends WriteBuilder<DeleteItemCommandInput, OldReturnValue> {
  protected readonly allowedReturnValues: readonly OldReturnValue[] = ["NONE", "ALL_OLD"];

  /** The item's full primary key. */
  key(key: ItemInput | AttributeValueMap): this {
    return this.setKey(key);
  }

  protected override validate(out: DeleteItemCommandInput): void {
    super.validate(out);
    this.requireKey(out);
  }
}

/**
 * Builds an `UpdateItemCommandInput`. The action methods mean the same as `update.*`; all
 * actions go into one `UpdateExpression` (merged clause by clause into an existing one).
 * @example
 * new UpdateItemBuilder().table("Users").key({ id: "u1" })
 *   .set("name", "Ada").add("visits", 1).remove("tmp").returnValues("ALL_NEW").build()
 */
export class UpdateItemBuilder extends WriteBuilder<UpdateItemCommandInput, ReturnValue> {
  protected readonly allowedReturnValues: readonly ReturnValue[] = [
    "NONE",
    "ALL_OLD",
    "UPDATED_OLD",
    "ALL_NEW",
    "UPDATED_NEW",
  ];

  /** The item's full primary key. */
  key(key: ItemInput | AttributeValueMap): this {
    return this.setKey(key);
  }

  /** Adds any `update.*` actions (or arrays of them). */
  update(...actions: (UpdateAction | readonly UpdateAction[])[]): this {
    this.actions.push(...checkUpdateActions(actions));
    return this;
  }

  /** `SET path = value`. */
  set(path: PathInput, value: unknown): this {
    return this.update(update.set(path, value));
  }

  /** `SET path = if_not_exists(path, value)`. */
  setIfNotExists(path: PathInput, value: unknown): this {
    return this.update(update.setIfNotExists(path, value));
  }

  /** `ADD path value`: adds to a number, or adds elements to a set. */
  add(path: PathInput, value: Parameters<typeof update.add>[1]): this {
    return this.update(update.add(path, value));
  }

  /** `REMOVE path`, for each path. */
  remove(...paths: PathInput[]): this {
    return this.update(paths.map((p) => update.remove(p)));
  }

  /** `DELETE path set`: removes elements from a set. */
  delete(path: PathInput, set: Set<unknown>): this {
    return this.update(update.delete(path, set));
  }

  /** Appends the elements of `list` to the list at `path` (created if missing). */
  append(path: PathInput, list: unknown[]): this {
    return this.update(update.append(path, list));
  }

  /** Prepends the elements of `list` to the list at `path` (created if missing). */
  prepend(path: PathInput, list: unknown[]): this {
    return this.update(update.prepend(path, list));
  }

  /** Adds `n` (default 1) to the number at `path`, starting from 0 if it is missing. */
  increment(path: PathInput, n?: number | bigint): this {
    return this.update(update.increment(path, n));
  }

  /** Subtracts `n` (default 1) from the number at `path`, starting from 0 if it is missing. */
  decrement(path: PathInput, n?: number | bigint): this {
    return this.update(update.decrement(path, n));
  }

  protected override validate(out: UpdateItemCommandInput): void {
    super.validate(out);
    this.requireKey(out);
    if (!out.UpdateExpression && !out.AttributeUpdates) {
      throw new DynoValidationError(
        "UpdateExpression",
        "an update needs at least one action (.set, .add, .update, ...)",
      );
    }
  }
}
