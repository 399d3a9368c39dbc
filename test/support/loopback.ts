/**
 * A loopback proxy in front of the suite's DynamoDB that records every request as it arrived
 * on the wire (headers and raw body) and can play a server whose clock is off: it answers with
 * its own `Date` header and refuses signatures too far from its clock, as DynamoDB does. Both
 * transports are pointed at it in the same run, so what each sends can be compared exactly.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import { forwardTo, listenOnLoopback, readRequest } from "./loopback-server.js";

/** A request as the proxy received it. */
export interface CapturedRequest {
  readonly operation: string;
  readonly headers: IncomingHttpHeaders;
  /** The body exactly as sent. */
  readonly body: string;
}

/** What the proxy does with each request. */
export interface LoopbackOptions {
  /** The proxy's clock minus the real one, in ms (e.g. -600_000: ten minutes behind). */
  readonly clockOffsetMs?: number;
}

/** Most a signature's date may differ from the server's clock (DynamoDB's window is 5 minutes). */
const SKEW_LIMIT_MS = 300_000;

/** Starts the proxy in front of `target` (`http://host:port`); stop it with `stop()`. */
export async function loopbackProxy(
  target: string,
  options: LoopbackOptions = {},
): Promise<{ endpoint: string; seen: CapturedRequest[]; stop(): Promise<void> }> {
  const seen: CapturedRequest[] = [];
  const offset = options.clockOffsetMs ?? 0;
  const server = createServer((req, res) =>
    readRequest(req, (raw, operation) => {
      seen.push({ operation, headers: req.headers, body: raw.toString("utf8") });
      const now = new Date(Date.now() + offset);
      const signed = parseAmzDate(String(req.headers["x-amz-date"] ?? ""));
      if (offset !== 0 && Math.abs(signed - now.getTime()) > SKEW_LIMIT_MS) {
        const text = JSON.stringify({
          __type: "com.amazon.coral.service#InvalidSignatureException",
          message: `Signature not yet current: ${String(req.headers["x-amz-date"])} is still later than ${amzDate(now)} (${amzDate(now)} + 5 min.)`,
        });
        res.writeHead(400, {
          "content-type": "application/x-amz-json-1.0",
          "content-length": Buffer.byteLength(text),
          date: now.toUTCString(),
          "x-amzn-requestid": `skew-${seen.length}`,
        });
        res.end(text);
        return;
      }
      forwardTo(target, req, res, raw, (answer) => {
        const headers = { ...answer.headers };
        if (offset !== 0) headers.date = now.toUTCString();
        res.writeHead(answer.statusCode ?? 500, headers);
        answer.pipe(res);
      });
    }),
  );
  return { ...(await listenOnLoopback(server)), seen };
}

/** `20150830T123600Z` as ms since the epoch (NaN when malformed). */
function parseAmzDate(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return Number.NaN;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}

function amzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}
