/**
 * The one seam between dyno-ts and the wire. A {@link RequestSender} sends one request of an
 * operation (one call of the transport, its own HTTP retries inside). The runtime that runs an
 * operation (a session, a pool) chooses the sender: the SDK's `client.send` by default, the
 * direct transport's sender for data-plane operations, or a pool's rate-limited wrapper of
 * either. Final handlers, the single call as well as every page or chunk of an exhaustive
 * operation, send through {@link sendRequest} and so through that sender.
 * @module
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Handler, OperationContext } from "./middleware.js";
import { loadedSdk, loadSdk } from "../sdk-module.js";
import { refuseForSdk } from "./sdk-names.js";
import { commandClass, type InputOf, type OperationName, type OutputOf } from "./registry.js";

/** `meta` key under which the final handler counts the HTTP attempts it made (SDK retries included). */
export const ATTEMPTS_META = "dyno.attempts";

/**
 * `meta` key under which an exhaustive run counts its parts: the pages or batch requests it sent
 * for the first time (re-sends of unprocessed or throttled parts not included). A single call
 * has one part. `attempts - parts` is then every re-send: the SDK's retries and the batch
 * layer's, each counted once.
 */
export const PARTS_META = "dyno.parts";

/** One request to send: the operation, its input, the client and the abort signal. */
export interface WireRequest<N extends OperationName = OperationName> {
  readonly operation: N;
  readonly input: InputOf<N>;
  readonly client: DynamoDBClient;
  readonly signal: AbortSignal;
}

/** Sends one request and resolves with the SDK output of its operation. */
export type RequestSender = <N extends OperationName>(
  request: WireRequest<N>,
) => Promise<OutputOf<N>>;

/** Where the context of a run holds the runtime's sender (a symbol: not part of the public context). */
export const contextSender: unique symbol = Symbol("dyno.sender");

/** A context as the runtime makes it: the public fields plus the runtime's sender. */
export type SendingContext<N extends OperationName = OperationName> = OperationContext<N> & {
  readonly [contextSender]?: RequestSender;
};

/**
 * The SDK transport: `client.send(new XxxCommand(input), { abortSignal })`; a request naming a
 * table or attribute `__proto__` is refused before sending (see `sdk-names.ts`), and so is a
 * string with a lone surrogate (see `well-formed.ts`).
 */
export const sdkSender: RequestSender = <N extends OperationName>(
  request: WireRequest<N>,
): Promise<OutputOf<N>> => {
  // a lean session's first control-plane request loads the SDK (asynchronously, as a bundle can)
  if (!loadedSdk()) return loadSdk().then(() => sdkSender(request));
  const Command = commandClass(request.operation);
  try {
    refuseForSdk(request.operation, request.input);
  } catch (error) {
    return Promise.reject(error as Error);
  }
  return request.client.send(new Command(request.input), {
    abortSignal: request.signal,
  }) as Promise<OutputOf<N>>;
};

/**
 * Sends one request of a run through the runtime's sender and counts its HTTP attempts in
 * `ctx.meta`. `operation` and `input` default to the run's own; an exhaustive handler passes
 * each page's or chunk's input, and `signal` when a part of the run can be aborted alone.
 */
export async function sendRequest<M extends OperationName>(
  ctx: OperationContext<any>,
  operation: M,
  input: InputOf<M>,
  signal: AbortSignal = ctx.signal,
): Promise<OutputOf<M>> {
  const send = (ctx as SendingContext)[contextSender] ?? sdkSender;
  try {
    const output = await send({ operation, input, client: ctx.client, signal });
    countAttempts(ctx, (output as { $metadata?: { attempts?: number } }).$metadata?.attempts);
    return output;
  } catch (error) {
    countAttempts(ctx, (error as { $metadata?: { attempts?: number } })?.$metadata?.attempts);
    throw error;
  }
}

/** The default final handler: sends `ctx.input` once, as the operation's own request. */
export const sendCommand: Handler = <N extends OperationName>(ctx: OperationContext<N>) =>
  sendRequest(ctx, ctx.operation, ctx.input);

function countAttempts(ctx: OperationContext<any>, attempts: number | undefined): void {
  const soFar = (ctx.meta.get(ATTEMPTS_META) as number | undefined) ?? 0;
  ctx.meta.set(ATTEMPTS_META, soFar + (attempts ?? 1));
}
