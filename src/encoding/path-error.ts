/**
 * Error plumbing shared by every encoder: a cheap internal {@link PathError} travels up from the
 * bad value, each container adds its path segment on the way out (so the happy path pays
 * nothing for path tracking), and the public entry points turn it into a `DynoEncodingError`.
 * @module
 */
import { DynoEncodingError } from "../errors.js";

/** Internal error on its way up to an entry point; `segs` is the path, innermost first. */
export class PathError {
  /** Path segments, already formatted (`.name`, `[3]`, `["odd key"]`), innermost first. */
  readonly segs: string[] = [];
  constructor(
    readonly message: string,
    readonly cause?: unknown,
  ) {}
}

const IDENT = /^[A-Za-z_$][\w$]*$/;

/** Formats a path segment: `[3]` for an index, `.name` for a name, `["odd key"]` otherwise. */
export function segment(key: string | number): string {
  if (typeof key === "number") return `[${key}]`;
  return IDENT.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** Turns anything thrown below a container into a {@link PathError} with the container's segment added. */
export function withSegment(e: unknown, key: string | number): PathError {
  const f = asPathError(e);
  f.segs.push(segment(key));
  return f;
}

/** Same as {@link withSegment} for a segment that is already formatted (or several, pre-joined). */
export function withRawSegment(e: unknown, raw: string): PathError {
  const f = asPathError(e);
  if (raw) f.segs.push(raw);
  return f;
}

/** Wraps any error (user hooks, `JSON.stringify`, a nested dyno-ts call) in a {@link PathError}. */
export function asPathError(e: unknown): PathError {
  if (e instanceof PathError) return e;
  if (e instanceof DynoEncodingError) {
    const f = new PathError(e.message.slice(e.path ? e.path.length + 2 : 0), e.cause ?? e);
    if (e.path) f.segs.push(e.path.startsWith("[") ? e.path : "." + e.path);
    return f;
  }
  return new PathError(e instanceof Error ? e.message : String(e), e);
}

/** The public error for a path error caught at an entry point. */
export function toPublic(e: unknown, root = ""): DynoEncodingError {
  const f = asPathError(e);
  let path = root;
  for (let i = f.segs.length - 1; i >= 0; i--) path += f.segs[i];
  if (path.startsWith(".")) path = path.slice(1);
  return new DynoEncodingError(
    path,
    f.message,
    f.cause === undefined ? undefined : { cause: f.cause },
  );
}

/** Describes a value for an error message, briefly. */
export function describe(v: unknown): string {
  if (v === null) return "null";
  switch (typeof v) {
    case "string":
      return v.length > 40
        ? `string ${JSON.stringify(v.slice(0, 40))}...`
        : `string ${JSON.stringify(v)}`;
    case "number":
    case "boolean":
    case "bigint":
      return `${typeof v} ${String(v)}`;
    case "object": {
      if (Array.isArray(v)) return "an array";
      const name = (v as { constructor?: { name?: string } }).constructor?.name;
      const text = (v as { value?: unknown }).value;
      if (name === "NumberValue" && typeof text === "string")
        return `NumberValue ${JSON.stringify(text)}`;
      return name && name !== "Object" ? `a ${name}` : "an object";
    }
    default:
      return typeof v;
  }
}

/** Describes an attribute value by its type tag, for error messages. */
export function describeAttr(av: unknown): string {
  if (av === null || typeof av !== "object") return describe(av);
  for (const k in av) return `an attribute of type ${k}`;
  return "an empty attribute value";
}
