/**
 * Projections: the attributes a read returns (ProjectionExpression).
 * @module
 */
import { DynoValidationError } from "../errors.js";
import { quotePath } from "./operand.js";
import { parsePath, pathsOverlap } from "./path.js";
import type { ExpressionContext, PathInput, PathSegment } from "./types.js";

/**
 * Renders paths as a ProjectionExpression: `#n0, #n1.#n2[0]`. A path given twice is
 * rendered once (repeated `.project()` calls may name it again).
 * @throws {@link DynoValidationError} for no paths, a malformed path, or overlapping paths
 *   (`a` and `a.b`), which DynamoDB rejects.
 */
export function renderProjection(paths: readonly PathInput[], ctx: ExpressionContext): string {
  if (paths.length === 0) throw new DynoValidationError("projection", "no paths to project");
  const unique: PathSegment[][] = [];
  for (const path of paths) {
    const segments = parsePath(path, "projection");
    const same = unique.find((p) => p.length === segments.length && pathsOverlap(p, segments));
    if (same) continue;
    const overlapping = unique.find((p) => pathsOverlap(p, segments));
    if (overlapping) {
      throw new DynoValidationError(
        "projection",
        `${quotePath(overlapping)} and ${quotePath(segments)} overlap; project only ${quotePath(
          overlapping.length < segments.length ? overlapping : segments,
        )}`,
      );
    }
    unique.push(segments);
  }
  return unique.map((p) => ctx.path(p)).join(", ");
}
