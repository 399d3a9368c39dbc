/**
 * The lease table: where every job keeps its leases and checkpoints. One partition per job
 * (partition key `job`), one item per segment, worker and the job itself (sort key `part`).
 * Created on first use (pay per request) when missing; a table of another key schema is refused.
 * @module
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynoError, DynoValidationError } from "../errors.js";
import type { Dyno } from "../session.js";
import { sleep } from "../exhaustive/backoff.js";
import { monotonic, within } from "../lock/wire.js";

/** The lease table's partition key attribute (the job's id). */
export const JOB_KEY = "job";
/** The lease table's sort key attribute (which item of the job). */
export const PART_KEY = "part";

const ready = new WeakMap<DynamoDBClient, Set<string>>();

/** How long a worker waits for the lease table to be ACTIVE. */
const LEASE_TABLE_WAIT_MS = 60_000;

/**
 * Makes sure `table` exists, is ACTIVE and has the lease table's key schema; creates it when
 * missing (once per client and table: later calls return at once).
 */
export async function ensureLeaseTable(
  dyno: Dyno,
  table: string,
  signal: AbortSignal,
): Promise<void> {
  if (ready.get(dyno.client)?.has(table)) return;
  // A lease table stuck in a state (CREATING, DELETING, UPDATING...) ends the wait with an error, not a worker waiting forever.
  const deadline = monotonic() + LEASE_TABLE_WAIT_MS;
  let last = "not yet described";
  for (;;) {
    if (monotonic() >= deadline) {
      throw new DynoError(
        `lease table ${table} is still ${last} after ${LEASE_TABLE_WAIT_MS} ms (waiting until it is ACTIVE); ` +
          `create it beforehand (partition key "${JOB_KEY}" (S), sort key "${PART_KEY}" (S)) where that takes longer`,
      );
    }
    let status: string | undefined;
    try {
      const out = await within(dyno.describeTable({ TableName: table }), signal, deadline);
      checkKeySchema(table, out.Table?.KeySchema ?? [], out.Table?.AttributeDefinitions ?? []);
      status = out.Table?.TableStatus;
      last = status ?? "of unknown status";
    } catch (error) {
      if (!signal.aborted && monotonic() >= deadline) continue; // the describe outlasted the wait
      if ((error as { name?: string }).name !== "ResourceNotFoundException") throw error;
      last = "not found";
      await create(dyno, table, signal);
    }
    if (status === "ACTIVE") break;
    await sleep(Math.min(200, Math.max(0, deadline - monotonic())), signal);
  }
  let tables = ready.get(dyno.client);
  if (!tables) ready.set(dyno.client, (tables = new Set()));
  tables.add(table);
}

async function create(dyno: Dyno, table: string, signal: AbortSignal): Promise<void> {
  try {
    await within(
      dyno.createTable({
        TableName: table,
        BillingMode: "PAY_PER_REQUEST",
        KeySchema: [
          { AttributeName: JOB_KEY, KeyType: "HASH" },
          { AttributeName: PART_KEY, KeyType: "RANGE" },
        ],
        AttributeDefinitions: [
          { AttributeName: JOB_KEY, AttributeType: "S" },
          { AttributeName: PART_KEY, AttributeType: "S" },
        ],
      }),
      signal,
    );
  } catch (error) {
    // Another worker created it first.
    if ((error as { name?: string }).name !== "ResourceInUseException") throw error;
  }
}

function checkKeySchema(
  table: string,
  keys: readonly { AttributeName?: string; KeyType?: string }[],
  definitions: readonly { AttributeName?: string; AttributeType?: string }[],
): void {
  const type = (n?: string) => definitions.find((d) => d.AttributeName === n)?.AttributeType;
  const hash = keys.find((k) => k.KeyType === "HASH")?.AttributeName;
  const range = keys.find((k) => k.KeyType === "RANGE")?.AttributeName;
  if (hash === JOB_KEY && range === PART_KEY && type(hash) === "S" && type(range) === "S") return;
  const has = keys.map((k) => `${k.AttributeName} (${type(k.AttributeName) ?? "?"}, ${k.KeyType})`);
  throw new DynoValidationError(
    "leaseTable",
    `table ${table} has the key ${has.join(", ")}; a lease table needs partition key ` +
      `"${JOB_KEY}" (S) and sort key "${PART_KEY}" (S) (name a missing table and it is created)`,
  );
}
