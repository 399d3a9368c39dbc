/**
 * Checks an options object of the operations over models: an object whose keys are all known,
 * so a misspelt option is an error rather than silently ignored.
 * @module
 */
import { DynoValidationError } from "../errors.js";

/** @throws DynoValidationError naming `where.option` for an unknown option, `where` for a non-object. */
export function checkOptions(options: unknown, known: readonly string[], where: string): void {
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new DynoValidationError(`${where}.options`, "expected an options object");
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new DynoValidationError(
        `${where}.options.${key}`,
        `unknown option (options: ${known.join(", ")})`,
      );
    }
  }
}
