/**
 * One HTTP POST over the client's own keep-alive agents, with the timeouts and abort
 * behaviour of the SDK's `NodeHttpHandler` (same error names and messages).
 * @module
 */
import { request as httpRequest, type Agent as HttpAgent, type IncomingMessage } from "node:http";
import { request as httpsRequest, type Agent as HttpsAgent } from "node:https";
import type { WireResponse } from "./errors.js";

/** The settings of the client's `NodeHttpHandler` that the transport honours. */
export interface HttpSettings {
  readonly httpAgent: HttpAgent;
  readonly httpsAgent: HttpsAgent;
  readonly connectionTimeout?: number;
  readonly requestTimeout?: number;
  readonly throwOnRequestTimeout?: boolean;
  readonly socketTimeout?: number;
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
 * list of names and values (`[name, value, ...]`), which node writes as given, without the
 * per-header bookkeeping of a headers object.
 */
export function post(
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
        res.on("error", (error) => fail(error));
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
      const timer = setTimeout(
        () =>
          fail(
            Object.assign(
              new Error(
                `@smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of ${ms} ms.`,
              ),
              { name: "TimeoutError" },
            ),
          ),
        ms,
      );
      timers.push(timer);
      req.once("socket", (socket) => {
        if (socket.connecting) socket.once("connect", () => clearTimeout(timer));
        else clearTimeout(timer);
      });
    }
    if (settings.requestTimeout && settings.throwOnRequestTimeout) {
      const ms = settings.requestTimeout;
      timers.push(
        setTimeout(
          () =>
            fail(
              Object.assign(
                new Error(
                  `@smithy/node-http-handler - [ERROR] a request has exceeded the configured ${ms} ms requestTimeout.`,
                ),
                { name: "TimeoutError", code: "ETIMEDOUT" },
              ),
            ),
          ms,
        ),
      );
    }
    if (settings.socketTimeout && settings.socketTimeout > 0) {
      const ms = settings.socketTimeout;
      req.setTimeout(ms, () =>
        fail(
          Object.assign(
            new Error(
              `@smithy/node-http-handler - the request socket timed out after ${ms} ms of inactivity (configured by client requestHandler).`,
            ),
            { name: "TimeoutError" },
          ),
        ),
      );
    }
    req.end(body);
  });
}
