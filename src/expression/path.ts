/**
 * Document paths: `"a.b[2].c"` parsed into segments, or segment arrays for names that
 * themselves hold a dot or bracket (`["weird.name", 0, "x"]`).
 * @module
 */
import { DynoValidationError } from "../errors.js";
import type { PathInput, PathSegment } from "./types.js";

/**
 * Parses a document path into its segments: names (strings) and list indexes (numbers).
 *
 * - `"a.b[2].c"` → `["a", "b", 2, "c"]`; indexes may follow each other: `"m[0][1]"`.
 * - An array is taken as already split, so its names may hold any character:
 *   `["weird.name", 0, "x"]`.
 *
 * @param owner what was given the path (`"cond.eq"`, `"ProjectionExpression"`): the error's
 *   field when the path itself cannot name it (an empty string, or not a path at all).
 * @throws {@link DynoValidationError} naming the path, for an empty path or segment,
 *   an unbalanced bracket, an index that is not a non-negative integer, a path that
 *   starts with an index, or more than {@link MAX_PATH_DEPTH} levels.
 */
export function parsePath(path: PathInput, owner = "path"): PathSegment[] {
  if (typeof path === "string") return checkDepth(path, parseString(path, owner));
  if (Array.isArray(path)) return checkDepth(path, checkSegments(path));
  throw new DynoValidationError(
    owner,
    `a path must be a string such as "a.b[2].c" or an array of segments, got ${describe(path)}`,
  );
}

/** DynamoDB rejects document paths with more than 32 nesting levels (names and indexes). */
export const MAX_PATH_DEPTH = 32;

function checkDepth(path: PathInput, segments: PathSegment[]): PathSegment[] {
  if (segments.length > MAX_PATH_DEPTH) {
    const label = pathLabel(path);
    throw new DynoValidationError(
      label,
      `malformed path ${typeof path === "string" ? JSON.stringify(path) : label}: ` +
        `${segments.length} nesting levels; DynamoDB allows at most ${MAX_PATH_DEPTH}`,
    );
  }
  return segments;
}

/** Writes segments back as a readable path, e.g. `a.b[2]`; names holding `.`/`[`/`]` are quoted. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = "";
  for (const segment of segments) {
    if (typeof segment === "number") out += `[${segment}]`;
    else {
      const name = /[.[\]"]/.test(segment) || segment === "" ? JSON.stringify(segment) : segment;
      out += out === "" ? name : `.${name}`;
    }
  }
  return out;
}

/** The path as the user wrote it, for error messages. */
export function pathLabel(path: PathInput): string {
  if (typeof path === "string") return path;
  if (Array.isArray(path)) return JSON.stringify(path);
  return String(path);
}

/** True when `a` equals `b` or is a prefix of it (DynamoDB calls both "overlapping"). */
export function pathsOverlap(a: readonly PathSegment[], b: readonly PathSegment[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

function parseString(path: string, owner: string): PathSegment[] {
  const fail = (message: string): never => {
    throw new DynoValidationError(
      path === "" ? owner : path,
      `malformed path ${JSON.stringify(path)}: ${message}`,
    );
  };
  if (path === "") fail("empty path");
  const segments: PathSegment[] = [];
  let i = 0;
  // `expectName` is true at the start and after a dot: a name must come next.
  let expectName = true;
  while (i < path.length) {
    const ch = path[i];
    if (ch === ".") {
      if (expectName) fail(`empty segment at position ${i}`);
      expectName = true;
      i++;
    } else if (ch === "[") {
      if (expectName) {
        fail(
          segments.length === 0
            ? "a path must start with an attribute name, not an index"
            : `empty segment before '[' at position ${i}`,
        );
      }
      const close = path.indexOf("]", i + 1);
      const nextOpen = path.indexOf("[", i + 1);
      if (close < 0 || (nextOpen >= 0 && nextOpen < close)) {
        fail(`unbalanced bracket: '[' at position ${i} is not closed`);
      }
      segments.push(parseIndex(path.slice(i + 1, close), i, fail));
      i = close + 1;
      if (i < path.length && path[i] !== "." && path[i] !== "[") {
        fail(`expected '.' or '[' after ']' at position ${close}`);
      }
    } else if (ch === "]") {
      fail(`unbalanced bracket: ']' at position ${i} has no matching '['`);
    } else {
      if (!expectName) fail(`expected '.' or '[' at position ${i}`);
      let end = i;
      while (end < path.length && path[end] !== "." && path[end] !== "[" && path[end] !== "]")
        end++;
      segments.push(path.slice(i, end));
      expectName = false;
      i = end;
    }
  }
  if (expectName) fail("empty segment at the end");
  return segments;
}

function parseIndex(text: string, at: number, fail: (message: string) => never): number {
  const trimmed = text.trim();
  if (trimmed === "") fail(`empty index '[]' at position ${at}`);
  if (/^-\d+$/.test(trimmed)) fail(`negative index [${trimmed}] at position ${at}`);
  if (!/^\d+$/.test(trimmed)) {
    fail(`index [${text}] at position ${at} is not a non-negative integer`);
  }
  const index = Number(trimmed);
  if (!Number.isSafeInteger(index)) fail(`index [${text}] at position ${at} is too large`);
  return index;
}

function checkSegments(segments: readonly unknown[]): PathSegment[] {
  // The label is made only for an error: this runs for every path of every expression.
  if (segments.length === 0) throw badSegments(segments, "empty path");
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (typeof segment === "string") {
      if (segment === "") throw badSegments(segments, `empty name at segment ${i}`);
    } else if (typeof segment === "number") {
      if (i === 0) {
        throw badSegments(segments, "a path must start with an attribute name, not an index");
      }
      if (!Number.isSafeInteger(segment) || segment < 0) {
        throw badSegments(
          segments,
          `index ${segment} at segment ${i} is not a non-negative integer`,
        );
      }
    } else {
      throw badSegments(
        segments,
        `segment ${i} must be a name (string) or an index (number), got ${describe(segment)}`,
      );
    }
  }
  return segments.slice() as PathSegment[];
}

function badSegments(segments: readonly unknown[], message: string): DynoValidationError {
  const label = pathLabel(segments as PathInput);
  return new DynoValidationError(label, `malformed path ${label}: ${message}`);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value;
}
