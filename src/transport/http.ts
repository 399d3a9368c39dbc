/**
 * One HTTP POST over the client's own keep-alive agents, with the timeouts and abort
 * behaviour of the SDK's `NodeHttpHandler` (same error names and messages).
 * @module
 */
import type { Agent as HttpAgent, IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { Agent as HttpsAgent } from "node:https";
import {
  originPool,
  type Connection,
  type Exchange,
  type OriginPool,
  type OutgoingRequest,
} from "./connections.js";
import { deserializationError, type ResponseHead, type WireResponse } from "./errors.js";
import { nodeHttp, nodeHttps } from "./builtins.js";

/** The settings of the client's `NodeHttpHandler` that the transport honours. */
export interface HttpSettings {
  readonly httpAgent: HttpAgent;
  readonly httpsAgent: HttpsAgent;
  readonly connectionTimeout?: number;
  readonly requestTimeout?: number;
  readonly throwOnRequestTimeout?: boolean;
  readonly socketTimeout?: number;
  /** Where the handler warns (a request past `requestTimeout` when that is not an error). */
  readonly logger?: { warn?: (message: string) => void };
  /** The socket timeout is the service's default, not the handler's configured one. */
  readonly socketTimeoutIsDefault?: boolean;
}

/** Where to send: the resolved endpoint's parts. */
export interface Target {
  readonly https: boolean;
  readonly hostname: string;
  readonly port: string;
  readonly path: string;
}

/** An error named `AbortError`, as the SDK's handler rejects with when the signal aborts. */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  const error = new Error(
    reason && !(reason instanceof Error) ? String(reason) : "Request aborted",
  );
  error.name = "AbortError";
  if (reason instanceof Error) error.cause = reason;
  return error;
}

const TIMEOUT_CODES = new Set(["ECONNRESET", "EPIPE", "ETIMEDOUT"]);

/**
 * Headers shared by many requests, checked (as node checks them) and rendered once: a request
 * template's. `list` is flat (`[name, value, ...]`).
 */
export interface FixedHeaders {
  readonly list: readonly string[];
  /** `name: value\r\n` per header. */
  readonly text: string;
  /** Why node would refuse one of them: every request with them fails with it. */
  readonly error?: Error;
}

/** {@link FixedHeaders} of `list`; with the error node would throw for a header it refuses. */
export function fixedHeaders(list: readonly string[]): FixedHeaders {
  let text = "";
  try {
    for (let i = 0; i < list.length; i += 2) text += headerLine(list[i]!, list[i + 1]!);
  } catch (error) {
    return { list, text: "", error: error as Error };
  }
  return { list, text };
}

/**
 * Sends one POST and resolves with the whole response (body as text): `fixed`'s headers, then
 * `headers`, a flat list of names and values (`[name, value, ...]`). Through one of node's own
 * agents the request goes over this module's keep-alive connections (`connections.ts`); through
 * any other agent, with `node:http`.
 */
export function post(
  target: Target,
  fixed: FixedHeaders,
  headers: string[],
  body: string,
  settings: HttpSettings,
  signal: AbortSignal,
): Promise<WireResponse> {
  const agent = target.https ? settings.httpsAgent : settings.httpAgent;
  const port = Number(target.port) || (target.https ? 443 : 80);
  const pool = originPool(agent, target.https, hostOf(target), port);
  if (!pool) return nodePost(target, [...fixed.list, ...headers], body, settings, signal);
  if (fixed.error) return Promise.reject(fixed.error);
  let request: OutgoingRequest;
  try {
    request = requestText(target, fixed, headers, body, pool.keepAliveHeader);
  } catch (error) {
    return Promise.reject(error as Error);
  }
  return exchange(pool, request, settings, signal);
}

/** The hostname without the brackets of an IPv6 literal. */
function hostOf(target: Target): string {
  const host = target.hostname;
  return host.startsWith("[") ? host.slice(1, -1) : host;
}

/** Header names node accepts (RFC 7230 tokens) and values it accepts (no CR, LF, NUL, ...). */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/** One header's line; throws as node does for a header it would refuse. */
function headerLine(name: string, value: string): string {
  if (!HEADER_NAME.test(name))
    throw Object.assign(new TypeError(`Header name must be a valid HTTP token ["${name}"]`), {
      code: "ERR_INVALID_HTTP_TOKEN",
    });
  if (INVALID_VALUE.test(value))
    throw Object.assign(new TypeError(`Invalid character in header content ["${name}"]`), {
      code: "ERR_INVALID_CHAR",
    });
  return `${name}: ${value}\r\n`;
}

/**
 * Per-request headers whose values the sender makes itself from digits and hex alone (a random
 * UUID, the body's length, the date, the payload hash): nothing in them can be refused, so they
 * skip the checks. The signature, a session token, a trace id and the attempt header (its
 * `max=` is the maxAttempts provider's answer) carry others' text and are checked as node does.
 */
const MADE_BY_SENDER = new Set([
  "amz-sdk-invocation-id",
  "content-length",
  "x-amz-date",
  "x-amz-content-sha256",
]);

