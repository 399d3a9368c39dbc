/**
 * `dyno.transactGet`: a TransactGetItems over any models, resolving to a typed tuple — one
 * decoded item (or `undefined`) per `t.get`, in the order the function returns them.
 * @module
 */
import type {
  ReturnConsumedCapacity,
  TransactGetItemsCommandInput,
} from "@aws-sdk/client-dynamodb";
import { TransactGetItemsBuilder } from "../builders/transact.js";
import { DynoValidationError } from "../errors.js";
import type { PathSegment } from "../expression/types.js";
import type { Dyno } from "../session.js";
import { itemId, requireModel } from "./across.js";
import { noteCancellation, type SentAction } from "./failures.js";
import type { AnyModel, GetPlan, ModelItem, ModelKey } from "./model.js";
import { checkOptions } from "./options.js";
import { MAX_TRANSACTION_ACTIONS } from "./transact.js";
import type { Projected } from "./types.js";

declare const itemType: unique symbol;

/** One read of a transaction (what `t.get` returns); the result holds its item in its place. */
export interface TransactGetRef<T> {
  /** The read's position among the `t.get` calls. */
  readonly index: number;
  /** @internal The item type, for the result's types only. */
  readonly [itemType]?: T;
}

/** Options of a transaction's `get`. */
export interface TransactGetItemOptions<P> {
  /** Reads only these top-level properties; the item's type narrows to them. */
  project?: readonly P[];
  /** Also return an item whose TTL has passed (models with `ttl`). */
  includeExpired?: boolean;
}

/** The names of {@link TransactGetItemOptions}: any other option is refused. */
export const TRANSACT_GET_ITEM_OPTIONS: readonly (keyof TransactGetItemOptions<string>)[] = [
  "project",
  "includeExpired",
];

/** Options of `dyno.transactGet`. */
export interface TransactGetCallOptions {
  /** `ReturnConsumedCapacity`. */
  returnConsumedCapacity?: ReturnConsumedCapacity;
  /** Every read also returns an item whose TTL has passed (a read's own option wins). */
  includeExpired?: boolean;
}

/** The items of `dyno.transactGet`: for each read of the returned tuple, its item or `undefined`. */
export type TransactGetResult<R extends readonly unknown[]> = {
  -readonly [I in keyof R]: R[I] extends TransactGetRef<infer T> ? T | undefined : never;
};

interface Read {
  readonly model: AnyModel;
  readonly plan: GetPlan<unknown>;
}

/** The reads of one transaction (the `t` of `dyno.transactGet((t) => [...])`). */
export class TransactReader {
  readonly #reads: Read[] = [];
  readonly #includeExpired: boolean;
  #closed = false;

  /** `includeExpired`: the reads' default (the call's option). */
  constructor(includeExpired = false) {
    this.#includeExpired = includeExpired;
  }

