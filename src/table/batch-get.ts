/**
 * `dyno.batchGet`: any number of keys over any models and tables, read with `batchGetItemAll`
 * (requests of at most 100 keys, unprocessed keys retried with backoff until done) and handed
 * back decoded by each key's model, in the caller's order, `undefined` where there is no item.
 * @module
 */
import type { KeysAndAttributes } from "@aws-sdk/client-dynamodb";
import { addProjection, withAttributes } from "../builders/expressions.js";
import { DynoValidationError } from "../errors.js";
import type { BatchOptions } from "../exhaustive/options.js";
import type { PathSegment } from "../expression/types.js";
import type { Dyno } from "../session.js";
import { itemId, requireModel } from "./across.js";
import type { AnyModel, GetPlan, ModelItem, ModelKey, StoredItem } from "./model.js";
import { checkOptions } from "./options.js";

/** Options of `dyno.batchGet` (and the batch layer's: retries, backoff, concurrency, progress, signal). */
export interface ModelBatchGetOptions extends BatchOptions {
  /** Strongly consistent reads. */
  consistentRead?: boolean;
  /** Also return items whose TTL has passed (models with `ttl`). */
  includeExpired?: boolean;
}

/** The batch layer's options, passed on to `batchGetItemAll` / `batchWriteItemAll`. */
export const BATCH_OPTIONS = [
  "signal",
  "onProgress",
  "maxAttempts",
  "baseDelayMs",
  "maxDelayMs",
  "concurrency",
] as const;

/** A read of `dyno.batchGet`: a model and a key of it. */
export type BatchGetRequest<M extends AnyModel = AnyModel> = readonly [model: M, key: ModelKey<M>];

/** Each request of `R` with its key checked against its model's key type. */
export type CheckedRequests<R extends readonly unknown[]> = {
  readonly [I in keyof R]: R[I] extends readonly [infer M extends AnyModel, unknown]
    ? readonly [model: M, key: ModelKey<M>]
    : BatchGetRequest;
};

/** The items of `dyno.batchGet`: one per request, in order, `undefined` where there is none. */
export type BatchGetResult<R extends readonly unknown[]> = {
  -readonly [I in keyof R]: R[I] extends readonly [infer M extends AnyModel, unknown]
    ? ModelItem<M> | undefined
    : never;
};

/** One key to read, with the model that decodes it. */
export interface GetEntry {
  readonly model: AnyModel;
  readonly plan: GetPlan<unknown>;
  /** Where it stands in the caller's input (`requests[3]`), for errors. */
  readonly at: string;
}

/**
 * Reads every entry's item: one `batchGetItemAll` per round, a round holding for each table the
 * keys that share one projection and read consistency (almost always a single round).
 * @returns the decoded items, in the entries' order; `undefined` where there is none.
 */
export async function readEntries(
  dyno: Pick<Dyno, "batchGetItemAll">,
  entries: readonly GetEntry[],
  options: BatchOptions,
): Promise<unknown[]> {
  if (entries.length === 0) return [];
  // table → group (projection + consistency) → the group's keys
  const tables = new Map<
    string,
    Map<string, { entry: KeysAndAttributes; paths?: readonly (readonly PathSegment[])[] }>
  >();
  const keyNames = new Map<string, readonly string[]>();
  for (const { model, plan, at } of entries) {
    const names = keyNames.get(plan.table);
    if (names && names.join("\u0000") !== model.keyAttributes.join("\u0000")) {
      throw new DynoValidationError(
        `${at}.model`,
        `models of table ${plan.table} disagree on its key (${names.join(", ")} / ${model.keyAttributes.join(", ")})`,
      );
    }
    keyNames.set(plan.table, model.keyAttributes);
    const group = `${plan.consistentRead ? 1 : 0}${JSON.stringify(plan.projection ?? null)}`;
    let groups = tables.get(plan.table);
    if (!groups) tables.set(plan.table, (groups = new Map()));
    let g = groups.get(group);
    if (!g) {
      g = {
        entry: { Keys: [], ...(plan.consistentRead ? { ConsistentRead: true } : {}) },
        ...(plan.projection ? { paths: plan.projection } : {}),
      };
      groups.set(group, g);
    }
    g.entry.Keys!.push(plan.key);
  }
  const found = new Map<string, StoredItem>();
  for (let round = 0; ; round++) {
    // entries, then Object.fromEntries: a table may be called "__proto__" or "constructor"
    const requests: [string, KeysAndAttributes][] = [];
    for (const [table, groups] of tables) {
      const g = [...groups.values()][round];
      if (g) requests.push([table, g.paths ? projected(g.entry, g.paths) : g.entry]);
    }
    if (requests.length === 0) break;
    const out = await dyno.batchGetItemAll({ RequestItems: Object.fromEntries(requests) }, options);
    for (const [table, items] of Object.entries(out.Responses ?? {})) {
      const names = keyNames.get(table);
      if (!names) continue;
      for (const item of items)
        found.set(itemId({ name: table, keyAttributes: names } as AnyModel, item, table), item);
    }
  }
  return entries.map(({ model, plan, at }) => {
    const item = found.get(itemId(model, plan.key, `${at}.key`));
    return item ? plan.decode(item) : undefined;
  });
}

