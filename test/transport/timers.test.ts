/**
 * The handler's timers on both transports, side by side on the same loopback servers:
 * `requestTimeout` ends when the response's headers arrive (a slow body is not a timeout, and
 * a write is applied once), `connectionTimeout` bounds the wait for a free socket, and
 * `socketTimeout` covers the body.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Agent, createServer, type Server } from "node:http";
import { createServer as createNetServer, type Socket } from "node:net";
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { Dyno } from "../../src/index.js";
import { localClientConfig } from "../../src/local/index.js";
import { createTestTable, testClient, testEndpoint } from "../support/db.js";
import { forwardTo, listenOnLoopback, readRequest } from "../support/loopback-server.js";

type HandlerOptions = ConstructorParameters<typeof NodeHttpHandler>[0];

/**
 * A proxy in front of the suite's DynamoDB that forwards each request, sends the answer's
 * status and headers at once and its body `bodyDelayMs` later.
 */
async function slowBodyProxy(bodyDelayMs: number) {
  const upstream = await testEndpoint();
  const server: Server = createServer((req, res) =>
    readRequest(req, (raw) =>
      forwardTo(upstream, req, res, raw, (answer) => {
        const body: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => body.push(chunk));
        answer.on("end", () => {
          res.writeHead(answer.statusCode ?? 500, answer.headers);
          res.flushHeaders();
          setTimeout(() => res.end(Buffer.concat(body)), bodyDelayMs);
        });
      }),
    ),
  );
  return listenOnLoopback(server);
}

/** One client on `endpoint` with `handler`, and a session per transport over it. */
function sessions(endpoint: string, handler: HandlerOptions, config: object = {}) {
  const client = new DynamoDBClient({
    ...localClientConfig(endpoint),
    requestHandler: new NodeHttpHandler(handler),
    ...config,
  });
  const direct = new Dyno({ client, transport: "direct" });
  assert.equal(direct.transport, "direct", direct.transportReason);
  return { client, sdk: new Dyno({ client }), direct };
}

test("requestTimeout ends at the response's headers: a slow body applies a write once, on both transports", async () => {
  const setup = await testClient();
  const TableName = await createTestTable(setup, { sortKey: null });
  // The headers come once DynamoDB answered (well within 4 s even on a loaded machine), the
  // body 5 s later: past the requestTimeout, which must not cover it.
  const proxy = await slowBodyProxy(5000);
  const warnings: string[] = [];
  const logger = { warn: (message: string) => void warnings.push(message) };
  await Promise.all(
    [true, false].map(async (throwOnRequestTimeout) => {
      const { client, sdk, direct } = sessions(proxy.endpoint, {
        requestTimeout: 4000,
        throwOnRequestTimeout,
        logger,
      } as never);
      await Promise.all(
        (
          [
            ["sdk", sdk],
            ["direct", direct],
          ] as const
        ).map(async ([name, dyno]) => {
          const Key = { pk: { S: `${name}-${throwOnRequestTimeout}` } };
          const output = await dyno.updateItem({
            TableName,
            Key,
            UpdateExpression: "ADD n :one",
            ExpressionAttributeValues: { ":one": { N: "1" } },
            ReturnValues: "ALL_NEW",
          });
          assert.equal(output.$metadata.attempts, 1, `${name}: one attempt`);
          assert.deepEqual(output.Attributes?.n, { N: "1" }, `${name}: the write is applied once`);
          const stored = await setup.send(new GetItemCommand({ TableName, Key }));
          assert.deepEqual(stored.Item?.n, { N: "1" }, `${name}: the table holds 1`);
        }),
      );
      client.destroy();
    }),
  );
  assert.deepEqual(warnings, [], "neither transport warns: the headers came within the timeout");
  await proxy.stop();
});

/** An HTTP server answering every request after `delayMs` with an empty JSON object. */
async function slowServer(delayMs: number) {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests++;
    req.resume();
    req.on("end", () =>
      setTimeout(() => {
        res.writeHead(200, { "content-type": "application/x-amz-json-1.0", "content-length": 2 });
        res.end("{}");
      }, delayMs),
    );
  });
  const { endpoint, stop } = await listenOnLoopback(server);
  return {
    endpoint,
    stop,
    get requests() {
      return requests;
    },
  };
}

/** How each of `calls` settled: "ok", or the error's name and message. */
async function outcomes(calls: PromiseLike<unknown>[]) {
  return Promise.all(
    calls.map((call) =>
      Promise.resolve(call).then(
        () => "ok",
        (error: Error) => `${error.name}: ${error.message}`,
      ),
    ),
  );
}

/** A raw TCP server: `reply` gets each connection's socket once the request arrives. */
async function rawServer(reply: (socket: Socket) => void) {
  const sockets = new Set<Socket>();
  const tcp = createNetServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.once("data", () => reply(socket));
  });
  await new Promise<void>((resolve) => tcp.listen(0, "127.0.0.1", resolve));
  const port = (tcp.address() as { port: number }).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        tcp.close(() => resolve());
      }),
  };
}

/** The fields of an error a caller tells errors apart by. */
function shape(error: unknown) {
  const e = error as Error & { code?: string; $metadata?: { httpStatusCode?: number } };
  return {
    class: e.constructor.name,
    name: e.name,
    code: e.code,
    message: e.message,
    status: e.$metadata?.httpStatusCode,
  };
}

