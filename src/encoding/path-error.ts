/**
 * Error plumbing shared by every encoder: a cheap internal {@link PathError} travels up from the
 * bad value, each container adds its path segment on the way out (so the happy path pays
 * nothing for path tracking), and the public entry points turn it into a `DynoEncodingError`.
 * @module
 */
import { DynoEncodingError } from "../errors.js";
import { isForeignNumberValue } from "./number-value-shape.js";

/** Internal error on its way up to an entry point; `segs` is the path, innermost first. */
export class PathError {
  /** Path segments, already formatted (`.name`, `[3]`, `["odd key"]`), innermost first. */
  readonly segs: string[] = [];
  constructor(
    readonly message: string,
    readonly cause?: unknown,
  ) {}
}

/**
 * Nesting past DynamoDB's limit. `within[i]` is the container in which `segs[i]` is the key
 * (when the encoder gave it), so that the entry point can tell a circular reference from a
 * value that is merely too deep, by looking at the failing path alone.
 */
export class DepthError extends PathError {
  readonly within: unknown[] = [];
}

const IDENT = /^[A-Za-z_$][\w$]*$/;

/** Formats a path segment: `[3]` for an index, `.name` for a name, `["odd key"]` otherwise. */
export function segment(key: string | number): string {
  if (typeof key === "number") return `[${key}]`;
  return IDENT.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** Turns anything thrown below a container into a {@link PathError} with the container's segment added. */
export function withSegment(e: unknown, key: string | number, within?: unknown): PathError {
  const f = asPathError(e);
  f.segs.push(segment(key));
  if (f instanceof DepthError) f.within.push(within);
  return f;
}

/** Same as {@link withSegment} for a segment that is already formatted (or several, pre-joined). */
export function withRawSegment(e: unknown, raw: string, within?: unknown): PathError {
  const f = asPathError(e);
  if (raw) {
    f.segs.push(raw);
    if (f instanceof DepthError) f.within.push(within);
  }
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

/** Longest path a message shows in full; longer ones are shortened in the middle. */
export const MESSAGE_PATH = 160;

/**
 * The public error for a path error caught at an entry point. A depth error whose path
 * passes through one object twice is reported as a circular reference, at the second visit.
 * The error's `path` is exact; its message shows a long path shortened in the middle (the
 * path of a value at DynamoDB's depth limit, with long names, could be kilobytes).
 */
export function toPublic(e: unknown, root = ""): DynoEncodingError {
  const f = asPathError(e);
  let message = f.message;
  const from = f.segs.length - 1;
  let to = 0;
  if (f instanceof DepthError && f.within.length === f.segs.length) {
    const seen = new Set<unknown>();
    for (let i = from; i >= 0; i--) {
      const o = f.within[i];
      if (o === undefined || o === null) continue;
      if (seen.has(o)) {
        to = i + 1;
        message = "circular reference: the value contains itself";
        break;
      }
      seen.add(o);
    }
  }
  let path = root;
  for (let i = from; i >= to; i--) path += f.segs[i];
  if (path.startsWith(".")) path = path.slice(1);
  const options = f.cause === undefined ? undefined : { cause: f.cause };
  if (path.length <= MESSAGE_PATH) return new DynoEncodingError(path, message, options);
  const half = MESSAGE_PATH / 2;
  const short = `${path.slice(0, half)}…(${path.length - 2 * half} characters)…${path.slice(-half)}`;
  const error = new DynoEncodingError(short, message, options);
  Object.defineProperty(error, "path", { value: path, enumerable: true });
  return error;
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
      if (typeof text === "string" && isForeignNumberValue(v))
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
  for (const k in av) {
    const bad = malformed(av);
    return bad === undefined
      ? `an attribute of type ${k}`
      : `an attribute of type ${k} holding ${describe((av as Record<string, unknown>)[k])}`;
  }
  return "an empty attribute value";
}

/**
 * A decoding error of `item` whose cause is the engine's own (`Cannot read properties of
 * null`: the decoder met something that is no attribute value) gets a message saying what was
 * found at its path instead: `null is not an attribute value`, `{ L: null }: its L is null`.
 * Anything else is returned as it is. Only called once a decoder has thrown. `item` is an
 * item (a map of attributes), or one attribute value when `isItem` is false.
 */
export function explainDecodeError(e: unknown, item: unknown, isItem = true): unknown {
  if (!(e instanceof PathError) && !(e instanceof TypeError)) return e;
  const f = asPathError(e);
  if (!(f.cause instanceof TypeError) || f instanceof DepthError) return f;
  let cur: unknown = item;
  let top = isItem;
  const keys = parseSegments([...f.segs].reverse().join(""));
  if (keys === undefined) return f;
  for (const key of keys) {
    if (cur === null || typeof cur !== "object") return f;
    const av = cur as { M?: unknown; L?: unknown };
    const container = top ? cur : typeof key === "number" ? av.L : av.M;
    if (container === null || typeof container !== "object" || !Object.hasOwn(container, key)) {
      return f;
    }
    cur = (container as Record<string | number, unknown>)[key];
    top = false;
  }
  const bad = malformed(cur);
  if (bad === undefined) return f;
  const message = bad.startsWith("an attribute") ? `${bad} is not an attribute value` : bad;
  const out = new PathError(message, f.cause);
  out.segs.push(...f.segs);
  return out;
}

/** What is wrong with `av` as an attribute value, or undefined when its shape is fine. */
function malformed(av: unknown): string | undefined {
  if (av === null || typeof av !== "object" || Array.isArray(av)) {
    return `${describe(av)} is not an attribute value`;
  }
  const keys = Object.keys(av);
  if (keys.length !== 1) return undefined; // reported well already (empty or several members)
  const k = keys[0]!;
  const x = (av as Record<string, unknown>)[k];
  const ok =
    k === "S" || k === "N"
      ? typeof x === "string"
      : k === "BOOL" || k === "NULL"
        ? typeof x === "boolean"
        : k === "B"
          ? x instanceof Uint8Array
          : k === "M"
            ? x !== null && typeof x === "object" && !Array.isArray(x)
            : Array.isArray(x);
  return ok ? undefined : `an attribute of type ${k} holding ${describe(x)}`;
}

/** The keys of a formatted path (`.name[3]["odd key"]`), or undefined when it is not one. */
function parseSegments(path: string): (string | number)[] | undefined {
  const out: (string | number)[] = [];
  const token = /\.([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  let m: RegExpExecArray | null;
  while (token.lastIndex < path.length && (m = token.exec(path)) !== null) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push(JSON.parse(m[3]!) as string);
  }
  return token.lastIndex === path.length || path === "" ? out : undefined;
}