/** A group's keys with its ProjectionExpression (rendered as the builders render one). */
function projected(
  entry: KeysAndAttributes,
  paths: readonly (readonly PathSegment[])[],
): KeysAndAttributes {
  const out = { ...entry };
  return withAttributes(out, (ctx) => {
    out.ProjectionExpression = addProjection(undefined, paths, ctx);
  });
}

/** Groups of `dyno.batchGet`: by a name of the caller's, a model and its keys. */
export type BatchGetGroups = {
  readonly [name: string]: readonly [model: AnyModel, keys: readonly unknown[]];
};

/** Each group of `G` with its keys checked against its model's key type. */
export type CheckedGroups<G> = {
  readonly [K in keyof G]: G[K] extends readonly [infer M extends AnyModel, readonly unknown[]]
    ? readonly [model: M, keys: readonly ModelKey<M>[]]
    : readonly [model: AnyModel, keys: readonly unknown[]];
};

/** The items of grouped `dyno.batchGet`: per group, one per key, in order, `undefined` where there is none. */
export type BatchGetGroupedResult<G> = {
  -readonly [K in keyof G]: G[K] extends readonly [infer M extends AnyModel, readonly unknown[]]
    ? (ModelItem<M> | undefined)[]
    : never;
};

function readOptions(options: ModelBatchGetOptions) {
  checkOptions(options, [...BATCH_OPTIONS, "consistentRead", "includeExpired"], "batchGet");
  const { consistentRead, includeExpired, ...batch } = options;
  const read = {
    ...(consistentRead ? { consistentRead } : {}),
    ...(includeExpired ? { includeExpired } : {}),
  };
  return { read, batch };
}

function entryOf(model: unknown, key: unknown, read: object, at: string): GetEntry {
  const m = requireModel(model, `${at}.model`);
  return { model: m, plan: m.getPlan(key, read, at), at };
}

/**
 * Reads items of any models by key: `dyno.batchGet([[Users, k1], [Orders, k2]])`.
 * @throws DynoValidationError naming `requests[i]` for a bad request, model or key (nothing sent).
 */
export async function batchGet<const R extends readonly BatchGetRequest[]>(
  dyno: Dyno,
  requests: R & CheckedRequests<R>,
  options: ModelBatchGetOptions = {},
): Promise<BatchGetResult<R>> {
  const { read, batch } = readOptions(options);
  if (!Array.isArray(requests)) {
    throw new DynoValidationError("requests", "expected an array of [model, key] pairs");
  }
  const entries = (requests as readonly unknown[]).map((request, i): GetEntry => {
    const at = `requests[${i}]`;
    if (!Array.isArray(request) || request.length !== 2) {
      throw new DynoValidationError(at, "expected a [model, key] pair");
    }
    return entryOf(request[0], request[1], read, at);
  });
  return (await readEntries(dyno, entries, batch)) as BatchGetResult<R>;
}

/**
 * Reads items of any models by key, grouped by names of the caller's:
 * `dyno.batchGet({ users: [Users, userKeys], orders: [Orders, orderKeys] })` resolves to
 * `{ users: (User | undefined)[], orders: (Order | undefined)[] }`, each in its keys' order.
 * One `batchGetItemAll` reads every group.
 * @throws DynoValidationError naming `groups.<name>` for a bad group, model or key (nothing sent).
 */
export async function batchGetGrouped<const G extends BatchGetGroups>(
  dyno: Dyno,
  groups: G & CheckedGroups<G>,
  options: ModelBatchGetOptions = {},
): Promise<BatchGetGroupedResult<G>> {
  const { read, batch } = readOptions(options);
  const names = Object.keys(groups);
  const entries: GetEntry[] = [];
  const sizes: number[] = [];
  for (const name of names) {
    const group: unknown = groups[name];
    const at = `groups.${name}`;
    if (!Array.isArray(group) || group.length !== 2 || !Array.isArray(group[1])) {
      throw new DynoValidationError(at, "expected a [model, keys] pair");
    }
    const [model, keys] = group as [unknown, unknown[]];
    keys.forEach((key, i) => entries.push(entryOf(model, key, read, `${at}[${i}]`)));
    sizes.push(keys.length);
  }
  const items = await readEntries(dyno, entries, batch);
  const out: Record<string, unknown[]> = {};
  let from = 0;
  names.forEach((name, i) => {
    Object.defineProperty(out, name, {
      value: items.slice(from, (from += sizes[i]!)),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  });
  return out as BatchGetGroupedResult<G>;
}

/**
 * A model's own `batchGet(keys, options)` (tables and entities alike): the items at `keys`, in
 * their order, missing and expired ones left out.
 * @throws DynoValidationError: not an array, a bad key (`keys[i].<prop>`).
 */
export async function modelBatchGet(
  dyno: Pick<Dyno, "batchGetItemAll">,
  model: AnyModel,
  keys: readonly unknown[],
  options: ModelBatchGetOptions,
): Promise<unknown[]> {
  if (!Array.isArray(keys)) throw new DynoValidationError("keys", "expected an array of keys");
  if (keys.length === 0) return [];
  const { read, batch } = readOptions(options);
  const entries = keys.map((k, i) => {
    const at = `keys[${i}]`;
    return { model, plan: model.getPlan(k as never, read, at), at };
  });
  const items = await readEntries(dyno, entries, batch);
  return items.filter((item) => item !== undefined);
}