async function failure(promise: PromiseLike<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail("expected a rejection");
}

const Key = { pk: { S: "a" } };

test("socketTimeout covers the body: a body that stalls fails the same way on both transports", async () => {
  const stall = await rawServer((socket) =>
    socket.write(
      'HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\nx-amzn-requestid: r1\r\ncontent-length: 50\r\n\r\n{"Item":',
    ),
  );
  const { client, sdk, direct } = sessions(
    stall.endpoint,
    { socketTimeout: 300 },
    { maxAttempts: 1 },
  );
  const theirs = await failure(sdk.getItem({ TableName: "t", Key }));
  const ours = await failure(direct.getItem({ TableName: "t", Key }));
  assert.equal(shape(ours).name, "TimeoutError");
  assert.deepEqual(shape(ours), shape(theirs));
  client.destroy();
  await stall.stop();
});

test("an agent's timeout does not fail a busy request (node only closes idle sockets with it)", async () => {
  const srv = await slowServer(400);
  const { client, sdk, direct } = sessions(srv.endpoint, {
    httpAgent: new Agent({ keepAlive: true, timeout: 100 }),
  });
  assert.deepEqual(
    await outcomes([sdk.getItem({ TableName: "t", Key }), direct.getItem({ TableName: "t", Key })]),
    ["ok", "ok"],
  );
  client.destroy();
  await srv.stop();
});

test("a socketTimeout of 6 s or more is armed 3 s into the request, as the SDK's handler arms it", async () => {
  const silent = await rawServer(() => {});
  const { client, sdk, direct } = sessions(
    silent.endpoint,
    { socketTimeout: 6000 },
    { maxAttempts: 1 },
  );
  const started = Date.now();
  const timed = (call: PromiseLike<unknown>) =>
    Promise.resolve(call).then(
      () => assert.fail("expected a timeout"),
      (error: Error) => ({ error: shape(error), ms: Date.now() - started }),
    );
  const [theirs, ours] = await Promise.all([
    timed(sdk.getItem({ TableName: "t", Key })),
    timed(direct.getItem({ TableName: "t", Key })),
  ]);
  assert.deepEqual(ours.error, theirs.error);
  assert.ok(theirs.ms >= 8500, `the SDK failed after ${theirs.ms} ms`);
  assert.ok(ours.ms >= 8500, `the direct transport failed after ${ours.ms} ms, not 9 s`);
  client.destroy();
  await silent.stop();
});

test("connectionTimeout bounds the wait for a free socket (maxSockets 1, slow server), as on the SDK", async () => {
  const srv = await slowServer(1200);
  const run = async (transport: "sdk" | "direct") => {
    const { client, sdk, direct } = sessions(
      srv.endpoint,
      { connectionTimeout: 300, httpAgent: new Agent({ keepAlive: true, maxSockets: 1 }) },
      { maxAttempts: 1 },
    );
    const dyno = transport === "sdk" ? sdk : direct;
    const results = await outcomes(
      ["first", "queued", "also-queued"].map((pk) =>
        dyno.getItem({ TableName: "t", Key: { pk: { S: pk } } }),
      ),
    );
    client.destroy();
    return results;
  };
  const theirs = await run("sdk");
  const ours = await run("direct");
  assert.equal(theirs[0], "ok");
  assert.match(theirs[1]!, /^TimeoutError: .*did not establish a connection .* 300 ms/);
  assert.deepEqual(ours, theirs);
  await srv.stop();
});

test("client.destroy() fails a request in flight at once on both transports, as the SDK's handler does", async () => {
  // A server that takes requests and never answers: only the destroy can end them.
  const sockets: Socket[] = [];
  const server = createNetServer((socket) => {
    sockets.push(socket);
    socket.on("data", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  const silent = { endpoint: `http://127.0.0.1:${port}` };
  try {
    const outcomes = await Promise.all(
      (["sdk", "direct"] as const).map(async (transport) => {
        const client = new DynamoDBClient({
          ...localClientConfig(silent.endpoint),
          maxAttempts: 1,
        });
        const dyno = new Dyno({ client, transport });
        assert.equal(dyno.transport, transport, dyno.transportReason);
        const pending = dyno.getItem({ TableName: "t", Key: { pk: { S: "a" } } });
        const settled = pending.then(
          () => ({ ok: true as const }),
          (error: Error) => ({ ok: false as const, name: error.name, message: error.message }),
        );
        await new Promise((resolve) => setTimeout(resolve, 300));
        const destroyedAt = Date.now();
        client.destroy();
        const outcome = await Promise.race([
          settled,
          new Promise<"pending">((resolve) => setTimeout(() => resolve("pending"), 5000)),
        ]);
        return { transport, outcome, ms: Date.now() - destroyedAt };
      }),
    );
    const [sdk, direct] = outcomes;
    assert.notEqual(sdk!.outcome, "pending", "the SDK path settles");
    assert.notEqual(direct!.outcome, "pending", "the direct path settles after destroy()");
    assert.deepEqual(direct!.outcome, sdk!.outcome);
    assert.ok(direct!.ms < 2000, `settled ${direct!.ms} ms after destroy()`);
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});
