/**
 * Key conditions (`key.*`) for a Query's KeyConditionExpression, restricted to what
 * DynamoDB allows there: an equality on the partition key, optionally AND one condition on
 * the sort key (`=`, `<`, `<=`, `>`, `>=`, BETWEEN or begins_with).
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { DynoValidationError } from "../errors.js";
import { Between, Comparison, FunctionCall, In, Logical, Not } from "./condition.js";
import { compareValues, encodeValue, renderValue, typeOf, type Operand } from "./operand.js";
import { formatPath } from "./path.js";
import type { Condition, ExpressionContext, KeyCondition } from "./types.js";

/** The operators DynamoDB allows in a key condition. */
export type KeyOperator = "=" | "<" | "<=" | ">" | ">=" | "BETWEEN" | "begins_with";

/** Key attributes are strings, numbers or binaries. */
const KEY_TYPES = ["S", "N", "B"];

interface KeyValue {
  readonly raw: unknown;
  readonly encoded: AttributeValue;
}

/** One condition on one key attribute. */
class KeyPart {
  constructor(
    readonly name: string,
    readonly op: KeyOperator,
    readonly values: readonly KeyValue[],
  ) {}
  describe(): string {
    return `${this.op} on ${JSON.stringify(this.name)}`;
  }
  render(ctx: ExpressionContext): string {
    const name = ctx.path([this.name]);
    const [a, b] = this.values.map((v) => renderValue(ctx, v.raw, v.encoded));
    switch (this.op) {
      case "BETWEEN":
        return `${name} BETWEEN ${a} AND ${b}`;
      case "begins_with":
        return `begins_with(${name}, ${a})`;
      default:
        return `${name} ${this.op} ${a}`;
    }
  }
}

/**
 * A key condition built by `key.*`: the partition key equality (when given) and at most
 * one sort key condition. `partition` and `sort` name the attributes it constrains.
 */
export class KeyConditionNode implements KeyCondition {
  /** Marks a key condition (see {@link isKeyCondition}). */
  readonly kind = "key" as const;
  /** The partition key attribute name, when this condition has its equality. */
  readonly partition?: string;
  /** The sort key attribute name, when this condition constrains it. */
  readonly sort?: string;
  /** The parts: partition equality first, then the sort condition. */
  readonly parts: readonly KeyPart[];

  constructor(parts: readonly KeyPart[], partition: KeyPart | undefined) {
    this.parts = partition ? [partition, ...parts.filter((p) => p !== partition)] : parts;
    if (partition) this.partition = partition.name;
    const sort = this.parts.find((p) => p !== partition);
    if (sort) this.sort = sort.name;
  }

  /**
   * Renders `#n0 = :v0 AND #n1 BETWEEN :v1 AND :v2`.
   * @throws {@link DynoValidationError} when there is no partition key equality.
   */
  render(ctx: ExpressionContext): string {
    if (this.partition === undefined) {
      throw new DynoValidationError(
        "key",
        `a key condition needs key.eq on the partition key; this one only has ${this.parts[0]!.describe()} ` +
          `(combine them: key.and(key.eq(partitionKey, value), ...))`,
      );
    }
    return this.renderParts(ctx);
  }

  /**
   * Renders the parts without requiring the partition key equality: for a sort key condition
   * added to an existing KeyConditionExpression that already holds it.
   */
  renderParts(ctx: ExpressionContext): string {
    return this.parts.map((p) => p.render(ctx)).join(" AND ");
  }
}

