/**
 * `Pool`: bounded, fair, cancellable parallel execution of operations over a session, with
 * optional rate limits that can adapt to DynamoDB's throttling.
 *
 * The pool is an `OperationRuntime` (client and middleware of its session; its own signal
 * linked to the session's; a rate-limited sender when it has limits), so operations run through
 * the one engine unchanged. It is event-driven: an operation that settles starts the next queued
 * one, so an idle or waiting pool has no timer and spends no CPU.
 * @module
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynoValidationError } from "../errors.js";
import { installExhaustiveMethods, type ExhaustiveMethods } from "../exhaustive/index.js";
import type { Middleware } from "../operation/middleware.js";
import {
  Operation,
  runOperation,
  watchOperation,
  type OperationRuntime,
  type OperationWatcher,
} from "../operation/operation.js";
import {
  methodName,
  operationNames,
  type InputOf,
  type OperationName,
} from "../operation/registry.js";
import { sdkSender, type RequestSender } from "../operation/send.js";
import { linkSignals } from "../operation/signals.js";
import { Dyno, type OperationMethods } from "../session.js";
import {
  checkConcurrency,
  given,
  resolvePoolOptions,
  type PoolLimits,
  type PoolOptions,
} from "./options.js";
import { PoolSender } from "./sender.js";

/** Any one operation: the union of `Operation<N>` over every operation name. */
export type AnyOperation = { [N in OperationName]: Operation<N> }[OperationName];

/** The watch token of an operation the pool is running (queued ones have their queue position). */
const RUNNING = -1;

/**
 * Runs operations with at most `concurrency` at once, starting queued ones in FIFO order.
 * Every operation method of the session exists on the pool too.
 *
 * @example
 * ```ts
 * const pool = new Pool(dyno, { concurrency: 8, requestsPerSecond: 500, adaptive: true });
 * for (const id of ids) pool.deleteItem({ TableName: "Jobs", Key: { id: { S: id } } });
 * await pool.idle();
 * ```
 */
