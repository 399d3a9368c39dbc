/**
 * A versioned model built on the Model contract over a Table, as an entity with `version`
 * would be (API.md section 15): the contract's version hooks exercised without the entity
 * layer. Puts without a version create at 1 (conditioned on absence), puts/updates/deletes with
 * one are conditioned on it, and puts/updates increment it.
 */
import { DynoValidationError, cond, type Dyno } from "../../src/index.js";
import type { ConditionInput, Updates } from "../../src/table/expressions.js";
import type {
  CheckPlan,
  DeletePlan,
  GetPlan,
  GetPlanOptions,
  Model,
  PutPlan,
  PutPlanOptions,
  StoredItem,
  UpdatePlan,
  VersionedPlanOptions,
} from "../../src/table/model.js";
import { sendDelete, sendPut, sendUpdate } from "../../src/table/send.js";

type Base<T, K> = Model<T, K> & { readonly dyno: Dyno };

export class VersionedModel<T extends object, K> implements Model<T, K> {
  constructor(
    readonly base: Base<T, K>,
    readonly versionProp: string,
    readonly partitionAttr: string,
  ) {}

  get name(): string {
    return this.base.name;
  }
  get keyAttributes(): readonly string[] {
    return this.base.keyAttributes;
  }
  ownsItem(item: StoredItem): boolean {
    return this.base.ownsItem(item);
  }
  decodeItem(item: StoredItem): T {
    return this.base.decodeItem(item);
  }

  putPlan(item: T, options: PutPlanOptions<T> = {}, at = ""): PutPlan {
    const v = (item as Record<string, unknown>)[this.versionProp] as number | undefined;
    if (options.batch) {
      // unchecked, it would reset the stored version (ABA): refused as the library's models do
      throw new DynoValidationError(
        at || "item",
        "a versioned item cannot be written by a batch: use put or transact",
      );
    }
    const plan = this.base.putPlan({ ...item, [this.versionProp]: (v ?? 0) + 1 }, options, at);
    return {
      ...plan,
      conditions: [
        ...plan.conditions,
        v === undefined ? cond.notExists(this.partitionAttr) : cond.eq(this.versionProp, v),
      ],
      version: { attribute: this.versionProp, expected: v },
    };
  }

  updatePlan(
    key: K,
    actions: (u: Updates<T>) => Updates<T>,
    options: VersionedPlanOptions<T> = {},
    at = "",
  ): UpdatePlan {
    const { version, ...rest } = options;
    const bump = (u: Updates<T>) =>
      (actions(u) as unknown as { increment(p: string): Updates<T> }).increment(this.versionProp);
    const plan = this.base.updatePlan(key, bump, rest, at);
    return version === undefined ? plan : this.#checked(plan, version);
  }

  deletePlan(key: K, options: VersionedPlanOptions<T> = {}, at = ""): DeletePlan {
    const { version, ...rest } = options;
    const plan = this.base.deletePlan(key, rest, at);
    return version === undefined ? plan : this.#checked(plan, version);
  }

  checkPlan(key: K, condition: ConditionInput<T>, at = ""): CheckPlan {
    return this.base.checkPlan(key, condition, at);
  }

  getPlan(key: K, options: GetPlanOptions = {}, at = ""): GetPlan<T> {
    return this.base.getPlan(key, options, at);
  }

  async put(item: T): Promise<void> {
    await sendPut(this.base.dyno, this.putPlan(item));
  }
  async update(
    key: K,
    actions: (u: Updates<T>) => Updates<T>,
    options?: VersionedPlanOptions<T>,
  ): Promise<void> {
    await sendUpdate(this.base.dyno, this.updatePlan(key, actions, options));
  }
  async delete(key: K, options?: VersionedPlanOptions<T>): Promise<void> {
    await sendDelete(this.base.dyno, this.deletePlan(key, options));
  }

  #checked<P extends UpdatePlan | DeletePlan>(plan: P, version: number): P {
    return {
      ...plan,
      conditions: [...plan.conditions, cond.eq(this.versionProp, version)],
      version: { attribute: this.versionProp, expected: version },
    };
  }
}
