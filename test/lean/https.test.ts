/**
 * A lean session loads `node:https` only for an https endpoint (issue 19): to one, the request
 * goes over TLS through the lean client's own keep-alive https agent, made on the first request.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:https";
import { leanDyno } from "../../src/lean/index.js";

test("a lean session to an https endpoint sends over TLS, through an https agent made on first need", async () => {
  const tls = new URL("../support/tls/", import.meta.url);
  let handshakes = 0;
  const server = createServer(
    { cert: readFileSync(new URL("cert.pem", tls)), key: readFileSync(new URL("key.pem", tls)) },
    (_req, res) => res.end("{}"),
  );
  server.on("connection", () => handshakes++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  const dyno = leanDyno({
    endpoint: `https://localhost:${port}`,
    region: "us-east-1",
    credentials: { accessKeyId: "AKID", secretAccessKey: "secret" },
    maxAttempts: 1,
  });
  try {
    // the test certificate is not trusted by the agent: the handshake is refused, as the SDK's is
    const error = (await dyno.getItem({ TableName: "T", Key: { id: { S: "a" } } }).then(
      () => undefined,
      (e: unknown) => e,
    )) as { code?: string; message?: string } | undefined;
    assert.ok(error, "rejected");
    assert.match(`${error.code} ${error.message}`, /CERT|certificate/i);
    assert.ok(handshakes >= 1, "the request reached the server");
  } finally {
    (dyno.client as unknown as { destroy(): void }).destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
