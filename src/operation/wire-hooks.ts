/**
 * Wire hooks: a per-client registry of code that sees every HTTP attempt of an operation (each
 * SDK retry included) and may answer it without sending, or send a different body and rewrite
 * the answer. It works on DynamoDB's JSON wire bodies, so every transport can apply the same
 * hooks: the SDK path through two named, removable entries of the client's `middlewareStack`
 * (installed by {@link installWireHooks}), the direct transport by calling
 * {@link wireHooksOf}`(client)?.beforeAttempt(...)` for each attempt it makes.
 * `dyno-ts/testing`'s fault injection is built on it.
 * @module
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynoValidationError } from "../errors.js";
import { isOperationName, type OperationName } from "./registry.js";

/** A JSON body as DynamoDB's wire protocol carries it (`{ "TableName": ..., "Key": { "pk": { "S": ... } } }`). */
export type WireBody = Record<string, unknown>;

/** An HTTP answer made without sending: status and JSON body (for errors, `{ __type, message }`). */
export interface WireAnswer {
  readonly status: number;
  readonly body: WireBody;
}

/**
 * What to do with one attempt:
 * - `{ answer }`: do not send; the transport deserializes `answer` as if DynamoDB had sent it
 *   (a 400 with `__type` becomes the SDK's own exception class, which the retry strategy counts);
 * - `{ body, complete }`: send `body` instead of the attempt's body (it must be a valid request of
 *   the same operation), then pass DynamoDB's JSON answer (a 200's) through `complete` before
 *   deserializing it;
 * - `undefined`: send as is.
 */
export type AttemptPlan =
  | { readonly answer: WireAnswer; readonly body?: undefined }
  | {
      readonly body: WireBody;
      readonly complete: (answer: WireBody) => WireBody;
      readonly answer?: undefined;
    }
  | undefined;

/** Hooks called by the transport for each HTTP attempt of an operation on a client. */
export interface WireHooks {
  /** Called once per attempt, before signing, with the operation and its JSON body (do not mutate it). */
  beforeAttempt(operation: OperationName, body: Readonly<WireBody>): AttemptPlan;
}

const registry = new WeakMap<DynamoDBClient, WireHooks>();

/** The hooks registered for `client`, if any. Transports call this once per attempt. */
export function wireHooksOf(client: DynamoDBClient): WireHooks | undefined {
  return registry.get(client);
}

/** Names of the `middlewareStack` entries {@link installWireHooks} adds (a transport may treat them as its own). */
export const WIRE_HOOK_MIDDLEWARE = ["dynoWireHooksPlan", "dynoWireHooksAnswer"] as const;

const PLAN = Symbol("dyno.wirePlan");

type Stack = {
  addRelativeTo(mw: unknown, options: object): void;
  add(mw: unknown, options: object): void;
  remove(name: string): boolean;
};
type Request = { headers: Record<string, string>; body?: unknown };
type Args = { request?: Request; [key: string]: unknown };
type Next = (args: Args) => Promise<{ response: unknown; output?: unknown }>;
type Context = { commandName?: string; [PLAN]?: AttemptPlan };

const decoder = new TextDecoder();
const encoder = new TextEncoder();

function parse(body: unknown): WireBody | undefined {
  if (typeof body === "string") return JSON.parse(body) as WireBody;
  if (body instanceof Uint8Array) return JSON.parse(decoder.decode(body)) as WireBody;
  return undefined;
}

function httpResponse(status: number, headers: Record<string, string>, body: WireBody) {
  const bytes = encoder.encode(JSON.stringify(body));
  return {
    statusCode: status,
    reason: undefined,
    headers: {
      ...headers,
      "content-type": "application/x-amz-json-1.0",
      "content-length": String(bytes.length),
    },
    body: bytes,
  };
}

async function readAll(body: unknown): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body;
  const chunks: Uint8Array[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>)
    chunks.push(typeof chunk === "string" ? encoder.encode(chunk) : chunk);
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/**
 * Registers `hooks` for `client` and adds the two `middlewareStack` entries that apply them on
 * the SDK path: one between the retry strategy and signing (each attempt: ask for a plan, send
 * its body), one below the deserializer (answer without sending, or rewrite the answer). Returns
 * the function that removes both and the registration, leaving the stack as it was.
 * @throws DynoValidationError when the client already has hooks.
 */
export function installWireHooks(client: DynamoDBClient, hooks: WireHooks): () => void {
  if (registry.has(client))
    throw new DynoValidationError(
      "client",
      "already has wire hooks (e.g. injected faults): remove them first",
    );
  const stack = client.middlewareStack as unknown as Stack;
  const plan = (next: Next, context: Context) => async (args: Args) => {
    const operation = context.commandName?.replace(/Command$/, "");
    const request = args.request;
    const body = request && parse(request.body);
    const decision =
      body && isOperationName(operation)
        ? registry.get(client)?.beforeAttempt(operation, body)
        : undefined;
    context[PLAN] = decision;
    if (!decision?.body || !request) return next(args);
    const bytes = encoder.encode(JSON.stringify(decision.body));
    const changed = Object.assign(
      Object.create(Object.getPrototypeOf(request) as object) as Request,
      request,
      {
        headers: { ...request.headers, "content-length": String(bytes.length) },
        body: bytes,
      },
    );
    return next({ ...args, request: changed });
  };
  const answer = (next: Next, context: Context) => async (args: Args) => {
    const decision = context[PLAN];
    context[PLAN] = undefined;
    if (decision?.answer) {
      return { response: httpResponse(decision.answer.status, {}, decision.answer.body) };
    }
    const result = await next(args);
    if (!decision?.body) return result;
    const response = result.response as {
      statusCode: number;
      headers: Record<string, string>;
      body: unknown;
    };
    const raw = await readAll(response.body);
    if (response.statusCode !== 200) return { ...result, response: { ...response, body: raw } };
    const { "x-amz-crc32": _crc, ...headers } = response.headers;
    const rewritten = decision.complete(JSON.parse(decoder.decode(raw)) as WireBody);
    return { ...result, response: httpResponse(200, headers, rewritten) };
  };
  stack.addRelativeTo(plan, {
    name: WIRE_HOOK_MIDDLEWARE[0],
    relation: "before",
    toMiddleware: "httpSigningMiddleware",
  });
  stack.add(answer, { name: WIRE_HOOK_MIDDLEWARE[1], step: "deserialize", priority: "low" });
  registry.set(client, hooks);
  let removed = false;
  return () => {
    if (removed) return;
    removed = true;
    for (const name of WIRE_HOOK_MIDDLEWARE) stack.remove(name);
    registry.delete(client);
  };
}
