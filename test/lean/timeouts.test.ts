/**
 * A lean request never waits forever: a server that accepts the connection and never answers
 * fails the request with the SDK handler's `TimeoutError`, on the direct path and on the SDK path
 * (a control-plane call); the default socket timeout is DynamoDB's service default in the SDK.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:net";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { leanDyno } from "../../src/lean/index.js";
import { DEFAULT_SOCKET_TIMEOUT_MS, LeanClient } from "../../src/lean/client.js";
import { directState } from "../../src/transport/direct-state.js";

/** Accepts connections, reads, never answers. */
async function silentServer(): Promise<{
  server: Server;
  endpoint: string;
  accepted: () => number;
}> {
  let accepted = 0;
  const server = createServer((socket) => {
    accepted++;
    socket.on("data", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { server, endpoint: `http://127.0.0.1:${port}`, accepted: () => accepted };
}

const credentials = { accessKeyId: "AKID", secretAccessKey: "secret" };
const servers: Server[] = [];
after(() => servers.forEach((s) => s.close()));

test("a silent server: GetItem (direct) and DescribeTable (SDK) fail with TimeoutError after socketTimeout", async () => {
  const { server, endpoint, accepted } = await silentServer();
  servers.push(server);
  const dyno = leanDyno({
    endpoint,
    region: "us-east-1",
    credentials,
    socketTimeout: 300,
    maxAttempts: 1,
  });
  const client = dyno.client as unknown as LeanClient;
  try {
    const started = Date.now();
    await assert.rejects(
      dyno.getItem({ TableName: "T", Key: { id: { S: "a" } } }).await(),
      (e: Error) =>
        e.name === "TimeoutError" &&
        /timed out after 300 ms of inactivity \(configured by client requestHandler\)/.test(
          e.message,
        ),
    );
    assert.ok(Date.now() - started < 10_000, "the deadline held");
    await assert.rejects(
      dyno.describeTable({ TableName: "T" }).await(),
      (e: Error) => e.name === "TimeoutError" && /300 ms/.test(e.message),
    );
    assert.ok(accepted() >= 2, "both requests reached the server");
  } finally {
    client.destroy();
  }
});

test("the default socket timeout is DynamoDB's service default in the SDK; timeouts are checked", async () => {
  const client = new LeanClient({ region: "us-east-1", credentials });
  try {
    const { http } = await client[directState]!.ready;
    assert.equal(http.socketTimeout, DEFAULT_SOCKET_TIMEOUT_MS);
    assert.equal(http.socketTimeoutIsDefault, true);
    assert.equal(http.connectionTimeout, undefined);
  } finally {
    client.destroy();
  }
  // the SDK's figure, which it applies when AWS_ENABLE_DEFAULT_SOCKET_TIMEOUT_2026 is "true"
  const saved = process.env.AWS_ENABLE_DEFAULT_SOCKET_TIMEOUT_2026;
  process.env.AWS_ENABLE_DEFAULT_SOCKET_TIMEOUT_2026 = "true";
  try {
    const sdk = new DynamoDBClient({ region: "us-east-1", credentials });
    assert.equal(
      (sdk.config as unknown as { defaultSocketTimeout: number }).defaultSocketTimeout,
      DEFAULT_SOCKET_TIMEOUT_MS,
    );
    sdk.destroy();
  } finally {
    if (saved === undefined) delete process.env.AWS_ENABLE_DEFAULT_SOCKET_TIMEOUT_2026;
    else process.env.AWS_ENABLE_DEFAULT_SOCKET_TIMEOUT_2026 = saved;
  }
  for (const bad of [0, -1, Number.NaN, Infinity, "5" as never])
    for (const name of ["socketTimeout", "connectionTimeout"] as const)
      assert.throws(
        () => new LeanClient({ region: "us-east-1", credentials, [name]: bad }),
        new RegExp(`^TypeError: ${name}: expected a positive number of milliseconds`),
      );
});

test("connectionTimeout: a connection that is never established fails the request", async (t) => {
  // 10.255.255.1 is not routed here: the SYN goes unanswered (skip when the network refuses at once)
  const dyno = leanDyno({
    endpoint: "http://10.255.255.1:81",
    region: "us-east-1",
    credentials,
    connectionTimeout: 300,
    maxAttempts: 1,
  });
  try {
    const started = Date.now();
    const error = await dyno.getItem({ TableName: "T", Key: { id: { S: "a" } } }).then(
      () => undefined,
      (e: Error) => e,
    );
    assert.ok(error, "the request failed");
    if (error.name !== "TimeoutError")
      return t.skip(`no unanswered route here (${error.name}: ${error.message}): nothing to time`);
    assert.match(
      error.message,
      /did not establish a connection with the server within the configured timeout of 300 ms/,
    );
    assert.ok(Date.now() - started < 10_000);
  } finally {
    (dyno.client as unknown as LeanClient).destroy();
  }
});
