import type { ConsumedCapacity } from "@aws-sdk/client-dynamodb";

/** Sums `CapacityUnits` of an output's `ConsumedCapacity` (one object, or an array for batches and transactions). */
export function capacityUnits(output: unknown): number | undefined {
  const consumed = (
    output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] } | undefined
  )?.ConsumedCapacity;
  if (!consumed) return undefined;
  const list = Array.isArray(consumed) ? consumed : [consumed];
  return list.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
}

/** The table an input addresses, when it names exactly one (`TableName`, or a single `RequestItems` key). */
export function tableOf(input: unknown): string | undefined {
  const value = input as
    { TableName?: unknown; RequestItems?: Record<string, unknown> } | undefined;
  if (typeof value?.TableName === "string") return value.TableName;
  const tables = value?.RequestItems ? Object.keys(value.RequestItems) : [];
  return tables.length === 1 ? tables[0] : undefined;
}
