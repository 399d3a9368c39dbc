import { test } from "node:test";
import assert from "node:assert/strict";
import { DynoError } from "../../src/index.js";
import { startLocal } from "../../src/local/index.js";
import { canConnect, freePort } from "../../src/local/port.js";

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
  { timeout: 60_000 },
  async () => {
    const port = await freePort("127.0.0.1");
    const local = await startLocal({ engine: "dynamodb-local", port });
    try {
      assert.equal(local.engine, "dynamodb-local");
      assert.equal(local.endpoint, `http://127.0.0.1:${port}`);
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
  const taken = await startLocal({ engine: "dynalite" });
  await assert.rejects(startLocal({ engine: "dynalite", port: taken.port }), /EADDRINUSE/);
  await taken.stop();
});
