/**
 * Summing `ConsumedCapacity` over the pages or requests of a run: per table, and per index when
 * the input asked for `INDEXES`.
 * @module
 */
import type { Capacity, ConsumedCapacity } from "@aws-sdk/client-dynamodb";
import { setOwn } from "../own.js";

const UNITS = ["CapacityUnits", "ReadCapacityUnits", "WriteCapacityUnits"] as const;

function addUnits<T extends Capacity>(into: T, from: Capacity): T {
  for (const unit of UNITS) {
    if (from[unit] !== undefined) into[unit] = (into[unit] ?? 0) + from[unit];
  }
  return into;
}

function addIndexes(
  into: Record<string, Capacity> | undefined,
  from: Record<string, Capacity> | undefined,
): Record<string, Capacity> | undefined {
  if (!from) return into;
  const out = into ?? {};
  // An index may be called "constructor" or "__proto__" (a valid index name): own members only.
  for (const [name, capacity] of Object.entries(from))
    setOwn(out, name, addUnits(Object.hasOwn(out, name) ? out[name]! : {}, capacity));
  return out;
}

/** Adds one `ConsumedCapacity` (of the same table) into a running sum, which it returns. */
export function addCapacity(
  sum: ConsumedCapacity | undefined,
  page: ConsumedCapacity | undefined,
): ConsumedCapacity | undefined {
  if (!page) return sum;
  const out: ConsumedCapacity = sum ?? { TableName: page.TableName };
  addUnits(out, page);
  if (page.Table) out.Table = addUnits(out.Table ?? {}, page.Table);
  const lsi = addIndexes(out.LocalSecondaryIndexes, page.LocalSecondaryIndexes);
  if (lsi) out.LocalSecondaryIndexes = lsi;
  const gsi = addIndexes(out.GlobalSecondaryIndexes, page.GlobalSecondaryIndexes);
  if (gsi) out.GlobalSecondaryIndexes = gsi;
  return out;
}

/** Per-table sums for batch outputs, whose `ConsumedCapacity` is a list with one entry per table. */
export class CapacityByTable {
  readonly #tables = new Map<string, ConsumedCapacity>();
  add(list: readonly ConsumedCapacity[] | undefined): void {
    for (const entry of list ?? []) {
      const table = entry.TableName ?? "";
      this.#tables.set(table, addCapacity(this.#tables.get(table), entry)!);
    }
  }
  /** The summed list, or undefined when no request reported capacity. */
  list(): ConsumedCapacity[] | undefined {
    return this.#tables.size ? [...this.#tables.values()] : undefined;
  }
}
