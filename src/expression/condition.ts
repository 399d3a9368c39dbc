/**
 * Conditions (`cond.*`) for ConditionExpression and FilterExpression. Conditions are immutable trees; values are validated and encoded when the tree
 * is built, placeholders are allocated when it is rendered.
 * @module
 */
import { DynoValidationError } from "../errors.js";
import { parsePath } from "./path.js";
import {
  compareValues,
  quotePath,
  renderOperand,
  toOperand,
  typeOf,
  type Operand,
} from "./operand.js";
import type { Condition, ExpressionContext, PathInput, PathSegment } from "./types.js";

/** The comparison operators of DynamoDB's condition syntax. */
export type Comparator = "=" | "<>" | "<" | "<=" | ">" | ">=";

/** The type names accepted by `attribute_type` / {@link cond.type}. */
export type AttributeTypeName = "S" | "SS" | "N" | "NS" | "B" | "BS" | "BOOL" | "NULL" | "L" | "M";

const ATTRIBUTE_TYPES: readonly AttributeTypeName[] = [
  "S",
  "SS",
  "N",
  "NS",
  "B",
  "BS",
  "BOOL",
  "NULL",
  "L",
  "M",
];

/** DynamoDB allows at most 100 operands on the right of IN. */
export const MAX_IN_OPERANDS = 100;

/** The types `<`, `<=`, `>`, `>=` and BETWEEN accept (DynamoDB rejects BOOL, NULL, L, M, sets). */
const ORDERED_TYPES = ["S", "N", "B"] as const;

/** Base of every condition node built by `cond.*`. */
export abstract class ConditionNode implements Condition {
  /** Marks a condition (see {@link isCondition}). */
  readonly kind = "condition" as const;
  /** Renders the condition, allocating placeholders in `ctx`. */
  abstract render(ctx: ExpressionContext): string;
}

/** `left op right`, e.g. `#n0 = :v0`, `size(#n0) > :v0`, `#n0 < #n1`. */
export class Comparison extends ConditionNode {
  constructor(
    readonly op: Comparator,
    readonly left: Operand,
    readonly right: Operand,
  ) {
    super();
  }
  render(ctx: ExpressionContext): string {
    return `${renderOperand(ctx, this.left)} ${this.op} ${renderOperand(ctx, this.right)}`;
  }
}

/** `left BETWEEN lo AND hi` (inclusive). */
export class Between extends ConditionNode {
  constructor(
    readonly left: Operand,
    readonly lo: Operand,
    readonly hi: Operand,
  ) {
    super();
  }
  render(ctx: ExpressionContext): string {
    const left = renderOperand(ctx, this.left);
    return `${left} BETWEEN ${renderOperand(ctx, this.lo)} AND ${renderOperand(ctx, this.hi)}`;
  }
}

/** `left IN (a, b, ...)`. */
export class In extends ConditionNode {
  constructor(
    readonly left: Operand,
    readonly values: readonly Operand[],
  ) {
    super();
  }
  render(ctx: ExpressionContext): string {
    const left = renderOperand(ctx, this.left);
    return `${left} IN (${this.values.map((v) => renderOperand(ctx, v)).join(", ")})`;
  }
}

/** The condition functions of DynamoDB's syntax (other than `size`, which is an operand). */
export type ConditionFunctionName =
  "attribute_exists" | "attribute_not_exists" | "attribute_type" | "begins_with" | "contains";

/** A function call: `begins_with(#n0, :v0)`, `attribute_exists(#n0)`, ... */
export class FunctionCall extends ConditionNode {
  constructor(
    readonly name: ConditionFunctionName,
    readonly path: readonly PathSegment[],
    readonly arg?: Operand,
  ) {
    super();
  }
  render(ctx: ExpressionContext): string {
    const path = ctx.path(this.path);
    return this.arg
      ? `${this.name}(${path}, ${renderOperand(ctx, this.arg)})`
      : `${this.name}(${path})`;
  }
}

/** `a AND b AND c` / `a OR b`; nested groups are put in parentheses. */
export class Logical extends ConditionNode {
  constructor(
    readonly op: "AND" | "OR",
    readonly children: readonly Condition[],
  ) {
    super();
  }
  render(ctx: ExpressionContext): string {
    return this.children.map((c) => renderChild(ctx, c)).join(` ${this.op} `);
  }
}

/** `NOT (c)`. */
export class Not extends ConditionNode {
  constructor(readonly child: Condition) {
    super();
  }
  render(ctx: ExpressionContext): string {
    return `NOT (${this.child.render(ctx)})`;
  }
}

/** A child of AND/OR: leaves and NOT bind tighter than AND/OR, so only groups (and conditions we did not build) need parentheses. */
function renderChild(ctx: ExpressionContext, child: Condition): string {
  const text = child.render(ctx);
  const bare = child instanceof ConditionNode && !(child instanceof Logical);
  return bare ? text : `(${text})`;
}

