/**
 * The encoding layer (API.md section 6): JS values ⇄ DynamoDB `AttributeValue`s, with or
 * without a schema. Public exports only.
 * @module
 */
export {
  marshalItem,
  marshalItems,
  marshalValue,
  unmarshalItem,
  unmarshalItems,
  unmarshalValue,
  type MarshalOptions,
  type UnmarshalOptions,
  type SchemaLike,
} from "./api.js";
export {
  toItem,
  fromItem,
  toAttribute,
  type ItemMarshaler,
  type AttributeMarshaler,
  type ItemClass,
} from "./hooks.js";
export { NumberValue } from "./numbers.js";
export { dynamoNotation } from "./identity.js";
export { projectionOf, type ProjectionPath, type ProjectionOptions } from "./projection.js";
export * as s from "./schema/s.js";
export type { StandardSchemaV1 } from "./schema/standard.js";
export {
  Schema,
  type AnySchema,
  type Shape,
  type Literal,
  type DateFormat,
  type EmbedOptions,
  type ItemCustom,
  type AttributeCustom,
  type ObjectOf,
  type Infer,
} from "./schema/schema.js";
