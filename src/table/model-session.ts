/**
 * What models (Tables and entities) need from a session: the single operations they send and the exhaustive
 * operations they read and write with. A `Dyno` (and a `Pool`) is one; entities never import
 * the session itself, so this room stays below it.
 * @module
 */
import type { ExhaustiveMethods } from "../exhaustive/methods.js";
import type { Middleware } from "../operation/middleware.js";
import type { Operation } from "../operation/operation.js";
import type { InputOf, OperationName } from "../operation/registry.js";

/** One operation method, as a session has it. */
type Method<N extends OperationName> = (
  input: InputOf<N>,
  ...middleware: Middleware<N>[]
) => Operation<N>;

/** The operations an entity (and its shared table) runs. */
export interface ModelSession extends Pick<
  ExhaustiveMethods,
  | "queryAll"
  | "scanAll"
  | "queryItems"
  | "scanItems"
  | "queryPages"
  | "batchGetItemAll"
  | "batchWriteItemAll"
> {
  getItem: Method<"GetItem">;
  putItem: Method<"PutItem">;
  updateItem: Method<"UpdateItem">;
  deleteItem: Method<"DeleteItem">;
  query: Method<"Query">;
  scan: Method<"Scan">;
  createTable: Method<"CreateTable">;
  describeTable: Method<"DescribeTable">;
  deleteTable: Method<"DeleteTable">;
  updateTimeToLive: Method<"UpdateTimeToLive">;
}
