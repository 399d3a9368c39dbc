/**
 * What a schema stores, compared: whether a value of one schema can stand where another's is
 * read (an update copying one attribute into another), and whether a missing value reads back.
 * @module
 */
import { emptyAttr } from "../encoding/fields.js";
import type { AnySchema, ObjectPlan } from "../encoding/schema/schema.js";

/**
 * Whether a property of schema `field` (with its modifiers) may be missing from what is stored:
 * it is optional, or its codec reads a missing attribute back as its empty value (a set, an
 * `omitEmpty` string, list or map).
 */
export function mayBeMissing(field: AnySchema): boolean {
  return field.mods.optional || field.mods.skip || emptyAttr(field) !== undefined;
}

/**
 * Whether every value stored by schema `from` reads back through schema `to`: the same kind and
 * codec (a date's format, a literal's values, a list's items, an object's attribute names...),
 * `null` only where `to` allows it. `undefined` is `s.any()`: it reads anything, and what it
 * stores is unknown.
 */
export function readsAs(to: AnySchema | undefined, from: AnySchema | undefined): boolean {
  if (to === undefined) return true;
  if (from === undefined) return false;
  if (from.mods.nullable && !to.mods.nullable) return false;
  if (to === from) return true;
  const a = to.def;
  const b = from.def;
  if (a.kind === "any") return true;
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case "date":
      return a.as === (b as typeof a).as;
    case "literal":
      return (b as typeof a).values.every((v) => a.values.includes(v));
    case "list":
      return readsAs(a.item, (b as typeof a).item);
    case "map":
    case "record":
      return readsAs(a.value, (b as typeof a).value);
    case "object":
      return plansMatch(a.plan, (b as typeof a).plan);
    case "custom":
    case "embed":
      return false; // only the very same schema
    default:
      return true; // string, number, bigint, boolean, binary, json, sets, any
  }
}

/** Two object layouts store the same attributes, each readable by the other's field. */
function plansMatch(to: ObjectPlan, from: ObjectPlan): boolean {
  if (to.fields.length !== from.fields.length) return false;
  return to.fields.every((f) => {
    const g = from.fields.find((x) => x.prop === f.prop);
    if (!g || g.type !== f.type) return false;
    if (f.type === "field" && g.type === "field") {
      return (
        f.attr === g.attr &&
        readsAs(f.schema, g.schema) &&
        (mayBeMissing(f.schema) || !mayBeMissing(g.schema))
      );
    }
    return f.schema === g.schema;
  });
}

/**
 * The attribute names every item of an object layout holds: required properties that do not
 * read back from a missing attribute, those of required embedded objects included.
 */
export function requiredAttributes(plan: ObjectPlan): string[] {
  const out: string[] = [];
  for (const f of plan.fields) {
    if (f.type === "field") {
      if (!mayBeMissing(f.schema)) out.push(f.attr);
    } else if (f.type === "embedObject" && !f.schema.mods.optional) {
      out.push(...requiredAttributes(f.plan));
    }
  }
  return out;
}

/** `s.string()`, `s.date({ as: "epochSeconds" })`, `s.any()`: a schema, for messages. */
export function describeSchema(schema: AnySchema | undefined): string {
  if (schema === undefined) return "s.any()";
  const def = schema.def;
  if (def.kind === "date") return `s.date({ as: ${JSON.stringify(def.as)} })`;
  return `s.${def.kind}()`;
}
