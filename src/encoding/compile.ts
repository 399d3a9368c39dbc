/**
 * Object schemas as generated code (placeholder until the generator lands).
 * @module
 */
/** True when `new Function` works here (no content security policy forbids it). */
export function canGenerate(): boolean {
  return false;
}
