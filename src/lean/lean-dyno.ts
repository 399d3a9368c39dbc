/**
 * {@link leanDyno}: a session whose data plane is sent without loading the SDK. Its own module so
 * that the lean build's core (what a data-plane call runs) does not import the whole API.
 * @module
 */
import { DynoValidationError } from "../errors.js";
import type { AnyMiddleware } from "../operation/middleware.js";
import { Dyno } from "../session.js";
import { LeanClient, type LeanOptions } from "./client.js";

/** How to make a lean session: where and as whom to send, and the session's own options. */
export interface LeanDynoOptions extends LeanOptions {
  /** Middleware for every operation, outermost first. */
  middleware?: AnyMiddleware[];
  /** The session's cancellation scope. */
  signal?: AbortSignal;
}

/**
 * A session with the Dyno API whose data-plane operations are sent by dyno-ts itself, without
 * loading the SDK: region, endpoint and credentials from `options` or the environment (Lambda's
 * variables, the container credentials endpoint). A control-plane operation, a setting only the
 * SDK honours, or credentials found elsewhere load the SDK then (see {@link LeanClient}).
 *
 * @example
 * ```ts
 * import { leanDyno } from "dyno-ts/lean";
 * const dyno = leanDyno();
 * export const handler = async () => (await dyno.getItem({ TableName: "T", Key: { id: { S: "1" } } })).Item;
 * ```
 */
export function leanDyno(options: LeanDynoOptions = {}): Dyno {
  if (!options || typeof options !== "object")
    throw new DynoValidationError("options", "expected an object");
  const { middleware, signal, ...clientOptions } = options;
  const client = new LeanClient(clientOptions);
  return new Dyno({
    client: client as never,
    transport: "direct",
    ...(middleware && { middleware }),
    ...(signal && { signal }),
  });
}
