/**
 * `Operation<N>`: the awaitable handle of one DynamoDB call (or one exhaustive run),
 * with an id, a state, timings and cancellation.
 * @module
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { AbortError, DynoValidationError } from "../errors.js";
import { Cancellation, abortReason } from "./cancellation.js";
import { CUSTOM_FINAL_META, runContext } from "./context.js";
import { compose, type Handler, type Middleware } from "./middleware.js";
import { isOperationName, type InputOf, type OperationName, type OutputOf } from "./registry.js";
import { sendCommand, type RequestSender } from "./send.js";
import { isJudgedOnRead, judgedOnRead, onAbort } from "./signals.js";

/** Where an operation is in its life: queued, running, or settled. */
export type OperationState = "pending" | "running" | "done";

/** The settled result of an operation. */
export type OperationResult<O> =
  { output: O; error?: undefined } | { error: unknown; output?: undefined };

/** What runs an operation: its client, the outer middleware and the cancellation scope. */
export interface OperationRuntime {
  readonly client: DynamoDBClient;
  /** Middleware outside the operation's own (the session's). */
  readonly middleware: readonly Middleware<any>[];
  /** The scope's signal (session, pool); aborting it cancels the operation. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Sends each request of the operation (see `RequestSender`): the session's transport, or a
   * pool's rate-limited wrapper of it. Default: the SDK's `client.send`.
   */
  readonly send?: RequestSender | undefined;
}

/** Options of {@link Operation.create} beyond the input and middleware. */
export interface OperationOptions<N extends OperationName> {
  /**
   * The handler at the bottom of the middleware chain. Default: send the SDK command once.
   * Exhaustive operations (scanAll, batchWriteItemAll, ...) put their loop here.
   */
  final?: Handler<N>;
  /**
   * Called once with a cancelled operation's `AbortError` as it is built, before anyone sees
   * it (an await, `result()`, the run's signal), e.g. to say what a run did and did not do.
   */
  onCancel?: (error: AbortError) => void;
}

/** Starts an operation; a symbol so that only sessions and pools (not users) call it. */
export const runOperation: unique symbol = Symbol("dyno.runOperation");

/**
 * Registers an {@link OperationWatcher}: told once, when the operation settles (ran, failed, or
 * was cancelled while still pending). A pool watches the operations it queues. Returns false
 * when the operation is already watched or no longer pending.
 * @internal
 */
export const watchOperation: unique symbol = Symbol("dyno.watchOperation");

/** What a runtime that queues operations (a pool) is told when one of them settles. @internal */
export interface OperationWatcher {
  /** `token` is the number given to `watchOperation`, kept for the watcher. */
  operationSettled(operation: Operation<any>, token: number): void;
}

const idPrefix = Math.random().toString(36).slice(2, 8);
let idCounter = 0;
const noop = () => {};

/**
 * The handle of one DynamoDB operation. It is a `PromiseLike` of the SDK's output:
 * `await dyno.scan(input)` is the `ScanCommandOutput`.
 *
 * An operation nobody awaits never causes an `unhandledRejection`.
 */
export class Operation<N extends OperationName = OperationName> implements PromiseLike<
  OutputOf<N>
