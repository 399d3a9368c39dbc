/**
 * The attribute types a schema's value is stored as, for the typed conditions that only work on
 * some (`begins_with`, `contains`, `attribute_type`): an operator that cannot match how the
 * property is stored is refused before sending instead of silently never matching.
 */
import type { AnySchema } from "../encoding/schema/schema.js";
import { DynoValidationError } from "../errors.js";
import type { ResolvedPath } from "./paths.js";

/** The attribute types `schema`'s values are stored as; `undefined` when any type may be. */
export function storedTypes(schema: AnySchema | undefined): readonly string[] | undefined {
  if (schema === undefined) return undefined;
  const def = schema.def;
  let types: string[] | undefined;
  switch (def.kind) {
    case "string":
    case "json":
      types = ["S"];
      break;
    case "number":
    case "bigint":
      types = ["N"];
      break;
    case "boolean":
      types = ["BOOL"];
      break;
    case "binary":
      types = ["B"];
      break;
    case "stringSet":
      types = ["SS"];
      break;
    case "numberSet":
      types = ["NS"];
      break;
    case "binarySet":
      types = ["BS"];
      break;
    case "date":
      types = [def.as === "iso" ? "S" : "N"];
      break;
    case "list":
      types = ["L"];
      break;
    case "map":
    case "record":
    case "object":
      types = ["M"];
      break;
    case "literal":
      types = [
        ...new Set(
          def.values.map((v) =>
            typeof v === "string"
              ? "S"
              : typeof v === "number"
                ? "N"
                : v === null
                  ? "NULL"
                  : "BOOL",
          ),
        ),
      ];
      break;
    default:
      return undefined; // s.any(), s.custom(), embeds
  }
  return schema.mods.nullable ? [...types, "NULL"] : types;
}

const described: Record<string, string> = {
  S: "a string",
  N: "a number",
  B: "a binary",
  BOOL: "a boolean",
  NULL: "null",
  SS: "a string set",
  NS: "a number set",
  BS: "a binary set",
  L: "a list",
  M: "a map",
};

/**
 * Refuses `what` on `r` when the property is stored as none of `fits` (or, for `json`, as JSON
 * text, which no operator but a whole-value comparison reads as the user's value).
 * @throws DynoValidationError naming the property, how it is stored and what the operator needs.
 */
export function requireStoredAs(
  r: ResolvedPath,
  fits: readonly string[],
  what: string,
  needs: string,
): void {
  const types = storedTypes(r.schema);
  if (types === undefined) return;
  const json = r.schema?.def.kind === "json";
  if (!json && types.some((t) => fits.includes(t))) return;
  const stored = json
    ? "stored as JSON text (s.json())"
    : `stored as ${types.map((t) => described[t] ?? t).join(" or ")}`;
  throw new DynoValidationError(
    r.label,
    `${what}: ${r.label} is ${stored}; ${what} ${needs}, so it would never match as meant`,
  );
}
