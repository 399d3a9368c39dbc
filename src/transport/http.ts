/**
 * One HTTP POST over the client's own keep-alive agents, with the timeouts and abort
 * behaviour of the SDK's `NodeHttpHandler` (same error names and messages).
 * @module
 */
import { request as httpRequest, type Agent as HttpAgent, type IncomingMessage } from "node:http";
import { request as httpsRequest, type Agent as HttpsAgent } from "node:https";
import {
  originPool,
  type Connection,
  type Exchange,
  type OriginPool,
  type OutgoingRequest,
} from "./connections.js";
import { DESERIALIZATION_NOTE, type WireResponse } from "./errors.js";

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
 * Sends one POST and resolves with the whole response (body as text). `headers` is a flat
 * list of names and values (`[name, value, ...]`). Through one of node's own agents the
 * request goes over this module's keep-alive connections (`connections.ts`); through any
 * other agent, with `node:http`.
 */
export function post(
  target: Target,
  headers: string[],
  body: string,
  settings: HttpSettings,
  signal: AbortSignal,
): Promise<WireResponse> {
  const agent = target.https ? settings.httpsAgent : settings.httpAgent;
  const port = Number(target.port) || (target.https ? 443 : 80);
  const pool = originPool(agent, target.https, hostOf(target), port);
  return pool
    ? exchange(pool, requestText(target, headers, body, pool.keepAlive), settings, signal)
    : nodePost(target, headers, body, settings, signal);
}

/** The hostname without the brackets of an IPv6 literal. */
function hostOf(target: Target): string {
  const host = target.hostname;
  return host.startsWith("[") ? host.slice(1, -1) : host;
}

/** Header names node accepts (RFC 7230 tokens) and values it accepts (no CR, LF, NUL, ...). */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/** The request line and headers; throws as node does for a header it would refuse. */
function requestText(
  target: Target,
  headers: string[],
  body: string,
  keepAlive: boolean,
): { head: string; body: string } {
  let head = `POST ${target.path} HTTP/1.1\r\n`;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!;
    const value = headers[i + 1]!;
    if (!HEADER_NAME.test(name))
      throw Object.assign(new TypeError(`Header name must be a valid HTTP token ["${name}"]`), {
        code: "ERR_INVALID_HTTP_TOKEN",
      });
    if (INVALID_VALUE.test(value))
      throw Object.assign(new TypeError(`Invalid character in header content ["${name}"]`), {
        code: "ERR_INVALID_CHAR",
      });
    head += `${name}: ${value}\r\n`;
  }
  head += keepAlive ? "connection: keep-alive\r\n\r\n" : "connection: close\r\n\r\n";
  return { head, body };
}

/** One request over a pooled connection, with the handler's timeouts and the abort signal. */
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
    const requestTimer = startRequestTimer(settings, (error) => fail(error)); // fires after `fail` exists
    let connectTimer: ReturnType<typeof setTimeout> | undefined;
    const finish = () => {
      settled = true;
      if (requestTimer) clearTimeout(requestTimer);
      if (connectTimer) clearTimeout(connectTimer);
      signal.removeEventListener("abort", onAbort);
    };
    /** `requestError`: an error of the request, named as the SDK's handler names those. */
    const fail = (error: Error, requestError = true) => {
      if (settled) return;
      finish();
      if (connection)
        pool.discard(connection); // a request cut short: its connection is not reused
      else pool.cancel(waiter);
      if (requestError && TIMEOUT_CODES.has((error as NodeJS.ErrnoException).code ?? ""))
        error.name = "TimeoutError";
      reject(error);
    };
    const onAbort = () => fail(abortError(signal));
    const exchange: Exchange = {
      response(response) {
        if (settled) return;
        finish();
        resolve(response);
      },
      error: (error, duringBody) => fail(error, !duringBody),
      timeout: () => fail(socketTimeoutError(settings)),
    };
    const start = (ready: Connection) => {
      if (settled) return pool.release(ready, undefined); // aborted while it waited
      connection = ready;
      const socket = ready.socket;
      if (settings.connectionTimeout && socket.connecting) {
        const ms = settings.connectionTimeout;
        connectTimer = setTimeout(() => fail(connectionTimeoutError(ms)), ms);
        socket.once("connect", () => clearTimeout(connectTimer));
      }
      if (settings.socketTimeout && settings.socketTimeout > 0)
        socket.setTimeout(settings.socketTimeout);
      ready.send(request, exchange);
    };
    const waiter = { ready: start, failed: fail };
    signal.addEventListener("abort", onAbort, { once: true });
    let ready: Connection | undefined;
    try {
      ready = pool.acquire(waiter);
    } catch (error) {
      return fail(error as Error);
    }
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

function socketTimeoutError(settings: HttpSettings): Error {
  const ms = settings.socketTimeout;
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

/** One POST with `node:http`, for agents this module does not pool for. */
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
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      signal.removeEventListener("abort", onAbort);
      req.destroy();
      reject(error);
    };
    const onAbort = () => fail(abortError(signal));
    const send = target.https ? httpsRequest : httpRequest;
    const req = send(
      {
        host: target.hostname.startsWith("[") ? target.hostname.slice(1, -1) : target.hostname,
        port: target.port || undefined,
        path: target.path,
        method: "POST",
        headers,
        agent: target.https ? settings.httpsAgent : settings.httpAgent,
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", (error) => {
          error.message += DESERIALIZATION_NOTE; // as the SDK's deserializer reports it
          fail(error);
        });
        res.on("end", () => {
          if (settled) return;
          settled = true;
          timers.forEach(clearTimeout);
          signal.removeEventListener("abort", onAbort);
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
      if (TIMEOUT_CODES.has(error.code ?? "")) error.name = "TimeoutError";
      fail(error);
    });
    signal.addEventListener("abort", onAbort, { once: true });
    if (settings.connectionTimeout) {
      const ms = settings.connectionTimeout;
      const timer = setTimeout(() => fail(connectionTimeoutError(ms)), ms);
      timers.push(timer);
      req.once("socket", (socket) => {
        if (socket.connecting) socket.once("connect", () => clearTimeout(timer));
        else clearTimeout(timer);
      });
    }
    const requestTimer = startRequestTimer(settings, fail);
    if (requestTimer) timers.push(requestTimer);
    if (settings.socketTimeout && settings.socketTimeout > 0) {
      const ms = settings.socketTimeout;
      req.setTimeout(ms, () => fail(socketTimeoutError(settings)));
    }
    req.end(body);
  });
}