/** Combines parts into a key condition, enforcing DynamoDB's rules. */
function combine(field: string, parts: readonly KeyPart[]): KeyConditionNode {
  const seen = new Set<string>();
  for (const part of parts) {
    if (seen.has(part.name)) {
      const onPartition = parts.find((p) => p.name === part.name && p.op === "=") !== undefined;
      throw new DynoValidationError(
        field,
        onPartition
          ? `a second condition on the partition key ${JSON.stringify(part.name)}; it takes exactly one key.eq`
          : `two conditions on the sort key ${JSON.stringify(part.name)}; use key.between for a range`,
      );
    }
    seen.add(part.name);
  }
  if (parts.length > 2) {
    throw new DynoValidationError(
      field,
      `${parts.length} conditions (${parts.map((p) => p.describe()).join(", ")}); a key condition has ` +
        `one equality on the partition key and at most one sort key condition`,
    );
  }
  if (parts.length === 0) throw new DynoValidationError(field, "needs at least one key condition");
  if (parts.length === 1) {
    const only = parts[0]!;
    return new KeyConditionNode(parts, only.op === "=" ? only : undefined);
  }
  const partition = parts.find((p) => p.op === "=");
  if (!partition) {
    throw new DynoValidationError(
      field,
      `the partition key needs an equality (key.eq), but both conditions are not: ` +
        `${parts.map((p) => p.describe()).join(" and ")}`,
    );
  }
  return new KeyConditionNode(parts, partition);
}

function checkName(field: string, name: unknown): string {
  if (typeof name !== "string" || name === "") {
    throw new DynoValidationError(field, `a key attribute name must be a non-empty string`);
  }
  return name;
}

function keyValue(field: string, name: string, what: string, value: unknown, types = KEY_TYPES) {
  const encoded = encodeValue(field, `${what} for key ${JSON.stringify(name)}`, value);
  const type = typeOf(encoded);
  if (!types.includes(type)) {
    throw new DynoValidationError(
      field,
      `${what} for key ${JSON.stringify(name)} must be ${types.join(" or ")}, got ${type} ` +
        `(key attributes are strings, numbers or binaries)`,
    );
  }
  return { raw: value, encoded };
}

function single(method: string, op: KeyOperator) {
  const field = `key.${method}`;
  return (name: string, value: unknown): KeyCondition => {
    checkName(field, name);
    return combine(field, [new KeyPart(name, op, [keyValue(field, name, "value", value)])]);
  };
}

/**
 * Builders of key conditions. `name` is a key attribute name, taken literally (key
 * attributes are top-level, so `"a.b"` is the attribute named `a.b`, not a path).
 * Values are strings, numbers or binaries.
 *
 * A key condition is `key.eq(partitionKey, v)`, or `key.and(key.eq(partitionKey, v), sortCondition)`.
 * OR, NOT, `<>`, IN, contains and functions other than begins_with are not allowed by
 * DynamoDB in a KeyConditionExpression and are rejected with {@link DynoValidationError}.
 */
export const key = {
  /** `name = value`: the partition key equality, or a sort key equality when combined. */
  eq: single("eq", "="),
  /** Sort key `name < value`. */
  lt: single("lt", "<"),
  /** Sort key `name <= value`. */
  le: single("le", "<="),
  /** Sort key `name > value`. */
  gt: single("gt", ">"),
  /** Sort key `name >= value`. */
  ge: single("ge", ">="),
  /** Sort key `name BETWEEN lo AND hi`, inclusive; lo ≤ hi, both of one type. */
  between(name: string, lo: unknown, hi: unknown): KeyCondition {
    const field = "key.between";
    checkName(field, name);
    const low = keyValue(field, name, "lower bound", lo);
    const high = keyValue(field, name, "upper bound", hi);
    const [lt, ht] = [typeOf(low.encoded), typeOf(high.encoded)];
    if (lt !== ht) {
      throw new DynoValidationError(
        field,
        `bounds for key ${JSON.stringify(name)} must have the same type, got ${lt} and ${ht}`,
      );
    }
    if (compareValues(low.encoded, high.encoded) > 0) {
      throw new DynoValidationError(
        field,
        `lower bound is greater than upper bound for key ${JSON.stringify(name)}`,
      );
    }
    return combine(field, [new KeyPart(name, "BETWEEN", [low, high])]);
  },
  /** Sort key `begins_with(name, prefix)`: a string or binary prefix. */
  beginsWith(name: string, prefix: unknown): KeyCondition {
    const field = "key.beginsWith";
    checkName(field, name);
    const value = keyValue(field, name, "prefix", prefix, ["S", "B"]);
    return combine(field, [new KeyPart(name, "begins_with", [value])]);
  },
  /**
   * The partition key equality and a sort key condition, in either order (when both are
   * equalities, the first is taken as the partition key; DynamoDB itself tells them apart
   * by the table's key schema, so this only affects {@link keyConditionNames}). Also accepts
   * `cond.*` trees that only use what a key condition allows (see {@link asKeyCondition}).
   */
  and(...conditions: (KeyCondition | Condition)[]): KeyCondition {
    const parts = conditions.flatMap((c, i) => partsOf("key.and", c, `argument ${i + 1}`));
    return combine("key.and", parts);
  },
};

