/**
 * The pool's sender: wraps the session's {@link RequestSender} with the pool's rate limits.
 * Every request of the pool's operations passes here (a single call's one request, and each
 * page or chunk of an exhaustive operation), so the limits hold over what reaches the wire.
 *
 * Requests are admitted in FIFO order. One that must wait joins a queue whose head has the
 * only timer, set for when the buckets allow it; nothing runs while nothing waits.
 *
 * Accounting per request: one request token up front; the SDK's retries inside the request
 * (`$metadata.attempts - 1`) charged after it, as debt. With a capacity limit, a reservation
 * of the average cost so far up front, corrected to the `ConsumedCapacity` of the answer.
 * @module
 */
import { capacityUnits } from "../middleware/capacity.js";
import {
  dataPlaneOperations,
  type InputOf,
  type OperationName,
  type OutputOf,
} from "../operation/registry.js";
import { isThrottlingError } from "../operation/throttling.js";
import type { RequestSender, WireRequest } from "../operation/send.js";
import { AimdLimit } from "./adaptive.js";
import type { ResolvedPoolOptions } from "./options.js";
import { RateMeter, TokenBucket } from "./rate.js";

interface Metadata {
  $metadata?: { attempts?: number; httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
  name?: string;
}

function hasUnprocessed(output: unknown): boolean {
  const o = output as { UnprocessedItems?: object; UnprocessedKeys?: object };
  for (const map of [o.UnprocessedItems, o.UnprocessedKeys]) {
    if (map) for (const _ in map) return true;
  }
  return false;
}

interface Waiter {
  usesCapacity: boolean;
  signal: AbortSignal;
  resolve: (reserved: number) => void;
  reject: (error: unknown) => void;
  onAbort: () => void;
}

const NOT_ADMITTED = -1;

/** The rate-limited sender of one pool. */
export class PoolSender {
  readonly #inner: RequestSender;
  #requests: TokenBucket | undefined;
  readonly #capacity: TokenBucket | undefined;
  readonly #requestLimit: AimdLimit | undefined;
  readonly #capacityLimit: AimdLimit | undefined;
  readonly #requestMeter: RateMeter | undefined;
  /** Requests that succeeded without being throttled: the rate the table gives. */
  readonly #successMeter: RateMeter | undefined;
  readonly #capacityMeter: RateMeter | undefined;
  readonly #capacitySuccessMeter: RateMeter | undefined;
  /** The highest rates measured on those meters: what the table has been seen to give. */
  #peakSuccess = 0;
  #peakCapacitySuccess = 0;
  readonly #changed: () => void;
  /** Average capacity units per request so far: what a request reserves before it is sent. */
  #estimate = 1;
  /** Requests sent so far; a throttle from a request sent before the last cut does not cut again. */
  #sent = 0;
  #sentAtCut = 0;
  #waiters: (Waiter | undefined)[] = [];
  #head = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** `changed` is called when an adaptive limit moved. */
  constructor(inner: RequestSender, options: ResolvedPoolOptions, changed: () => void) {
    this.#inner = inner;
    this.#changed = changed;
    const adaptive = options.adaptive;
    if (adaptive) {
      this.#requestLimit = new AimdLimit(
        options.requestsPerSecond,
        adaptive.minRequestsPerSecond,
        adaptive,
      );
      this.#requestMeter = new RateMeter();
      this.#successMeter = new RateMeter();
      if (options.capacityUnitsPerSecond !== undefined) {
        this.#capacityLimit = new AimdLimit(
          options.capacityUnitsPerSecond,
          adaptive.minCapacityUnitsPerSecond,
          adaptive,
        );
        this.#capacityMeter = new RateMeter();
        this.#capacitySuccessMeter = new RateMeter();
      }
    }
    if (options.requestsPerSecond !== undefined)
      this.#requests = new TokenBucket(options.requestsPerSecond);
    if (options.capacityUnitsPerSecond !== undefined)
      this.#capacity = new TokenBucket(options.capacityUnitsPerSecond);
  }

  /** The request limit in force (adaptive: the current one). */
  get requestsPerSecond(): number | undefined {
    return this.#requestLimit ? this.#requestLimit.value : this.#requests?.rate;
  }

  /** The capacity limit in force (adaptive: the current one). */
  get capacityUnitsPerSecond(): number | undefined {
    return this.#capacity?.rate;
  }

  /** Requests waiting for the rate limits. */
  get waiting(): number {
    return this.#waiters.length - this.#head;
  }

  /** The sender to give operations: sends `request` once the limits allow it. */
  readonly send: RequestSender = <N extends OperationName>(
    request: WireRequest<N>,
  ): Promise<OutputOf<N>> => {
    const usesCapacity = this.#capacity !== undefined && dataPlaneOperations.has(request.operation);
    if (this.#head === this.#waiters.length) {
      const reserved = this.#admit(usesCapacity, performance.now());
      if (reserved !== NOT_ADMITTED) return this.#sendNow(request, usesCapacity, reserved);
    }
    return this.#wait(usesCapacity, request.signal).then((reserved) =>
      this.#sendNow(request, usesCapacity, reserved),
    );
  };

  /** Takes what a request needs from the buckets, or returns NOT_ADMITTED. */
  #admit(usesCapacity: boolean, now: number): number {
    const requests = this.#requests;
    if (requests && requests.tokens(now) < 1) return NOT_ADMITTED;
    const capacity = usesCapacity ? this.#capacity! : undefined;
    if (capacity && capacity.tokens(now) <= 0) return NOT_ADMITTED;
    requests?.take(1, now);
    if (!capacity) return 0;
    capacity.take(this.#estimate, now);
    return this.#estimate;
  }

  #wait(usesCapacity: boolean, signal: AbortSignal): Promise<number> {
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<number>((resolve, reject) => {
      const waiter: Waiter = {
        usesCapacity,
        signal,
        resolve,
        reject,
        onAbort: () => {
          const index = this.#waiters.indexOf(waiter, this.#head);
          if (index >= 0) this.#waiters[index] = undefined;
          reject(signal.reason);
          if (index === this.#head) this.#release();
        },
      };
      signal.addEventListener("abort", waiter.onAbort, { once: true });
      this.#waiters.push(waiter);
      if (this.#timer === undefined) this.#schedule(performance.now());
    });
  }

  /** Lets waiters through, in order, while the buckets allow; then sets the head's timer. */
  #release = (): void => {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const now = performance.now();
    const waiters = this.#waiters;
    while (this.#head < waiters.length) {
      const waiter = waiters[this.#head];
      if (waiter) {
        const reserved = this.#admit(waiter.usesCapacity, now);
        if (reserved === NOT_ADMITTED) break;
        waiter.signal.removeEventListener("abort", waiter.onAbort);
        waiter.resolve(reserved);
      }
      waiters[this.#head++] = undefined;
    }
    if (this.#head === waiters.length) {
      waiters.length = 0;
      this.#head = 0;
    } else {
      if (this.#head > 1024 && this.#head * 2 > waiters.length) {
        this.#waiters = waiters.slice(this.#head);
        this.#head = 0;
      }
      this.#schedule(now);
    }
  };

  #schedule(now: number): void {
    const head = this.#waiters[this.#head];
    if (!head) return;
    const delay = Math.max(
      this.#requests?.msUntilAbove(1 - 1e-9, now) ?? 0,
      (head.usesCapacity && this.#capacity?.msUntilAbove(0, now)) || 0,
    );
    this.#timer = setTimeout(this.#release, Math.max(1, Math.ceil(delay)));
  }

  async #sendNow<N extends OperationName>(
    request: WireRequest<N>,
    usesCapacity: boolean,
    reserved: number,
  ): Promise<OutputOf<N>> {
    let strip = false;
    if (usesCapacity) {
      const asked = (request.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity;
      if (asked === undefined || asked === "NONE") {
        strip = true;
        const input = { ...request.input, ReturnConsumedCapacity: "TOTAL" } as InputOf<N>;
        request = { ...request, input };
      }
    }
    const seq = ++this.#sent;
    const meter = this.#requestMeter;
    let rateAtSend = 0;
    if (meter) {
      const now = performance.now();
      meter.add(1, now);
      // The pool's rate when this request left: its answer may come seconds later (the SDK's
      // retries), when the rate measured then says more about the retries than about the pool.
      rateAtSend = meter.rate(now);
    }
    let output: OutputOf<N>;
    try {
      output = await this.#inner(request);
    } catch (error) {
      const throttled = isThrottlingError(error);
      this.#settled(seq, rateAtSend, error as Metadata, throttled || retried(error), false, 0);
      if (throttled && usesCapacity) this.#charge(-reserved);
      throw error;
    }
    let used = 0;
    if (usesCapacity) {
      used = capacityUnits(output) ?? reserved;
      if (capacityUnits(output) !== undefined) {
        this.#estimate = this.#estimate * 0.8 + used * 0.2;
        this.#charge(used - reserved);
      }
      this.#capacityMeter?.add(used, performance.now());
      if (strip) delete (output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
    }
    const throttled = retried(output) || hasUnprocessed(output);
    this.#settled(seq, rateAtSend, output as Metadata, throttled, true, used);
    return output;
  }

  #charge(units: number): void {
    if (units !== 0) this.#capacity!.take(units, performance.now());
  }

  /** Charges the SDK's retries and tells the adaptive limits how the request went. */
  #settled(
    seq: number,
    rateAtSend: number,
    answer: Metadata,
    throttled: boolean,
    ok: boolean,
    used: number,
  ): void {
    const now = performance.now();
    const retries = (answer.$metadata?.attempts ?? 1) - 1;
    // Every attempt on the wire is charged. With adaptive limits, not into debt: the throttling
    // that made the SDK retry already cut the limit, and retries of requests sent before the cut
    // keep arriving for seconds: a debt would keep the pool from sending while the table recovers.
    if (retries > 0) this.#requests?.take(retries, now, this.#requestLimit ? 0 : Infinity);
    if (!this.#requestLimit) return;
    if (throttled) {
      // At most one cut per round trip: only a request sent after the last cut can tell
      // whether that cut was enough; throttles of requests sent before it are already answered.
      if (seq <= this.#sentAtCut) return;
      this.#sentAtCut = this.#sent;
      this.#requestLimit.cut(rateAtSend, this.#peakSuccess, now);
      this.#capacityLimit?.cut(this.#capacityMeter!.rate(now), this.#peakCapacitySuccess, now);
      this.#applyLimits(now, true);
      this.#changed();
    } else if (ok) {
      const meter = this.#successMeter!;
      meter.add(1, now);
      this.#peakSuccess = Math.max(this.#peakSuccess, meter.rate(now));
      if (this.#capacitySuccessMeter) {
        this.#capacitySuccessMeter.add(used, now);
        const rate = this.#capacitySuccessMeter.rate(now);
        this.#peakCapacitySuccess = Math.max(this.#peakCapacitySuccess, rate);
      }
      const grew = this.#requestLimit.grow(now);
      const capacityGrew = this.#capacityLimit?.grow(now) ?? false;
      this.#applyLimits(now, false);
      if (grew || capacityGrew) this.#changed();
    }
  }

  /** Makes the buckets follow the adaptive limits (after a cut: with no burst saved up). */
  #applyLimits(now: number, cut: boolean): void {
    const rate = this.#requestLimit!.value;
    if (rate !== undefined) {
      if (this.#requests) this.#requests.rate = rate;
      else this.#requests = new TokenBucket(rate); // the first throttle of a pool without a request limit
      if (cut) this.#requests.cap(1, now);
    }
    const capacity = this.#capacityLimit?.value;
    if (capacity !== undefined) {
      this.#capacity!.rate = capacity;
      if (cut) this.#capacity!.cap(Math.min(this.#estimate, capacity), now);
    }
  }
}

function retried(answer: unknown): boolean {
  return ((answer as Metadata | undefined)?.$metadata?.attempts ?? 1) > 1;
}