function comparison(method: ComparisonMethod, op: Comparator, ordered: boolean) {
  return (path: PathInput, value: unknown): Condition =>
    compareAt(method, op, ordered, parsePath(path, `cond.${method}`), value);
}

/** The comparison methods of {@link cond}. */
export type ComparisonMethod = "eq" | "ne" | "lt" | "le" | "gt" | "ge";

/** `cond[method]` on a path already parsed and checked (frozen or owned by the condition). */
function compareAt(
  method: ComparisonMethod,
  op: Comparator,
  ordered: boolean,
  segments: readonly PathSegment[],
  value: unknown,
): Condition {
  const field = `cond.${method}`;
  const right = toOperand(
    field,
    () => `value for ${quotePath(segments)}`,
    value,
    ordered ? ORDERED_TYPES : undefined,
  );
  checkDistinct(field, segments, right);
  return new Comparison(op, { type: "path", path: segments }, right);
}

const COMPARATORS = { eq: "=", ne: "<>", lt: "<", le: "<=", gt: ">", ge: ">=" } as const;

/**
 * `cond.eq(...)` & co. and `cond.exists`/`cond.notExists` on segments a model resolved and
 * froze (checked once, when the model resolved the path): the same nodes as `cond.*` without
 * parsing and copying the path again. Internal to the table room's typed builders.
 */
export const condAt = {
  compare: (method: ComparisonMethod, segments: readonly PathSegment[], value: unknown) =>
    compareAt(method, COMPARATORS[method], method !== "eq" && method !== "ne", segments, value),
  exists: (segments: readonly PathSegment[]): Condition =>
    new FunctionCall("attribute_exists", segments),
  notExists: (segments: readonly PathSegment[]): Condition =>
    new FunctionCall("attribute_not_exists", segments),
};

/** Rejects BETWEEN bounds DynamoDB would reject: different types, or lo > hi. */
export function checkBounds(
  field: string,
  path: readonly PathSegment[],
  lo: Operand,
  hi: Operand,
): void {
  if (lo.type !== "value" || hi.type !== "value") return;
  const [lt, ht] = [typeOf(lo.encoded), typeOf(hi.encoded)];
  if (lt !== ht) {
    throw new DynoValidationError(
      field,
      `bounds for ${quotePath(path)} must have the same type, got ${lt} and ${ht}`,
    );
  }
  if (compareValues(lo.encoded, hi.encoded) > 0) {
    throw new DynoValidationError(
      field,
      `lower bound is greater than upper bound for ${quotePath(path)}`,
    );
  }
}

/** Checks that an argument of and/or/not is a condition. */
function checkCondition(field: string, c: unknown, index?: number): Condition {
  if (isCondition(c)) return c;
  const which = index === undefined ? "the argument" : `argument ${index + 1}`;
  const hint =
    c !== null && typeof c === "object" && (c as { kind?: unknown }).kind === "key"
      ? " (a key.* condition belongs in a KeyConditionExpression)"
      : "";
  throw new DynoValidationError(field, `${which} is not a condition built with cond.*${hint}`);
}

function logical(op: "AND" | "OR") {
  const field = `cond.${op.toLowerCase()}`;
  return (...conditions: Condition[]): Condition => {
    if (conditions.length === 0) {
      throw new DynoValidationError(field, "needs at least one condition");
    }
    const flat: Condition[] = [];
    conditions.forEach((c, i) => {
      checkCondition(field, c, i);
      if (c instanceof Logical && c.op === op) flat.push(...c.children);
      else flat.push(c);
    });
    return flat.length === 1 ? flat[0]! : new Logical(op, flat);
  };
}

/** `cond.in`: candidates as one array, or as the arguments after the path. */
function inCondition(path: PathInput, candidates: readonly unknown[]): Condition;
function inCondition(path: PathInput, ...candidates: unknown[]): Condition;
function inCondition(path: PathInput, ...args: unknown[]): Condition {
  const field = "cond.in";
  const segments = parsePath(path, field);
  const values: readonly unknown[] =
    args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  if (values.length === 0) {
    throw new DynoValidationError(field, `needs at least one value for ${quotePath(segments)}`);
  }
  if (values.length > MAX_IN_OPERANDS) {
    throw new DynoValidationError(
      field,
      `${values.length} values for ${quotePath(segments)}; DynamoDB allows at most ${MAX_IN_OPERANDS} ` +
        `(split them into a cond.or of several cond.in)`,
    );
  }
  const operands = values.map((v, i) =>
    toOperand(field, () => `value ${i + 1} for ${quotePath(segments)}`, v),
  );
  operands.forEach((operand) => checkDistinct(field, segments, operand));
  return new In({ type: "path", path: segments }, operands);
}

/**
 * Builders of conditions for ConditionExpression and FilterExpression. `path` is a document
 * path (`"a.b[2].c"` or a segment array); a value is a plain JS value (encoded by the
 * encoding layer), `attr(path)` for another attribute, or, where a number is compared,
 * `size(path)`.
 *
 * Every function validates its input at once and throws {@link DynoValidationError}
 * naming the function and the path.
 */
