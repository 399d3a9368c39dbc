/**
 * Checks an options object of the operations over models: an object whose keys are all known,
 * so a misspelt option is an error rather than silently ignored.
 * @module
 */
import { DynoValidationError } from "../errors.js";

/**
 * `where` is the call's location (`""` for a single call, `writes[1]` for an action), so the
 * error names `options.conditon` or `writes[1].options.conditon`.
 * @throws DynoValidationError naming `where.options.option` for an unknown option, `where.options` for a non-object.
 */
export function checkOptions(options: unknown, known: readonly string[], where: string): void {
  checkNames(options, known, where ? `${where}.options` : "options");
}

/**
 * Checks that the object at `path` (a definition's part, such as `indexes.byEmail`) has only
 * `known` names.
 * @throws DynoValidationError naming `path.name` for an unknown name, `path` for a non-object.
 */
export function checkNames(value: unknown, known: readonly string[], path: string): void {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new DynoValidationError(path, "expected an options object");
  }
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new DynoValidationError(
        `${path}.${key}`,
        `unknown option (options: ${known.join(", ")})`,
      );
    }
  }
}
