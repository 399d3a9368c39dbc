/**
 * Collections: several entities of a shared table read together from one partition
 * (`app.collection({ users: Users, orders: Orders }).query({ org: "acme" })`), each item
 * decoded by the entity whose entity attribute it carries and named by its member name.
 * @module
 */
import type { QueryCommandInput } from "@aws-sdk/client-dynamodb";
import { QueryBuilder } from "../builders/read.js";
import { unmarshalItems } from "../encoding/api.js";
import { DynoValidationError } from "../errors.js";
import { setOwn } from "../own.js";
import { cond } from "../expression/condition.js";
import { key as keyCond } from "../expression/key-condition.js";
import type { RawItem } from "../table/items.js";
import { bindingOf } from "../table/cursor.js";
import { checkMaxItems } from "../table/runs.js";
import { checkOptions } from "../table/options.js";
import type { Entity } from "./entity.js";
import { fillKey } from "./keys.js";
import { readPage, type Page, type PageRequest } from "../table/pages.js";
import type { ModelSession } from "../table/model-session.js";
import type { Placeholders } from "./types.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyEntity = Entity<any, string, any, any>;

/** The members of a collection: entities by the names the results carry. */
export type Members = { readonly [name: string]: AnyEntity };

/** The item type of an entity. */
export type EntityItem<E> = E extends Entity<infer T, string, infer _K, infer _X> ? T : never;

/** One item of a collection: the member it belongs to, and the item. */
export type CollectionItem<M extends Members> = {
  [K in keyof M & string]: { entity: K; item: EntityItem<M[K]> };
}[keyof M & string];

/** Every item of a collection, grouped by member. */
export type CollectionGroups<M extends Members> = { [K in keyof M]: EntityItem<M[K]>[] };

type PartitionProps<E> =
  E extends Entity<infer T, string, infer K, infer _X>
    ? { [P in Placeholders<K["partitionKey"]> & keyof T]: NonNullable<T[P]> }
    : never;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (
  x: infer I,
) => void
  ? I
  : never;

/** What a collection query takes: every property the members' partition key templates name. */
export type CollectionQuery<M extends Members> = UnionToIntersection<
  { [K in keyof M]: PartitionProps<M[K]> }[keyof M]
>;

/** Options of {@link Collection.query}. */
export interface CollectionQueryOptions {
  /** Stops after this many items. */
  maxItems?: number;
  /** Items DynamoDB evaluates per request (`Limit`). */
  pageSize?: number;
  /** Strongly consistent reads. */
  consistentRead?: boolean;
  /** Descending sort key order. */
  descending?: boolean;
  /** Also returns items whose TTL has passed. */
  includeExpired?: boolean;
}

/** The names of {@link CollectionQueryOptions}: any other option (a `filter` too) is refused. */
export const COLLECTION_QUERY_OPTIONS: readonly (keyof CollectionQueryOptions)[] = [
  "maxItems",
  "pageSize",
  "consistentRead",
  "descending",
  "includeExpired",
];

/** Several entities of one shared table, read together. Made by `app.collection(members)`. */
export class Collection<M extends Members> {
  readonly #session: ModelSession;
  readonly #table: string;
  readonly #members: M;
  readonly #byEntity = new Map<string, [string, AnyEntity]>();
  readonly #entityAttribute: string;

  /** Use `app.collection(members)`. */
  constructor(session: ModelSession, table: string, members: M) {
    if (Object.keys(members).length === 0)
      throw new DynoValidationError("members", "a collection needs entities");
    this.#session = session;
    this.#table = table;
    this.#members = members;
    this.#entityAttribute = Object.values(members)[0]!.definition.entityAttribute;
    for (const [name, e] of Object.entries(members)) {
      if (this.#byEntity.has(e.entity)) {
        throw new DynoValidationError(`members.${name}`, `entity ${e.entity} is already a member`);
      }
      this.#byEntity.set(e.entity, [name, e]);
    }
  }

