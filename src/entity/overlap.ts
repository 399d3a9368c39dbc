/**
 * Whether two entities of one shared table could write the same primary key (and so overwrite,
 * read or delete each other's items). Decided from the templates alone, soundly: two templates
 * are disjoint when their leading texts (before the first placeholder) or their trailing texts
 * (after the last) differ where both have a character, or when both are plain text and differ.
 * Everything else may meet (`"U{id}"` and `"US{id}"`, `"{b}"` and `"N#{n}"`) and is refused —
 * conservatively: `"USER#{id}"` and `"USER#{id}#PROFILE"` cannot meet (a `#` in the first's value
 * is escaped), but only the texts around the placeholders are compared.
 * @module
 */
import { DynoValidationError } from "../errors.js";
import type { EntityKeySchema } from "./keys.js";
import type { Template } from "./template.js";

/** The text before the first placeholder and after the last (the whole text when there is none). */
function ends(t: Template): { lead: string; tail: string; literal: boolean } {
  const first = t.parts.findIndex((p) => p.prop !== undefined);
  if (first === -1) return { lead: t.source, tail: t.source, literal: true };
  let last = t.parts.length - 1;
  while (t.parts[last]!.prop === undefined) last--;
  const text = (from: number, to: number) =>
    t.parts
      .slice(from, to)
      .map((p) => p.literal ?? "")
      .join("");
  return { lead: text(0, first), tail: text(last + 1, t.parts.length), literal: false };
}

/** True when no values can fill `a` and `b` to the same string. */
export function disjoint(a: Template, b: Template): boolean {
  const x = ends(a);
  const y = ends(b);
  if (x.literal && y.literal) return a.source !== b.source;
  const n = Math.min(x.lead.length, y.lead.length);
  if (x.lead.slice(0, n) !== y.lead.slice(0, n)) return true;
  const m = Math.min(x.tail.length, y.tail.length);
  return x.tail.slice(x.tail.length - m) !== y.tail.slice(y.tail.length - m);
}

/**
 * Refuses entity `name` when its primary key could be another entity's.
 * @throws DynoValidationError naming both entities and their templates.
 */
export function refuseOverlap(
  name: string,
  key: EntityKeySchema,
  others: Iterable<{ readonly name: string; readonly key: EntityKeySchema }>,
): void {
  for (const other of others) {
    const apart =
      disjoint(key.partition.template, other.key.partition.template) ||
      (key.sort !== undefined &&
        other.key.sort !== undefined &&
        disjoint(key.sort.template, other.key.sort.template));
    if (apart) continue;
    const show = (k: EntityKeySchema) =>
      JSON.stringify(k.partition.template.source) +
      (k.sort ? ` / ${JSON.stringify(k.sort.template.source)}` : "");
    throw new DynoValidationError(
      "key",
      `entity ${name} (${show(key)}) and entity ${other.name} (${show(other.key)}) may write the same key (neither the texts before their first placeholders nor those after their last set them apart): give their sort (or partition) key templates distinct leading texts, e.g. "USER#{id}" and "ORDER#{id}"`,
    );
  }
}
