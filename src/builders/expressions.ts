/**
 * How builders put expressions into an input: one {@link ExpressionAttributes} per input (or
 * per transaction item), seeded with the input's existing placeholder maps, and new
 * conditions, key conditions, projections and update actions merged with the expression
 * strings the input already has.
 * @module
 */
import {
  ExpressionAttributes,
  asKeyCondition,
  cond,
  isCondition,
  isKeyCondition,
  isUpdateAction,
  key,
  keyConditionNames,
  renderProjection,
  renderUpdate,
} from "../expression/index.js";
import type {
  Condition,
  ExpressionAttributeMaps,
  ExpressionContext,
  KeyCondition,
  PathInput,
  PathSegment,
  UpdateAction,
} from "../expression/types.js";
import { KeyConditionNode } from "../expression/key-condition.js";
import { quotePath } from "../expression/operand.js";
import { parsePath, pathsOverlap } from "../expression/path.js";
import { UpdateActionNode } from "../expression/update.js";
import { DynoValidationError } from "../errors.js";

/**
 * Renders expressions into `target` with a placeholder context seeded from its existing
 * `ExpressionAttributeNames/Values`, then writes the merged maps back (empty maps omitted).
 */
export function withAttributes<T extends ExpressionAttributeMaps>(
  target: T,
  render: (ctx: ExpressionContext) => void,
): T {
  const ctx = new ExpressionAttributes({
    ExpressionAttributeNames: target.ExpressionAttributeNames,
    ExpressionAttributeValues: target.ExpressionAttributeValues,
  });
  render(ctx);
  delete target.ExpressionAttributeNames;
  delete target.ExpressionAttributeValues;
  return Object.assign(target, ctx.toInput());
}

/** Fails unless `value` is a condition built with `cond.*`. */
export function checkCondition(value: unknown, field: string): Condition {
  if (!isCondition(value))
    throw new DynoValidationError(field, "expects a condition built with cond.*");
  return value;
}

/** Fails unless `value` is a key condition built with `key.*`. */
export function checkKeyCondition(value: unknown, field: string): KeyCondition {
  if (isKeyCondition(value)) return value;
  if (isCondition(value)) return asField(field, () => asKeyCondition(value));
  throw new DynoValidationError(field, "expects a key condition built with key.*");
}

/** Flattens `update.*` actions (or arrays of them), failing on anything else. */
export function checkUpdateActions(
  actions: readonly (UpdateAction | readonly UpdateAction[])[],
  field = "UpdateExpression",
): UpdateAction[] {
  const flat = actions.flat();
  for (const action of flat) {
    if (!isUpdateAction(action))
      throw new DynoValidationError(field, "expects update actions built with update.*");
  }
  return flat;
}

/** ANDs new conditions onto an existing condition or filter expression (kept in parentheses). */
export function andConditions(
  existing: string | undefined,
  conditions: readonly Condition[],
  ctx: ExpressionContext,
): string | undefined {
  if (conditions.length === 0) return existing;
  const rendered = (conditions.length === 1 ? conditions[0] : cond.and(...conditions)).render(ctx);
  return existing ? `(${existing}) AND (${rendered})` : rendered;
}

/** Runs `fn`, re-labelling a validation error from the expression layer with the input field. */
function asField<T>(field: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof DynoValidationError && error.field !== field) {
      throw new DynoValidationError(field, error.message, { cause: error });
    }
    throw error;
  }
}

/**
 * Renders key conditions (repeated calls combine with `key.and`, which enforces DynamoDB's
 * rules) and ANDs them onto an existing key condition expression. A sort key condition
 * alone is allowed only when the existing expression has the partition key equality.
 */
export function andKeyConditions(
  existing: string | undefined,
  conditions: readonly KeyCondition[],
  ctx: ExpressionContext,
): string | undefined {
  const field = "KeyConditionExpression";
  if (conditions.length === 0) return existing;
  const combined = asField(field, () =>
    conditions.length === 1 ? conditions[0] : key.and(...conditions),
  );
  if (keyConditionNames(combined).partition === undefined) {
    if (!existing || !(combined instanceof KeyConditionNode)) {
      throw new DynoValidationError(
        field,
        "needs an equality condition on the partition key (key.eq)",
      );
    }
    return `${existing} AND ${combined.renderParts(ctx)}`;
  }
  const rendered = asField(field, () => combined.render(ctx));
  return existing ? `${existing} AND ${rendered}` : rendered;
}

/** Paths given as one path string or a list of paths (each a string or an array of segments). */
export function toPaths(paths: string | readonly PathInput[]): readonly PathInput[] {
  return typeof paths === "string" ? [paths] : paths;
}

/**
 * Adds paths to an existing projection expression. A path the existing expression already
 * projects is not added again (identical names share a placeholder, so it renders the same);
 * one inside or above a path it projects is refused, as DynamoDB would. `names` are the
 * input's `ExpressionAttributeNames`, to read the existing paths.
 */