  /**
   * The members' items in one partition: every member's partition key template is filled from
   * `props` and must give the same value. Items of entities not named are left out.
   */
  query(props: CollectionQuery<M>, options: CollectionQueryOptions = {}): CollectionItems<M> {
    checkOptions(options, COLLECTION_QUERY_OPTIONS, "");
    if (props === null || typeof props !== "object")
      throw new DynoValidationError("key", "expected an object of properties");
    const values = props as Record<string, unknown>;
    let pk: string | undefined;
    let attr: string | undefined;
    let first = "";
    const used = new Set<string>();
    for (const [name, e] of Object.entries(this.#members)) {
      const k = e.definition.key.partition;
      for (const p of k.template.props) used.add(p);
      const v = fillKey(k, `entity ${e.entity}`, e.definition.kinds, values, "key", true)!;
      if (pk === undefined) [pk, attr, first] = [v, k.attr, name];
      else if (v !== pk) {
        throw new DynoValidationError(
          "key",
          `${first} and ${name} are in different partitions for these properties (${JSON.stringify(pk)} and ${JSON.stringify(v)})`,
        );
      }
    }
    for (const p of Object.keys(values)) {
      if (!used.has(p))
        throw new DynoValidationError(
          `key.${p}`,
          `${p} is not named by the members' partition key templates`,
        );
    }
    checkMaxItems(options.maxItems);
    const build = (ttl: boolean): QueryCommandInput => {
      const b = new QueryBuilder().table(this.#table).keyCondition(keyCond.eq(attr!, pk!));
      const own = [...this.#byEntity.values()].map(([, e]) =>
        ttl
          ? e.ownFilter(options.includeExpired)
          : cond.eq([e.definition.entityAttribute], e.entity),
      );
      b.filter(own.length === 1 ? own[0]! : cond.or(...own));
      if (options.consistentRead) b.consistentRead();
      if (options.descending) b.descending();
      if (options.pageSize !== undefined) b.limit(options.pageSize);
      return b.build();
    };
    const input = build(true);
    const any = Object.values(this.#members)[0]!;
    const k = any.definition.key;
    return new CollectionItems<M>({
      session: this.#session,
      input,
      maxItems: options.maxItems,
      decode: (item) => this.#decode(item),
      memberOf: (item) => this.#member(item)?.[0],
      decodeAll: (member, items) =>
        unmarshalItems(items, this.#members[member]!.definition.model.schema),
      members: Object.keys(this.#members),
      pages: {
        session: this.#session,
        operation: "Query",
        input,
        binding: () =>
          bindingOf([
            this.#table,
            "collection",
            [...this.#byEntity.keys()].sort(),
            options.includeExpired === true,
            build(false),
          ]),
        keyAttributes: [k.partition.attr, ...(k.sort ? [k.sort.attr] : [])],
        secret: this.#secret(),
      },
    });
  }

  /** The members' cursor secret: they must agree (or none has one). */
  #secret(): string | Uint8Array | undefined {
    const secrets = new Set(Object.values(this.#members).map((e) => e.cursorSecret));
    if (secrets.size > 1)
      throw new DynoValidationError(
        "cursorSecret",
        "the members of a collection sign cursors with different secrets",
      );
    return [...secrets][0];
  }

  #member(item: RawItem): [string, AnyEntity] | undefined {
    const name = item[this.#entityAttribute]?.S;
    return name === undefined ? undefined : this.#byEntity.get(name);
  }

  #decode(item: RawItem): CollectionItem<M> | undefined {
    const member = this.#member(item);
    if (!member) return undefined;
    return { entity: member[0], item: member[1].decodeItem(item) } as CollectionItem<M>;
  }
}

interface CollectionSource<M extends Members> {
  readonly session: ModelSession;
  readonly input: QueryCommandInput;
  readonly maxItems: number | undefined;
  readonly members: readonly string[];
  readonly pages: Parameters<typeof readPage>[0];
  decode(item: RawItem): CollectionItem<M> | undefined;
  /** The member name of a raw item, or undefined for an item of another entity. */
  memberOf(item: RawItem): string | undefined;
  /** Decodes raw items of one member. */
  decodeAll(member: string, items: RawItem[]): unknown[];
}

/** The items of a collection query: iterate them, `.all()` grouped by member, or `.page()`. */
export class CollectionItems<M extends Members> implements AsyncIterable<CollectionItem<M>> {
  readonly #source: CollectionSource<M>;

  /** @internal Made by a collection. */
  constructor(source: CollectionSource<M>) {
    this.#source = source;
  }

  /** Reads page by page as the loop asks for items; breaking out stops reading. */
  async *[Symbol.asyncIterator](): AsyncIterator<CollectionItem<M>> {
    const { session, input, maxItems } = this.#source;
    let n = 0;
    for await (const page of session.queryPages(input)) {
      for (const raw of page.Items ?? []) {
        const item = this.#source.decode(raw);
        if (!item) continue;
        yield item;
        if (maxItems !== undefined && ++n >= maxItems) return;
      }
    }
  }

  /** Every item, grouped by member: `{ users: User[], orders: Order[] }`. */
  async all(): Promise<CollectionGroups<M>> {
    const { session, input, maxItems } = this.#source;
    const out = await session.queryAll(input, maxItems === undefined ? {} : { maxItems });
    // Raw items bucketed by member first, then each bucket decoded at once by its schema.
    const buckets = new Map<string, RawItem[]>(this.#source.members.map((m) => [m, []]));
    for (const raw of out.Items ?? []) {
      const member = this.#source.memberOf(raw);
      if (member) buckets.get(member)!.push(raw);
    }
    const groups: Record<string, unknown[]> = {};
    for (const [name, raws] of buckets) setOwn(groups, name, this.#source.decodeAll(name, raws));
    return groups as CollectionGroups<M>;
  }

  /** At most `limit` items after `cursor`, and the cursor of the next page (undefined on the last). */
  async page(request: PageRequest): Promise<Page<CollectionItem<M>>> {
    const page = await readPage(this.#source.pages, request);
    const items: CollectionItem<M>[] = [];
    for (const raw of page.items) {
      const item = this.#source.decode(raw);
      if (item) items.push(item);
    }
    return { items, cursor: page.cursor };
  }
}
