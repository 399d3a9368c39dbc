/**
 * How a table runs its multi-request reads and writes: on the session's exhaustive
 * operations (`queryItems`/`scanItems` to iterate, `queryAll`/`scanAll` for `.all()`; the batch
 * methods go through `batch-get.ts` / `batch-write.ts`), so the session's middleware,
 * retries of unprocessed parts and the pool's rate limits apply unchanged.
 * @module
 */
import type { QueryCommandInput, ScanCommandInput } from "@aws-sdk/client-dynamodb";
import { unmarshalItems } from "../encoding/api.js";
import type { AnySchema } from "../encoding/schema/schema.js";
import type { ExhaustiveMethods } from "../exhaustive/methods.js";
import { DynoValidationError } from "../errors.js";
import type { ItemSource } from "./items.js";

/** The session operations a model's multi-request reads run on (a `Dyno`, a `Pool`, an entity's session). */
export type ReadRuntime = Pick<
  ExhaustiveMethods,
  "queryAll" | "scanAll" | "queryItems" | "scanItems"
>;

/** How a query or scan reads. */
export interface ReadPlan {
  readonly operation: "Query" | "Scan";
  readonly input: QueryCommandInput & ScanCommandInput;
  /** Decodes the items (the table's schema, or the projected one). */
  readonly schema: AnySchema;
  readonly maxItems: number | undefined;
  /** A parallel scan over this many segments (`scanAll`), `concurrency` at once. */
  readonly segments?: number;
  readonly concurrency?: number;
}

/** The items of a query or scan, iterated page by page or read all at once. */
export function readSource<T>(dyno: ReadRuntime, plan: ReadPlan): ItemSource<T> {
  const { operation, input, schema, maxItems } = plan;
  const limit = maxItems === undefined ? {} : { maxItems };
  const all = async (): Promise<T[]> => {
    const out =
      operation === "Query"
        ? await dyno.queryAll(input, limit)
        : plan.segments !== undefined
          ? await dyno.scanAll(input, {
              ...limit,
              segments: plan.segments,
              ...(plan.concurrency === undefined ? {} : { concurrency: plan.concurrency }),
            })
          : await dyno.scanAll(input, limit);
    return unmarshalItems(out.Items ?? [], schema) as T[];
  };
  return {
    all,
    async *items() {
      if (plan.segments !== undefined) {
        // A parallel scan has no single order to stream in: read it, then hand the items out.
        yield* await all();
        return;
      }
      const options = { ...limit, schema: schema as never };
      yield* operation === "Query"
        ? (dyno.queryItems(input, options) as AsyncIterable<T>)
        : (dyno.scanItems(input, options) as AsyncIterable<T>);
    },
  };
}

/**
 * Checks a read's `maxItems` option (a positive integer, or not given).
 * @throws DynoValidationError naming `maxItems`.
 */
export function checkMaxItems(maxItems: unknown): void {
  if (maxItems !== undefined && (!Number.isInteger(maxItems) || (maxItems as number) < 1)) {
    throw new DynoValidationError(
      "maxItems",
      `must be a positive integer, got ${String(maxItems)}`,
    );
  }
}
