/**
 * Projections from schemas: the attribute names an object schema reads, for a builder's
 * `.project(...)` (the Go library's projection from struct fields).
 * @module
 */
import { DynoEncodingError, DynoValidationError } from "../errors.js";
import type { AnySchema, ObjectPlan } from "./schema/schema.js";

/** A projection path: a plain name, or a one-segment array for a name holding `.` or `[`. */
export type ProjectionPath = string | [string];

/** Options of {@link projectionOf}. */
export interface ProjectionOptions {
  /**
   * A flattened record (`s.embed(s.record(...))`) has no fixed attribute names, so no
   * projection can name them: `"error"` (default) throws, `"omit"` leaves them out.
   */
  openRecords?: "error" | "omit";
}

/**
 * The attribute names an object schema stores (renamed and flattened names included,
 * skipped properties excluded), ready for `.project(...projectionOf(User))`. A name that
 * holds a `.` or `[` comes as a one-segment array so that it is not read as a path.
 * @throws DynoEncodingError when the schema is not an object, or flattens a record (see options).
 */
export function projectionOf(schema: AnySchema, options: ProjectionOptions = {}): ProjectionPath[] {
  const open = options?.openRecords;
  if (open !== undefined && open !== "error" && open !== "omit") {
    throw new DynoValidationError(
      "options.openRecords",
      `must be "error" or "omit", not ${JSON.stringify(open) ?? String(open)}`,
    );
  }
  let plan: ObjectPlan | undefined;
  const def = schema?.def;
  if (def?.kind === "object") plan = def.plan;
  else if (def?.kind === "embed" && def.inner.def.kind === "object") plan = def.inner.def.plan;
  if (!plan)
    throw new DynoEncodingError("", "projectionOf() takes an object schema (s.object(...))");
  if (plan.records.length > 0 && options.openRecords !== "omit") {
    throw new DynoEncodingError(
      "",
      "the schema flattens a record, whose attribute names are open: a projection would drop them " +
        '(read the whole item, or pass { openRecords: "omit" })',
    );
  }
  const out: ProjectionPath[] = [];
  for (const name of plan.known) out.push(/[.[\]]/.test(name) ? [name] : name);
  return out;
}
