/**
 * Checks the options of the public encoding functions: a misspelt option or a value outside
 * its domain is an error rather than a silent default.
 * @module
 */
import { DynoValidationError } from "../errors.js";
import { describe } from "./path-error.js";

/**
 * The domain of each option of `marshal*` and `unmarshal*`. The marshal functions accept the
 * unmarshal options too (one options object may serve both), but no other name.
 */
const OPTIONS: Record<string, { ok: (v: unknown) => boolean; want: string }> = {
  codegen: { ok: (v) => typeof v === "boolean", want: "true or false" },
  wrapNumbers: { ok: (v) => typeof v === "boolean", want: "true or false" },
  unknown: {
    ok: (v) => v === "drop" || v === "keep" || v === "error",
    want: '"drop", "keep" or "error"',
  },
};

/** Throws a `DynoValidationError` naming `options.<name>` when an option is unknown or invalid. */
export function checkOptions(options: unknown, fn: string): void {
  if (options === null || typeof options !== "object") {
    throw new DynoValidationError(
      "options",
      `${fn}() takes an options object, not ${describe(options)}`,
    );
  }
  for (const k of Object.keys(options)) {
    const v = (options as Record<string, unknown>)[k];
    const rule = Object.hasOwn(OPTIONS, k) ? OPTIONS[k] : undefined;
    if (rule === undefined) {
      throw new DynoValidationError(
        `options.${k}`,
        `${fn}() has no such option (it takes ${Object.keys(OPTIONS).join(", ")})`,
      );
    }
    if (v !== undefined && !rule.ok(v)) {
      throw new DynoValidationError(`options.${k}`, `must be ${rule.want}, not ${describe(v)}`);
    }
  }
}
