/**
 * HTTP-layer helpers for tests: a request handler that counts what reaches the wire and can
 * answer some requests itself (faults DynamoDB Local cannot produce on demand), and a
 * "black hole" server that accepts requests and never answers (to test aborts).
 */
import { createServer, type Server } from "node:http";
import { Readable } from "node:stream";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { forwardTo, listenOnLoopback, readRequest } from "./loopback-server.js";

/** A request as the handler sees it. */
export interface SeenRequest {
  operation: string;
  body: unknown;
}

/** A canned answer: status and JSON body; `hang` (faultProxy only): never answer at all. */
export interface CannedResponse {
  status: number;
  body: unknown;
  hang?: boolean;
}

/**
 * A `requestHandler` for DynamoDBClient that records each HTTP request's operation and body
 * and, when `intercept` returns a response, answers with it instead of sending the request.
 */
export function recordingHandler(
  intercept?: (request: SeenRequest, index: number) => CannedResponse | undefined,
) {
  const inner = new NodeHttpHandler();
  const seen: SeenRequest[] = [];
  const handler = {
    seen,
    async handle(
      request: { headers: Record<string, string>; body?: unknown },
      options?: { abortSignal?: AbortSignal },
    ) {
      const operation = (request.headers["x-amz-target"] ?? "").split(".").pop() ?? "";
      const body = bodyOf(request.body);
      const entry = { operation, body };
      seen.push(entry);
      const canned = intercept?.(entry, seen.length - 1);
      if (canned) return { response: jsonResponse(canned) };
      return inner.handle(request as never, options as never);
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs() {
      return {};
    },
    destroy() {
      inner.destroy();
    },
  };
  return handler;
}

/** The JSON body of a request (a string or bytes, as the SDK serialized it). */
export function bodyOf(body: unknown): unknown {
  if (typeof body === "string") return JSON.parse(body);
  if (body instanceof Uint8Array) return JSON.parse(new TextDecoder().decode(body));
  return undefined;
}

/** An HTTP response object as the SDK's deserializers expect it. */
export function jsonResponse({ status, body }: CannedResponse) {
  const text = JSON.stringify(body);
  return {
    statusCode: status,
    reason: undefined,
    headers: {
      "content-type": "application/x-amz-json-1.0",
      "content-length": String(Buffer.byteLength(text)),
    },
    body: Readable.from([Buffer.from(text)]),
  };
}

/** DynamoDB's throttling answer. */
export const throttled: CannedResponse = {
  status: 400,
  body: {
    __type: "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
    message: "The level of configured provisioned throughput for the table was exceeded.",
  },
};

/** A server that accepts requests and never answers; `closed` counts requests whose socket the client closed. */
export async function blackHole(): Promise<{
  endpoint: string;
  received: number;
  closed: number;
  stop(): Promise<void>;
}> {
  const state = { received: 0, closed: 0 };
  const server: Server = createServer((req) => {
    state.received++;
    req.socket.once("close", () => state.closed++);
  });
  const { endpoint, stop } = await listenOnLoopback(server);
  return {
    endpoint,
    get received() {
      return state.received;
    },
    get closed() {
      return state.closed;
    },
    stop,
  };
}

/**
 * A fault-injecting proxy in front of `target` (a real local DynamoDB): every request is
 * recorded, and answered by `intercept` when it returns a response, else forwarded as is.
 * Both transports can be pointed at it, so an injected fault reaches each the same way.
 */
export async function faultProxy(
  target: string,
  intercept?: (request: SeenRequest, index: number) => CannedResponse | undefined,
): Promise<{ endpoint: string; seen: SeenRequest[]; stop(): Promise<void> }> {
  const seen: SeenRequest[] = [];
  const server: Server = createServer((req, res) =>
    readRequest(req, (raw, operation) => {
      const entry = { operation, body: raw.length ? JSON.parse(raw.toString("utf8")) : undefined };
      seen.push(entry);
      const canned = intercept?.(entry, seen.length - 1);
      if (canned?.hang) return; // black-holed: the socket stays open until stop()
      if (!canned) return forwardTo(target, req, res, raw);
      const text = JSON.stringify(canned.body);
      res.writeHead(canned.status, {
        "content-type": "application/x-amz-json-1.0",
        "content-length": Buffer.byteLength(text),
        "x-amzn-requestid": `proxy-${seen.length}`,
      });
      res.end(text);
    }),
  );
  return { ...(await listenOnLoopback(server)), seen };
}
