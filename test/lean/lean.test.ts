import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import { createTestTable, testClient, testEndpoint } from "../support/db.js";

const run = promisify(execFile);
const root = new URL("../../", import.meta.url).pathname;

test("dyno-ts/lean sends GetItem with env credentials without loading @aws-sdk/*; a control-plane call then loads the SDK and works", async () => {
  const client = await testClient();
  const TableName = await createTestTable(client);
  await client.send(
    new PutItemCommand({ TableName, Item: { pk: { S: "a" }, sk: { S: "b" }, n: { N: "1" } } }),
  );
  const log = join(mkdtempSync(join(tmpdir(), "lean-")), "loads.log");
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: mkdtempSync(join(tmpdir(), "lean-home-")), // no ~/.aws files
    AWS_ACCESS_KEY_ID: "AKIDLOCAL",
    AWS_SECRET_ACCESS_KEY: "secret",
    AWS_REGION: "us-east-1",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    ENDPOINT: await testEndpoint(),
    TABLE: TableName,
    LOAD_LOG: log,
  };
  const { stdout } = await run(
    process.execPath,
    [
      "--import",
      "tsx",
      "--import",
      "./test/lean/fixtures/record-loads.mjs",
      "test/lean/fixtures/lean-child.ts",
    ],
    { cwd: root, env, timeout: 120_000 },
  );
  const out = JSON.parse(stdout.trim().split("\n").pop()!) as Record<string, unknown>;
  assert.deepEqual(out.item, { pk: { S: "a" }, sk: { S: "b" }, n: { N: "1" } });
  assert.equal(out.transport, "direct");
  assert.deepEqual(out.afterGet, [], "no @aws-sdk module before the control-plane call");
  assert.ok((out.afterDescribe as number) > 0, "the control-plane call loaded the SDK");
  assert.equal(out.status, "ACTIVE");
  assert.deepEqual(out.error, {
    name: "ResourceNotFoundException",
    fault: "client",
    status: 400,
    message: (out.error as { message: string }).message,
  });
  assert.equal(out.instanceOfClass, true);
  assert.equal(out.instanceOfOther, false);
});
