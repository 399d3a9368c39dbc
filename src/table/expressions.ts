/**
 * Schema-aware conditions and updates: a typed facade over `cond.*`, `size()`, `attr()` and
 * `update.*` that translates property paths into attribute paths and encodes values with the
 * field's codec, then hands both to the expression builders, which do the rest.
 * @module
 */
import { AttributeRef, attr } from "../expression/operand.js";
import { cond, isCondition, type AttributeTypeName } from "../expression/condition.js";
import { size, type SizeOperand } from "../expression/size.js";
import { update } from "../expression/update.js";
import type { Condition, UpdateAction } from "../expression/types.js";
import { DynoValidationError } from "../errors.js";
import { encoded, type ItemModel, type ResolvedPath } from "./paths.js";
import type { PathValue, PathsOf, PropertyPath } from "./types.js";

/** What a comparison takes on its right: a value of the field's type, or another attribute. */
export type Comparand<T, P extends string> = PathValue<T, P> | AttributeRef;

/** The member type of a set or list, or a substring: what `contains` looks for. */
export type ElementOf<V> =
  V extends Set<infer E>
    ? E
    : V extends readonly (infer E)[]
      ? E
      : V extends string
        ? string
        : never;

/** A condition: built on the model's properties (`(c) => c.eq("age", 3)`), or a plain `cond.*` one on attribute names. */
export type ConditionInput<T> = Condition | ((c: Conditions<T>) => Condition);

type Comparator = "eq" | "ne" | "lt" | "le" | "gt" | "ge";

/**
 * Conditions on a table's items (the `c` of `filter: (c) => ...` and `condition: (c) => ...`):
 * the `cond.*` functions with property paths of the schema and values of the field's type.
 *
 * @example
 * ```ts
 * users.scan({ filter: (c) => c.and(c.gt("age", 30), c.eq("address.city", "London")) });
 * ```
 */
export class Conditions<T> {
  readonly #model: ItemModel;

  /** @internal Made by a table. */
  constructor(model: ItemModel) {
    this.#model = model;
  }

