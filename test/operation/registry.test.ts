import { test } from "node:test";
import assert from "node:assert/strict";
import * as sdk from "@aws-sdk/client-dynamodb";
import { Dyno, Operation, methodName, operationNames } from "../../src/index.js";

/** Every operation command the installed SDK exports, found independently of the registry. */
const sdkCommands = Object.entries(sdk)
  .filter(
    ([name, value]) =>
      name.endsWith("Command") && name !== "$Command" && typeof value === "function",
  )
  .map(([name]) => name.slice(0, -"Command".length))
  .sort();

test("the registry holds every command the installed SDK exports", () => {
  assert.ok(
    sdkCommands.length >= 50,
    `expected the SDK to export many commands, found ${sdkCommands.length}`,
  );
  assert.deepEqual([...operationNames].sort(), sdkCommands);
});

test("the session has one camelCase method per SDK command", () => {
  const dyno = new Dyno({ clientConfig: { region: "local" } });
  const missing = sdkCommands.filter(
    (name) =>
      typeof (dyno as unknown as Record<string, unknown>)[methodName(name as never)] !== "function",
  );
  assert.deepEqual(missing, []);
  for (const expected of [
    "getItem",
    "putItem",
    "updateItem",
    "deleteItem",
    "query",
    "scan",
    "batchGetItem",
    "batchWriteItem",
    "transactGetItems",
    "transactWriteItems",
    "executeStatement",
    "batchExecuteStatement",
    "executeTransaction",
    "createTable",
    "describeTable",
    "updateTable",
    "deleteTable",
    "listTables",
    "updateTimeToLive",
    "describeTimeToLive",
    "createBackup",
    "tagResource",
  ]) {
    assert.equal(
      typeof (dyno as unknown as Record<string, unknown>)[expected],
      "function",
      expected,
    );
  }
  dyno.client.destroy();
});

test("Operation.create accepts every SDK command and rejects other names", () => {
  for (const name of sdkCommands) {
    const op = Operation.create(name as never, {} as never);
    assert.equal(op.name, name);
    assert.equal(op.state, "pending");
  }
  assert.throws(
    () => Operation.create("GetItems" as never, {} as never),
    (error: Error) =>
      error.name === "DynoValidationError" && /"GetItems" is not an operation/.test(error.message),
  );
});