export const cond = {
  /** `path = value`; `value` may also be `attr(path)` or `size(path)`. */
  eq: comparison("eq", "=", false),
  /** `path <> value` (also true when the attribute is missing). */
  ne: comparison("ne", "<>", false),
  /** `path < value`; value is a string, number or binary (or `attr`/`size`). */
  lt: comparison("lt", "<", true),
  /** `path <= value` */
  le: comparison("le", "<=", true),
  /** `path > value` */
  gt: comparison("gt", ">", true),
  /** `path >= value` */
  ge: comparison("ge", ">=", true),

  /** `path BETWEEN lo AND hi`, inclusive; bounds of one type (string, number or binary), lo ≤ hi. */
  between(path: PathInput, lo: unknown, hi: unknown): Condition {
    const field = "cond.between";
    const segments = parsePath(path, field);
    const low = toOperand(field, () => `lower bound for ${quotePath(segments)}`, lo, ORDERED_TYPES);
    const high = toOperand(
      field,
      () => `upper bound for ${quotePath(segments)}`,
      hi,
      ORDERED_TYPES,
    );
    checkDistinct(field, segments, low);
    checkDistinct(field, segments, high);
    checkBounds(field, segments, low, high);
    return new Between({ type: "path", path: segments }, low, high);
  },

  /**
   * `path IN (v1, v2, ...)`: true when the attribute equals one of the candidates, 1 to 100
   * of them (DynamoDB's limit). The candidates are given as one array,
   * `cond.in("status", ["open", "shipped"])`, or as arguments, `cond.in("status", "open", "shipped")`.
   * One array argument is always the list of candidates; to compare the attribute with a list
   * value, put that list in the array: `cond.in("dims", [[1, 2]])`. Candidates may be
   * `attr(path)`.
   */
  in: inCondition,

  /** `begins_with(path, prefix)`: prefix is a string or binary (or `attr(otherPath)`). */
  beginsWith(path: PathInput, prefix: unknown): Condition {
    const field = "cond.beginsWith";
    const segments = parsePath(path, field);
    const arg = toOperand(field, () => `prefix for ${quotePath(segments)}`, prefix, ["S", "B"]);
    checkDistinct(field, segments, arg);
    return new FunctionCall("begins_with", segments, arg);
  },

  /**
   * `contains(path, value)`: a substring of a string, or an element of a set or list.
   * `value` may be `attr(otherPath)`.
   */
  contains(path: PathInput, value: unknown): Condition {
    const field = "cond.contains";
    const segments = parsePath(path, field);
    const arg = toOperand(field, () => `value for ${quotePath(segments)}`, value);
    checkDistinct(field, segments, arg);
    return new FunctionCall("contains", segments, arg);
  },

  /** `attribute_exists(path)` */
  exists(path: PathInput): Condition {
    return new FunctionCall("attribute_exists", parsePath(path, "cond.exists"));
  },

  /** `attribute_not_exists(path)` */
  notExists(path: PathInput): Condition {
    return new FunctionCall("attribute_not_exists", parsePath(path, "cond.notExists"));
  },

  /** `attribute_type(path, type)`, type one of S, SS, N, NS, B, BS, BOOL, NULL, L, M. */
  type(path: PathInput, type: AttributeTypeName): Condition {
    const segments = parsePath(path, "cond.type");
    if (!ATTRIBUTE_TYPES.includes(type)) {
      throw new DynoValidationError(
        "cond.type",
        `unknown attribute type ${JSON.stringify(type)} for ${quotePath(segments)}; expected one of ${ATTRIBUTE_TYPES.join(", ")}`,
      );
    }
    return new FunctionCall("attribute_type", segments, toOperand("cond.type", "type", type));
  },

  /** All of the conditions (at least one); nested `and`s are flattened. */
  and: logical("AND"),
  /** Any of the conditions (at least one); nested `or`s are flattened. */
  or: logical("OR"),
  /** The negation: `NOT (c)`. */
  not(condition: Condition): Condition {
    return new Not(checkCondition("cond.not", condition));
  },
};

/** DynamoDB rejects an attribute compared with itself: `a = a`, `a IN (a)`, `contains(a, a)`... */
function checkDistinct(field: string, path: readonly PathSegment[], arg: Operand): void {
  if (arg.type === "path" && samePath(arg.path, path)) {
    throw new DynoValidationError(
      field,
      `the operand must be another attribute than ${quotePath(path)} itself`,
    );
  }
}

function samePath(a: readonly PathSegment[], b: readonly PathSegment[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/** True for a condition (built with `cond.*`, or any object implementing {@link Condition}). */
export function isCondition(value: unknown): value is Condition {
  return (
    value !== null &&
    typeof value === "object" &&
    (value as { kind?: unknown }).kind === "condition" &&
    typeof (value as { render?: unknown }).render === "function"
  );
}
