/**
 * Update actions (`update.*`) and their grouping into one UpdateExpression:
 * `SET a = :v0, b = :v1 REMOVE c ADD d :v2 DELETE e :v3`.
 * @module
 */
import { DynoValidationError } from "../errors.js";
import { AttributeRef, quotePath, renderOperand, toOperand, type Operand } from "./operand.js";
import { parsePath, pathsOverlap } from "./path.js";
import type { ExpressionContext, PathInput, PathSegment, UpdateAction } from "./types.js";

/** The clauses of an UpdateExpression, in the order they are rendered. */
const CLAUSES = ["SET", "REMOVE", "ADD", "DELETE"] as const;

/** How an action renders, given its rendered path and the context. */
type Renderer = (path: string, ctx: ExpressionContext) => string;

/** One update action built by `update.*`. `path` is the attribute it writes. */
export class UpdateActionNode implements UpdateAction {
  /** Marks an update action (see {@link isUpdateAction}). */
  readonly kind = "update" as const;
  constructor(
    readonly clause: UpdateAction["clause"],
    /** The path this action writes, parsed. */
    readonly path: readonly PathSegment[],
    /** The function that built it, e.g. `update.append`, for error messages. */
    readonly method: string,
    private readonly renderer: Renderer,
  ) {}
  /** Renders the action without its clause keyword, e.g. `#n0 = :v0`. */
  render(ctx: ExpressionContext): string {
    return this.renderer(ctx.path(this.path), ctx);
  }
}

/** Numbers DynamoDB can add: a finite number or a bigint. */
function numberOperand(field: string, path: readonly PathSegment[], n: unknown): Operand {
  if (typeof n !== "number" && typeof n !== "bigint") {
    throw new DynoValidationError(
      field,
      `the amount for ${quotePath(path)} must be a number, got ${typeof n}`,
    );
  }
  return toOperand(field, () => `the amount for ${quotePath(path)}`, n, ["N"]);
}

function listOperand(field: string, path: readonly PathSegment[], list: unknown): Operand {
  if (!Array.isArray(list)) {
    throw new DynoValidationError(
      field,
      `the value for ${quotePath(path)} must be an array (a list), got ${list === null ? "null" : typeof list}`,
    );
  }
  return toOperand(field, () => `the list for ${quotePath(path)}`, list, ["L"]);
}

/** `list_append` of the existing list (or an empty one when missing) and `extra`, in `order`. */
function listAppend(method: "append" | "prepend", pathInput: PathInput, list: unknown[]) {
  const field = `update.${method}`;
  const path = parsePath(pathInput, field);
  const items = listOperand(field, path, list);
  const empty = toOperand(field, "empty list", []);
  return new UpdateActionNode("SET", path, field, (p, ctx) => {
    if (method === "append") {
      const existing = `if_not_exists(${p}, ${renderOperand(ctx, empty)})`;
      return `${p} = list_append(${existing}, ${renderOperand(ctx, items)})`;
    }
    const head = renderOperand(ctx, items);
    return `${p} = list_append(${head}, if_not_exists(${p}, ${renderOperand(ctx, empty)}))`;
  });
}

function arithmetic(method: "increment" | "decrement", pathInput: PathInput, n: number | bigint) {
  const field = `update.${method}`;
  const path = parsePath(pathInput, field);
  const amount = numberOperand(field, path, n);
  const zero = toOperand(field, "zero", 0);
  const sign = method === "increment" ? "+" : "-";
  return new UpdateActionNode("SET", path, field, (p, ctx) => {
    const start = `if_not_exists(${p}, ${renderOperand(ctx, zero)})`;
    return `${p} = ${start} ${sign} ${renderOperand(ctx, amount)}`;
  });
}

/** Whether a value is a JS `Set` (what ADD and DELETE take for set attributes). */
function isSet(value: unknown): value is Set<unknown> {
  return value instanceof Set;
}

/**
 * Builders of update actions; give several to an update builder, or render them with
 * {@link renderUpdate}. Each path may be written by one action only (DynamoDB rejects
 * overlapping paths in one UpdateExpression).
 */
