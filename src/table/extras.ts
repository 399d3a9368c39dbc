/**
 * Properties a value has that its schema does not declare. Encoding with a schema reads only
 * the declared properties, so anything else would be dropped without a word; a table refuses
 * such a value instead (in `put`, `batchPut`, and every value of an update or condition).
 * @module
 */
import type { AnySchema } from "../encoding/schema/schema.js";
import { formatPath } from "../expression/path.js";
import type { PathSegment } from "../expression/types.js";

/** How many undeclared properties a message lists before it says "and N more". */
const LISTED = 5;

/**
 * The paths (property names, from `value`'s root) of the properties of `value` that `schema`
 * does not declare, at any depth: in objects, embedded objects, list elements and record or
 * map values. Skipped properties (`.skip()`) are declared. Inside `s.any()`, `s.json()` and
 * `s.custom()` everything is kept, so nothing there is reported. Stops after `limit` paths.
 */
export function undeclaredProperties(
  schema: AnySchema,
  value: unknown,
  limit = LISTED + 1,
): PathSegment[][] {
  // Module-level walkers over one state (no closures made per call: this runs on every write).
  const state: Walk = { out: [], seen: new Set(), limit };
  walk(state, schema, value, []);
  return state.out;
}

interface Walk {
  readonly out: PathSegment[][];
  readonly seen: Set<object>;
  readonly limit: number;
}

function walk(w: Walk, schema: AnySchema, value: unknown, at: PathSegment[]): void {
  if (w.out.length >= w.limit || value === null || typeof value !== "object") return;
  let def = schema.def;
  if (def.kind === "embed") def = def.inner.def; // the same value, flattened
  if (w.seen.has(value)) return; // a cycle: the encoder reports it
  w.seen.add(value);
  switch (def.kind) {
    case "object":
      walkObject(w, def.shape, value, at);
      break;
    case "list":
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) walk(w, def.item, value[i], [...at, i]);
      }
      break;
    case "record":
    case "map":
      if (value instanceof Map) {
        for (const [k, v] of value as Map<unknown, unknown>)
          walk(w, def.value, v, [...at, String(k)]);
      } else {
        for (const k of Object.keys(value))
          walk(w, def.value, (value as Record<string, unknown>)[k], [...at, k]);
      }
      break;
    default:
      break; // scalars, sets, dates, binaries; any, json and custom keep what they are given
  }
  w.seen.delete(value);
}

function walkObject(
  w: Walk,
  shape: Readonly<Record<string, AnySchema>>,
  value: object,
  at: PathSegment[],
): void {
  for (const k of Object.keys(value)) {
    const member = (value as Record<string, unknown>)[k];
    if (!Object.hasOwn(shape, k)) {
      if (member === undefined) continue; // undefined is "absent"
      w.out.push([...at, k]);
      if (w.out.length >= w.limit) return;
      continue;
    }
    const field = shape[k]!;
    // Only objects hold properties to check: a scalar member needs no path of its own.
    if (field.mods.skip || member === null || typeof member !== "object") continue;
    walk(w, field, member, [...at, k]);
  }
}

/** "item.a, item.b.c and more": undeclared paths below `base`, for a message. */
export function listPaths(paths: readonly PathSegment[][], base: readonly PathSegment[]): string {
  const shown = paths.slice(0, LISTED).map((p) => formatPath([...base, ...p]));
  return paths.length > LISTED ? `${shown.join(", ")} and more` : shown.join(", ");
}

/** The message for undeclared properties below `base`: what they are, and what to do. */
export function undeclared(paths: readonly PathSegment[][], base: readonly PathSegment[]): string {
  const one = paths.length === 1;
  return (
    `${listPaths(paths, base)} ${one ? "is" : "are"} not declared by the schema and would not be ` +
    `stored; leave ${one ? "it" : "them"} out, or declare ${one ? "it" : "them"} ` +
    `(open-ended data: s.record(...), s.any())`
  );
}
