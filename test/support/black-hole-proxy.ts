/**
 * A loopback proxy in front of a real local DynamoDB that black-holes the requests a test picks:
 * it accepts them and never answers (a stalled connection, a lost packet, a hung load
 * balancer), and forwards every other request as it is.
 */
import { createServer, request as httpRequest, type Server } from "node:http";
import type { SeenRequest } from "./http.js";

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
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const operation =
        String(req.headers["x-amz-target"] ?? "")
          .split(".")
          .pop() ?? "";
      const entry = { operation, body: raw.length ? JSON.parse(raw.toString("utf8")) : undefined };
      seen.push(entry);
      if (swallow(entry, seen.length - 1)) {
        swallowed++;
        return; // accepted, never answered
      }
      const forward = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 500, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on("error", () => res.destroy());
      forward.end(raw);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    seen,
    get swallowed() {
      return swallowed;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
