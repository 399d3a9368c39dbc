/**
 * The compile-time half of the Table model: the property paths of an item type, the value
 * at a path, keys, key conditions and index projections, all derived from the schema's
 * inferred type. Nothing here exists at run time; `paths.ts` checks the same rules there.
 * @module
 */
import type { AnySchema, Infer, Schema } from "../encoding/schema/schema.js";

/** An object schema (`s.object({...})`): what a table stores. */
export type ItemSchema = Schema<object, false>;

/** The item type of a table's schema. */
export type ItemOf<S extends AnySchema> = Infer<S> & object;

/** Values stored as one attribute that are not documents: no path goes inside them. */
type Leaf =
  string | number | bigint | boolean | null | undefined | Date | Uint8Array | Set<unknown>;

/** Depth counter for {@link Path}: paths stop after a few levels to keep types fast. */
type Prev = [never, 0, 1, 2, 3, 4];

/**
 * Every property path of `T`: `"name"`, `"address.city"`, `"lines[0]"`, `"lines[0].sku"`,
 * `"meta.anyKey"` (records), up to five levels deep.
 */
export type Path<T, D extends number = 5> = [D] extends [never]
  ? never
  : T extends Leaf
    ? never
    : T extends readonly (infer E)[]
      ? `[${number}]` | `[${number}]${SubPath<E, Prev[D]>}`
      : T extends Map<string, infer V>
        ? `.${string}` | `.${string}${SubPath<V, Prev[D]>}`
        : T extends object
          ? {
              [K in keyof T & string]-?: `.${K}` | `.${K}${SubPath<NonNullable<T[K]>, Prev[D]>}`;
            }[keyof T & string]
          : never;

/** The part of a path after a segment (`.x`, `[0]`), or nothing. */
type SubPath<T, D extends number> = [D] extends [never] ? never : Path<T, D>;

/** A property path of an item type, as a user writes it: `"address.city"`, `"lines[0].sku"`. */
export type PropertyPath<T> = StripDot<Path<T>>;

/**
 * The property paths `u.remove` takes: those that may be missing once removed. An optional
 * property (at any depth: `"age"`, `"profile.bio"` only when `bio` is optional), a set (an empty
 * set is stored as no attribute), a list element (`"lines[0]"`) or a record entry (`"meta.k"`);
 * never a required property, whose removal would leave an item the schema cannot read (a
 * required `.omitEmpty()` property is emptied with `u.set(path, "")` instead).
 */
export type RemovablePath<T> = StripDot<Removable<T>>;

type Removable<T, D extends number = 5> = [D] extends [never]
  ? never
  : T extends Leaf
    ? never
    : T extends readonly (infer E)[]
      ? `[${number}]` | `[${number}]${SubRemovable<E, Prev[D]>}`
      : T extends Map<string, infer V>
        ? `.${string}` | `.${string}${SubRemovable<V, Prev[D]>}`
        : T extends object
          ? string extends keyof T
            ? `.${string}` | `.${string}${SubRemovable<NonNullable<T[string & keyof T]>, Prev[D]>}`
            : {
                [K in keyof T & string]-?:
                  | (undefined extends T[K]
                      ? `.${K}`
                      : NonNullable<T[K]> extends Set<unknown>
                        ? `.${K}`
                        : never)
                  | `.${K}${SubRemovable<NonNullable<T[K]>, Prev[D]>}`;
              }[keyof T & string]
          : never;

type SubRemovable<T, D extends number> = [D] extends [never] ? never : Removable<T, D>;

type StripDot<P> = P extends `.${infer R}` ? R : never;

/** The value type at property path `P` of `T` (optional properties without `undefined`). */
export type PathValue<T, P extends string> = P extends `${infer K}.${infer R}`
  ? PathValue<Segment<NonNullable<T>, K>, R>
  : Segment<NonNullable<T>, P>;

/** One dotted segment: `name`, or `name[0][1]`. */
type Segment<T, K extends string> = K extends `${infer N}[${infer Rest}`
  ? Indexed<Member<T, N>, `[${Rest}`>
  : Member<T, K>;

type Indexed<T, R extends string> = R extends `[${string}]${infer More}`
  ? Indexed<NonNullable<T> extends readonly (infer E)[] ? E : never, More>
  : T;

type Member<O, K extends string> =
  O extends Map<string, infer V>
    ? V
    : O extends object
      ? K extends keyof O
        ? Exclude<O[K], undefined>
        : string extends keyof O
          ? O[string & keyof O]
          : never
      : never;

/** Paths whose value satisfies `V`: `PathsOf<User, number>` for `increment`. */
export type PathsOf<T, V> = {
  [P in PropertyPath<T>]: PathValue<T, P> extends V ? P : never;
}[PropertyPath<T>];