export function addProjection(
  existing: string | undefined,
  paths: readonly PathInput[],
  ctx: ExpressionContext,
  names?: Readonly<Record<string, string>>,
): string | undefined {
  if (paths.length === 0) return existing;
  const rendered = asField("ProjectionExpression", () => renderProjection(paths, ctx));
  if (!existing) return rendered;
  const projected = existing
    .split(",")
    .map((p) => readPath(p, names))
    .filter((p): p is PathSegment[] => p !== undefined);
  for (const path of paths) {
    const segments = parsePath(path, "ProjectionExpression");
    const clash = projected.find((p) => p.length !== segments.length && pathsOverlap(p, segments));
    if (clash) {
      throw new DynoValidationError(
        "ProjectionExpression",
        `${quotePath(segments)} overlaps ${quotePath(clash)}, which the existing ProjectionExpression projects; DynamoDB rejects overlapping paths`,
      );
    }
  }
  const have = existing.split(",").map((p) => p.trim());
  const added = rendered.split(", ").filter((p) => !have.includes(p));
  return [existing, ...added].join(", ");
}

const CLAUSES = ["SET", "REMOVE", "ADD", "DELETE"] as const;
type Clause = (typeof CLAUSES)[number];
/** A clause keyword: not part of a placeholder (`#set`, `:add`) or of a longer name. */
const CLAUSE_KEYWORD = /(?<![#:\w.])\b(SET|REMOVE|ADD|DELETE)\b/gi;

/** Splits an update expression into its clause bodies. */
function splitClauses(expression: string): Map<Clause, string[]> {
  const clauses = new Map<Clause, string[]>();
  const marks = [...expression.matchAll(CLAUSE_KEYWORD)];
  marks.forEach((m, i) => {
    const clause = m[1].toUpperCase() as Clause;
    const body = expression
      .slice(m.index + m[0].length, marks[i + 1]?.index ?? expression.length)
      .trim();
    clauses.set(clause, [...(clauses.get(clause) ?? []), body]);
  });
  return clauses;
}

/** Splits a clause body into its actions at the commas outside parentheses. */
function splitActions(body: string): string[] {
  const actions: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (ch === "," && depth === 0) {
      actions.push(body.slice(start, i));
      start = i + 1;
    }
  }
  actions.push(body.slice(start));
  return actions.map((a) => a.trim()).filter((a) => a !== "");
}

/** The document path an action of an update expression writes: its first operand. */
const TARGET = /^(?:#[\w]+|[A-Za-z_][\w]*)(?:\s*\.\s*(?:#[\w]+|[A-Za-z_][\w]*)|\s*\[\s*\d+\s*\])*/;

/**
 * The paths an existing update expression writes, with its placeholders resolved through
 * `names`; a path with a placeholder `names` lacks is left out (DynamoDB will judge it).
 */
export function updateTargets(
  expression: string,
  names: Readonly<Record<string, string>> = {},
): PathSegment[][] {
  const paths: PathSegment[][] = [];
  for (const bodies of splitClauses(expression).values()) {
    for (const action of bodies.flatMap(splitActions)) {
      const path = readPath(action, names);
      if (path) paths.push(path);
    }
  }
  return paths;
}

/**
 * Reads the document path at the start of `text` (`#n0.#n1[2]`, `a.b`), resolving
 * placeholders through `names`; undefined when there is none or a placeholder is unknown.
 */
function readPath(
  text: string,
  names: Readonly<Record<string, string>> = {},
): PathSegment[] | undefined {
  const target = TARGET.exec(text.trim())?.[0];
  if (!target) return undefined;
  const segments: PathSegment[] = [];
  for (const [, name, index] of target.matchAll(/(#?[\w]+)|\[\s*(\d+)\s*\]/g)) {
    if (index !== undefined) segments.push(Number(index));
    else if (!name.startsWith("#")) segments.push(name);
    else if (Object.prototype.hasOwnProperty.call(names, name)) segments.push(names[name]);
    else return undefined;
  }
  return segments;
}

/** Fails when a new action writes a path that the existing expression writes, or one inside or above it. */
function checkOverlap(
  existing: string,
  names: Readonly<Record<string, string>> | undefined,
  actions: readonly UpdateAction[],
): void {
  const targets = updateTargets(existing, names);
  for (const action of actions) {
    if (!(action instanceof UpdateActionNode)) continue;
    const clash = targets.find((target) => pathsOverlap(target, action.path));
    if (!clash) continue;
    const same = clash.length === action.path.length;
    throw new DynoValidationError(
      "UpdateExpression",
      same
        ? `${action.method} on ${quotePath(action.path)}: the existing UpdateExpression already writes it; DynamoDB allows one action per path`
        : `${action.method} on ${quotePath(action.path)} overlaps ${quotePath(clash)}, which the existing UpdateExpression writes; DynamoDB rejects overlapping paths in one update`,
    );
  }
}

/**
 * Renders update actions and merges them clause by clause into an existing update
 * expression (DynamoDB allows each of SET, REMOVE, ADD, DELETE only once). A new action on a
 * path the existing expression writes, or on a path inside or above one, is refused, as
 * DynamoDB would; `names` are the input's `ExpressionAttributeNames`, to read its paths.
 */
export function mergeUpdate(
  existing: string | undefined,
  actions: readonly UpdateAction[],
  ctx: ExpressionContext,
  names?: Readonly<Record<string, string>>,
): string | undefined {
  if (actions.length === 0) return existing;
  const rendered = asField("UpdateExpression", () => renderUpdate(actions, ctx));
  if (!existing) return rendered;
  checkOverlap(existing, names, actions);
  const merged = splitClauses(existing);
  for (const [clause, bodies] of splitClauses(rendered))
    merged.set(clause, [...(merged.get(clause) ?? []), ...bodies]);
  return CLAUSES.filter((c) => merged.has(c))
    .map((c) => `${c} ${merged.get(c)!.join(", ")}`)
    .join(" ");
}
