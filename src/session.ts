/**
 * `Dyno`: a session over one `DynamoDBClient`, with one method per DynamoDB operation,
 * derived from the operation registry.
 * @module
 */
import type {
  DynamoDBClient,
  BatchWriteItemCommandOutput,
  DynamoDBClientConfig,
  TransactWriteItemsCommandOutput,
} from "@aws-sdk/client-dynamodb";
import { requireSdk } from "./sdk-module.js";
import { DynoValidationError } from "./errors.js";
import { installExhaustiveMethods, type ExhaustiveMethods } from "./exhaustive/index.js";
import type { AnyMiddleware, Middleware } from "./operation/middleware.js";
import { Operation, runOperation, type OperationRuntime } from "./operation/operation.js";
import {
  methodName,
  operationNames,
  type InputOf,
  type MethodName,
  type OperationName,
} from "./operation/registry.js";
import type { RequestSender } from "./operation/send.js";
import { linkSignals } from "./operation/signals.js";
import type { Schema } from "./encoding/schema/schema.js";
import { Table, type TableOptions } from "./table/table.js";
import { SharedTable, type SharedIndex, type SharedTableOptions } from "./entity/shared-table.js";
import { transact, type TransactOptions, type TransactWriter } from "./table/transact.js";
import {
  transactGet,
  type TransactGetCallOptions,
  type TransactGetRef,
  type TransactGetResult,
  type TransactReader,
} from "./table/transact-get.js";
import {
  batchGet,
  batchGetGrouped,
  type BatchGetGroupedResult,
  type BatchGetGroups,
  type CheckedGroups,
  type ModelBatchGetOptions,
  type BatchGetRequest,
  type BatchGetResult,
  type CheckedRequests,
} from "./table/batch-get.js";
import { batchWrite, type BatchWriter } from "./table/batch-write.js";
import type { BatchOptions } from "./exhaustive/options.js";
import type { Indexes, KeyProperty } from "./table/types.js";
import { directSender, directSupport } from "./transport/index.js";

/** How a session sends data-plane operations: through the SDK, or directly (see the README). */
export type Transport = "sdk" | "direct";

/** Options every kind of {@link DynoOptions} takes. */
interface CommonOptions {
  middleware?: AnyMiddleware[];
  signal?: AbortSignal;
  /**
   * `"sdk"` (default): every operation through `client.send`. `"direct"`: the data-plane
   * operations sent by dyno-ts itself, with the SDK's contract; a client whose configuration
   * it cannot honour exactly keeps the SDK (see {@link Dyno.transport}).
   */
  transport?: Transport;
}

/** How to build a {@link Dyno}: an existing client, or a client config to build one from. */
export type DynoOptions =
  | (CommonOptions & { client: DynamoDBClient; clientConfig?: undefined })
  | (CommonOptions & { clientConfig: DynamoDBClientConfig; client?: undefined });

/** The per-call signature of operation `N`: SDK input and optional middleware, a running {@link Operation}. */
export type OperationMethod<N extends OperationName> = (
  input: InputOf<N>,
  ...middleware: Middleware<N>[]
) => Operation<N>;

/** One method per DynamoDB operation, named in camelCase: `getItem`, `scan`, `transactWriteItems`... */
export type OperationMethods = { [N in OperationName as MethodName<N>]: OperationMethod<N> };

/**
 * A session: a DynamoDB client, middleware for every operation, and a cancellation scope.
 *
 * @example
 * ```ts
 * const dyno = new Dyno({ clientConfig: { region: "eu-west-1" } });
 * const { Item } = await dyno.getItem({ TableName: "Users", Key: { id: { S: "u1" } } });
 * ```
 */