/** The types DynamoDB allows as key attributes, as JS values (Date: stored as S or N). */
export type KeyValue = string | number | bigint | Uint8Array | Date;

/** The top-level properties of `T` that can be key attributes: required, of a key type. */
export type KeyProperty<T> = {
  [K in keyof T & string]-?: undefined extends T[K] ? never : T[K] extends KeyValue ? K : never;
}[keyof T & string];

/**
 * The property names of key type `K` (`{ org, id }` gives `"org" | "id"`): what an update
 * cannot change. None for a key of unknown type (`any`).
 */
export type KeyProps<K> = string extends keyof K ? never : keyof K & string;

/** The primary key of an item: exactly the partition key and (when declared) sort key properties. */
export type KeyOf<T, PK extends keyof T, SK extends keyof T | undefined> = {
  [K in PK | Exclude<SK, undefined>]: T[K];
};

/** A condition on the sort key of a query: a value (equality) or one comparison. */
export type SortCondition<V> =
  | V
  | { eq: V }
  | { lt: V }
  | { le: V }
  | { gt: V }
  | { ge: V }
  | { between: readonly [V, V] }
  | { beginsWith: V extends string ? string : never };

/** A query's key condition: the partition key's value, and optionally a sort key condition. */
export type KeyQuery<T, PK extends keyof T, SK extends keyof T | undefined> = {
  [K in PK]: T[K];
} & {
  [K in Exclude<SK, undefined>]?: SortCondition<T[K]>;
};

/** What an index holds besides the keys: everything, keys only, or these properties too. */
export type IndexProjectionOf<T> = "ALL" | "KEYS_ONLY" | readonly (keyof T & string)[];

/** A global secondary index over properties of `T`. */
export interface GlobalIndex<T> {
  /** The index's partition key property. */
  readonly partitionKey: KeyProperty<T>;
  /** The index's sort key property. */
  readonly sortKey?: KeyProperty<T>;
  /** What the index holds (default `"ALL"`). */
  readonly projection?: IndexProjectionOf<T>;
  /** Global (the default). */
  readonly local?: false;
}

/** A local secondary index: the table's partition key with another sort key. */
export interface LocalIndex<T> {
  /** Marks a local secondary index. */
  readonly local: true;
  /** The index's sort key property. */
  readonly sortKey: KeyProperty<T>;
  /** What the index holds (default `"ALL"`). */
  readonly projection?: IndexProjectionOf<T>;
  readonly partitionKey?: undefined;
}

/** A secondary index declared on a table. */
export type IndexDefinition<T> = GlobalIndex<T> | LocalIndex<T>;

/** The names of an {@link IndexDefinition}: any other name in an index's definition is refused. */
export const INDEX_DEFINITION_NAMES: readonly (keyof GlobalIndex<unknown>)[] = [
  "partitionKey",
  "sortKey",
  "projection",
  "local",
];

/** The secondary indexes of a table, by index name. */
export type Indexes<T> = { readonly [name: string]: IndexDefinition<T> };

/** The partition key property of index `X` (the table's own for `undefined` or a local index). */
export type IndexPartition<T, PK extends keyof T, IX, X> = X extends keyof IX
  ? IX[X] extends { partitionKey: infer P extends keyof T }
    ? P
    : PK
  : PK;

/** The sort key property of index `X` (the table's own for `undefined`). */
export type IndexSort<T, SK extends keyof T | undefined, IX, X> = X extends keyof IX
  ? IX[X] extends { sortKey: infer S extends keyof T }
    ? S
    : undefined
  : SK;

/** The properties an item read from index `X` has: all of them, or the keys and projected ones. */
export type IndexItem<
  T,
  PK extends keyof T,
  SK extends keyof T | undefined,
  IX,
  X,
> = X extends keyof IX
  ? IX[X] extends { projection: "KEYS_ONLY" }
    ? Pick<T, PK | Exclude<SK, undefined> | (IndexKeys<IX[X]> & keyof T)>
    : IX[X] extends { projection: readonly (infer A)[] }
      ? Pick<T, PK | Exclude<SK, undefined> | ((IndexKeys<IX[X]> | A) & keyof T)>
      : T
  : T;

type IndexKeys<D> =
  | (D extends { partitionKey: infer P extends PropertyKey } ? P : never)
  | (D extends { sortKey: infer S extends PropertyKey } ? S : never);

/** `T` restricted to the projected properties `P` (all of `T` when `P` is every key). */
export type Projected<T, P extends keyof T> = [keyof T] extends [P] ? T : Pick<T, P>;
