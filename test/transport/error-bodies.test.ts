/**
 * Bodies DynamoDB never sends but a load balancer, a proxy or a cut connection may: an HTML
 * 503, plain text, truncated or non-object JSON, on error and success statuses. Both
 * transports must give the same error (the SDK's deserialization error: class, name, message,
 * `$metadata` with status and request id, `$fault`) or output, and retry it the same number
 * of times.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createServer } from "node:http";
import { createServer as createNetServer } from "node:net";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Dyno } from "../../src/index.js";

const BODIES: Record<string, [status: number, contentType: string, body: string]> = {
  "HTML 503": [503, "text/html", "<html><body>503 Service Temporarily Unavailable</body></html>"],
  "text 400": [400, "text/plain", "Bad Request"],
  "whitespace 503": [503, "application/x-amz-json-1.0", "  "],
  "empty 500": [500, "application/x-amz-json-1.0", ""],
  "null 503": [503, "application/x-amz-json-1.0", "null"],
  "array 400": [400, "application/x-amz-json-1.0", "[1]"],
  "string 400": [400, "application/x-amz-json-1.0", '"oops"'],
  "truncated 200": [200, "application/x-amz-json-1.0", '{"Item":{"pk":{"S":"a"'],
  "HTML 200": [200, "text/html", "<html>hello</html>"],
  "null 200": [200, "application/x-amz-json-1.0", "null"],
  "number 200": [200, "application/x-amz-json-1.0", "5"],
  "string 200": [200, "application/x-amz-json-1.0", '"str"'],
  "array 200": [200, "application/x-amz-json-1.0", '[{"S":"x"}]'],
};

/** What a caller can see of an outcome: the output, or the error's class and fields. */
function outcome(result: PromiseSettledResult<unknown>) {
  const sansDelay = (meta: unknown) => ({ ...(meta as object), totalRetryDelay: "<random>" });
  if (result.status === "fulfilled") {
    const output = result.value as { $metadata: unknown };
    return { output: { ...output, $metadata: sansDelay(output.$metadata) } };
  }
  const e = result.reason as Error & Record<string, unknown>;
  return {
    class: e.constructor.name,
    name: e.name,
    message: e.message,
    $fault: e.$fault,
    $metadata: sansDelay(e.$metadata),
    fields: Object.keys(e).sort(),
    response: (e.$response as { statusCode?: number } | undefined)?.statusCode,
  };
}

test("non-JSON and malformed bodies: the same errors and outputs on both transports", async () => {
  let current = "";
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    req.resume();
    req.on("end", () => {
      const [status, type, body] = BODIES[current]!;
      res.writeHead(status, {
        "content-type": type,
        "content-length": Buffer.byteLength(body),
        "x-amzn-requestid": "REQ-1",
        "x-amz-id-2": "EXT-2",
      });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  const client = new DynamoDBClient({
    region: "local",
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 2,
  });
  const sessions = { sdk: new Dyno({ client }), direct: new Dyno({ client, transport: "direct" }) };
  assert.equal(sessions.direct.transport, "direct");
  for (const name of Object.keys(BODIES)) {
    current = name;
    const seen: Record<string, { outcome: ReturnType<typeof outcome>; hits: number }> = {};
    for (const [transport, dyno] of Object.entries(sessions)) {
      hits = 0;
      const [result] = await Promise.allSettled([
        dyno.getItem({ TableName: "t", Key: { pk: { S: "a" } } }),
      ]);
      seen[transport] = { outcome: outcome(result!), hits };
    }
    assert.deepStrictEqual(seen.direct, seen.sdk, name);
    const { outcome: sdk } = seen.sdk!;
    if (name === "HTML 503" || name === "truncated 200") {
      assert.equal(sdk.class, "SyntaxError", name);
      assert.equal((sdk.$metadata as { requestId?: string }).requestId, "REQ-1", name);
    }
  }
  client.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test("responses node's parser refuses fail at once on both transports, and their connection is closed", async () => {
  const heads: Record<string, string> = {
    "space before the colon": "HTTP/1.1 200 OK\r\ncontent-length : 2\r\n\r\n{}",
    "bare LF line ends": "HTTP/1.1 200 OK\ncontent-length: 2\n\n{}",
    "Content-Length and chunked":
      "HTTP/1.1 200 OK\r\ncontent-length: 2\r\ntransfer-encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
    "duplicate differing Content-Length":
      "HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\n{}",
  };
  let reply = "";
  let closed = 0;
  const tcp = createNetServer((socket) => {
    socket.on("data", () => socket.write(reply)); // and the connection is kept open
    socket.on("close", () => closed++);
  });
  await new Promise<void>((resolve) => tcp.listen(0, "127.0.0.1", resolve));
  const port = (tcp.address() as { port: number }).port;
  const client = new DynamoDBClient({
    region: "local",
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
  const sessions = { sdk: new Dyno({ client }), direct: new Dyno({ client, transport: "direct" }) };
  for (const [name, text] of Object.entries(heads)) {
    reply = text;
    for (const [transport, dyno] of Object.entries(sessions)) {
      const before = closed;
      const started = Date.now();
      const error = await dyno.getItem({ TableName: "t", Key: { pk: { S: "a" } } }).then(
        () => assert.fail(`${transport}, ${name}: expected a parse error`),
        (e: Error & { code?: string }) => e,
      );
      assert.match(error.code ?? "", /^HPE_/, `${transport}, ${name}: ${error.message}`);
      assert.ok(Date.now() - started < 2000, `${transport}, ${name}: refused at once`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(closed - before, 1, `${transport}, ${name}: the connection is closed`);
    }
  }
  client.destroy();
  await new Promise<void>((resolve) => tcp.close(() => resolve()));
});
