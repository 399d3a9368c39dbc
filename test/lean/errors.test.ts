/**
 * Errors thrown by a lean session before the SDK is loaded are the SDK's for `instanceof`
 * (`DynamoDBServiceException` and the exception's own class, recognised by shape once the SDK is
 * imported) and carry the same name, message, `$fault`, `$metadata` and modelled members as the
 * SDK path's errors for the same requests.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import { Dyno } from "../../src/index.js";
import { EXCEPTIONS } from "../../src/sdk-snapshot.js";
import {
  EXCEPTION_SHAPE_NAMESPACE,
  SERVICE_EXCEPTION_SHAPE_ID,
} from "../../src/transport/errors.js";
import { createTestTable, testClient, testEndpoint } from "../support/db.js";
import { REQUESTS, describeError } from "./fixtures/lean-error-requests.js";

const run = promisify(execFile);
const root = new URL("../../", import.meta.url).pathname;

test("lean errors before the SDK is loaded: instanceof the SDK's classes, same fields as the SDK path", async () => {
  const client = await testClient();
  const TableName = await createTestTable(client);
  await client.send(
    new PutItemCommand({ TableName, Item: { pk: { S: "a" }, sk: { S: "b" }, n: { N: "1" } } }),
  );
  const sdkPath = new Dyno({ client, transport: "sdk" });
  const expected: Record<string, unknown>[] = [];
  for (const request of REQUESTS(TableName))
    expected.push(
      describeError(
        await (sdkPath as unknown as Record<string, (input: unknown) => PromiseLike<unknown>>)[
          request.method
        ]!(request.input).then(
          () => undefined,
          (e: unknown) => e,
        ),
      ),
    );
  const log = join(mkdtempSync(join(tmpdir(), "lean-errors-")), "loads.log");
  const { stdout } = await run(
    process.execPath,
    [
      "--import",
      "tsx",
      "--import",
      "./test/lean/fixtures/record-loads.mjs",
      "test/lean/fixtures/lean-errors-child.ts",
    ],
    {
      cwd: root,
      timeout: 120_000,
      env: {
        PATH: process.env.PATH,
        HOME: mkdtempSync(join(tmpdir(), "lean-home-")),
        AWS_ACCESS_KEY_ID: "AKIDLOCAL",
        AWS_SECRET_ACCESS_KEY: "secret",
        AWS_REGION: "us-east-1",
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        ENDPOINT: await testEndpoint(),
        TABLE: TableName,
        LOAD_LOG: log,
      },
    },
  );
  const out = JSON.parse(stdout.trim().split("\n").pop()!) as {
    before: string[];
    errors: (Record<string, unknown> & {
      instanceOfService: boolean;
      instanceOfOwn: boolean;
      instanceOfOther: boolean;
    })[];
  };
  assert.deepEqual(out.before, [], "no @aws-sdk module loaded before the errors were thrown");
  out.errors.forEach(({ instanceOfService, instanceOfOwn, instanceOfOther, ...lean }, i) => {
    const what = REQUESTS(TableName)[i]!.expected;
    assert.ok(instanceOfService, `${what} instanceof DynamoDBServiceException`);
    assert.ok(!instanceOfOther, `${what} not instanceof ${REQUESTS(TableName)[i]!.other}`);
    assert.deepEqual(lean, expected[i], `${what}: the same fields as the SDK path's`);
    // dynalite has no transactions: both paths get its UnknownOperationException (unmodelled)
    if (process.env.DYNO_TEST_ENGINE === "dynalite" && lean.name === "UnknownOperationException")
      return;
    assert.equal(lean.name, what);
    assert.ok(instanceOfOwn, `${what} instanceof ${what}`);
  });
});

test("the stand-in exceptions carry the SDK classes' shape IDs, for every modelled exception", async () => {
  const sdk = (await import("@aws-sdk/client-dynamodb")) as unknown as Record<
    string,
    { shapeId?: string }
  >;
  assert.equal(sdk.DynamoDBServiceException!.shapeId, SERVICE_EXCEPTION_SHAPE_ID);
  const names = Object.keys(EXCEPTIONS);
  assert.ok(names.length > 20);
  for (const name of names)
    assert.equal(sdk[name]?.shapeId, EXCEPTION_SHAPE_NAMESPACE + name, name);
});