export const update = {
  /** `SET path = value`; `value` may be `attr(otherPath)` to copy another attribute. */
  set(path: PathInput, value: unknown): UpdateAction {
    const field = "update.set";
    const segments = parsePath(path, field);
    const operand = toOperand(field, () => `the value for ${quotePath(segments)}`, value);
    if (operand.type === "size") {
      throw new DynoValidationError(field, "size() cannot be used in an update");
    }
    return new UpdateActionNode("SET", segments, field, (p, ctx) => {
      return `${p} = ${renderOperand(ctx, operand)}`;
    });
  },

  /** `SET path = if_not_exists(path, value)`: writes only when the attribute is missing. */
  setIfNotExists(path: PathInput, value: unknown): UpdateAction {
    const field = "update.setIfNotExists";
    const segments = parsePath(path, field);
    if (value instanceof AttributeRef) {
      throw new DynoValidationError(field, "the default value must be a value, not attr()");
    }
    const operand = toOperand(field, () => `the value for ${quotePath(segments)}`, value);
    return new UpdateActionNode("SET", segments, field, (p, ctx) => {
      return `${p} = if_not_exists(${p}, ${renderOperand(ctx, operand)})`;
    });
  },

  /**
   * `ADD path value`: adds a number to a number attribute (0 when missing), or adds the
   * elements of a non-empty `Set` to a set attribute (created when missing).
   */
  add(path: PathInput, numberOrSet: number | bigint | Set<unknown>): UpdateAction {
    const field = "update.add";
    const segments = parsePath(path, field);
    const operand = isSet(numberOrSet)
      ? toOperand(field, () => `the set for ${quotePath(segments)}`, numberOrSet, [
          "SS",
          "NS",
          "BS",
        ])
      : typeof numberOrSet === "number" || typeof numberOrSet === "bigint"
        ? numberOperand(field, segments, numberOrSet)
        : reject(field, segments, "a number or a Set", numberOrSet);
    return new UpdateActionNode("ADD", segments, field, (p, ctx) => {
      return `${p} ${renderOperand(ctx, operand)}`;
    });
  },

  /** `REMOVE path`: removes an attribute, a map key or a list element. */
  remove(path: PathInput): UpdateAction {
    return new UpdateActionNode(
      "REMOVE",
      parsePath(path, "update.remove"),
      "update.remove",
      (p) => p,
    );
  },

  /** `DELETE path set`: removes the elements of a non-empty `Set` from a set attribute. */
  delete(path: PathInput, set: Set<unknown>): UpdateAction {
    const field = "update.delete";
    const segments = parsePath(path, field);
    const operand = isSet(set)
      ? toOperand(field, () => `the set for ${quotePath(segments)}`, set, ["SS", "NS", "BS"])
      : reject(field, segments, "a Set", set);
    return new UpdateActionNode("DELETE", segments, field, (p, ctx) => {
      return `${p} ${renderOperand(ctx, operand)}`;
    });
  },

  /**
   * Appends the elements of `list` to the list at `path` (created when missing):
   * `SET path = list_append(if_not_exists(path, []), list)`.
   */
  append(path: PathInput, list: unknown[]): UpdateAction {
    return listAppend("append", path, list);
  },

  /**
   * Puts the elements of `list` in front of the list at `path` (created when missing):
   * `SET path = list_append(list, if_not_exists(path, []))`.
   */
  prepend(path: PathInput, list: unknown[]): UpdateAction {
    return listAppend("prepend", path, list);
  },

  /** `SET path = if_not_exists(path, 0) + n`: a missing attribute counts as 0. */
  increment(path: PathInput, n: number | bigint = 1): UpdateAction {
    return arithmetic("increment", path, n);
  },

  /** `SET path = if_not_exists(path, 0) - n`: a missing attribute counts as 0. */
  decrement(path: PathInput, n: number | bigint = 1): UpdateAction {
    return arithmetic("decrement", path, n);
  },
};

function reject(field: string, path: readonly PathSegment[], what: string, got: unknown): never {
  const kind = got === null ? "null" : Array.isArray(got) ? "an array" : typeof got;
  throw new DynoValidationError(
    field,
    `the value for ${quotePath(path)} must be ${what}, got ${kind}`,
  );
}

/**
 * Renders actions as one UpdateExpression, grouped by clause in the order SET, REMOVE,
 * ADD, DELETE (actions keep their order within a clause):
 * `SET #n0 = :v0, #n1 = :v1 REMOVE #n2`.
 * @throws {@link DynoValidationError} for an empty list, something that is not an update
 *   action, or two actions on the same or overlapping paths (`a` and `a.b`), which
 *   DynamoDB rejects.
 */
export function renderUpdate(actions: readonly UpdateAction[], ctx: ExpressionContext): string {
  const field = "update";
  if (actions.length === 0) throw new DynoValidationError(field, "no update actions");
  actions.forEach((action, i) => {
    if (!isUpdateAction(action)) {
      throw new DynoValidationError(field, `action ${i + 1} is not an update action (update.*)`);
    }
  });
  const nodes = actions.filter((a): a is UpdateActionNode => a instanceof UpdateActionNode);
  for (let i = 0; i < nodes.length; i++) {
    for (let j = 0; j < i; j++) {
      const [a, b] = [nodes[j]!, nodes[i]!];
      if (pathsOverlap(a.path, b.path)) {
        const same = a.path.length === b.path.length;
        throw new DynoValidationError(
          field,
          same
            ? `two actions on ${quotePath(a.path)} (${a.method} and ${b.method}); DynamoDB allows one action per path`
            : `${a.method} on ${quotePath(a.path)} and ${b.method} on ${quotePath(b.path)} overlap; DynamoDB rejects overlapping paths in one update`,
        );
      }
    }
  }
  const groups: string[] = [];
  for (const clause of CLAUSES) {
    const rendered = actions.filter((a) => a.clause === clause).map((a) => a.render(ctx));
    if (rendered.length > 0) groups.push(`${clause} ${rendered.join(", ")}`);
  }
  return groups.join(" ");
}

/** True for an update action (built with `update.*`, or any object implementing {@link UpdateAction}). */
export function isUpdateAction(value: unknown): value is UpdateAction {
  return (
    value !== null &&
    typeof value === "object" &&
    (value as { kind?: unknown }).kind === "update" &&
    CLAUSES.includes((value as { clause?: never }).clause as never) &&
    typeof (value as { render?: unknown }).render === "function"
  );
}
