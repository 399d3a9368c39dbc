import { randomBytes } from "node:crypto";
import { request } from "node:http";
import { DynoError } from "../errors.js";

/**
 * A per-start secret that only the server just started knows: DynamoDB Local is started with
 * `-cors <origin>` for a random origin, and echoes that origin back in
 * `Access-Control-Allow-Origin` only when a request names it. Any other server on the port
 * (another DynamoDB Local allows `*`, or nothing) cannot answer with it. As a side effect,
 * browsers on any real origin cannot call the local server cross-origin.
 */
export function startToken(): { origin: string } {
  return { origin: `http://dyno-ts-${randomBytes(16).toString("hex")}.invalid` };
}

/**
 * Resolves once the DynamoDB-speaking server at `host:port` proves that it is the one started
 * with `origin`: a ListTables naming that origin gets it echoed back in
 * `Access-Control-Allow-Origin`, and one naming another random origin does not (a server
 * that reflects every origin proves nothing). Rejects with a {@link DynoError} naming the port
 * when it answers otherwise or not at all.
 */
export async function proveIdentity(
  host: string,
  port: number,
  origin: string,
  timeoutMs: number,
): Promise<void> {
  const refuse = (why: string, cause?: unknown) =>
    new DynoError(
      `startLocal: the server on ${host} port ${port} is not the DynamoDB Local just started (${why}); not using it.`,
      cause === undefined ? undefined : { cause },
    );
  const decoy = startToken().origin;
  const [mine, other] = await Promise.all([
    allowedOrigin(host, port, origin, timeoutMs, refuse),
    allowedOrigin(host, port, decoy, timeoutMs, refuse),
  ]);
  if (mine.status !== 200 || mine.allowed !== origin) {
    throw refuse(
      `it answered HTTP ${mine.status} with Access-Control-Allow-Origin ${JSON.stringify(mine.allowed ?? null)}`,
    );
  }
  if (other.allowed !== undefined) {
    throw refuse(`it also allows the origin ${JSON.stringify(other.allowed)}`);
  }
}

/** One ListTables naming `origin`: its HTTP status and `Access-Control-Allow-Origin`. */
function allowedOrigin(
  host: string,
  port: number,
  origin: string,
  timeoutMs: number,
  refuse: (why: string, cause?: unknown) => DynoError,
): Promise<{ status: number | undefined; allowed: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host,
        port,
        method: "POST",
        path: "/",
        agent: false,
        timeout: timeoutMs,
        headers: {
          origin,
          "content-type": "application/x-amz-json-1.0",
          "x-amz-target": "DynamoDB_20120810.ListTables",
          // DynamoDB Local checks only that a SigV4-shaped header is present.
          authorization:
            "AWS4-HMAC-SHA256 Credential=local/20000101/local/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
        },
      },
      (res) => {
        res.resume();
        const allowed = res.headers["access-control-allow-origin"];
        resolve({ status: res.statusCode, allowed: Array.isArray(allowed) ? allowed[0] : allowed });
      },
    );
    req.once("timeout", () => req.destroy(refuse(`no answer within ${timeoutMs} ms`)));
    req.once("error", (error) =>
      reject(error instanceof DynoError ? error : refuse(error.message, error)),
    );
    req.end("{}");
  });
}
