/**
 * The compile-time half of entities: the properties a key template names, keys and key
 * queries derived from the templates and the schema's type. Nothing here exists at run time;
 * `keys.ts` checks the same rules there.
 * @module
 */
import type { SortCondition } from "../table/types.js";

/** The properties a template names: `Placeholders<"ORG#{org}#{id}">` is `"org" | "id"`. */
export type Placeholders<S> = S extends `${string}{${infer P}}${infer R}`
  ? P | Placeholders<R>
  : never;

/** The value types a template property can hold. */
export type TemplateValue = string | number | bigint | Date;

/** The properties of `T` a template may name. */
export type TemplateProperty<T> = {
  [K in keyof T & string]-?: NonNullable<T[K]> extends TemplateValue ? K : never;
}[keyof T & string];

/**
 * A template checked against `T`: the template itself when every placeholder names a property
 * of a template type, else a string type that says which does not (a compile error there).
 */
export type CheckedTemplate<T, S extends string> = [
  Exclude<Placeholders<S>, TemplateProperty<T>>,
] extends [never]
  ? S
  : `unknown or non-key property in template: {${Exclude<Placeholders<S>, TemplateProperty<T>> & string}}`;

/** An entity's templates for the table's key or one index. */
export interface KeyTemplates {
  /** The partition key template: `"ORG#{org}"`. */
  readonly partitionKey: string;
  /** The sort key template: `"USER#{id}"` (when the table or index has a sort key). */
  readonly sortKey?: string | undefined;
}

/** The properties named by a key's templates. */
export type TemplateProps<K> = K extends KeyTemplates
  ? Placeholders<K["partitionKey"]> | Placeholders<K["sortKey"]>
  : never;

/** The key of an item: exactly the properties its key templates name (`{ org, id }`). */
export type EntityKey<T, K extends KeyTemplates> = {
  [P in TemplateProps<K> & keyof T]: NonNullable<T[P]>;
};

/**
 * A query's key: every property of the partition key template, and any properties of the sort
 * key template (filled from the left), the last of them a value or a condition (`{ gt: 5 }`).
 */
export type EntityQuery<T, K extends KeyTemplates> = {
  [P in Placeholders<K["partitionKey"]> & keyof T]: NonNullable<T[P]>;
} & {
  [
    P in Exclude<Placeholders<K["sortKey"]>, Placeholders<K["partitionKey"]>> & keyof T
  ]?: SortCondition<NonNullable<T[P]>>;
};

/** The templates of index `X` (the table's key for `undefined`). */
export type KeyOfIndex<K, IX, X> = X extends keyof IX
  ? IX[X] extends KeyTemplates
    ? IX[X]
    : never
  : K extends KeyTemplates
    ? K
    : never;
