/**
 * Schema-aware conditions and updates: a typed facade over `cond.*`, `size()`, `attr()` and
 * `update.*` that translates property paths into attribute paths and encodes values with the
 * field's codec, then hands both to the expression builders, which do the rest.
 * @module
 */
import { requireStoredAs, storedTypes } from "./stored-types.js";
import { AttributeRef, attr } from "../expression/operand.js";
import {
  cond,
  condAt,
  isCondition,
  type AttributeTypeName,
  type ComparisonMethod,
} from "../expression/condition.js";
import { SizeOperand, type SizeComparand } from "../expression/size.js";
import { update } from "../expression/update.js";
import type { Condition, PathSegment, UpdateAction } from "../expression/types.js";
import { DynoValidationError } from "../errors.js";
import { checkPlainCondition } from "./plain.js";
import { encoded, type EmbedTarget, type ItemModel, type ResolvedPath } from "./paths.js";
import type { AnySchema, ObjectPlan } from "../encoding/schema/schema.js";
import { formatPath } from "../expression/path.js";
import { markTyped, propertyAt } from "./plain.js";
import { describeSchema, mayBeMissing, readsAs } from "./storage.js";
import type { PathValue, PathsOf, PropertyPath, RemovablePath } from "./types.js";

declare const refValue: unique symbol;

/**
 * `c.attr(path)` / `u.attr(path)`: another property, carrying (at compile time only) the type
 * of its value, so that a comparison or copy with a property of another type does not compile.
 * A plain `attr()` (no such type) is accepted by the types and checked at run time.
 */
export type PropertyRef<V> = AttributeRef & { readonly [refValue]?: V };

