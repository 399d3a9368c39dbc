/**
 * The direct transport's own HTTP/1.1 connections, against servers this test starts on
 * loopback: keep-alive reuse, the agent's maxSockets (FIFO), the framings a server may use,
 * connections the server closes, cut-off responses and timeouts (the same errors as the SDK's
 * handler), cancellation while queued, `client.destroy()`, and agents that keep node:http.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Agent, createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createNetServer, type Server as NetServer, type Socket } from "node:net";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { readFileSync } from "node:fs";
import { Agent as HttpsAgent, createServer as createHttpsServer } from "node:https";
import { AbortError, Dyno } from "../../src/index.js";

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));
const ITEM = { Item: { pk: { S: "a" }, text: { S: "ünïcödé ✓".repeat(50) } } };
const Key = { pk: { S: "a" } };

/** An HTTP server on 127.0.0.1 that counts connections and the keys it was asked for. */
async function server(answer: (req: IncomingMessage, res: ServerResponse, body: string) => void) {
  const state = { connections: 0, open: 0, keys: [] as string[], sockets: new Set<Socket>() };
  const http = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      state.keys.push(String((JSON.parse(body) as { Key?: { pk?: { S?: string } } }).Key?.pk?.S));
      answer(req, res, body);
    });
  });
  http.on("connection", (socket: Socket) => {
    state.connections++;
    state.open++;
    state.sockets.add(socket);
    socket.on("close", () => {
      state.open--;
      state.sockets.delete(socket);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const port = (http.address() as { port: number }).port;
  return {
    state,
    http,
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

/** A TCP server answering every connection with `reply` (raw bytes: framings node would not write). */
async function rawServer(
  reply: (socket: Socket) => void,
): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const tcp: NetServer = createNetServer((socket) => {
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

function json(res: ServerResponse, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(200, {
    "content-type": "application/x-amz-json-1.0",
    "content-length": String(Buffer.byteLength(text)),
    "x-amzn-requestid": "req-1",
    ...headers,
  });
  res.end(text);
}

function clients(endpoint: string, handler?: ConstructorParameters<typeof NodeHttpHandler>[0]) {
  const client = new DynamoDBClient({
    region: "local",
    endpoint,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
    ...(handler ? { requestHandler: new NodeHttpHandler(handler) } : {}),
  });
  const direct = new Dyno({ client, transport: "direct" });
  assert.equal(direct.transport, "direct");
  return { client, direct, sdk: new Dyno({ client }) };
}

/** The fields of an error a caller tells errors apart by. */
const shape = (e: unknown) => {
  const error = e as Error & { code?: string };
  return {
    class: error.constructor.name,
    name: error.name,
    code: error.code,
    message: error.message,
  };
};

async function failure(promise: PromiseLike<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail("expected a rejection");
}

test("keep-alive: one connection for sequential calls; concurrent calls queue FIFO within maxSockets", async () => {
  const srv = await server((_req, res) => setTimeout(() => json(res, ITEM), 15));
  const { client, direct } = clients(srv.endpoint, {
    httpAgent: new Agent({ keepAlive: true, maxSockets: 2 }),
  });
  for (let i = 0; i < 3; i++)
    assert.deepEqual((await direct.getItem({ TableName: "t", Key })).Item, ITEM.Item);
  assert.equal(srv.state.connections, 1, "sequential calls share one connection");

  srv.state.keys.length = 0;
  const keys = Array.from({ length: 8 }, (_, i) => `k${i}`);
  const outputs = await Promise.all(
    keys.map((k) => direct.getItem({ TableName: "t", Key: { pk: { S: k } } })),
  );
  assert.equal(outputs.length, 8);
  assert.equal(srv.state.connections, 2, "never more than maxSockets connections");
  assert.deepEqual(srv.state.keys, keys, "queued calls are sent in the order they were made");
  client.destroy();
  const deadline = Date.now() + 1000;
  while (srv.state.open > 0) {
    assert.ok(Date.now() < deadline, "client.destroy() closes the transport's connections");
    await tick(5);
  }
  await srv.stop();
});

test("chunked responses and responses framed by the close parse as the SDK's do", async () => {
  const chunked = await server((_req, res) => {
    res.writeHead(200, { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": "c" });
    const text = JSON.stringify(ITEM);
    res.write(text.slice(0, 7));
    setTimeout(() => res.end(text.slice(7)), 5);
  });
  const a = clients(chunked.endpoint);
  assert.deepEqual(
    await a.direct.getItem({ TableName: "t", Key }),
    await a.sdk.getItem({ TableName: "t", Key }),
  );
  a.client.destroy();
  await chunked.stop();

  const text = JSON.stringify(ITEM);
  const closing = await rawServer((socket) => {
    socket.write(
      "HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\nx-amzn-requestid: z\r\n\r\n",
    );
    socket.end(text);
  });
  const b = clients(closing.endpoint);
  const direct = await b.direct.getItem({ TableName: "t", Key });
  assert.deepEqual(direct, await b.sdk.getItem({ TableName: "t", Key }));
  assert.equal(direct.$metadata.requestId, "z");
  b.client.destroy();
  await closing.stop();
});

test("connections the server closes are not reused: closed while idle, and Connection: close", async () => {
  const srv = await server((req, res) => {
    const key = srv.state.keys.at(-1);
    json(res, ITEM, key === "close" ? { connection: "close" } : {});
    if (key === "then-close") res.once("finish", () => setTimeout(() => req.socket.destroy(), 20));
  });
  const { client, direct } = clients(srv.endpoint);
  await direct.getItem({ TableName: "t", Key: { pk: { S: "then-close" } } });
  await tick(100); // the server has closed the idle connection
  await direct.getItem({ TableName: "t", Key });
  assert.equal(srv.state.connections, 2);
  await direct.getItem({ TableName: "t", Key: { pk: { S: "close" } } }); // answered with Connection: close
  await direct.getItem({ TableName: "t", Key });
  assert.equal(srv.state.connections, 3);
  client.destroy();
  await srv.stop();
});

test("a connection cut before the response: the SDK's error on both transports", async () => {
  const cut = await rawServer((socket) => setTimeout(() => socket.destroy(), 10));
  const { client, direct, sdk } = clients(cut.endpoint);
  const ours = shape(await failure(direct.getItem({ TableName: "t", Key })));
  const theirs = shape(await failure(sdk.getItem({ TableName: "t", Key })));
  assert.equal(ours.name, "TimeoutError"); // ECONNRESET: transient for the retry strategy
  assert.equal(ours.code, "ECONNRESET");
  assert.deepEqual(ours, theirs);
  client.destroy();
  await cut.stop();
});

test("a response cut off mid-body: the SDK's error on both transports", async () => {
  const text = JSON.stringify(ITEM);
  const cut = await rawServer((socket) => {
    socket.write(
      `HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\ncontent-length: ${Buffer.byteLength(text)}\r\n\r\n${text.slice(0, 20)}`,
    );
    setTimeout(() => socket.destroy(), 10);
  });
  const { client, direct, sdk } = clients(cut.endpoint);
  const ours = shape(await failure(direct.getItem({ TableName: "t", Key })));
  const theirs = shape(await failure(sdk.getItem({ TableName: "t", Key })));
  assert.equal(ours.code, "ECONNRESET"); // transient for the retry strategy
  assert.deepEqual(ours, theirs);
  client.destroy();
  await cut.stop();
});

test("a server that never answers: the handler's timeouts, with the SDK's errors", async () => {
  const silent = await rawServer(() => {});
  for (const handler of [
    { requestTimeout: 150, throwOnRequestTimeout: true },
    { socketTimeout: 150 },
  ]) {
    const { client, direct, sdk } = clients(silent.endpoint, handler);
    const ours = shape(await failure(direct.getItem({ TableName: "t", Key })));
    const theirs = shape(await failure(sdk.getItem({ TableName: "t", Key })));
    assert.equal(ours.name, "TimeoutError", JSON.stringify(handler));
    assert.deepEqual(ours, theirs);
    client.destroy();
  }
  await silent.stop();
});

test("a call cancelled while it waits for a connection leaves the queue at once", async () => {
  const srv = await server((_req, res) => setTimeout(() => json(res, ITEM), 150));
  const { client, direct } = clients(srv.endpoint, {
    httpAgent: new Agent({ keepAlive: true, maxSockets: 1 }),
  });
  const first = direct.getItem({ TableName: "t", Key: { pk: { S: "first" } } });
  const queued = direct.getItem({ TableName: "t", Key: { pk: { S: "queued" } } });
  const third = direct.getItem({ TableName: "t", Key: { pk: { S: "third" } } });
  await tick(20);
  queued.cancel();
  await assert.rejects(queued.await(), AbortError);
  await first;
  await third;
  assert.deepEqual(srv.state.keys, ["first", "third"], "the cancelled call was never sent");
  assert.equal(srv.state.connections, 1);
  client.destroy();
  await srv.stop();
});

test("a header value node would refuse is refused the same way", async () => {
  const srv = await server((_req, res) => json(res, ITEM));
  const client = new DynamoDBClient({
    region: "local",
    endpoint: srv.endpoint,
    credentials: {
      accessKeyId: "local",
      secretAccessKey: "local",
      sessionToken: "bad\r\ninjected: 1",
    },
    maxAttempts: 1,
  });
  const direct = new Dyno({ client, transport: "direct" });
  const ours = shape(await failure(direct.getItem({ TableName: "t", Key })));
  const theirs = shape(await failure(new Dyno({ client }).getItem({ TableName: "t", Key })));
  assert.equal(ours.code, "ERR_INVALID_CHAR");
  assert.deepEqual(ours, theirs);
  assert.equal(srv.state.keys.length, 0, "nothing was sent");
  client.destroy();
  await srv.stop();
});

test("an agent of another class (a proxy agent, say) keeps node:http and is used for every call", async () => {
  const srv = await server((_req, res) => json(res, ITEM));
  let routed = 0;
  /** A subclass whose requests go through its own `addRequest` (as proxy agents' do). */
  class RoutingAgent extends Agent {
    constructor(options: ConstructorParameters<typeof Agent>[0]) {
      super(options);
      const self = this as unknown as { addRequest: (...args: unknown[]) => unknown };
      const addRequest = self.addRequest.bind(this);
      self.addRequest = (...args) => {
        routed++;
        return addRequest(...args);
      };
    }
  }
  const { client, direct } = clients(srv.endpoint, {
    httpAgent: new RoutingAgent({ keepAlive: true }),
  });
  assert.deepEqual((await direct.getItem({ TableName: "t", Key })).Item, ITEM.Item);
  assert.equal(routed, 1);
  client.destroy();
  await srv.stop();
});

test("HTTPS: the agent's TLS options and SNI, its session cache, keep-alive, and the SDK's output", async () => {
  const tls = new URL("../support/tls/", import.meta.url);
  const cert = readFileSync(new URL("cert.pem", tls));
  const names: string[] = [];
  let connections = 0;
  let resumed = 0;
  const https = createHttpsServer(
    { cert, key: readFileSync(new URL("key.pem", tls)) },
    (req, res) => {
      names.push(String((req.socket as { servername?: string }).servername));
      req.resume();
      req.on("end", () => json(res, ITEM));
    },
  );
  https.on("secureConnection", (socket: { isSessionReused(): boolean }) => {
    connections++;
    if (socket.isSessionReused()) resumed++;
  });
  await new Promise<void>((resolve) => https.listen(0, "127.0.0.1", resolve));
  const port = (https.address() as { port: number }).port;
  const agent = new HttpsAgent({ keepAlive: true, ca: cert, maxSockets: 1 });
  const { client, direct, sdk } = clients(`https://localhost:${port}`, { httpsAgent: agent });
  const ours = await direct.getItem({ TableName: "t", Key });
  assert.deepEqual(ours, await sdk.getItem({ TableName: "t", Key }));
  await direct.getItem({ TableName: "t", Key });
  assert.deepEqual(names, ["localhost", "localhost", "localhost"], "SNI names the endpoint's host");
  assert.equal(
    connections,
    2,
    "one keep-alive connection per transport (the SDK's is its agent's)",
  );
  assert.equal(resumed, 1, "the second connection resumed the agent's cached TLS session");

  const untrusted = clients(`https://localhost:${port}`, {
    httpsAgent: new HttpsAgent({ keepAlive: true }),
  });
  const refused = shape(await failure(untrusted.direct.getItem({ TableName: "t", Key })));
  assert.equal(refused.code, "DEPTH_ZERO_SELF_SIGNED_CERT", "the certificate is checked");
  assert.deepEqual(refused, shape(await failure(untrusted.sdk.getItem({ TableName: "t", Key }))));
  untrusted.client.destroy();
  client.destroy();
  https.closeAllConnections();
  await new Promise<void>((resolve) => https.close(() => resolve()));
});

test("requestTimeout without throwOnRequestTimeout: the handler's warning, and the call completes", async () => {
  const srv = await server((_req, res) => setTimeout(() => json(res, ITEM), 200));
  const warnings: string[] = [];
  const logger = { warn: (message: string) => warnings.push(message) };
  const { client, direct, sdk } = clients(srv.endpoint, { requestTimeout: 50, logger } as never);
  assert.deepEqual(
    await direct.getItem({ TableName: "t", Key }),
    await sdk.getItem({ TableName: "t", Key }),
  );
  assert.equal(warnings.length, 2);
  assert.equal(warnings[0], warnings[1], "the same warning on both transports");
  assert.match(warnings[0]!, /exceeded the configured 50 ms requestTimeout/);
  client.destroy();
  await srv.stop();
});

test(
  "responses read in pieces on a reused connection: every body is its own, whole (the read buffer is reused only when nothing holds it)",
  { timeout: 20_000 },
  async () => {
    const sockets = new Set<Socket>();
    let connections = 0;
    const tcp: NetServer = createNetServer((socket) => {
      connections++;
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      let pending = "";
      socket.on("data", (chunk: Buffer) => {
        pending += chunk.toString("latin1");
        for (;;) {
          const end = pending.indexOf("\r\n\r\n");
          if (end < 0) return;
          const length = Number(/content-length: (\d+)/i.exec(pending.slice(0, end))?.[1] ?? 0);
          if (pending.length < end + 4 + length) return;
          const request = pending.slice(end + 4, end + 4 + length);
          pending = pending.slice(end + 4 + length);
          const key = (JSON.parse(request) as { Key: { pk: { S: string } } }).Key.pk.S;
          const body = JSON.stringify({ Item: { pk: { S: key }, text: { S: key.repeat(300) } } });
          const answer = Buffer.from(
            `HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\ncontent-length: ${Buffer.byteLength(body)}\r\nx-amzn-requestid: ${key}\r\n\r\n${body}`,
          );
          // three reads for the client: in the head, in the body, the rest (a split point per key)
          const cut = 20 + (Number(key.slice(1)) % 60);
          const pieces = [
            answer.subarray(0, cut),
            answer.subarray(cut, cut + 150),
            answer.subarray(cut + 150),
          ];
          const write = (i: number) => {
            if (i === pieces.length || socket.destroyed) return;
            socket.write(pieces[i]!);
            setTimeout(() => write(i + 1), 2);
          };
          write(0);
        }
      });
    });
    await new Promise<void>((resolve) => tcp.listen(0, "127.0.0.1", resolve));
    const { client, direct } = clients(
      `http://127.0.0.1:${(tcp.address() as { port: number }).port}`,
    );
    try {
      for (let i = 0; i < 40; i++) {
        const key = `k${i}`;
        const output = await direct.getItem({ TableName: "t", Key: { pk: { S: key } } });
        assert.deepEqual(output.Item, { pk: { S: key }, text: { S: key.repeat(300) } });
        assert.equal(output.$metadata.requestId, key);
      }
      assert.equal(connections, 1, "one keep-alive connection carried every request");
      const keys = Array.from({ length: 24 }, (_, i) => `c${i}`);
      const outputs = await Promise.all(
        keys.map((key) => direct.getItem({ TableName: "t", Key: { pk: { S: key } } })),
      );
      outputs.forEach((output, i) =>
        assert.deepEqual(output.Item, { pk: { S: keys[i]! }, text: { S: keys[i]!.repeat(300) } }),
      );
    } finally {
      client.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    }
  },
);

test("client.destroy() with a request in flight and one queued: the first fails, the queued one goes on over a new connection, as on the SDK path", async () => {
  const slow = await server((_req, res) => setTimeout(() => json(res, ITEM), 200));
  const outcomes = async (transport: "sdk" | "direct") => {
    const client = new DynamoDBClient({
      region: "local",
      endpoint: slow.endpoint,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler({
        httpAgent: new Agent({ keepAlive: true, maxSockets: 1 }),
      }),
    });
    const dyno = new Dyno({ client, transport });
    assert.equal(dyno.transport, transport);
    const settled = (p: PromiseLike<unknown>) =>
      Promise.resolve(p).then(
        () => "ok",
        (e: Error & { code?: string }) => `${e.name} ${e.code ?? ""} ${e.message}`,
      );
    const inFlight = settled(dyno.getItem({ TableName: "t", Key }));
    const queued = settled(dyno.getItem({ TableName: "t", Key }));
    await tick(50);
    client.destroy();
    return [await inFlight, await queued];
  };
  try {
    const sdk = await outcomes("sdk");
    const direct = await outcomes("direct");
    assert.deepEqual(direct, sdk);
    assert.equal(direct[1], "ok");
    assert.match(direct[0]!, /socket hang up/);
  } finally {
    await slow.stop();
  }
});
