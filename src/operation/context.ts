import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Cancellation } from "./cancellation.js";
import type { OperationContext } from "./middleware.js";
import type { InputOf, OperationName } from "./registry.js";

/** Where the final handler finds the (pooled) signal to pass to `client.send`. */
export const transportSignal: unique symbol = Symbol("dyno.transportSignal");

/** An operation context with the signal for the SDK call. */
export type RunContext<N extends OperationName> = OperationContext<N> & {
  readonly [transportSignal]: AbortSignal;
};

/**
 * The context of one operation run. A plain object whose signals are own, enumerable
 * getters: `ctx.signal` is created on first use, and a middleware that passes a copy
 * (`next({ ...ctx, input })`) copies both signals with it.
 */
export function runContext<N extends OperationName>(
  operation: N,
  id: string,
  input: InputOf<N>,
  client: DynamoDBClient,
  cancellation: Cancellation,
): RunContext<N> {
  return {
    operation,
    id,
    input,
    client,
    meta: new Map<string, unknown>(),
    get signal() {
      return cancellation.publicSignal();
    },
    get [transportSignal]() {
      return cancellation.transportSignal();
    },
  };
}