/** The request line and headers; throws as node does for a header it would refuse. */
function requestText(
  target: Target,
  fixed: FixedHeaders,
  headers: string[],
  body: string,
  keepAlive: boolean,
): OutgoingRequest {
  let head = `POST ${target.path} HTTP/1.1\r\n${fixed.text}`;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!;
    const value = headers[i + 1]!;
    head += MADE_BY_SENDER.has(name) ? `${name}: ${value}\r\n` : headerLine(name, value);
  }
  head += keepAlive ? "connection: keep-alive\r\n\r\n" : "connection: close\r\n\r\n";
  return { head, body };
}

/**
 * One request over a pooled connection, with the handler's timers as the SDK's `NodeHttpHandler`
 * runs them: `connectionTimeout` until the request has a connected socket (the wait for a free
 * one included), `requestTimeout` until the response's headers arrive, `socketTimeout` (armed
 * once the socket is connected; from 3 s in when it is 6 s or more) until the response is
 * complete, and the abort signal throughout.
 */
function exchange(
  pool: OriginPool,
  request: OutgoingRequest,
  settings: HttpSettings,
  signal: AbortSignal,
): Promise<WireResponse> {
  return new Promise<WireResponse>((resolve, reject) => {
    if (signal.aborted) return reject(abortError(signal));
    let connection: Connection | undefined;
    let settled = false;
    let socketArmed = false;
    let head: ResponseHead | undefined; // once the headers are in: errors are the deserializer's
    let connectTimer: ReturnType<typeof setTimeout> | undefined;
    let deferTimer: ReturnType<typeof setTimeout> | undefined;
    const requestTimer = startRequestTimer(settings, (error) => fail(error)); // fires after `fail` exists
    const socketMs = socketTimeoutOf(settings);
    const clearHeadTimers = () => {
      if (requestTimer) clearTimeout(requestTimer);
      if (connectTimer) clearTimeout(connectTimer);
    };
    const finish = () => {
      settled = true;
      clearHeadTimers();
      if (deferTimer) clearTimeout(deferTimer);
      signal.removeEventListener("abort", onAbort);
    };
    const fail = (error: Error) => {
      if (settled) return;
      finish();
      if (connection)
        pool.discard(connection); // a request cut short: its connection is not reused
      else pool.cancel(waiter);
      if (head) return reject(deserializationError(error, head));
      if (TIMEOUT_CODES.has((error as NodeJS.ErrnoException).code ?? ""))
        error.name = "TimeoutError"; // as the handler names the request's errors
      reject(error);
    };
    const onAbort = () => fail(abortError(signal));
    /** The handler's socket timeout, on the connected socket (`setSocketTimeout`). */
    const armSocketTimeout = () => {
      if (settled || !connection) return;
      const socket = connection.socket;
      if (socket.connecting) return void socket.once("connect", armSocketTimeout);
      socketArmed = true;
      socket.setTimeout(socketMs);
    };
    const exchange: Exchange = {
      headers(arrived) {
        head = arrived;
        clearHeadTimers(); // the SDK's handler resolves here: its head timers end
      },
      response(response) {
        if (settled) return;
        finish();
        resolve(response);
      },
      error: fail,
      timeout() {
        if (socketArmed) fail(socketTimeoutError(settings, socketMs));
      },
    };
    const start = (ready: Connection) => {
      if (settled) return pool.release(ready); // aborted while it waited
      connection = ready;
      const socket = ready.socket;
      if (connectTimer) {
        if (socket.connecting) socket.once("connect", () => clearTimeout(connectTimer));
        else clearTimeout(connectTimer);
      }
      if (socketMs > 0 && (socketMs < SOCKET_TIMEOUT_DEFER_FROM || deferTimer === undefined))
        armSocketTimeout();
      ready.send(request, exchange);
    };
    const waiter = { ready: start, failed: fail };
    signal.addEventListener("abort", onAbort); // removed by `finish`
    if (socketMs >= SOCKET_TIMEOUT_DEFER_FROM)
      deferTimer = setTimeout(() => {
        deferTimer = undefined;
        armSocketTimeout();
      }, SOCKET_TIMEOUT_DEFER_MS);
    let ready: Connection | undefined;
    try {
      ready = pool.acquire(waiter);
    } catch (error) {
      return fail(error as Error);
    }
    const connectMs = settings.connectionTimeout;
    if (connectMs && (!ready || ready.socket.connecting))
      connectTimer = setTimeout(() => fail(connectionTimeoutError(connectMs)), connectMs);
    if (ready) start(ready);
  });
}

function connectionTimeoutError(ms: number): Error {
  return Object.assign(
    new Error(
      `@smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of ${ms} ms.`,
    ),
    { name: "TimeoutError" },
  );
}

function requestTimeoutError(ms: number): Error {
  return Object.assign(
    new Error(
      `@smithy/node-http-handler - [ERROR] a request has exceeded the configured ${ms} ms requestTimeout.`,
    ),
    { name: "TimeoutError", code: "ETIMEDOUT" },
  );
}