  /** `path = value` */
  eq<P extends PropertyPath<T>>(path: P, value: Comparand<T, P>): Condition {
    return this.#compare("eq", path, value);
  }
  /** `path <> value` */
  ne<P extends PropertyPath<T>>(path: P, value: Comparand<T, P>): Condition {
    return this.#compare("ne", path, value);
  }
  /** `path < value` */
  lt<P extends PropertyPath<T>>(path: P, value: Comparand<T, P>): Condition {
    return this.#compare("lt", path, value);
  }
  /** `path <= value` */
  le<P extends PropertyPath<T>>(path: P, value: Comparand<T, P>): Condition {
    return this.#compare("le", path, value);
  }
  /** `path > value` */
  gt<P extends PropertyPath<T>>(path: P, value: Comparand<T, P>): Condition {
    return this.#compare("gt", path, value);
  }
  /** `path >= value` */
  ge<P extends PropertyPath<T>>(path: P, value: Comparand<T, P>): Condition {
    return this.#compare("ge", path, value);
  }
  /** `path BETWEEN lo AND hi` (inclusive). */
  between<P extends PropertyPath<T>>(path: P, lo: Comparand<T, P>, hi: Comparand<T, P>): Condition {
    const r = this.#path(path, "cond.between");
    return cond.between(
      r.segments,
      this.#value(r, lo, "cond.between"),
      this.#value(r, hi, "cond.between"),
    );
  }
  /** `path IN (v1, v2, ...)` */
  in<P extends PropertyPath<T>>(path: P, ...values: Comparand<T, P>[]): Condition {
    const r = this.#path(path, "cond.in");
    return cond.in(r.segments, ...values.map((v) => this.#value(r, v, "cond.in")));
  }
  /** `begins_with(path, prefix)` on a string field. */
  beginsWith<P extends PathsOf<T, string>>(path: P, prefix: string): Condition {
    const r = this.#path(path, "cond.beginsWith");
    return cond.beginsWith(
      r.segments,
      this.#model.operand(this.#model.element(r), prefix, "cond.beginsWith"),
    );
  }
  /** `contains(path, v)`: an element of a set or list field, or a substring of a string field. */
  contains<P extends PropertyPath<T>>(
    path: P,
    value: ElementOf<PathValue<T, P>> | AttributeRef,
  ): Condition {
    const r = this.#path(path, "cond.contains");
    return cond.contains(r.segments, this.#value(this.#model.element(r), value, "cond.contains"));
  }
  /** `attribute_exists(path)` */
  exists(path: PropertyPath<T>): Condition {
    return cond.exists(this.#path(path, "cond.exists").segments);
  }
  /** `attribute_not_exists(path)` */
  notExists(path: PropertyPath<T>): Condition {
    return cond.notExists(this.#path(path, "cond.notExists").segments);
  }
  /** `attribute_type(path, type)` */
  type(path: PropertyPath<T>, type: AttributeTypeName): Condition {
    return cond.type(this.#path(path, "cond.type").segments, type);
  }
  /** All of the conditions. */
  and(...conditions: Condition[]): Condition {
    return cond.and(...conditions);
  }
  /** Any of the conditions. */
  or(...conditions: Condition[]): Condition {
    return cond.or(...conditions);
  }
  /** The negation. */
  not(condition: Condition): Condition {
    return cond.not(condition);
  }
  /** `size(path)`, compared with a number: `c.size("tags").gt(2)`. */
  size(path: PropertyPath<T>): SizeOperand {
    return size(this.#path(path, "size").segments);
  }
  /** Another attribute as the right-hand side: `c.lt("spent", c.attr("budget"))`. */
  attr(path: PropertyPath<T>): AttributeRef {
    return attr(this.#path(path, "attr").segments);
  }

  #path(path: string, what: string): ResolvedPath {
    return this.#model.resolve(path, what);
  }
  #value(r: ResolvedPath, value: unknown, what: string): unknown {
    return value instanceof AttributeRef ? value : this.#model.operand(r, value, what);
  }
  #compare(op: Comparator, path: string, value: unknown): Condition {
    const what = `cond.${op}`;
    const r = this.#path(path, what);
    return cond[op](r.segments, this.#value(r, value, what));
  }
}

const actionsKey: unique symbol = Symbol("dyno.table.actions");

/**
 * The update actions of `table.update(key, (u) => u.set(...).add(...))`: the `update.*`
 * functions with property paths and values of the field's type, chained. Setting a set
 * field to an empty set (or an `omitEmpty` field to an empty value) removes the attribute,
 * as writing the item would leave it out.
 */
export class Updates<T> {
  readonly #model: ItemModel;
  /** @internal */
  readonly [actionsKey]: UpdateAction[] = [];

  /** @internal Made by a table. */
  constructor(model: ItemModel) {
    this.#model = model;
  }

  /** `SET path = value` (another attribute with `u.attr(path)`). */
  set<P extends PropertyPath<T>>(path: P, value: PathValue<T, P> | AttributeRef): this {
    const r = this.#path(path, "u.set");
    if (value instanceof AttributeRef) return this.#push(update.set(r.segments, value));
    const av = this.#model.encode(r, value, "u.set");
    if (av === undefined) return this.#remove(r, "u.set");
    return this.#push(update.set(r.segments, encoded(av)));
  }
  /** `SET path = if_not_exists(path, value)`. */
  setIfNotExists<P extends PropertyPath<T>>(path: P, value: PathValue<T, P>): this {
    const r = this.#path(path, "u.setIfNotExists");
    return this.#push(
      update.setIfNotExists(r.segments, this.#model.operand(r, value, "u.setIfNotExists")),
    );
  }
  /** `REMOVE path`, for each path. A required property of the schema cannot be removed. */
  remove(...paths: PropertyPath<T>[]): this {
    for (const p of paths) this.#remove(this.#path(p, "u.remove"), "u.remove");
    return this;
  }
  /** `ADD path value`: a number to a number field, or elements to a set field. */
  add<P extends PathsOf<T, number | bigint | Set<unknown>>>(path: P, value: PathValue<T, P>): this {
    const r = this.#path(path, "u.add");
    this.#model.encode(r, value, "u.add"); // checks the type against the field
    return this.#push(update.add(r.segments, value as number | bigint | Set<unknown>));
  }
  /** `DELETE path set`: removes elements from a set field. */
  delete<P extends PathsOf<T, Set<unknown>>>(path: P, value: PathValue<T, P>): this {
    const r = this.#path(path, "u.delete");
    this.#model.encode(r, value, "u.delete");
    return this.#push(update.delete(r.segments, value as Set<unknown>));
  }
  /** Appends to a list field (created if missing). */
  append<P extends PathsOf<T, readonly unknown[]>>(path: P, list: PathValue<T, P>): this {
    return this.#list("append", path, list);
  }
  /** Prepends to a list field (created if missing). */
  prepend<P extends PathsOf<T, readonly unknown[]>>(path: P, list: PathValue<T, P>): this {
    return this.#list("prepend", path, list);
  }
  /** Adds `n` (default 1) to a number field, from 0 when missing. */
  increment<P extends PathsOf<T, number | bigint>>(path: P, n?: PathValue<T, P>): this {
    return this.#arith("increment", path, n);
  }
  /** Subtracts `n` (default 1) from a number field, from 0 when missing. */
  decrement<P extends PathsOf<T, number | bigint>>(path: P, n?: PathValue<T, P>): this {
    return this.#arith("decrement", path, n);
  }
  /** Another attribute, as the value of `set`: `u.set("backup", u.attr("email"))`. */
  attr(path: PropertyPath<T>): AttributeRef {
    return attr(this.#path(path, "attr").segments);
  }

  #path(path: string, what: string): ResolvedPath {
    return this.#model.resolve(path, what);
  }
  #push(action: UpdateAction): this {
    this[actionsKey].push(action);
    return this;
  }
  #remove(r: ResolvedPath, what: string): this {
    const top =
      r.segments.length === 1
        ? this.#model.plan.fields.find((f) => f.type === "field" && f.attr === r.segments[0])
        : undefined;
    const schema = top?.schema;
    const kind = schema?.def.kind;
    const emptyOk =
      kind === "stringSet" ||
      kind === "numberSet" ||
      kind === "binarySet" ||
      schema?.mods.omitEmpty;
    if (schema && !schema.mods.optional && !emptyOk) {
      throw new DynoValidationError(
        r.label,
        `${what}: ${r.label} is required by the schema and cannot be removed`,
      );
    }
    return this.#push(update.remove(r.segments));
  }
  #list(method: "append" | "prepend", path: string, list: unknown): this {
    const what = `u.${method}`;
    const r = this.#path(path, what);
    if (!Array.isArray(list)) throw new DynoValidationError(r.label, `${what}: expected an array`);
    const item = this.#model.element(r);
    return this.#push(
      update[method](
        r.segments,
        list.map((v) => this.#model.operand(item, v, what)),
      ),
    );
  }
  #arith(method: "increment" | "decrement", path: string, n: unknown): this {
    const what = `u.${method}`;
    const r = this.#path(path, what);
    if (n !== undefined) this.#model.encode(r, n, what);
    return this.#push(update[method](r.segments, n as number | bigint | undefined));
  }
}

/** The actions collected by an {@link Updates}. */
export function actionsOf<T>(u: Updates<T>): UpdateAction[] {
  return u[actionsKey];
}

/**
 * The condition a {@link ConditionInput} stands for, built on `model`'s properties.
 * @throws DynoValidationError naming `field` when it is neither a condition nor a function returning one.
 */
export function conditionOf<T>(
  model: ItemModel,
  input: ConditionInput<T>,
  field: string,
): Condition {
  const c = typeof input === "function" ? input(new Conditions<T>(model)) : input;
  if (!isCondition(c)) {
    throw new DynoValidationError(field, "expected a condition, or (c) => c.eq(...)");
  }
  return c;
}

/**
 * The actions an update function (`(u) => u.set(...).add(...)`) collects on `model`'s properties.
 * @throws DynoValidationError naming `field`: not a function, or it returned something else than its builder.
 */
export function updateActionsOf<T>(
  model: ItemModel,
  fn: (u: Updates<T>) => Updates<T>,
  field: string,
): UpdateAction[] {
  if (typeof fn !== "function") {
    throw new DynoValidationError(field, "expected a function (u) => u.set(...)...");
  }
  const u = new Updates<T>(model);
  const returned = fn(u);
  if (returned !== u && returned !== undefined) {
    throw new DynoValidationError(
      field,
      "return the update builder it was given (u) => u.set(...)",
    );
  }
  return actionsOf(u);
}
