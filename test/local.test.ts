import { test } from "node:test";
import assert from "node:assert/strict";
import { ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { testClient } from "./support/db.js";

test("the suite's local DynamoDB answers", async () => {
  const client = await testClient();
  const out = await client.send(new ListTablesCommand({}));
  assert.ok(Array.isArray(out.TableNames));
});