  /** Reads the item at `key` of `model`. */
  get<M extends AnyModel, P extends keyof ModelItem<M> & string = keyof ModelItem<M> & string>(
    model: M,
    key: ModelKey<M>,
    options: TransactGetItemOptions<P> = {},
  ): TransactGetRef<Projected<ModelItem<M>, P>> {
    const index = this.#reads.length;
    const at = `gets[${index}]`;
    if (this.#closed) {
      throw new DynoValidationError(at, "the transaction was already sent");
    }
    const m = requireModel(model, `${at}.model`);
    checkOptions(options, TRANSACT_GET_ITEM_OPTIONS, at);
    const plan = m.getPlan(
      key,
      {
        ...(options.project ? { project: options.project } : {}),
        ...((options.includeExpired ?? this.#includeExpired) ? { includeExpired: true } : {}),
      },
      at,
    );
    this.#reads.push({ model: m, plan });
    return { index } as TransactGetRef<Projected<ModelItem<M>, P>>;
  }

  /** @internal */
  get reads(): readonly Read[] {
    return this.#reads;
  }

  /** @internal */
  close(): void {
    this.#closed = true;
  }
}

const pathKey = (p: readonly PathSegment[]) => JSON.stringify(p);

/**
 * The TransactGetItems input of `reads`: one Get per item (an item read twice is read once,
 * with the union of what the reads project), and for each read the position of its Get.
 */
export function transactGetInput(
  reads: readonly Read[],
  options: TransactGetCallOptions,
): { input: TransactGetItemsCommandInput; slots: number[]; sent: SentAction[] } {
  if (reads.length === 0) {
    throw new DynoValidationError("gets", "a transaction needs at least one get");
  }
  const slots: number[] = [];
  const gets: {
    table: string;
    key: GetPlan<unknown>["key"];
    projection?: Map<string, readonly PathSegment[]>;
  }[] = [];
  const sent: SentAction[] = [];
  const byItem = new Map<string, number>();
  reads.forEach(({ model, plan }, i) => {
    const id = itemId(model, plan.key, `gets[${i}].key`);
    let slot = byItem.get(id);
    const projection = plan.projection && new Map(plan.projection.map((p) => [pathKey(p), p]));
    if (slot === undefined) {
      slot = gets.length;
      byItem.set(id, slot);
      gets.push({ table: plan.table, key: plan.key, ...(projection ? { projection } : {}) });
      sent.push({ model, plan });
    } else {
      const get = gets[slot]!;
      if (!projection) delete get.projection;
      else if (get.projection) for (const [k, p] of projection) get.projection.set(k, p);
    }
    slots.push(slot);
  });
  if (gets.length > MAX_TRANSACTION_ACTIONS) {
    throw new DynoValidationError(
      "gets",
      `a transaction reads at most ${MAX_TRANSACTION_ACTIONS} items, this one reads ${gets.length}; nothing was sent (split it, or use batchGet where one snapshot is not needed)`,
    );
  }
  const b = new TransactGetItemsBuilder();
  for (const get of gets) {
    b.get(get.table, get.key, get.projection ? { project: [...get.projection.values()] } : {});
  }
  if (options.returnConsumedCapacity) b.returnConsumedCapacity(options.returnConsumedCapacity);
  return { input: b.build(), slots, sent };
}

/**
 * Runs a transactional read: `fn` returns the reads (`[t.get(Users, k1), t.get(Orders, k2)]`),
 * all read as one snapshot; resolves to their items in the same places (`undefined` where
 * there is none, or the model does not show it).
 */
export async function transactGet<const R extends readonly TransactGetRef<unknown>[]>(
  dyno: Dyno,
  fn: (t: TransactReader) => R | PromiseLike<R>,
  options: TransactGetCallOptions = {},
): Promise<TransactGetResult<R>> {
  checkOptions(options, ["returnConsumedCapacity", "includeExpired"], "transactGet");
  if (typeof fn !== "function") {
    throw new DynoValidationError(
      "transactGet",
      "expected a function returning the reads: (t) => [t.get(Users, key), ...]",
    );
  }
  const t = new TransactReader(options.includeExpired === true);
  let refs: unknown;
  try {
    refs = await fn(t);
  } finally {
    t.close();
  }
  const reads = t.reads;
  if (!Array.isArray(refs)) {
    throw new DynoValidationError(
      "transactGet",
      "the function must return an array of reads: (t) => [t.get(Users, key), ...]",
    );
  }
  const wanted = refs.map((ref: unknown, i) => {
    const index = (ref as { index?: unknown } | null)?.index;
    if (typeof index !== "number" || reads[index] === undefined) {
      throw new DynoValidationError(`transactGet result[${i}]`, "expected a read made by t.get");
    }
    return index;
  });
  const { input, slots, sent } = transactGetInput(reads, options);
  let out;
  try {
    out = await dyno.transactGetItems(input);
  } catch (e) {
    noteCancellation(e, sent);
    throw e;
  }
  const responses = out.Responses ?? [];
  return wanted.map((index) => {
    const item = responses[slots[index]!]?.Item;
    return item ? reads[index]!.plan.decode(item) : undefined;
  }) as TransactGetResult<R>;
}
