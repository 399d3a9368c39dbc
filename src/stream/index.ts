/**
 * Streams (API.md section 18): DynamoDB stream records decoded through models into typed
 * changes, and Lambda's partial batch response for handling them.
 * @module
 */
export {
  streamChanges,
  type StreamChange,
  type StreamModels,
  type ModelChange,
  type UnmatchedChange,
  type ChangeBase,
  type ItemOfModel,
  type KeyOfModel,
} from "./changes.js";
export {
  processStream,
  type ProcessStreamOptions,
  type StreamBatchResponse,
  type ChangeHandler,
} from "./process.js";
export type {
  ChangeType,
  StreamAttributeValue,
  StreamEventInput,
  StreamRecordData,
  StreamRecordInput,
} from "./records.js";