/** What a comparison takes on its right: a value of the field's type, or another property of that type. */
export type Comparand<T, P extends string> = PathValue<T, P> | PropertyRef<PathValue<T, P>>;

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
  /** `c.attr()` references made here (a plain `attr()` names attributes: checked as such). */
  readonly #refs = new WeakSet<AttributeRef>();

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
    return markTyped(
      cond.between(
        r.segments,
        this.#value(r, lo, "cond.between"),
        this.#value(r, hi, "cond.between"),
      ),
    );
  }
  /** `path IN (v1, v2, ...)` */
  in<P extends PropertyPath<T>>(path: P, ...values: Comparand<T, P>[]): Condition {
    const r = this.#path(path, "cond.in");
    return markTyped(cond.in(r.segments, ...values.map((v) => this.#value(r, v, "cond.in"))));
  }
  /** `begins_with(path, prefix)` on a string field. */
  beginsWith<P extends PathsOf<T, string>>(path: P, prefix: string): Condition {
    const r = this.#path(path, "cond.beginsWith");
    requireStoredAs(r, ["S", "B"], "cond.beginsWith", "matches only strings and binaries");
    return markTyped(
      cond.beginsWith(
        r.segments,
        this.#model.operand(this.#model.element(r), prefix, "cond.beginsWith"),
      ),
    );
  }
  /** `contains(path, v)`: an element of a set or list field, or a substring of a string field. */
  contains<P extends PropertyPath<T>>(
    path: P,
    value: ElementOf<PathValue<T, P>> | PropertyRef<ElementOf<PathValue<T, P>>>,
  ): Condition {
    const r = this.#path(path, "cond.contains");
    requireStoredAs(
      r,
      ["S", "SS", "NS", "BS", "L"],
      "cond.contains",
      "looks in strings, sets and lists only",
    );
    return markTyped(
      cond.contains(r.segments, this.#value(this.#model.element(r), value, "cond.contains")),
    );
  }
  /** `attribute_exists(path)` */
  exists(path: PropertyPath<T>): Condition {
    return markTyped(condAt.exists(this.#path(path, "cond.exists").segments));
  }
  /** `attribute_not_exists(path)` */
  notExists(path: PropertyPath<T>): Condition {
    return markTyped(condAt.notExists(this.#path(path, "cond.notExists").segments));
  }
  /** `attribute_type(path, type)` */
  type(path: PropertyPath<T>, type: AttributeTypeName): Condition {
    const r = this.#path(path, "cond.type");
    const stored = storedTypes(r.schema);
    if (stored !== undefined && !stored.includes(type)) {
      const json = r.schema?.def.kind === "json" ? " (s.json(): JSON text)" : "";
      throw new DynoValidationError(
        r.label,
        `cond.type: ${r.label} is stored as ${stored.join(" or ")}${json}, never as ${String(type)}, so it would never match`,
      );
    }
    return markTyped(cond.type(r.segments, type));
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
    return new TypedSize(this.#path(path, "size").segments, (v, m) => this.#value(undefined, v, m));
  }
  /** Another attribute as the right-hand side: `c.lt("spent", c.attr("budget"))`. */
  attr<P extends PropertyPath<T>>(path: P): PropertyRef<PathValue<T, P>> {
    const ref = attr(this.#path(path, "attr").segments);
    this.#refs.add(ref);
    return ref;
  }

  #path(path: string, what: string): ResolvedPath {
    return this.#model.resolve(path, what);
  }
  /** A value encoded for the field at `r`; another attribute as is, once its path is checked. */
  #value(r: ResolvedPath | undefined, value: unknown, what: string): unknown {
    if (value instanceof AttributeRef) {
      // A plain attr() names attributes: refused where that is a property stored elsewhere.
      if (!this.#refs.has(value)) {
        propertyAt(
          this.#model,
          value.path,
          what,
          "a plain attr()",
          (p) => `c.attr(${JSON.stringify(p)})`,
        );
      }
      return value;
    }
    return r === undefined ? value : this.#model.operand(r, value, what);
  }
  #compare(op: ComparisonMethod, path: string, value: unknown): Condition {
    const what = `cond.${op}`;
    const r = this.#path(path, what);
    return markTyped(condAt.compare(op, r.segments, this.#value(r, value, what)));
  }
}

/** `c.size(path)`: its comparisons are the table's own (marked), and a plain `attr()` is checked. */
class TypedSize extends SizeOperand {
  readonly #check: (value: unknown, what: string) => unknown;
  constructor(path: readonly PathSegment[], check: (value: unknown, what: string) => unknown) {
    super(path);
    this.#check = check;
  }
  override eq(n: SizeComparand): Condition {
    return markTyped(super.eq(this.#check(n, "size.eq") as SizeComparand));
  }
  override ne(n: SizeComparand): Condition {
    return markTyped(super.ne(this.#check(n, "size.ne") as SizeComparand));
  }
  override lt(n: SizeComparand): Condition {
    return markTyped(super.lt(this.#check(n, "size.lt") as SizeComparand));
  }
  override le(n: SizeComparand): Condition {
    return markTyped(super.le(this.#check(n, "size.le") as SizeComparand));
  }
  override gt(n: SizeComparand): Condition {
    return markTyped(super.gt(this.#check(n, "size.gt") as SizeComparand));
  }
  override ge(n: SizeComparand): Condition {
    return markTyped(super.ge(this.#check(n, "size.ge") as SizeComparand));
  }
  override between(lo: SizeComparand, hi: SizeComparand): Condition {
    const check = (v: SizeComparand) => this.#check(v, "size.between") as SizeComparand;
    return markTyped(super.between(check(lo), check(hi)));
  }
}

const actionsKey: unique symbol = Symbol("dyno.table.actions");
const writesKey: unique symbol = Symbol("dyno.table.writes");

/** What one update action does to an attribute path (for the create-from-nothing check). */
export interface Write {
  /** The attribute path written. */
  readonly segments: readonly PathSegment[];
  /** True when the action gives the attribute a value even where the item (or it) is missing. */
  readonly creates: boolean;
}

type Kind = NonNullable<ResolvedPath["schema"]>["def"]["kind"];
const NUMBERS: readonly Kind[] = ["number", "bigint"];
const SETS: readonly Kind[] = ["stringSet", "numberSet", "binarySet"];

/**
 * The update actions of `table.update(key, (u) => u.set(...).add(...))`: the `update.*`
 * functions with property paths and values of the field's type, chained. Every action is
 * checked against the schema before anything is sent: the value's type (and, for `add`,
 * `delete`, `append`, `increment`, the kind of the field), that nothing required is removed at
 * any depth, and that a copied attribute (`u.attr(path)`) stores what the target reads.
 * Setting a set field to an empty set (or an `omitEmpty` field to an empty value) removes the
 * attribute, as writing the item would leave it out.
 */
export class Updates<T, K extends string = never> {
  readonly #model: ItemModel;
  /** `u.attr()` references made here, with what they resolved to (their schema). */
  readonly #refs = new WeakMap<AttributeRef, ResolvedPath>();
  /** @internal */
  readonly [actionsKey]: UpdateAction[] = [];
  /** @internal */
  readonly [writesKey]: Write[] = [];

  /** @internal Made by a table. */
  constructor(model: ItemModel) {
    this.#model = model;
  }

  /** `SET path = value` (another attribute with `u.attr(path)`). */
  set<P extends Exclude<PropertyPath<T>, K>>(
    path: P,
    value: PathValue<T, P> | PropertyRef<PathValue<T, P>>,
  ): this {
    const t = this.#model.target(path, "u.set");
    if (!("segments" in t)) return this.#setEmbed(t, value);
    const r = t;
    if (value instanceof AttributeRef) {
      const from = this.#refs.get(value);
      if (!from) {
        throw new DynoValidationError(
          r.label,
          "u.set: copy another property with u.attr(path) (a plain attr() names attributes, " +
            "not the schema's properties)",
        );
      }
      if (!readsAs(r.schema, from.schema)) {
        throw new DynoValidationError(
          r.label,
          `u.set: ${from.label} is stored as ${describeSchema(from.schema)}, which ${r.label} ` +
            `(${describeSchema(r.schema)}) cannot read`,
        );
      }
      return this.#push(update.set(r.segments, value), r, true);
    }
    const av = this.#model.encode(r, value, "u.set");
    if (av === undefined) return this.#remove(r, "u.set");
    return this.#push(update.set(r.segments, encoded(av)), r, true);
  }
  /** `SET path = if_not_exists(path, value)`. */
  setIfNotExists<P extends Exclude<PropertyPath<T>, K>>(path: P, value: PathValue<T, P>): this {
    const t = this.#model.target(path, "u.setIfNotExists");
    if (!("segments" in t)) {
      throw new DynoValidationError(
        t.label,
        `u.setIfNotExists: ${t.label} is embedded (flattened into the item), so it exists ` +
          `attribute by attribute; set it whole with u.set, or name one of its properties`,
      );
    }
    const r = t;
    return this.#push(
      update.setIfNotExists(r.segments, this.#model.operand(r, value, "u.setIfNotExists")),
      r,
      true,
    );
  }
  /** `REMOVE path`, for each path. A property the schema requires (at any depth) cannot be removed. */
  remove(...paths: Exclude<RemovablePath<T>, K>[]): this {
    for (const p of paths) {
      const t = this.#model.target(p, "u.remove");
      if ("segments" in t) this.#remove(t, "u.remove");
      else this.#removeEmbed(t, "u.remove");
    }
    return this;
  }
  /** `ADD path value`: a number to a number field, or elements to a set field. */
  add<P extends Exclude<PathsOf<T, number | bigint | Set<unknown>>, K>>(
    path: P,
    value: PathValue<T, P>,
  ): this {
    const r = this.#path(path, "u.add");
    this.#kind(r, "u.add", [...NUMBERS, ...SETS], "a number or set property");
    this.#nonEmpty(r, value, "u.add");
    return this.#push(update.add(r.segments, value as number | bigint | Set<unknown>), r, true);
  }
  /** `DELETE path set`: removes elements from a set field. */
  delete<P extends Exclude<PathsOf<T, Set<unknown>>, K>>(path: P, value: PathValue<T, P>): this {
    const r = this.#path(path, "u.delete");
    this.#kind(r, "u.delete", SETS, "a set property");
    this.#nonEmpty(r, value, "u.delete");
    return this.#push(update.delete(r.segments, value as Set<unknown>), r, false);
  }
  /** Appends to a list field (created if missing). */
  append<P extends Exclude<PathsOf<T, readonly unknown[]>, K>>(
    path: P,
    list: PathValue<T, P>,
  ): this {
    return this.#list("append", path, list);
  }
  /** Prepends to a list field (created if missing). */
  prepend<P extends Exclude<PathsOf<T, readonly unknown[]>, K>>(
    path: P,
    list: PathValue<T, P>,
  ): this {
    return this.#list("prepend", path, list);
  }
  /** Adds `n` (default 1) to a number field, from 0 when missing. */
  increment<P extends Exclude<PathsOf<T, number | bigint>, K>>(path: P, n?: PathValue<T, P>): this {
    return this.#arith("increment", path, n);
  }
  /** Subtracts `n` (default 1) from a number field, from 0 when missing. */
  decrement<P extends Exclude<PathsOf<T, number | bigint>, K>>(path: P, n?: PathValue<T, P>): this {
    return this.#arith("decrement", path, n);
  }
  /** Another attribute, as the value of `set`: `u.set("backup", u.attr("email"))`. */
  attr<P extends PropertyPath<T>>(path: P): PropertyRef<PathValue<T, P>> {
    const r = this.#path(path, "attr");
    const ref = attr(r.segments);
    this.#refs.set(ref, r);
    return ref;
  }

  #path(path: string, what: string): ResolvedPath {
    return this.#model.resolve(path, what);
  }
  #push(action: UpdateAction, r: ResolvedPath, creates: boolean): this {
    this[actionsKey].push(action);
    this[writesKey].push({ segments: r.segments, creates });
    return this;
  }
  #remove(r: ResolvedPath, what: string): this {
    if (r.slot.kind === "field" && !mayBeMissing(r.slot.schema)) {
      throw new DynoValidationError(
        r.label,
        `${what}: ${r.label} is required by the schema and cannot be removed`,
      );
    }
    return this.#push(update.remove(r.segments), r, false);
  }
  /** Removes every attribute of an optional embedded object (what its schema declares). */
  #removeEmbed(t: EmbedTarget, what: string): this {
    if (!mayBeMissing(t.field.schema)) {
      throw new DynoValidationError(
        t.label,
        `${what}: ${t.label} is required by the schema and cannot be removed`,
      );
    }
    this.#closedEmbed(t, what);
    for (const a of t.field.plan.known) this.#pushRemove([...t.base, a]);
    return this;
  }
  /**
   * Replaces an embedded object: sets the attributes of the properties `value` has, removes
   * those of the ones it leaves out (all optional: the value is checked against the schema).
   */
  #setEmbed(t: EmbedTarget, value: unknown): this {
    const what = "u.set";
    if (value instanceof AttributeRef) {
      throw new DynoValidationError(
        t.label,
        `${what}: ${t.label} is embedded (flattened into the item), so it cannot be copied ` +
          `from another attribute; copy its properties one by one`,
      );
    }
    this.#closedEmbed(t, what);
    const inner = (t.field.schema.def as { inner: AnySchema }).inner;
    // The whole value first: its type, undeclared and missing required properties, by path.
    this.#model.encode(
      { label: t.label, props: t.props, segments: t.base, schema: inner, slot: { kind: "free" } },
      value,
      what,
    );
    const fill = (plan: ObjectPlan, v: Record<string, unknown>, props: PathSegment[]): void => {
      for (const f of plan.fields) {
        const x = Object.hasOwn(v, f.prop) ? v[f.prop] : undefined;
        const at = [...props, f.prop];
        if (f.type === "embedObject") {
          if (x === undefined || x === null) {
            for (const a of f.plan.known) this.#pushRemove([...t.base, a]);
          } else {
            fill(f.plan, x as Record<string, unknown>, at);
          }
          continue;
        }
        if (f.type !== "field") continue; // refused above: no flattened record inside
        const segments = [...t.base, f.attr];
        const av =
          x === undefined
            ? undefined
            : this.#model.encode(
                {
                  label: formatPath(at),
                  props: at,
                  segments,
                  schema: f.schema,
                  slot: { kind: "field", schema: f.schema },
                },
                x,
                what,
              );
        if (av === undefined) this.#pushRemove(segments);
        else {
          this[actionsKey].push(update.set(segments, encoded(av)));
          this[writesKey].push({ segments, creates: true });
        }
      }
    };
    fill(t.field.plan, value as Record<string, unknown>, [...t.props]);
    return this;
  }
  /** An embedded object holding a flattened record has open attribute names: not whole. */
  #closedEmbed(t: EmbedTarget, what: string): void {
    if (t.field.plan.records.length > 0) {
      throw new DynoValidationError(
        t.label,
        `${what}: ${t.label} holds a flattened record, whose attribute names are open-ended, ` +
          `so it cannot be replaced or removed whole; name its properties, or put the item`,
      );
    }
  }
  #pushRemove(segments: readonly PathSegment[]): void {
    this[actionsKey].push(update.remove(segments));
    this[writesKey].push({ segments, creates: false });
  }
  /** The field at `r` is of one of `kinds` (or inside `s.any()`, where anything goes). */
  #kind(r: ResolvedPath, what: string, kinds: readonly Kind[], expected: string): void {
    const kind = r.schema?.def.kind;
    if (kind !== undefined && !kinds.includes(kind)) {
      throw new DynoValidationError(
        r.label,
        `${what}: expected ${expected}, but ${r.label} is ${describeSchema(r.schema)}`,
      );
    }
  }
  /** Encodes `value` with the field's codec (its type checked), refusing an empty set. */
  #nonEmpty(r: ResolvedPath, value: unknown, what: string): void {
    if (this.#model.encode(r, value, what) === undefined) {
      throw new DynoValidationError(r.label, `${what}: the set is empty, which changes nothing`);
    }
  }
  #list(method: "append" | "prepend", path: string, list: unknown): this {
    const what = `u.${method}`;
    const r = this.#path(path, what);
    this.#kind(r, what, ["list"], "a list property");
    if (!Array.isArray(list)) throw new DynoValidationError(r.label, `${what}: expected an array`);
    const item = this.#model.element(r);
    return this.#push(
      update[method](
        r.segments,
        list.map((v) => this.#model.operand(item, v, what)),
      ),
      r,
      true,
    );
  }
  #arith(method: "increment" | "decrement", path: string, n: unknown): this {
    const what = `u.${method}`;
    const r = this.#path(path, what);
    this.#kind(r, what, NUMBERS, "a number property");
    if (n !== undefined) this.#model.encode(r, n, what);
    return this.#push(update[method](r.segments, n as number | bigint | undefined), r, true);
  }
}

/**
 * An update function of a model's `update`, whose builder refuses the key properties `K` at
 * compile time, as the key-agnostic plan methods (the model contract) take it: the same
 * function, as the keys are refused at run time too.
 */
export function keyAgnostic<T, K extends string>(
  fn: (u: Updates<T, K>) => Updates<T, K>,
): (u: Updates<T>) => Updates<T> {
  return fn as unknown as (u: Updates<T>) => Updates<T>;
}

/** What the actions of an {@link Updates} write, in order. */
export function writesOf<T, K extends string>(u: Updates<T, K>): readonly Write[] {
  return u[writesKey];
}

/** The actions collected by an {@link Updates}. */
export function actionsOf<T, K extends string>(u: Updates<T, K>): UpdateAction[] {
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
  checkPlainCondition(model, c, field);
  return c;
}

/**
 * The update builder an update function (`(u) => u.set(...).add(...)`) filled on `model`'s
 * properties (read it with {@link actionsOf} and {@link writesOf}).
 * @throws DynoValidationError naming `field`: not a function, or it returned something else than its builder.
 */
export function updateActionsOf<T, K extends string = never>(
  model: ItemModel,
  fn: (u: Updates<T, K>) => Updates<T, K>,
  field: string,
): Updates<T, K> {
  if (typeof fn !== "function") {
    throw new DynoValidationError(field, "expected a function (u) => u.set(...)...");
  }
  const u = new Updates<T, K>(model);
  const returned = fn(u);
  if (returned !== u && returned !== undefined) {
    throw new DynoValidationError(
      field,
      "return the update builder it was given (u) => u.set(...)",
    );
  }
  return u;
}
