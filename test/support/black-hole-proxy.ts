/**
 * A loopback proxy in front of a real local DynamoDB that black-holes the requests a test picks:
 * it accepts them and never answers (a stalled connection, a lost packet, a hung load
 * balancer), and forwards every other request as it is.
 */
import { createServer, type Server } from "node:http";
import type { SeenRequest } from "./http.js";
import { forwardTo, listenOnLoopback, readRequest } from "./loopback-server.js";

/** The proxy: its endpoint, what it saw, how many requests it left hanging. */
export interface BlackHoleProxy {
  readonly endpoint: string;
  readonly seen: SeenRequest[];
  /** Requests accepted and never answered so far. */
  readonly swallowed: number;
  stop(): Promise<void>;
}

/**
 * Starts the proxy in front of `target`; `swallow(request, index)` returning true leaves that
 * request unanswered (its socket stays open until the client gives up or the proxy stops).
 */
export async function blackHoleProxy(
  target: string,
  swallow: (request: SeenRequest, index: number) => boolean,
): Promise<BlackHoleProxy> {
  const seen: SeenRequest[] = [];
  let swallowed = 0;
  const server: Server = createServer((req, res) =>
    readRequest(req, (raw, operation) => {
      const entry = { operation, body: raw.length ? JSON.parse(raw.toString("utf8")) : undefined };
      seen.push(entry);
      if (swallow(entry, seen.length - 1)) {
        swallowed++;
        return; // accepted, never answered
      }
      forwardTo(target, req, res, raw);
    }),
  );
  const { endpoint, stop } = await listenOnLoopback(server);
  return {
    endpoint,
    seen,
    get swallowed() {
      return swallowed;
    },
    stop,
  };
}
