/**
 * The agent's options on both transports, side by side on one loopback server: how many
 * connections each opens, keeps and reuses (and which) with `maxFreeSockets`, `scheduling`,
 * `keepAlive: false` with a finite `maxSockets`, `maxTotalSockets` and the server's
 * `Keep-Alive: timeout` hint must be the same.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Agent, createServer, type AgentOptions } from "node:http";
import type { Socket } from "node:net";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { Dyno } from "../../src/index.js";

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A server answering `{}` after the delay the key names (`"<ms>"` or `"<ms>:<anything>"`),
 * with `headers`; it records the connection (numbered from 0) each request came on.
 */
async function server(headers: Record<string, string> = {}) {
  const ids = new Map<Socket, number>();
  const open = new Set<Socket>();
  const log: number[] = [];
  const http = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      log.push(ids.get(req.socket)!);
      const key = String((JSON.parse(body) as { Key: { pk: { S: string } } }).Key.pk.S);
      setTimeout(
        () => {
          res.writeHead(200, {
            "content-type": "application/x-amz-json-1.0",
            "content-length": "2",
            ...headers,
          });
          res.end("{}");
        },
        Number(key.split(":")[0]),
      );
    });
  });
  http.on("connection", (socket: Socket) => {
    ids.set(socket, ids.size);
    open.add(socket);
    socket.on("close", () => open.delete(socket));
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const port = (http.address() as { port: number }).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    /** Connections opened so far, open now, and the connection of each request. */
    stats: () => ({ opened: ids.size, open: open.size, log: [...log] }),
    reset() {
      ids.clear();
      log.length = 0;
      for (const socket of open) socket.destroy();
      open.clear();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

type Server = Awaited<ReturnType<typeof server>>;

/**
 * Runs `scenario` on each transport with a fresh client whose agent has `options`, and
 * returns what the server saw for each (after the client's idle connections settled).
 */
async function sideBySide(
  srv: Server,
  options: AgentOptions,
  scenario: (get: (pk: string) => Promise<unknown>) => Promise<void>,
) {
  const seen: Record<string, ReturnType<Server["stats"]>> = {};
  for (const transport of ["sdk", "direct"] as const) {
    srv.reset();
    const client = new DynamoDBClient({
      region: "local",
      endpoint: srv.endpoint,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler({ httpAgent: new Agent(options) }),
    });
    const dyno = new Dyno({ client, transport });
    assert.equal(dyno.transport, transport, dyno.transportReason);
    await scenario(async (pk) => dyno.getItem({ TableName: "t", Key: { pk: { S: pk } } }));
    await tick(100); // connections the client gave up are closed at the server
    seen[transport] = srv.stats();
    client.destroy();
  }
  assert.deepEqual(seen.direct, seen.sdk, JSON.stringify(options));
  return seen.sdk!;
}

const concurrent = (get: (pk: string) => Promise<unknown>, keys: string[]) =>
  Promise.all(keys.map(get)).then(() => undefined);

test("maxFreeSockets 1: one idle connection is kept, as the SDK keeps", async () => {
  const srv = await server();
  const seen = await sideBySide(
    srv,
    { keepAlive: true, maxSockets: 10, maxFreeSockets: 1 },
    (get) =>
      concurrent(
        get,
        Array.from({ length: 6 }, (_, i) => `50:${i}`),
      ),
  );
  assert.equal(seen.opened, 6);
  assert.equal(seen.open, 1);
  await srv.stop();
});

test("scheduling: lifo reuses the latest freed connection, fifo the first, on both transports", async () => {
  const srv = await server();
  for (const scheduling of ["lifo", "fifo"] as const) {
    const seen = await sideBySide(srv, { keepAlive: true, scheduling }, async (get) => {
      await concurrent(get, ["20", "120"]); // connection 0 is freed first, then 1
      await get("0");
    });
    assert.deepEqual(seen.log.slice(0, 2).sort(), [0, 1]);
    assert.equal(seen.log[2], scheduling === "lifo" ? 1 : 0, scheduling);
  }
  await srv.stop();
});

test("keepAlive false with a finite maxSockets: a connection serves the queued requests, then closes", async () => {
  const srv = await server();
  const seen = await sideBySide(srv, { keepAlive: false, maxSockets: 1 }, (get) =>
    concurrent(get, ["30:a", "30:b", "30:c"]),
  );
  assert.deepEqual(seen, { opened: 1, open: 0, log: [0, 0, 0] });
  const unlimited = await sideBySide(srv, { keepAlive: false }, async (get) => {
    await get("0:a");
    await get("0:b");
  });
  assert.deepEqual(unlimited, { opened: 2, open: 0, log: [0, 1] });
  await srv.stop();
});

test("maxTotalSockets: honoured through node:http, one connection as on the SDK", async () => {
  const srv = await server();
  const seen = await sideBySide(srv, { keepAlive: true, maxTotalSockets: 1 }, (get) =>
    concurrent(get, ["30:a", "30:b", "30:c"]),
  );
  assert.deepEqual(seen, { opened: 1, open: 1, log: [0, 0, 0] });
  await srv.stop();
});

test("a server's Keep-Alive: timeout=1 hint: the connection is not kept, as node's agent decides", async () => {
  const srv = await server({ "keep-alive": "timeout=1" });
  const seen = await sideBySide(srv, { keepAlive: true }, async (get) => {
    await get("0:a");
    await get("0:b");
  });
  assert.deepEqual(seen, { opened: 2, open: 0, log: [0, 1] });
  await srv.stop();
});
