/**
 * `injectFaults`: DynamoDB's behaviour under load, on demand, for tests of retry paths. Works at
 * the client's request level (every HTTP attempt, each SDK retry included), through the wire
 * hooks of `src/operation/wire-hooks.ts`, so each page or chunk of an exhaustive operation can be
 * hit, on the SDK path and on the direct transport alike.
 * @module
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynoValidationError } from "../errors.js";
import { isOperationName, type OperationName } from "../operation/registry.js";
import { installWireHooks, type AttemptPlan, type WireBody } from "../operation/wire-hooks.js";
import { seededRandom } from "./random.js";
import { dynamoNotation } from "../encoding/identity.js";
import { ownOrSet, ownValue, setOwn } from "../own.js";

/**
 * A request's key or item as DynamoDB echoes it in `UnprocessedKeys` / `UnprocessedItems`:
 * numbers in its own notation (`"1E+3"` comes back `"1000"`), so code under test must match
 * keys by value, not by spelling.
 */
function echoed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(echoed);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(value)) {
    if (name === "N" && typeof member === "string")
      setOwn(out, name, dynamoNotation(member) ?? member);
    else if (name === "NS" && Array.isArray(member))
      setOwn(
        out,
        name,
        member.map((n: unknown) => (typeof n === "string" ? (dynamoNotation(n) ?? n) : n)),
      );
    else setOwn(out, name, echoed(member));
  }
  return out;
}

/** Options of {@link injectFaults}. */
export interface FaultOptions {
  /** Seed of the random choices (an integer): the same seed and the same requests give the same faults. */
  seed?: number;
  /**
   * Probability (0..1) that an attempt is answered with `ProvisionedThroughputExceededException`
   * (HTTP 400) without being sent. The SDK's retry strategy sees it as throttling and retries it.
   */
  throttleRate?: number;
  /**
   * For BatchWriteItem / BatchGetItem: probability (0..1) that each write request or key of an
   * attempt is left out of what is sent and comes back as `UnprocessedItems` / `UnprocessedKeys`.
   * At least one is always sent: when nothing can be processed DynamoDB throttles instead.
   */
  unprocessedRate?: number;
  /** The operations to hit (default: every operation; unprocessed parts only ever for batches). */
  operations?: readonly OperationName[];
}

/** What {@link injectFaults} has done so far. */
export interface FaultStats {
  /** Attempts of the chosen operations seen. */
  attempts: number;
  /** Attempts answered with a throttling error (never sent). */
  throttled: number;
  /** Batch attempts sent in part. */
  partial: number;
  /** Write requests or keys returned unprocessed. */
  unprocessed: number;
}

/** The handle of injected faults. */
export interface Faults {
  /** What was injected so far (a live object). */
  readonly stats: FaultStats;
  /** Removes the faults: the client's middleware stack is as it was before. */
  remove(): void;
}

const THROTTLED: WireBody = {
  __type: "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
  message:
    "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API. (injected by dyno-ts/testing)",
};

function rate(name: string, value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== "number" || !(value >= 0 && value <= 1))
    throw new DynoValidationError(
      `options.${name}`,
      `expected a probability from 0 to 1, got ${String(value)}`,
    );
  return value;
}

/**
 * Injects DynamoDB's load faults into every request `client` sends: throttling answers, and
 * batches processed in part (the part sent is really written or read; the rest comes back
 * unprocessed), with seeded, reproducible choices.
 *
 * @example
 * ```ts
 * const faults = injectFaults(client, { seed: 7, throttleRate: 0.2, unprocessedRate: 0.3 });
 * try { await myImport(client); } finally { faults.remove(); }
 * console.log(faults.stats); // { attempts, throttled, partial, unprocessed }
 * ```
 * @throws DynoValidationError for bad options, or a client that already has faults injected.
 */
