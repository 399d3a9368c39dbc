/**
 * The contract between expressions and builders. Expressions are small immutable values
 * (conditions, key conditions, update actions, paths) that render themselves into an
 * {@link ExpressionContext}, which allocates `#name` / `:value` placeholders for ONE built
 * input, so that its condition, filter, key condition, projection and update share
 * placeholders without collisions.
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";

/** One step of a document path: an attribute/map key name, or a list index. */
export type PathSegment = string | number;

/**
 * A document path: `"a.b[2].c"`, or an array of segments for names that themselves
 * hold a dot or bracket: `["weird.name", 0, "x"]`.
 */
export type PathInput = string | readonly PathSegment[];

/** Allocates placeholders for one input. */
export interface ExpressionContext {
  /** Renders a path with a `#` placeholder per name, e.g. `#n0.#n1[2]`; identical names share one. */
  path(path: PathInput): string;
  /** Allocates a `:` placeholder for a value, encoded through the encoding layer. */
  value(value: unknown): string;
}

/** Something that renders into an expression string. */
export interface Expression {
  render(ctx: ExpressionContext): string;
}

/** A condition (ConditionExpression / FilterExpression), built with `cond.*`. */
export interface Condition extends Expression {
  readonly kind: "condition";
}

/** A key condition (KeyConditionExpression), built with `key.*`. */
export interface KeyCondition extends Expression {
  readonly kind: "key";
}

/** One update action, built with `update.*`; grouped by clause into one UpdateExpression. */
export interface UpdateAction {
  readonly kind: "update";
  readonly clause: "SET" | "REMOVE" | "ADD" | "DELETE";
  /** Renders the action without its clause keyword, e.g. `#n0 = :v0`. */
  render(ctx: ExpressionContext): string;
}

/** The placeholder maps as they go into an SDK input. */
export interface ExpressionAttributeMaps {
  ExpressionAttributeNames?: Record<string, string> | undefined;
  ExpressionAttributeValues?: Record<string, AttributeValue> | undefined;
}
