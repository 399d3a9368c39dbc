/**
 * Waiting on a table's control-plane state (ACTIVE after CreateTable, gone after DeleteTable)
 * with a deadline: every DescribeTable is sent under it (a stalled request cannot outlast it),
 * the polls in between too, and a table stuck in a state ends the wait with an error naming the
 * table, the state it is stuck in and the state waited for. The caller's signal cancels it.
 * @module
 */
import type { TableDescription } from "@aws-sdk/client-dynamodb";
import { AbortError, DynoError } from "../errors.js";
import { linkSignals } from "../operation/signals.js";
import type { Dyno } from "../session.js";

/** How long, and under which signal, a control-plane wait runs. */
export interface TableWaitOptions {
  /** How long to wait, in ms (default 60 000; `Infinity` for no deadline). */
  timeoutMs?: number;
  /** Cancels the wait (and the request in flight) with `AbortError`. */
  signal?: AbortSignal;
}

/** What a wait looks for: `ready(description)` true ends it (`undefined`: the table does not exist). */
export interface TableWaitGoal {
  /** The state waited for, for the error: `"ACTIVE"`, `"deleted"`. */
  readonly state: string;
  readonly ready: (table: TableDescription | undefined) => boolean;
}

const POLL_MS = 50;

/** The table's state as an error reports it: its status, and any index not ACTIVE. */
function stateOf(table: TableDescription | undefined): string {
  if (!table) return "not found";
  const indexes = (table.GlobalSecondaryIndexes ?? [])
    .filter((g) => g.IndexStatus !== undefined && g.IndexStatus !== "ACTIVE")
    .map((g) => `index ${g.IndexName} ${g.IndexStatus}`);
  return [table.TableStatus ?? "of unknown status", ...indexes].join(", ");
}

/**
 * Polls DescribeTable until `goal.ready`, at most `timeoutMs`.
 * @throws DynoError when the deadline passes: `table Users is still DELETING after 60000 ms
 *   (waiting until it is deleted)`; AbortError when `signal` aborts.
 */
export async function waitForTable(
  dyno: Dyno,
  table: string,
  goal: TableWaitGoal,
  options: TableWaitOptions = {},
): Promise<TableDescription | undefined> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  if (!(timeoutMs > 0))
    throw new DynoError(`timeoutMs must be a positive number of ms, got ${timeoutMs}`);
  const deadline = new AbortController();
  const timer = Number.isFinite(timeoutMs)
    ? setTimeout(() => deadline.abort(), Math.min(timeoutMs, 2 ** 31 - 1))
    : undefined;
  const signal = options.signal ? linkSignals(options.signal, deadline.signal) : deadline.signal;
  const session = dyno.withSignal(signal);
  let last: string = "not yet described";
  const timedOut = () =>
    new DynoError(
      `table ${table} is still ${last} after ${timeoutMs} ms (waiting until it is ${goal.state})`,
    );
  try {
    for (;;) {
      let description: TableDescription | undefined;
      try {
        description = (await session.describeTable({ TableName: table })).Table;
      } catch (error) {
        if (options.signal?.aborted) throw error;
        if (deadline.signal.aborted) throw timedOut();
        if ((error as { name?: string }).name !== "ResourceNotFoundException") throw error;
        description = undefined; // deleted, or (dynalite) not yet visible after CreateTable
      }
      if (goal.ready(description)) return description;
      last = stateOf(description);
      await sleep(POLL_MS, signal);
      if (options.signal?.aborted) throw abortError(options.signal);
      if (deadline.signal.aborted) throw timedOut();
    }
  } finally {
    clearTimeout(timer);
  }
}

function abortError(signal: AbortSignal): AbortError {
  return new AbortError("the wait for the table was cancelled", { cause: signal.reason });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
