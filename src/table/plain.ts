/**
 * Plain `cond.*` conditions given to a table. Their paths name attributes and their values are
 * encoded without the schema, which is right for an attribute the schema stores under the same
 * name and codec, and silently wrong for a property stored otherwise (renamed, flattened into
 * the item, a date as epoch seconds, JSON...). A table checks every plain leaf of a condition or
 * filter and refuses the wrong ones, pointing at the typed form `(c) => c.eq(...)`; leaves built
 * by the table's own `c` are already translated and are not checked again.
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { marshalValue, unmarshalValue } from "../encoding/api.js";
import { DynoError, DynoValidationError } from "../errors.js";
import { Between, Comparison, FunctionCall, In, Logical, Not } from "../expression/condition.js";
import type { Operand } from "../expression/operand.js";
import { formatPath } from "../expression/path.js";
import type { Condition, PathSegment } from "../expression/types.js";
import type { AnySchema } from "../encoding/schema/schema.js";
import type { ItemModel, ResolvedPath } from "./paths.js";
import { describeSchema } from "./storage.js";

/**
 * Marks leaves of conditions built by a table's `c` (their paths and values are the schema's):
 * a property under a symbol only this module holds (a `WeakSet` cost an ephemeron per
 * condition, which the garbage collector pays again on every cycle).
 */
const TYPED: unique symbol = Symbol("dyno.typedCondition");

/** Marks a condition as built by a table's `c`. */
export function markTyped<C extends Condition>(c: C): C {
  (c as { [TYPED]?: true })[TYPED] = true;
  return c;
}

const isTyped = (c: Condition): boolean => (c as { [TYPED]?: true })[TYPED] === true;

const METHODS: Record<string, string> = {
  "=": "eq", "<>": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge",
  begins_with: "beginsWith", contains: "contains", attribute_exists: "exists",
  attribute_not_exists: "notExists", attribute_type: "type",
}; // prettier-ignore

/**
 * Throws a `DynoValidationError` naming the path when a plain leaf of `condition` names a
 * property of `model` stored under another attribute name, or compares it with a value its
 * codec would store differently. `what` is `"condition"` or `"filter"`.
 */
export function checkPlainCondition(model: ItemModel, condition: Condition, what: string): void {
  if (isTyped(condition)) return;
  if (condition instanceof Logical) {
    for (const child of condition.children) checkPlainCondition(model, child, what);
  } else if (condition instanceof Not) {
    checkPlainCondition(model, condition.child, what);
  } else if (condition instanceof Comparison) {
    const method = METHODS[condition.op]!;
    checkPair(model, condition.left, condition.right, method, what, false);
    checkPair(model, condition.right, condition.left, method, what, false, true);
  } else if (condition instanceof Between) {
    checkPair(model, condition.left, condition.lo, "between", what, false);
    checkPair(model, condition.left, condition.hi, "between", what, false);
  } else if (condition instanceof In) {
    for (const v of condition.values) checkPair(model, condition.left, v, "in", what, false);
    if (condition.values.length === 0)
      checkPair(model, condition.left, undefined, "in", what, false);
  } else if (condition instanceof FunctionCall) {
    const method = METHODS[condition.name]!;
    const path: Operand = { type: "path", path: condition.path };
    const arg = condition.name === "attribute_type" ? undefined : condition.arg;
    checkPair(model, path, arg, method, what, true);
    if (arg) checkPair(model, arg, undefined, method, what, false);
  }
  // Any other Condition implementation is the caller's own: taken as is.
}