// The operation methods are declared by the interface of the same name below and installed from the registry.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Dyno implements OperationRuntime {
  /** The SDK client every operation of this session goes through. */
  readonly client: DynamoDBClient;
  /** This session's cancellation scope: when it aborts, every operation it runs is cancelled. */
  readonly signal: AbortSignal | undefined;
  readonly #middleware: AnyMiddleware[];
  readonly #send: RequestSender | undefined;

  constructor(options: DynoOptions) {
    if (!options || typeof options !== "object") {
      throw new DynoValidationError("options", "expected { client } or { clientConfig }");
    }
    if (options.client) {
      if (typeof (options.client as { send?: unknown }).send !== "function") {
        throw new DynoValidationError(
          "client",
          "expected a DynamoDBClient (an object with send())",
        );
      }
      this.client = options.client;
    } else if (options.clientConfig && typeof options.clientConfig === "object") {
      this.client = new (requireSdk().DynamoDBClient)(options.clientConfig);
    } else {
      throw new DynoValidationError("options", "expected { client } or { clientConfig }");
    }
    this.#middleware = [...(options.middleware ?? [])];
    this.signal = options.signal;
    const transport = options.transport ?? "sdk";
    if (transport !== "sdk" && transport !== "direct") {
      throw new DynoValidationError(
        "transport",
        `expected "sdk" or "direct", got ${JSON.stringify(transport)}`,
      );
    }
    // The direct sender checks per request whether the client can be honoured as it is then.
    this.#send = transport === "direct" ? directSender : undefined;
    if (this.#send) directSupport(this.client); // starts the checks that resolve asynchronously
  }

  /**
   * The transport this session really uses now: `"direct"` only when asked for and the client's
   * configuration, as it is now, can be honoured exactly; otherwise `"sdk"` (see
   * {@link Dyno.transportReason}). Live: middleware or configuration added to the client later
   * turns it to `"sdk"` (and the requests with it). What only resolves asynchronously (the
   * client's retry strategy) is checked as soon as it resolves, before the session's first request.
   */
  get transport(): Transport {
    return this.#send ? directSupport(this.client).transport : "sdk";
  }

  /** Why a session asked for `"direct"` uses `"sdk"` now; undefined otherwise. */
  get transportReason(): string | undefined {
    return this.#send ? directSupport(this.client).reason : undefined;
  }

  /** Sends each request of this session's operations (the direct transport's sender, or the SDK's). */
  get send(): RequestSender | undefined {
    return this.#send;
  }

  /** The session's middleware, outermost first. */
  get middleware(): readonly AnyMiddleware[] {
    return this.#middleware;
  }

  /**
   * A session with the same client and middleware and a new cancellation scope: aborting
   * `signal` (or this session's own signal) cancels the operations it runs.
   */
  withSignal(signal: AbortSignal): Dyno {
    return newDyno({
      client: this.client,
      middleware: this.#middleware,
      signal: this.signal ? linkSignals(this.signal, signal) : signal,
      transport: this.#send ? "direct" : "sdk",
    });
  }

  /** Adds middleware for every later operation of this session; the first is the outermost. */
  use(...middleware: AnyMiddleware[]): this {
    middleware.forEach((mw, index) => {
      if (typeof mw !== "function")
        throw new DynoValidationError(`middleware[${index}]`, "expected a function");
    });
    this.#middleware.push(...middleware);
    return this;
  }

  /**
   * A typed {@link Table} over table `name`: items of the object schema, keys and indexes
   * named by its properties (API.md section 9).
   */
  table<
    T,
    const PK extends KeyProperty<T>,
    const SK extends KeyProperty<T> | undefined = undefined,
    const IX extends Indexes<T> = Record<never, never>,
  >(name: string, options: TableOptions<Schema<T, false>, PK, SK, IX>): Table<T, PK, SK, IX> {
    return new Table(this, name, options);
  }

  /**
   * A table shared by several entities (single-table design, API.md section 14): generic key
   * attributes filled from each entity's properties through key templates.
   */
  sharedTable<const IX extends { readonly [index: string]: SharedIndex } = Record<never, never>>(
    name: string,
    options: SharedTableOptions<IX>,
  ): SharedTable<IX> {
    return new SharedTable(this, name, options);
  }

  /**
   * A transaction (TransactWriteItems, up to 100 actions) over any models, tables and entities
   * alike: `fn` adds the actions, checked as they are added, and nothing is sent unless every
   * one is valid. A cancelled transaction rejects with the SDK's `TransactionCanceledException`,
   * untouched; `transactionFailures(error)` maps its reasons to the actions (API.md section 15).
   *
   * @example
   * ```ts
   * await dyno.transact((t) => {
   *   t.put(Orders, order, { condition: (c) => c.notExists("id") });
   *   t.update(Users, { id: "u1" }, (u) => u.increment("orders"));
   *   t.check(Stock, { sku: "a" }, (c) => c.gt("count", 0));
   * }, { token: order.id });
   * ```
   */
  transact(
    fn: (t: TransactWriter) => unknown,
    options?: TransactOptions,
  ): Promise<TransactWriteItemsCommandOutput> {
    return transact(this, fn, options);
  }

  /**
   * A transactional read (TransactGetItems, up to 100 items) over any models, resolving to a
   * typed tuple: `const [u, o] = await dyno.transactGet((t) => [t.get(Users, k1), t.get(Orders, k2)])`;
   * `undefined` where there is no item.
   */
  transactGet<const R extends readonly TransactGetRef<unknown>[]>(
    fn: (t: TransactReader) => R | PromiseLike<R>,
    options?: TransactGetCallOptions,
  ): Promise<TransactGetResult<R>> {
    return transactGet(this, fn, options);
  }

  /**
   * Reads any number of items of any models by key (`batchGetItemAll`: chunked, unprocessed keys
   * retried until done): `await dyno.batchGet([[Users, k1], [Orders, k2]])` resolves to the
   * decoded items in the same order, `undefined` where there is none. Grouped by names of yours:
   * `await dyno.batchGet({ users: [Users, userKeys], orders: [Orders, orderKeys] })` resolves to
   * `{ users: (User | undefined)[], orders: (Order | undefined)[] }`.
   */
  batchGet<const R extends readonly BatchGetRequest[]>(
    requests: R & CheckedRequests<R>,
    options?: ModelBatchGetOptions,
  ): Promise<BatchGetResult<R>>;
  batchGet<const G extends BatchGetGroups>(
    groups: G & CheckedGroups<G>,
    options?: ModelBatchGetOptions,
  ): Promise<BatchGetGroupedResult<G>>;
  batchGet(requests: unknown, options?: ModelBatchGetOptions): Promise<unknown> {
    return requests !== null && typeof requests === "object" && !Array.isArray(requests)
      ? batchGetGrouped(this, requests as never, options)
      : batchGet(this, requests as never, options);
  }

  /**
   * Writes any number of puts and deletes of any models (`batchWriteItemAll`: chunked,
   * unprocessed items retried until done, nothing lost or duplicated):
   * `await dyno.batchWrite((b) => { b.put(Users, user); b.delete(Orders, key); })`.
   */
  batchWrite(
    fn: (b: BatchWriter) => unknown,
    options?: BatchOptions,
  ): Promise<BatchWriteItemCommandOutput | undefined> {
    return batchWrite(this, fn, options);
  }

  /** Runs a pending operation (from `Operation.create`) in this session and returns it. */
  do<N extends OperationName>(operation: Operation<N>): Operation<N> {
    if (!(operation instanceof Operation)) {
      const other = (operation as { constructor?: { name?: unknown } } | null)?.constructor?.name;
      throw new DynoValidationError(
        "operation",
        other === "Operation"
          ? "an Operation of another copy of dyno-ts (the main entry and dyno-ts/lean are two): " +
              "create it with Operation.create of the session's own entry"
          : "expected an Operation (see Operation.create)",
      );
    }
    return operation[runOperation](this);
  }
}

// The session is one class whose operation methods come from the registry, and whose exhaustive
// methods come from the one table of them (src/exhaustive/methods.ts), as a pool's do.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Dyno extends OperationMethods, ExhaustiveMethods {}

for (const name of operationNames) {
  Object.defineProperty(Dyno.prototype, methodName(name), {
    configurable: true,
    writable: true,
    value: function (
      this: Dyno,
      input: InputOf<typeof name>,
      ...middleware: Middleware<typeof name>[]
    ) {
      return this.do(Operation.create(name, input, ...middleware));
    },
  });
}

installExhaustiveMethods(Dyno);

/**
 * `new Dyno(options)`, kept outside the class body: a class that names itself inside its body is
 * renamed by bundlers (`_Dyno`), and `Dyno.name` and `inspect` would show that name.
 */
function newDyno(options: DynoOptions): Dyno {
  return new Dyno(options);
}
