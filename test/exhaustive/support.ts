/** Fixtures of the exhaustive-operation tests: filled tables, request counting, frozen inputs. */
import type { AttributeValue, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Dyno } from "../../src/index.js";
import { createTestTable, testClient } from "../support/db.js";
import { recordingHandler } from "../support/http.js";

/** A session whose client records every HTTP request (`seen`), with the SDK's retries off unless asked. */
export async function recordingDyno(config: { maxAttempts?: number } = {}) {
  const handler = recordingHandler();
  const client = await testClient({
    requestHandler: handler,
    maxAttempts: config.maxAttempts ?? 1,
  });
  return { dyno: new Dyno({ client }), client, seen: handler.seen };
}

/** An item of about `bytes` bytes with partition key `pk = id`. */
export function item(id: string, bytes = 1000, extra: Record<string, AttributeValue> = {}) {
  return { pk: { S: id }, data: { S: "x".repeat(Math.max(0, bytes - 40)) }, ...extra };
}

/** The ids `p00000`, `p00001`, ... */
export function ids(n: number, prefix = "p"): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(5, "0")}`);
}

/** Creates a table (pk only, or with `extra`) and fills it with `n` items of about `bytes` bytes. */
export async function filledTable(
  client: DynamoDBClient,
  n: number,
  options: {
    bytes?: number;
    extra?: (i: number) => Record<string, AttributeValue>;
    create?: Parameters<typeof createTestTable>[2];
  } = {},
): Promise<{ TableName: string; ids: string[] }> {
  const TableName = await createTestTable(client, { sortKey: null }, options.create);
  const all = ids(n);
  await new Dyno({ client }).batchWriteItemAll(
    {
      RequestItems: {
        [TableName]: all.map((id, i) => ({
          PutRequest: { Item: item(id, options.bytes ?? 1000, options.extra?.(i)) },
        })),
      },
    },
    { concurrency: 8 },
  );
  return { TableName, ids: all };
}

/** A deep copy, deeply frozen: any mutation by the code under test throws. */
export function frozen<T>(value: T): T {
  const copy = structuredClone(value);
  const freeze = (v: unknown) => {
    if (v && typeof v === "object") {
      Object.freeze(v);
      for (const child of Object.values(v)) freeze(child);
    }
  };
  freeze(copy);
  return copy;
}

/** Resolves once `predicate` holds (checked every few ms); for events with no hook of their own. */
export async function until(predicate: () => boolean, what = "condition"): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The `pk` strings of items. */
export function pks(items: readonly Record<string, AttributeValue>[] | undefined): string[] {
  return (items ?? []).map((i) => i.pk.S!);
}