/** Checks operand `left` (when a path), and `right` against its codec when it is a value. */
function checkPair(
  model: ItemModel,
  left: Operand,
  right: Operand | undefined,
  method: string,
  what: string,
  element: boolean,
  rightSide = false,
): void {
  if (left.type === "value") return;
  const plain =
    left.type === "size"
      ? `a plain size().${rightSide ? flip(method) : method}`
      : `a plain cond.${method}`;
  const r = propertyAt(model, left.path, what, plain, (path) => {
    const p = JSON.stringify(path);
    // size(path) on the table's properties is c.size(...), compared from its side.
    if (left.type === "size")
      return `(c) => c.size(${p}).${rightSide ? flip(method) : method}(...)`;
    if (rightSide) return `(c) => c.${method}(..., c.attr(${p}))`;
    return method === "exists" || method === "notExists"
      ? `(c) => c.${method}(${p})`
      : `(c) => c.${method}(${p}, ...)`;
  });
  if (left.type === "size" || right?.type !== "value" || r === undefined) return;
  const target = element ? model.element(r) : r;
  if (target.schema === undefined) return; // s.any(): stored as given, as a plain value is
  const label = r.label;
  const typedForm = `(c) => c.${method}(${JSON.stringify(label)}, ...)`;
  let stored: AttributeValue;
  try {
    stored = marshalValue(right.raw, target.schema);
  } catch (e) {
    if (!(e instanceof DynoError)) throw e;
    // The value already in its stored form (epoch seconds of a date, an ISO string...) matches.
    if (storedForm(right.encoded, target.schema)) return;
    throw new DynoValidationError(
      label,
      `${what}: a plain cond.${method} compares ${label} (${describeSchema(target.schema)}) with a ` +
        `value it cannot hold (${e.message}); write it on the table's properties: ${typedForm}`,
    );
  }
  if (!sameValue(stored, right.encoded)) {
    throw new DynoValidationError(
      label,
      `${what}: ${label} is stored as ${describeSchema(target.schema)}, as ${show(stored)}, but a ` +
        `plain cond.${method} encodes the value without the schema, as ${show(right.encoded)}, and ` +
        `would compare the wrong thing; write it on the table's properties: ${typedForm}`,
    );
  }
}

/**
 * The property a plain path (attribute names) names when its attribute path is the same (then
 * its values are checked); undefined when it is not a property path (attribute names only,
 * taken as is). `what` (`condition`), `plain` (`a plain cond.eq`) and `typedForm` (what to
 * write instead) are for the message.
 * @throws DynoValidationError when the path names a property stored elsewhere.
 */
export function propertyAt(
  model: ItemModel,
  path: readonly PathSegment[],
  what: string,
  plain: string,
  typedForm: (path: string) => string,
): ResolvedPath | undefined {
  let plan = model.plan as ItemModel["plan"] | undefined;
  let found: ResolvedPath | undefined;
  for (let i = 1; i <= path.length; i++) {
    const prefix = path.slice(0, i);
    const seg = path[i - 1]!;
    const label = formatPath(prefix);
    const moved = (where: string): never => {
      throw new DynoValidationError(
        label,
        `${what}: ${plain} takes attribute names, and ${label} is a property of the schema ` +
          `${where}; write it on the table's properties: ${typedForm(formatPath(path))}`,
      );
    };
    const f = plan && typeof seg === "string" ? plan.fields.find((x) => x.prop === seg) : undefined;
    if (f?.type === "embedObject")
      moved("flattened into the item (its properties are attributes of their own)");
    if (f?.type === "embedRecord") {
      moved(
        `flattened into the item (its keys are attributes ${JSON.stringify(f.prefix)} + key + ${JSON.stringify(f.suffix)})`,
      );
    }
    let r: ResolvedPath;
    try {
      r = model.resolve(prefix, what);
    } catch {
      return undefined; // not a property path from here on: attribute names, taken as is
    }
    if (!samePath(r.segments, prefix)) moved(`stored as attribute path ${formatPath(r.segments)}`);
    plan = r.schema?.def.kind === "object" ? r.schema.def.plan : undefined;
    found = r;
  }
  return found;
}

const FLIPPED: Record<string, string> = { lt: "gt", gt: "lt", le: "ge", ge: "le" };

/** The comparison seen from the other side (`a < b` is `b > a`). */
function flip(method: string): string {
  return FLIPPED[method] ?? method;
}

/** Whether `encoded` is a value the codec stores as it is (decodes, and encodes back the same). */
function storedForm(encoded: AttributeValue, schema: AnySchema): boolean {
  try {
    return sameValue(marshalValue(unmarshalValue(encoded, schema), schema), encoded);
  } catch (e) {
    if (e instanceof DynoError) return false;
    throw e;
  }
}

function samePath(a: readonly PathSegment[], b: readonly PathSegment[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

function sameValue(a: AttributeValue, b: AttributeValue): boolean {
  return json(a) === json(b);
}

/** An attribute value as JSON, binaries as their bytes. */
function json(av: AttributeValue): string {
  return JSON.stringify(av, (_k, v: unknown) =>
    v instanceof Uint8Array ? { bytes: Array.from(v) } : v,
  );
}

/** An attribute value for a message. */
function show(av: AttributeValue): string {
  const text = json(av);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
