/**
 * Jobs: resumable, crash-safe parallel work over a table, shared by any number of workers
 * through fenced segment leases and checkpoints kept in DynamoDB. Public exports only.
 * @module
 */
export { runJob } from "./run-job.js";
export { jobStatus, type JobStatus, type SegmentStatus } from "./status.js";
export type {
  JobContext,
  JobOptions,
  JobOptionsBase,
  JobProgress,
  JobScanInput,
  JobSummary,
  ModelJobOptions,
  RawJobOptions,
  TableJobOptions,
} from "./options.js";