> {
  /** Unique per operation (per process). */
  readonly id: string;
  /** The DynamoDB operation name, e.g. `"Scan"`. */
  readonly name: N;
  /** The input the operation runs with. */
  readonly input: InputOf<N>;
  /** Epoch ms when it started running; undefined until then. */
  startedAt: number | undefined;
  /** Epoch ms when it settled; undefined until then. */
  endedAt: number | undefined;

  #state: OperationState = "pending";
  /** Undefined until done, and for a cancelled operation until its error is asked for. */
  #result: OperationResult<OutputOf<N>> | undefined;
  #cancelled = false;
  #cancelReason: unknown;
  #startedPerf = 0;
  #endedPerf = 0;
  readonly #middleware: readonly Middleware<N>[];
  readonly #final: Handler<N>;
  readonly #cancellation = new Cancellation();
  /** Made on the first await (an operation nobody awaits has none, so it cannot reject unhandled). */
  #promise: Promise<OutputOf<N>> | undefined;
  #resolve: ((output: OutputOf<N>) => void) | undefined;
  #reject: ((error: unknown) => void) | undefined;
  #unlinkScope: () => void = noop;
  #watcher: OperationWatcher | undefined;
  #watchToken = 0;
  #onCancel: ((error: AbortError) => void) | undefined;

  /** Use {@link Operation.create}, or a session/pool method. */
  protected constructor(
    name: N,
    input: InputOf<N>,
    middleware: readonly Middleware<N>[],
    final: Handler<N>,
    onCancel?: (error: AbortError) => void,
  ) {
    this.id = `${idPrefix}-${(++idCounter).toString(36)}`;
    this.name = name;
    this.input = input;
    this.#middleware = middleware;
    this.#final = final;
    this.#onCancel = onCancel;
  }

  /**
   * A pending operation, to be run later by `dyno.do(op)` or `pool.do(op)`.
   * Throws `DynoValidationError` for a name that is not an operation of the installed SDK.
   */
  static create<N extends OperationName>(
    name: N,
    input: InputOf<N>,
    ...middleware: (Middleware<N> | OperationOptions<N>)[]
  ): Operation<N> {
    if (!isOperationName(name)) {
      throw new DynoValidationError(
        "name",
        `${JSON.stringify(name)} is not an operation of the installed @aws-sdk/client-dynamodb`,
      );
    }
    const list: Middleware<N>[] = [];
    let final: Handler<N> = sendCommand as Handler<N>;
    let onCancel: ((error: AbortError) => void) | undefined;
    middleware.forEach((entry, index) => {
      if (typeof entry === "function") list.push(entry);
      else if (
        entry &&
        typeof entry === "object" &&
        (typeof entry.final === "function" || typeof entry.onCancel === "function")
      ) {
        if (typeof entry.final === "function") final = entry.final;
        if (typeof entry.onCancel === "function") onCancel = entry.onCancel;
      } else
        throw new DynoValidationError(`middleware[${index}]`, "expected a middleware function");
    });
    return newOperation(name, input, list, final, onCancel);
  }

  /** `"pending"` (queued), `"running"`, or `"done"` (settled: output, error or cancelled). */
  get state(): OperationState {
    return this.#state;
  }

  /** Run time so far, or the total once done; undefined before it starts. */
  get durationMs(): number | undefined {
    if (this.startedAt === undefined) return undefined;
    return (this.#state === "done" ? this.#endedPerf : performance.now()) - this.#startedPerf;
  }

  /** The settled result without waiting; undefined until done. */
  result(): OperationResult<OutputOf<N>> | undefined {
    if (this.#cancelled && !this.#result) this.#abortError();
    return this.#result;
  }

  /** Waits for the output; the same as `await op`. */
  await(): Promise<OutputOf<N>> {
    return this.#settled();
  }

  /** Makes the operation awaitable. */
  then<R1 = OutputOf<N>, R2 = never>(
    onfulfilled?: ((value: OutputOf<N>) => R1 | PromiseLike<R1>) | null,
    // `any`, as in Promise's own signature, so that handlers may declare the error type they expect
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    onrejected?: ((reason: any) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#settled().then(onfulfilled, onrejected);
  }

  /** Attaches a rejection handler, as on a promise. */
  catch<R = never>(
    onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null,
  ): Promise<OutputOf<N> | R> {
    return this.#settled().catch(onrejected);
  }

  /** Runs a callback once settled, as on a promise. */
  finally(onfinally?: (() => void) | null): Promise<OutputOf<N>> {
    return this.#settled().finally(onfinally);
  }

  /**
   * Cancels the operation: a pending one never starts, a running one has its HTTP request
   * aborted. Either way it rejects with {@link AbortError} at once. No effect once done.
   */
  cancel(reason?: unknown): void {
    if (this.#state === "done") return;
    // Nothing is allocated here: the AbortError is built when first asked for (see #abortError).
    this.#cancelled = true;
    this.#cancelReason = reason;
    this.#cancellation.abort(this);
    this.#settle(undefined);
  }

  /** The reason the run's signal aborts with (the {@link Cancellation} asks it). @internal */
  [abortReason](): AbortError {
    return this.#abortError();
  }

  /**
   * The AbortError of a cancelled operation, built once, when first asked for (an await,
   * `result()`, the run's signal): `pool.close()` cancels every queued operation, often with
   * nobody awaiting them. Built then, its stack would show where it was first asked for, not
   * where the cancel came from, so it has none (capturing one is most of an error's cost); its
   * message names the operation, its id and the reason.
   */
  #abortError(): AbortError {
    const result = this.#result;
    if (result) return result.error as AbortError;
    const reason = this.#cancelReason;
    this.#cancelReason = undefined;
    const error =
      reason instanceof AbortError
        ? reason
        : withoutStack(
            () =>
              new AbortError(
                `${this.name} ${this.id} was cancelled${reason === undefined ? "" : `: ${describe(reason)}`}`,
                { cause: reason },
              ),
          );
    this.#result = { error };
    const onCancel = this.#onCancel;
    this.#onCancel = undefined;
    onCancel?.(error);
    return error;
  }

  /**
   * Runs the operation under a runtime (a session or a pool). Called once; a second call,
   * or a call on a cancelled operation, does nothing.
   * @internal
   */
  [runOperation](runtime: OperationRuntime): this {
    if (this.#state !== "pending" || this.startedAt !== undefined) return this;
    const scope = runtime.signal;
    if (scope?.aborted) {
      this.cancel(scope.reason);
      return this;
    }
    if (scope) this.#unlinkScope = onAbort(scope, () => this.cancel(scope.reason));
    this.#state = "running";
    this.startedAt = Date.now();
    this.#startedPerf = performance.now();
    const middleware = runtime.middleware.length
      ? [...(runtime.middleware as Middleware<N>[]), ...this.#middleware]
      : this.#middleware;
    // A scope judged on read (a lock's lease) is read again before each request goes out
    // (the HTTP layers read `signal.aborted`), so a lease that ran out while no timer could
    // fire stops the request. Such a signal carries its check: never from the shared pool.
    const judged = isJudgedOnRead(scope);
    // With no middleware only the final handler sees the signal: it may come from the pool.
    const signal = this.#cancellation.signal(middleware.length === 0 && !judged);
    if (judged) judgedOnRead(signal, () => scope.aborted);
    const ctx = runContext(this.name, this.id, this.input, runtime.client, signal, runtime.send);
    if (this.#final !== sendCommand) ctx.meta.set(CUSTOM_FINAL_META, true);
    let running: Promise<OutputOf<N>>;
    try {
      running = compose(middleware, this.#final)(ctx); // always a promise (see compose)
    } catch (error) {
      running = Promise.reject(error); // a middleware that throws while being composed
    }
    running.then(
      (output) => this.#settle(output === undefined ? { error: this.#noOutput() } : { output }),
      (error) => this.#settle({ error }),
    );
    return this;
  }

  /** The error of a run whose handlers produced `undefined` (a middleware that forgot to return). */
  #noOutput(): DynoValidationError {
    return new DynoValidationError(
      "middleware",
      `${this.name} ${this.id} produced no output (undefined): a middleware returned nothing; ` +
        "a handler must return the output or a promise of it (e.g. `return next(ctx)`)",
    );
  }

  /**
   * Watches a pending operation (see {@link watchOperation}); a pool calls it again with a new
   * token when it starts the operation.
   * @internal
   */
  [watchOperation](watcher: OperationWatcher, token: number): boolean {
    if (this.#state === "done" || (this.#watcher && this.#watcher !== watcher)) return false;
    this.#watcher = watcher;
    this.#watchToken = token;
    return true;
  }

  /** Settles with `result`, or (undefined) as cancelled. */
  #settle(result: OperationResult<OutputOf<N>> | undefined): void {
    if (this.#state === "done") return;
    if (this.startedAt !== undefined) {
      this.endedAt = Date.now();
      this.#endedPerf = performance.now();
    }
    this.#state = "done";
    if (result) this.#result = result;
    this.#unlinkScope();
    this.#cancellation.release();
    const watcher = this.#watcher;
    if (watcher) {
      this.#watcher = undefined;
      watcher.operationSettled(this, this.#watchToken);
    }
    if (!this.#promise) return;
    if (!result) this.#reject!(this.#abortError());
    else if (result.error === undefined && "output" in result)
      this.#resolve!(result.output as OutputOf<N>);
    else this.#reject!(result.error);
  }

  /** The promise of the result, made when first asked for. */
  #settled(): Promise<OutputOf<N>> {
    if (this.#promise) return this.#promise;
    const result = this.result();
    if (result) {
      this.#promise =
        "output" in result && result.error === undefined
          ? Promise.resolve(result.output as OutputOf<N>)
          : Promise.reject(result.error);
    } else {
      this.#promise = new Promise<OutputOf<N>>((resolve, reject) => {
        this.#resolve = resolve;
        this.#reject = reject;
      });
    }
    this.#promise.catch(noop); // a rejection is reported to whoever awaits, never as unhandled
    return this.#promise;
  }
}

/** The constructor's parameters, for {@link newOperation}. */
type OperationConstructor = new <N extends OperationName>(
  name: N,
  input: InputOf<N>,
  middleware: readonly Middleware<N>[],
  final: Handler<N>,
  onCancel?: (error: AbortError) => void,
) => Operation<N>;

/**
 * `new Operation(...)`, kept outside the class body: a class that names itself inside its body is
 * renamed by bundlers (`_Operation`), and `Operation.name` would show that name. The constructor
 * is protected so that users go through `Operation.create`, hence the cast.
 */
function newOperation<N extends OperationName>(
  name: N,
  input: InputOf<N>,
  middleware: readonly Middleware<N>[],
  final: Handler<N>,
  onCancel: ((error: AbortError) => void) | undefined,
): Operation<N> {
  return new (Operation as unknown as OperationConstructor)(
    name,
    input,
    middleware,
    final,
    onCancel,
  );
}

/** Builds an error without capturing a stack (`Error.stackTraceLimit` 0 for the call). */
function withoutStack<E>(make: () => E): E {
  const limit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 0;
  } catch {
    return make(); // a frozen Error (a hardened realm): the stack is captured, nothing worse
  }
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function describe(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}
