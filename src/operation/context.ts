import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { OperationContext } from "./middleware.js";
import type { InputOf, OperationName } from "./registry.js";
import { contextSender, type RequestSender } from "./send.js";

/**
 * `ctx.meta` key set (to `true`) when the run has a final handler of its own (an exhaustive
 * operation's loop) rather than the single call: its output is not the single call's, so a
 * cache must not mix the two.
 */
export const CUSTOM_FINAL_META = "dyno.customFinal";

/**
 * The context of one operation run: a plain object of data properties (cheap to make, and
 * a middleware may pass on a copy such as `{ ...ctx, input }`, which keeps the sender too).
 */
export function runContext<N extends OperationName>(
  operation: N,
  id: string,
  input: InputOf<N>,
  client: DynamoDBClient,
  signal: AbortSignal,
  send: RequestSender | undefined,
): OperationContext<N> {
  const ctx = { operation, id, input, client, signal, meta: new Map<string, unknown>() };
  return send ? Object.assign(ctx, { [contextSender]: send }) : ctx;
}