/**
 * A key condition from a `key.*` condition, or from a `cond.*` tree that only uses what
 * DynamoDB allows in a KeyConditionExpression (AND of `=`, `<`, `<=`, `>`, `>=`, BETWEEN,
 * begins_with on top-level attributes, against values).
 * @throws {@link DynoValidationError} saying what is not allowed: OR, NOT, `<>`, IN,
 *   contains, attribute_exists, size(), attribute-to-attribute comparisons, nested paths,
 *   more than two conditions, a missing or repeated partition key equality.
 */
export function asKeyCondition(condition: KeyCondition | Condition): KeyCondition {
  if (condition instanceof KeyConditionNode) return condition;
  return combine("keyCondition", partsOf("keyCondition", condition, "the condition"));
}

/** The attribute names a key condition constrains (for the Query builder's validation). */
export function keyConditionNames(kc: KeyCondition): { partition?: string; sort?: string } {
  const { partition, sort } = kc as { partition?: unknown; sort?: unknown };
  const out: { partition?: string; sort?: string } = {};
  if (typeof partition === "string") out.partition = partition;
  if (typeof sort === "string") out.sort = sort;
  return out;
}

/** True for a key condition (built with `key.*`, or any object implementing {@link KeyCondition}). */
export function isKeyCondition(value: unknown): value is KeyCondition {
  return (
    value !== null &&
    typeof value === "object" &&
    (value as { kind?: unknown }).kind === "key" &&
    typeof (value as { render?: unknown }).render === "function"
  );
}

function partsOf(field: string, c: unknown, which: string): KeyPart[] {
  if (c instanceof KeyConditionNode) return [...c.parts];
  const reject = (what: string): never => {
    throw new DynoValidationError(
      field,
      `${which}: ${what} is not allowed in a key condition (DynamoDB allows key.eq on the ` +
        `partition key AND one of =, <, <=, >, >=, BETWEEN, begins_with on the sort key)`,
    );
  };
  if (c instanceof Logical) {
    if (c.op === "OR") reject("OR");
    return c.children.flatMap((child) => partsOf(field, child, which));
  }
  if (c instanceof Not) return reject("NOT");
  if (c instanceof In) return reject("IN");
  if (c instanceof Comparison) {
    const op = c.op;
    if (op === "<>") return reject("<> (ne)");
    return [new KeyPart(keyName(c.left, reject), op, [keyOperand(c.right, reject)])];
  }
  if (c instanceof Between) {
    return [
      new KeyPart(keyName(c.left, reject), "BETWEEN", [
        keyOperand(c.lo, reject),
        keyOperand(c.hi, reject),
      ]),
    ];
  }
  if (c instanceof FunctionCall) {
    if (c.name !== "begins_with") reject(c.name);
    const name = keyName({ type: "path", path: c.path }, reject);
    return [new KeyPart(name, "begins_with", [keyOperand(c.arg!, reject)])];
  }
  if (isKeyCondition(c)) {
    return reject("a key condition not built with key.*");
  }
  return reject("something that is not a condition");
}

function keyName(operand: Operand, reject: (what: string) => never): string {
  if (operand.type === "size") return reject("size()");
  if (operand.type !== "path") return reject("a value on the left");
  if (operand.path.length !== 1 || typeof operand.path[0] !== "string") {
    return reject(`the nested path ${JSON.stringify(formatPath(operand.path))}`);
  }
  return operand.path[0];
}

function keyOperand(operand: Operand, reject: (what: string) => never): KeyValue {
  if (operand.type === "path") return reject("an attribute-to-attribute comparison");
  if (operand.type === "size") return reject("size()");
  if (!KEY_TYPES.includes(typeOf(operand.encoded))) {
    return reject(`a ${typeOf(operand.encoded)} value`);
  }
  return operand;
}