// The operation methods are declared by the interface of the same name below and installed from the registry.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Pool implements OperationRuntime, OperationWatcher {
  /** The session's client. */
  readonly client: DynamoDBClient;
  /** The pool's cancellation scope: its `signal` option linked with the session's signal. */
  readonly signal: AbortSignal | undefined;
  /** Sends every request of the pool's operations: the session's sender, rate-limited if asked. */
  readonly send: RequestSender | undefined;
  readonly #dyno: Dyno;
  readonly #sender: PoolSender | undefined;
  readonly #onLimitsChange: ((limits: PoolLimits) => void) | undefined;
  #concurrency: number;
  #active = 0;
  #pending = 0;
  /** FIFO of queued operations from `#head`; cancelled ones leave a hole. */
  #queue: (AnyOperation | undefined)[] = [];
  #head = 0;
  /** Queue position of `#queue[0]` since the pool began: a queued operation's token minus it is its index. */
  #base = 0;
  #closed = false;
  #draining = false;
  #idle: Promise<void> | undefined;
  #resolveIdle: (() => void) | undefined;

  constructor(dyno: Dyno, options: PoolOptions) {
    if (!(dyno instanceof Dyno)) {
      throw new DynoValidationError("dyno", `expected a Dyno session, given ${given(dyno)}`);
    }
    const resolved = resolvePoolOptions(options);
    this.#dyno = dyno;
    this.client = dyno.client;
    this.#concurrency = resolved.concurrency;
    this.#onLimitsChange = resolved.onLimitsChange;
    const scopes = [resolved.signal, dyno.signal].filter((s): s is AbortSignal => !!s);
    this.signal = scopes.length > 1 ? linkSignals(...scopes) : scopes[0];
    if (
      resolved.requestsPerSecond !== undefined ||
      resolved.capacityUnitsPerSecond !== undefined ||
      resolved.adaptive
    ) {
      const inner = dyno.send ?? sdkSender;
      this.#sender = new PoolSender(inner, resolved, () => this.#limitsChanged());
      this.send = this.#sender.send;
    } else {
      this.send = dyno.send;
    }
    const signal = this.signal;
    if (signal) {
      const onAbort = () => this.#rejectQueued(signal.reason);
      if (signal.aborted) this.#closed = true;
      else signal.addEventListener("abort", onAbort, { once: true });
    }
  }

  /** The session's middleware (outside each operation's own). */
  get middleware(): readonly Middleware<any>[] {
    return this.#dyno.middleware;
  }

  /** Operations running now. */
  get active(): number {
    return this.#active;
  }

  /** Operations queued, waiting for a slot. */
  get pending(): number {
    return this.#pending;
  }

  /**
   * Operations that may run at once. Raising it starts queued operations at once; lowering it
   * lets running ones finish and starts no more until fewer than the new value run.
   */
  get concurrency(): number {
    return this.#concurrency;
  }

  set concurrency(value: number) {
    this.#concurrency = checkConcurrency(value);
    this.#limitsChanged();
    if (!this.#draining) this.#drain();
  }

  /** The limits in force now: with `adaptive`, the rates DynamoDB's throttling has led to. */
  get limits(): PoolLimits {
    return {
      concurrency: this.#concurrency,
      requestsPerSecond: this.#sender?.requestsPerSecond,
      capacityUnitsPerSecond: this.#sender?.capacityUnitsPerSecond,
    };
  }

  /** True once `close()` was called or the pool's signal aborted: new operations are rejected. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Runs prepared operations (from `Operation.create`) in the pool and returns them (one
   * operation: that operation). After `close()`, or once the signal aborted, they reject with
   * `AbortError`. Throws `DynoValidationError` for anything that is not a pending operation.
   */
  do<N extends OperationName>(operation: Operation<N>): Operation<N>;
  do<T extends AnyOperation[]>(...operations: T): T;
  do(...operations: AnyOperation[]): AnyOperation | AnyOperation[] {
    for (let i = 0; i < operations.length; i++) {
      const op = operations[i];
      if (!(op instanceof Operation)) {
        throw new DynoValidationError(
          operations.length === 1 ? "operation" : `operations[${i}]`,
          `expected an Operation (see Operation.create), given ${given(op)}`,
        );
      }
      if (op.state === "running") {
        throw new DynoValidationError(
          operations.length === 1 ? "operation" : `operations[${i}]`,
          `expected a pending operation, given ${op.name} ${op.id}, which is already running`,
        );
      }
    }
    for (const op of operations) this.#submit(op);
    return operations.length === 1 ? operations[0] : operations;
  }

  /** Resolves when nothing is running or queued (at once if that is already so). */
  idle(): Promise<void> {
    if (this.#active === 0 && this.#pending === 0) return Promise.resolve();
    return (this.#idle ??= new Promise<void>((resolve) => (this.#resolveIdle = resolve)));
  }

  /**
   * Closes the pool: queued operations reject with `AbortError`, running ones finish, later
   * ones reject. Resolves when the running ones are done.
   */
  close(): Promise<void> {
    this.#rejectQueued("the pool was closed");
    return this.idle();
  }

  /** An operation the pool watches has settled: free its slot, or its place in the queue. @internal */
  operationSettled(operation: Operation<any>, token: number): void {
    if (token === RUNNING) {
      this.#active--;
      if (!this.#draining) this.#drain();
      return;
    }
    const index = token - this.#base;
    if (index >= this.#head && this.#queue[index] === operation) {
      this.#queue[index] = undefined; // cancelled while queued
      this.#pending--;
      if (this.#pending === 0) this.#resetQueue();
      this.#checkIdle();
    }
  }

  #submit(op: AnyOperation): void {
    if (op.state !== "pending") return; // settled (e.g. cancelled before it was given): nothing to run
    if (this.#closed) {
      op.cancel(this.signal?.aborted ? this.signal.reason : "the pool is closed");
      return;
    }
    if (this.#pending === 0 && this.#active < this.#concurrency) {
      this.#start(op);
      return;
    }
    if (!op[watchOperation](this, this.#base + this.#queue.length)) {
      throw new DynoValidationError("operation", `${op.name} ${op.id} is already queued in a pool`);
    }
    this.#queue.push(op);
    this.#pending++;
  }

  #start(op: AnyOperation): void {
    if (!op[watchOperation](this, RUNNING)) {
      throw new DynoValidationError("operation", `${op.name} ${op.id} is already queued in a pool`);
    }
    this.#active++;
    op[runOperation](this);
  }

  /** Starts queued operations while there are free slots. */
  #drain(): void {
    this.#draining = true;
    const queue = this.#queue;
    while (this.#active < this.#concurrency && this.#head < queue.length) {
      const op = queue[this.#head];
      queue[this.#head++] = undefined;
      if (!op) continue; // a hole left by a cancelled operation
      this.#pending--;
      if (op.state === "pending") this.#start(op);
    }
    this.#draining = false;
    if (this.#pending === 0) this.#resetQueue();
    else if (this.#head > 1024 && this.#head * 2 > queue.length) {
      this.#queue = queue.slice(this.#head);
      this.#base += this.#head;
      this.#head = 0;
    }
    this.#checkIdle();
  }

  #resetQueue(): void {
    this.#base += this.#queue.length;
    this.#queue = [];
    this.#head = 0;
  }

  #rejectQueued(reason: unknown): void {
    this.#closed = true;
    const queue = this.#queue;
    const head = this.#head;
    this.#pending = 0;
    this.#resetQueue(); // first, so that the cancellations below find nothing left to remove
    for (let i = head; i < queue.length; i++) queue[i]?.cancel(reason);
    this.#checkIdle();
  }

  #checkIdle(): void {
    if (this.#active === 0 && this.#pending === 0 && this.#resolveIdle) {
      const resolve = this.#resolveIdle;
      this.#idle = this.#resolveIdle = undefined;
      resolve();
    }
  }

  #limitsChanged(): void {
    const listener = this.#onLimitsChange;
    if (!listener) return;
    try {
      listener(this.limits);
    } catch (error) {
      console.error("dyno-ts: an onLimitsChange callback threw; the pool is unaffected", error);
    }
  }
}

// The pool is one class whose operation methods come from the registry and whose exhaustive
// methods come from their one table, as the session's do. An exhaustive `...All` operation takes
// one pool slot for its whole run (its pages or chunks pass the pool's rate limits through
// `send`); an iterator's pages are each an operation of the pool.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Pool extends OperationMethods, ExhaustiveMethods {}

for (const name of operationNames) {
  Object.defineProperty(Pool.prototype, methodName(name), {
    configurable: true,
    writable: true,
    value: function (
      this: Pool,
      input: InputOf<typeof name>,
      ...middleware: Middleware<typeof name>[]
    ) {
      return this.do(Operation.create(name, input, ...middleware));
    },
  });
}
installExhaustiveMethods(Pool);
