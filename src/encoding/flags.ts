/**
 * Decoding flags: the `unmarshal*` options folded into one small integer that every decoder
 * takes, so that options cost nothing on the hot path.
 * @module
 */

/** Decoding flag: imprecise numbers of `s.any()` fields become `NumberValue`s. */
export const WRAP = 1;
/** Decoding flag: attributes no schema field claims are kept (decoded schema-less). */
export const KEEP = 2;
/** Decoding flag: an attribute no schema field claims is an error. */
export const STRICT = 4;
