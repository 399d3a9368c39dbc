/**
 * The options of a {@link Pool}, and their validation (every bad value is rejected up front,
 * naming the option, what was expected and what was given).
 * @module
 */
import { DynoValidationError } from "../errors.js";

/** The limits a pool applies at this moment (with `adaptive`, lowered by throttling). */
export interface PoolLimits {
  /** Operations that may run at once. */
  readonly concurrency: number;
  /** HTTP requests per second (every page, chunk and SDK retry counts); undefined: no limit. */
  readonly requestsPerSecond: number | undefined;
  /** Capacity units (read + write) per second; undefined: no limit. */
  readonly capacityUnitsPerSecond: number | undefined;
}

/** How adaptive mode (AIMD) moves the rate limits; every field has a default. */
export interface AdaptiveOptions {
  /** Factor applied to a limit on throttling, in (0, 1). Default 0.7. */
  decrease?: number;
  /**
   * Fraction of the base (the configured limit, or when none is configured the highest rate the
   * table has been seen to give over a second) regained per second of successful requests.
   * Default 0.1.
   */
  recoverPerSecond?: number;
  /** Floor of the adaptive request rate. Default 1. */
  minRequestsPerSecond?: number;
  /** Floor of the adaptive capacity rate. Default 1. */
  minCapacityUnitsPerSecond?: number;
}

/** Options of `new Pool(dyno, options)`. */
export interface PoolOptions {
  /** Operations that may run at once: a positive integer, or `Infinity`. Can be changed later. */
  concurrency: number;
  /**
   * A token bucket over the pool's HTTP requests: each page or chunk of an exhaustive operation
   * counts, and each retry the SDK made inside a request is charged after the fact.
   */
  requestsPerSecond?: number;
  /**
   * A budget of consumed capacity units per second, read from `ConsumedCapacity` (the pool asks
   * for `ReturnConsumedCapacity: "TOTAL"` and strips it from outputs whose caller did not).
   */
  capacityUnitsPerSecond?: number;
  /**
   * Lower the rate limits multiplicatively when DynamoDB throttles and raise them additively as
   * requests succeed (AIMD). Without `requestsPerSecond`, the first throttle sets a request
   * limit from the rate measured then.
   */
  adaptive?: boolean | AdaptiveOptions;
  /** Aborting it rejects queued operations with `AbortError` and aborts running ones. */
  signal?: AbortSignal;
  /** Told whenever the effective limits change (adaptive cuts and recoveries, `concurrency =`). */
  onLimitsChange?: (limits: PoolLimits) => void;
}

/** Options after validation, with defaults filled in. */
export interface ResolvedPoolOptions {
  concurrency: number;
  requestsPerSecond: number | undefined;
  capacityUnitsPerSecond: number | undefined;
  adaptive: Required<AdaptiveOptions> | undefined;
  signal: AbortSignal | undefined;
  onLimitsChange: ((limits: PoolLimits) => void) | undefined;
}

const POOL_KEYS = [
  "concurrency",
  "requestsPerSecond",
  "capacityUnitsPerSecond",
  "adaptive",
  "signal",
  "onLimitsChange",
];
const ADAPTIVE_KEYS = [
  "decrease",
  "recoverPerSecond",
  "minRequestsPerSecond",
  "minCapacityUnitsPerSecond",
];

/** A short rendering of a given value for error messages. */
export function given(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    return String(value);
  if (value === null || value === undefined) return String(value);
  if (typeof value === "function") return "a function";
  if (Array.isArray(value)) return "an array";
  return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
}

/** Validates a concurrency value: a positive integer or Infinity. */
export function checkConcurrency(value: unknown, field = "concurrency"): number {
  if (
    typeof value !== "number" ||
    !(value === Infinity || (Number.isInteger(value) && value >= 1))
  ) {
    throw new DynoValidationError(
      field,
      `expected a positive integer or Infinity, given ${given(value)}`,
    );
  }
  return value;
}

function checkRate(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new DynoValidationError(field, `expected a finite number > 0, given ${given(value)}`);
  }
  return value;
}

function checkKeys(object: object, allowed: string[], prefix: string): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) {
      throw new DynoValidationError(
        `${prefix}${key}`,
        `unknown option; expected one of ${allowed.join(", ")}`,
      );
    }
  }
}

function resolveAdaptive(value: unknown): Required<AdaptiveOptions> | undefined {
  if (value === undefined || value === false) return undefined;
  const options = value === true ? {} : value;
  if (!options || typeof options !== "object" || Array.isArray(options)) {
    throw new DynoValidationError(
      "adaptive",
      `expected a boolean or { decrease, recoverPerSecond, minRequestsPerSecond, minCapacityUnitsPerSecond }, given ${given(value)}`,
    );
  }
  checkKeys(options, ADAPTIVE_KEYS, "adaptive.");
  const o = options as AdaptiveOptions;
  const decrease = o.decrease ?? 0.7;
  if (typeof decrease !== "number" || !(decrease > 0 && decrease < 1)) {
    throw new DynoValidationError(
      "adaptive.decrease",
      `expected a number between 0 and 1 (exclusive), given ${given(o.decrease)}`,
    );
  }
  return {
    decrease,
    recoverPerSecond: checkRate(o.recoverPerSecond, "adaptive.recoverPerSecond") ?? 0.1,
    minRequestsPerSecond: checkRate(o.minRequestsPerSecond, "adaptive.minRequestsPerSecond") ?? 1,
    minCapacityUnitsPerSecond:
      checkRate(o.minCapacityUnitsPerSecond, "adaptive.minCapacityUnitsPerSecond") ?? 1,
  };
}

/** Validates `new Pool` options; throws `DynoValidationError` naming the first bad one. */
export function resolvePoolOptions(options: unknown): ResolvedPoolOptions {
  if (!options || typeof options !== "object" || Array.isArray(options)) {
    throw new DynoValidationError(
      "options",
      `expected { concurrency, requestsPerSecond?, capacityUnitsPerSecond?, adaptive?, signal?, onLimitsChange? }, given ${given(options)}`,
    );
  }
  checkKeys(options, POOL_KEYS, "");
  const o = options as Partial<PoolOptions>;
  const signal = o.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new DynoValidationError("signal", `expected an AbortSignal, given ${given(signal)}`);
  }
  if (o.onLimitsChange !== undefined && typeof o.onLimitsChange !== "function") {
    throw new DynoValidationError(
      "onLimitsChange",
      `expected a function, given ${given(o.onLimitsChange)}`,
    );
  }
  return {
    concurrency: checkConcurrency(o.concurrency),
    requestsPerSecond: checkRate(o.requestsPerSecond, "requestsPerSecond"),
    capacityUnitsPerSecond: checkRate(o.capacityUnitsPerSecond, "capacityUnitsPerSecond"),
    adaptive: resolveAdaptive(o.adaptive),
    signal,
    onLimitsChange: o.onLimitsChange,
  };
}
