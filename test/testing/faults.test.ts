import { test } from "node:test";
import assert from "node:assert/strict";
import { ProvisionedThroughputExceededException } from "@aws-sdk/client-dynamodb";
import { Dyno, DynoValidationError, wireHooksOf } from "../../src/index.js";
import { injectFaults } from "../../src/testing/index.js";
import { createTestTable, testClient } from "../support/db.js";
import { recordingHandler } from "../support/http.js";

async function setup(maxAttempts = 3) {
  const handler = recordingHandler();
  const client = await testClient({ requestHandler: handler, maxAttempts });
  const TableName = await createTestTable(client, { sortKey: null });
  handler.seen.length = 0;
  return { client, dyno: new Dyno({ client }), TableName, seen: handler.seen };
}

const puts = (n: number, prefix = "k") =>
  Array.from({ length: n }, (_, i) => ({
    PutRequest: { Item: { pk: { S: `${prefix}${i}` }, v: { N: String(i) } } },
  }));

test("injectFaults: throttling answers are the SDK's own exception, never sent, counted by its retries", async () => {
  const { client, dyno, TableName, seen } = await setup(3);
  const before = client.middlewareStack.identify();
  const faults = injectFaults(client, { seed: 1, throttleRate: 1, operations: ["GetItem"] });
  assert.ok(wireHooksOf(client), "registered for every transport");
  const error = await dyno.getItem({ TableName, Key: { pk: { S: "a" } } }).then(
    () => assert.fail("throttled"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ProvisionedThroughputExceededException);
  assert.equal(error.$metadata.attempts, 3, "the SDK retried it as throttling");
  assert.equal(error.$metadata.httpStatusCode, 400);
  assert.equal(seen.length, 0, "nothing reached the wire");
  assert.deepEqual(faults.stats, { attempts: 3, throttled: 3, partial: 0, unprocessed: 0 });
  await dyno.putItem({ TableName, Item: { pk: { S: "a" } } }); // not among `operations`
  faults.remove();
  faults.remove();
  assert.deepEqual(client.middlewareStack.identify(), before, "the stack is exactly as before");
  assert.equal(wireHooksOf(client), undefined);
  assert.ok((await dyno.getItem({ TableName, Key: { pk: { S: "a" } } })).Item);
});

test("injectFaults: a partial BatchWriteItem really writes the part it sends; the rest comes back unprocessed", async () => {
  const { client, dyno, TableName, seen } = await setup(1);
  const faults = injectFaults(client, { seed: 5, unprocessedRate: 0.5 });
  const out = await dyno.batchWriteItem({ RequestItems: { [TableName]: puts(25) } });
  faults.remove();
  const left = (out.UnprocessedItems?.[TableName] ?? []).map((r) => r.PutRequest!.Item!.pk.S!);
  assert.ok(left.length > 0 && left.length < 25, `${left.length} of 25 unprocessed`);
  assert.equal(faults.stats.unprocessed, left.length);
  const sent = (seen[0].body as { RequestItems: Record<string, unknown[]> }).RequestItems[
    TableName
  ];
  assert.equal(sent.length, 25 - left.length, "only the processed part was sent");
  const stored = (await dyno.scan({ TableName })).Items!.map((i) => i.pk.S!).sort();
  const expected = puts(25)
    .map((p) => p.PutRequest.Item.pk.S)
    .filter((k) => !left.includes(k))
    .sort();
  assert.deepEqual(stored, expected);
  assert.equal(
    out.UnprocessedItems![TableName][0].PutRequest!.Item!.v.N !== undefined,
    true,
    "SDK-shaped",
  );
});

test("injectFaults: a partial BatchGetItem returns the items it read and the rest as UnprocessedKeys; never all", async () => {
  const { client, dyno, TableName } = await setup(1);
  await dyno.batchWriteItem({ RequestItems: { [TableName]: puts(10) } });
  const faults = injectFaults(client, {
    seed: 9,
    unprocessedRate: 1,
    operations: ["BatchGetItem"],
  });
  const keys = puts(10).map((p) => ({ pk: p.PutRequest.Item.pk }));
  const out = await dyno.batchGetItem({
    RequestItems: { [TableName]: { Keys: keys, ProjectionExpression: "pk" } },
  });
  faults.remove();
  assert.equal(
    out.Responses![TableName].length,
    1,
    "rate 1: all but one left out (DynamoDB throttles rather than process nothing)",
  );
  const left = out.UnprocessedKeys![TableName];
  assert.equal(left.Keys!.length, 9);
  assert.equal(left.ProjectionExpression, "pk", "the table's options come back with the keys");
});

test("injectFaults: the same seed gives the same faults; options are validated", async () => {
  const runs: unknown[] = [];
  for (let run = 0; run < 2; run++) {
    const { client, dyno, TableName } = await setup(1);
    const faults = injectFaults(client, { seed: 42, throttleRate: 0.3, unprocessedRate: 0.3 });
    const outcome: unknown[] = [];
    for (let i = 0; i < 6; i++) {
      outcome.push(
        await dyno.batchWriteItem({ RequestItems: { [TableName]: puts(10, `r${i}-`) } }).then(
          (o) => (o.UnprocessedItems?.[TableName] ?? []).map((r) => r.PutRequest!.Item!.pk.S),
          (e: Error) => e.name,
        ),
      );
    }
    faults.remove();
    runs.push({ outcome, stats: { ...faults.stats } });
  }
  assert.deepEqual(runs[0], runs[1]);
  const client = await testClient();
  for (const [options, field] of [
    [{ throttleRate: 2 }, "options.throttleRate"],
    [{ unprocessedRate: -0.1 }, "options.unprocessedRate"],
    [{ seed: 1.5 }, "options.seed"],
    [{ operations: ["Nope"] }, "options.operations[0]"],
  ] as const) {
    assert.throws(
      () => injectFaults(client, options as never),
      (e: Error) => e instanceof DynoValidationError && e.field === field,
    );
  }
  const faults = injectFaults(client, {});
  assert.throws(() => injectFaults(client, {}), /already has wire hooks/);
  faults.remove();
});