export function injectFaults(client: DynamoDBClient, options: FaultOptions = {}): Faults {
  if (
    !client ||
    typeof (client as { send?: unknown }).send !== "function" ||
    !client.middlewareStack
  )
    throw new DynoValidationError("client", "expected a DynamoDBClient");
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed))
    throw new DynoValidationError("options.seed", `expected an integer, got ${String(seed)}`);
  const throttleRate = rate("throttleRate", options.throttleRate);
  const unprocessedRate = rate("unprocessedRate", options.unprocessedRate);
  let only: Set<string> | undefined;
  if (options.operations !== undefined) {
    if (!Array.isArray(options.operations))
      throw new DynoValidationError("options.operations", "expected an array of operation names");
    options.operations.forEach((name, i) => {
      if (!isOperationName(name))
        throw new DynoValidationError(
          `options.operations[${i}]`,
          `${JSON.stringify(name)} is not an operation name`,
        );
    });
    only = new Set(options.operations);
  }
  const random = seededRandom(seed);
  const stats: FaultStats = { attempts: 0, throttled: 0, partial: 0, unprocessed: 0 };

  const beforeAttempt = (operation: OperationName, body: Readonly<WireBody>): AttemptPlan => {
    if (only && !only.has(operation)) return undefined;
    stats.attempts++;
    if (throttleRate > 0 && random() < throttleRate) {
      stats.throttled++;
      return { answer: { status: 400, body: THROTTLED } };
    }
    if (unprocessedRate === 0) return undefined;
    if (operation === "BatchWriteItem") return partialWrite(body);
    if (operation === "BatchGetItem") return partialGet(body);
    return undefined;
  };

  /** Picks which entries to leave out: each with `unprocessedRate`, never all of them. */
  const leaveOut = (count: number): boolean[] => {
    const out = Array.from({ length: count }, () => random() < unprocessedRate);
    if (count > 0 && out.every(Boolean)) out[Math.floor(random() * count)] = false;
    return out;
  };

  const partialWrite = (body: Readonly<WireBody>): AttemptPlan => {
    const items = body.RequestItems as Record<string, unknown[]> | undefined;
    if (!items) return undefined;
    const entries = Object.entries(items).flatMap(([table, list]) =>
      list.map((r) => [table, r] as const),
    );
    const out = leaveOut(entries.length);
    const sent: Record<string, unknown[]> = {};
    const left: Record<string, unknown[]> = {};
    entries.forEach(([table, request], i) =>
      ownOrSet(out[i] ? left : sent, table, () => []).push(request),
    );
    const n = out.filter(Boolean).length;
    if (n === 0) return undefined;
    stats.partial++;
    stats.unprocessed += n;
    return {
      body: { ...body, RequestItems: sent },
      complete: (answer) => {
        const merged = { ...((answer.UnprocessedItems as Record<string, unknown[]>) ?? {}) };
        for (const [table, list] of Object.entries(left))
          setOwn(merged, table, [...(ownValue(merged, table) ?? []), ...list.map(echoed)]);
        return { ...answer, UnprocessedItems: merged };
      },
    };
  };

  const partialGet = (body: Readonly<WireBody>): AttemptPlan => {
    const items = body.RequestItems as Record<string, { Keys?: unknown[] }> | undefined;
    if (!items) return undefined;
    const entries = Object.entries(items).flatMap(([table, e]) =>
      (e.Keys ?? []).map((k) => [table, k] as const),
    );
    const out = leaveOut(entries.length);
    const sent: Record<string, { Keys: unknown[] }> = {};
    const left: Record<string, { Keys: unknown[] }> = {};
    entries.forEach(([table, key], i) => {
      ownOrSet(out[i] ? left : sent, table, () => ({
        ...ownValue(items, table),
        Keys: [],
      })).Keys.push(key);
    });
    const n = out.filter(Boolean).length;
    if (n === 0) return undefined;
    stats.partial++;
    stats.unprocessed += n;
    return {
      body: { ...body, RequestItems: sent },
      complete: (answer) => {
        const merged = {
          ...((answer.UnprocessedKeys as Record<string, { Keys: unknown[] }>) ?? {}),
        };
        for (const [table, entry] of Object.entries(left))
          setOwn(merged, table, {
            ...entry,
            Keys: [...(ownValue(merged, table)?.Keys ?? []), ...entry.Keys.map(echoed)],
          });
        return { ...answer, UnprocessedKeys: merged };
      },
    };
  };

  const remove = installWireHooks(client, { beforeAttempt });
  return { stats, remove };
}
