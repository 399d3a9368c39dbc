/**
 * Expressions: paths, placeholders, conditions, key conditions, projections and updates.
 * @module
 */
export type * from "./types.js";
export { parsePath, formatPath, MAX_PATH_DEPTH } from "./path.js";
export { ExpressionAttributes } from "./attributes.js";
export { attr, AttributeRef } from "./operand.js";
export { size, SizeOperand, type SizeComparand } from "./size.js";
export {
  cond,
  isCondition,
  MAX_IN_OPERANDS,
  type AttributeTypeName,
  type Comparator,
} from "./condition.js";
export {
  key,
  asKeyCondition,
  keyConditionNames,
  isKeyCondition,
  type KeyOperator,
} from "./key-condition.js";
export { update, renderUpdate, isUpdateAction } from "./update.js";
export { renderProjection } from "./projection.js";
