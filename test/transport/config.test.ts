/**
 * The direct transport honours the client's configuration exactly as the SDK does, or keeps
 * the SDK path and says why: each test runs the SDK path and the direct path against the same
 * loopback proxy (in front of the suite's DynamoDB) in the same run and compares them.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Dyno } from "../../src/index.js";
import { localClientConfig } from "../../src/local/index.js";
import { createTestTable, testClient, testEndpoint } from "../support/db.js";
import { loopbackProxy } from "../support/loopback.js";

type ClientConfig = ConstructorParameters<typeof DynamoDBClient>[0];

/** A table on the suite's DynamoDB and a loopback proxy in front of it. */
async function loopback(options: Parameters<typeof loopbackProxy>[1] = {}) {
  const setup = await testClient();
  const TableName = await createTestTable(setup);
  const proxy = await loopbackProxy(await testEndpoint(), options);
  const clients: DynamoDBClient[] = [];
  return {
    TableName,
    proxy,
    /** A new client pointed at the proxy. */
    client(config: ClientConfig = {}) {
      const client = new DynamoDBClient({ ...localClientConfig(proxy.endpoint), ...config });
      clients.push(client);
      return client;
    },
    async [Symbol.asyncDispose]() {
      clients.forEach((c) => c.destroy());
      await proxy.stop();
    },
  };
}

test("clock skew: 16 concurrent GetItems against a server 10 minutes behind all succeed on both paths", async () => {
  await using env = await loopback({ clockOffsetMs: -600_000 });
  const Key = { pk: { S: "a" }, sk: { S: "1" } };
  for (const transport of ["sdk", "direct"] as const) {
    const client = env.client();
    const dyno = new Dyno({ client, transport });
    assert.equal(dyno.transport, transport);
    const results = await Promise.allSettled(
      Array.from({ length: 16 }, () => dyno.getItem({ TableName: env.TableName, Key })),
    );
    const failed = results.filter((r) => r.status === "rejected");
    assert.equal(
      failed.length,
      0,
      `${transport}: ${failed.map((r) => String(r.reason)).join("; ")}`,
    );
    for (const r of results)
      if (r.status === "fulfilled") assert.equal(r.value.$metadata.attempts, 2);
    const offset = (client.config as { systemClockOffset?: number }).systemClockOffset!;
    assert.ok(Math.abs(offset + 600_000) < 5_000, `${transport}: offset ${offset}`);
  }
});

test("the secret access key is gone from the heap after client.destroy() on both paths", async () => {
  const child = spawnSync(
    process.execPath,
    [
      "--expose-gc",
      "--import",
      "tsx",
      fileURLToPath(new URL("fixtures/secret-heap.ts", import.meta.url)),
    ],
    { encoding: "utf8", timeout: 120_000 },
  );
  assert.equal(child.status, 0, child.stderr);
  const found = JSON.parse(child.stdout.trim().split("\n").pop()!) as {
    sdk: boolean;
    direct: boolean;
  };
  assert.deepEqual(found, { sdk: false, direct: false });
});
