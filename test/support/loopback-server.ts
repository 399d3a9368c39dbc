/**
 * The pieces every loopback test server and proxy shares: listening on a free loopback port
 * (stopped with every connection closed), reading a request's whole body and operation, and
 * forwarding a request to the real DynamoDB behind.
 */
import {
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";

/** A server listening on loopback: its endpoint and how to stop it. */
export interface Listening {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Starts `server` on a free port of 127.0.0.1; `stop()` closes its connections and it. */
export async function listenOnLoopback(server: Server): Promise<Listening> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The DynamoDB operation a request names (`X-Amz-Target`'s last part; "" when none). */
export const operationOf = (req: IncomingMessage): string =>
  String(req.headers["x-amz-target"] ?? "")
    .split(".")
    .pop() ?? "";

/** Calls `then` with a request's whole body and its operation once it has arrived. */
export function readRequest(
  req: IncomingMessage,
  then: (raw: Buffer, operation: string) => void,
): void {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => then(Buffer.concat(chunks), operationOf(req)));
}

/**
 * Forwards a request (its body `raw`, already read) to `target` as it is; `answer` gets the
 * upstream response (default: sent back as it is). A failed forward destroys the client's socket.
 */
export function forwardTo(
  target: string,
  req: IncomingMessage,
  res: ServerResponse,
  raw: Buffer,
  answer: (upstream: IncomingMessage) => void = (upstream) => {
    res.writeHead(upstream.statusCode ?? 500, upstream.headers);
    upstream.pipe(res);
  },
): void {
  const url = new URL(target);
  const forward = httpRequest(
    { host: url.hostname, port: url.port, path: req.url, method: req.method, headers: req.headers },
    answer,
  );
  forward.on("error", () => res.destroy());
  forward.end(raw);
}