/**
 * The handler's `requestTimeout`: past it, the request fails (`throwOnRequestTimeout`) or the
 * handler's logger is warned. Undefined when no request timeout is configured.
 */
function startRequestTimer(
  settings: HttpSettings,
  fail: (error: Error) => void,
): ReturnType<typeof setTimeout> | undefined {
  const ms = settings.requestTimeout;
  if (!ms) return undefined;
  return settings.throwOnRequestTimeout
    ? setTimeout(() => fail(requestTimeoutError(ms)), ms)
    : setTimeout(() => warnRequestTimeout(settings, ms), ms);
}

/** The handler's warning for a request past `requestTimeout` without `throwOnRequestTimeout`. */
function warnRequestTimeout(settings: HttpSettings, ms: number): void {
  (settings.logger ?? console).warn?.(
    `@smithy/node-http-handler - [WARN] a request has exceeded the configured ${ms} ms requestTimeout. Init client requestHandler with throwOnRequestTimeout=true to turn this into an error.`,
  );
}

/** From this socket timeout on, the handler arms it only 3 s into the request. */
const SOCKET_TIMEOUT_DEFER_FROM = 6000;
const SOCKET_TIMEOUT_DEFER_MS = 3000;

/** The socket timeout the handler applies (its own, else the service default), 0 for none. */
function socketTimeoutOf(settings: HttpSettings): number {
  const ms = settings.socketTimeout;
  return ms !== undefined && Number.isFinite(ms) && ms > 0 ? ms : 0;
}

function socketTimeoutError(settings: HttpSettings, ms: number): Error {
  const source = settings.socketTimeoutIsDefault
    ? "service default socket timeout"
    : "configured by client requestHandler";
  return Object.assign(
    new Error(
      `@smithy/node-http-handler - the request socket timed out after ${ms} ms of inactivity (${source}).`,
    ),
    { name: "TimeoutError" },
  );
}

/** One POST with `node:http`, for agents this module does not pool for; the handler's timers as in {@link exchange}. */
function nodePost(
  target: Target,
  headers: string[],
  body: string,
  settings: HttpSettings,
  signal: AbortSignal,
): Promise<WireResponse> {
  return new Promise<WireResponse>((resolve, reject) => {
    if (signal.aborted) return reject(abortError(signal));
    const timers: ReturnType<typeof setTimeout>[] = [];
    let settled = false;
    let head: ResponseHead | undefined; // once the headers are in: errors are the deserializer's
    const clearHeadTimers = () => timers.forEach(clearTimeout);
    const settle = () => {
      settled = true;
      clearHeadTimers();
      signal.removeEventListener("abort", onAbort);
    };
    const fail = (error: Error) => {
      if (settled) return;
      settle();
      req.destroy();
      reject(head ? deserializationError(error, head) : error);
    };
    const onAbort = () => fail(abortError(signal));
    const send = (target.https ? nodeHttps() : nodeHttp()).request;
    const req = send(
      {
        host: hostOf(target),
        port: target.port || undefined,
        path: target.path,
        method: "POST",
        headers,
        agent: target.https ? settings.httpsAgent : settings.httpAgent,
      },
      (res: IncomingMessage) => {
        clearHeadTimers(); // the SDK's handler resolves here: its head timers end
        head = { statusCode: res.statusCode ?? -1, headers: res.headers };
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", fail);
        res.on("end", () => {
          if (settled) return;
          settle();
          resolve({
            statusCode: res.statusCode ?? -1,
            headers: res.headers,
            body:
              chunks.length === 1
                ? chunks[0]!.toString("utf8")
                : Buffer.concat(chunks).toString("utf8"),
          });
        });
      },
    );
    req.on("error", (error: NodeJS.ErrnoException) => {
      if (!head && TIMEOUT_CODES.has(error.code ?? "")) error.name = "TimeoutError";
      fail(error);
    });
    signal.addEventListener("abort", onAbort, { once: true });
    const connectMs = settings.connectionTimeout;
    if (connectMs) {
      const timer = setTimeout(() => fail(connectionTimeoutError(connectMs)), connectMs);
      timers.push(timer);
      req.once("socket", (socket: Socket) => {
        if (socket.connecting) socket.once("connect", () => clearTimeout(timer));
        else clearTimeout(timer);
      });
    }
    const requestTimer = startRequestTimer(settings, fail);
    if (requestTimer) timers.push(requestTimer);
    const socketMs = socketTimeoutOf(settings);
    if (socketMs > 0) {
      const onTimeout = () => fail(socketTimeoutError(settings, socketMs));
      const arm = () => {
        if (settled) return;
        const socket = req.socket;
        if (!socket) return void req.once("socket", arm);
        if (socket.connecting) return void socket.once("connect", arm);
        socket.setTimeout(socketMs, onTimeout);
        req.once("close", () => socket.removeListener("timeout", onTimeout));
      };
      if (socketMs < SOCKET_TIMEOUT_DEFER_FROM) arm();
      else {
        const defer = setTimeout(arm, SOCKET_TIMEOUT_DEFER_MS);
        req.once("close", () => clearTimeout(defer));
      }
    }
    req.end(body);
  });
}
