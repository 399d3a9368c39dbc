/** The odd strings the key-template tests are built from, and the order DynamoDB sorts them in. */

/**
 * Single characters that break naive key templates: the separators and their neighbours, the
 * escape character, NULs, lone surrogates, astral characters and the two highest code points.
 */
export const oddUnits = [
  "#",
  "|",
  "{",
  "}",
  "%",
  "&",
  "$",
  "\u0000",
  "\u0001",
  "a",
  "z",
  "é",
  "\uD800",
  "\uDBFF",
  "\uDC00",
  "\uDFFF",
  "\uD7FF",
  "\uE000",
  "\u{1F600}",
  "\u{10FFFE}",
  "\u{10FFFF}",
  "0",
  "F",
] as const;

/** The code points of a string (a lone surrogate stands as its own code). */
export const codes = (v: string): number[] => [...v].map((c) => c.codePointAt(0)!);

/** The raw order of two strings, -1, 0 or 1: by code point (UTF-8 byte order). */
export function rawCompare(a: string, b: string): number {
  const x = codes(a);
  const y = codes(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++)
    if (x[i] !== y[i]) return Math.sign(x[i]! - y[i]!);
  return Math.sign(x.length - y.length);
}
