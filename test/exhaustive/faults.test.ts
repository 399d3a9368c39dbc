import { test } from "node:test";
import assert from "node:assert/strict";
import type {
  BatchWriteItemCommandInput,
  BatchGetItemCommandInput,
} from "@aws-sdk/client-dynamodb";
import {
  BatchIncompleteError,
  Dyno,
  metricsMiddleware,
  type OperationMetrics,
} from "../../src/index.js";
import { injectFaults } from "../../src/testing/index.js";
import { createTestTable, testClient } from "../support/db.js";
import { ids, item, pks } from "./support.js";
import { ConfiguredRetryStrategy } from "@smithy/core/retry";

/** The SDK's standard retries (3 attempts), with 1 ms instead of its 500 ms throttling backoff, to keep the suite quick. */
const quickRetries = () => testClient({ retryStrategy: new ConfiguredRetryStrategy(3, () => 1) });

const FAULTS = {
  throttleRate: 0.2,
  unprocessedRate: 0.3,
  operations: ["BatchWriteItem", "BatchGetItem"],
} as const;
const FAST = { baseDelayMs: 2, maxDelayMs: 20 };

async function stored(dyno: Dyno, TableName: string): Promise<string[]> {
  return pks((await dyno.scanAll({ TableName }, { segments: 4 })).Items).sort();
}

test("under injected faults, batchWriteItemAll writes 5,000 items exactly once and batchGetItemAll reads them all", async () => {
  const client = await quickRetries();
  const TableName = await createTestTable(client, { sortKey: null });
  const metrics: OperationMetrics[] = [];
  const dyno = new Dyno({ client }).use(metricsMiddleware((m) => metrics.push(m)));
  const all = ids(5000);
  const faults = injectFaults(client, { seed: 11, ...FAULTS });
  const progress: { done: number; retries: number }[] = [];
  const out = await dyno.batchWriteItemAll(
    { RequestItems: { [TableName]: all.map((id) => ({ PutRequest: { Item: item(id, 200) } })) } },
    { ...FAST, maxAttempts: 30, concurrency: 8, onProgress: (p) => progress.push(p) },
  );
  assert.ok(faults.stats.throttled > 10 && faults.stats.partial > 50, JSON.stringify(faults.stats));
  assert.deepEqual(out.UnprocessedItems, {});
  assert.equal(progress.at(-1)!.done, 5000);
  const retries = progress.at(-1)!.retries;
  assert.ok(
    retries >= faults.stats.throttled,
    "every throttled attempt is a retry in the progress",
  );
  assert.equal(metrics.at(-1)!.retries, retries, "and in the metrics, counted once");
  const describeAttempts = 1; // the key schema, read once (DescribeTable is not among the faulted operations)
  assert.equal(
    out.$metadata.attempts,
    faults.stats.attempts + describeAttempts,
    "every HTTP attempt in $metadata",
  );

  const keys = all.map((id) => ({ pk: { S: id } }));
  const got = await dyno.batchGetItemAll(
    { RequestItems: { [TableName]: { Keys: keys } } },
    { ...FAST, maxAttempts: 30, concurrency: 8 },
  );
  assert.deepEqual(pks(got.Responses![TableName]).sort(), all);
  faults.remove();
  const table = await stored(dyno, TableName);
  assert.equal(table.length, 5000);
  assert.deepEqual(table, all, "every item exactly once");
});

test("under injected faults with maxAttempts 1, BatchIncompleteError lists exactly what is missing", async () => {
  const client = await quickRetries();
  const TableName = await createTestTable(client, { sortKey: null });
  const dyno = new Dyno({ client });
  const all = ids(1000);
  const input: BatchWriteItemCommandInput = {
    RequestItems: { [TableName]: all.map((id) => ({ PutRequest: { Item: item(id, 100) } })) },
    ReturnConsumedCapacity: "TOTAL",
  };
  const faults = injectFaults(client, { seed: 3, ...FAULTS });
  const error = await dyno
    .batchWriteItemAll(input, { maxAttempts: 1, keySchema: { [TableName]: ["pk"] } })
    .then(
      () => assert.fail("expected BatchIncompleteError"),
      (e: unknown) => e,
    );
  assert.ok(error instanceof BatchIncompleteError, String(error));
  const unprocessed = error.unprocessed as BatchWriteItemCommandInput;
  const missing = unprocessed.RequestItems![TableName].map((r) => r.PutRequest!.Item!.pk.S!);
  assert.equal(unprocessed.ReturnConsumedCapacity, "TOTAL", "in the input's shape");
  assert.ok(missing.length > 100, `${missing.length} missing`);
  assert.deepEqual(missing, [...missing].sort(), "in the caller's order");
  const table = await stored(dyno, TableName);
  assert.deepEqual(
    [...table, ...missing].sort(),
    all,
    "written + unprocessed = everything, no overlap",
  );
  assert.equal(
    (error.done as BatchWriteItemCommandInput).RequestItems![TableName].length,
    table.length,
  );

  // Reads: the same contract.
  const keys: BatchGetItemCommandInput = {
    RequestItems: { [TableName]: { Keys: all.map((id) => ({ pk: { S: id } })) } },
  };
  const readError = await dyno.batchGetItemAll(keys, { maxAttempts: 1 }).then(
    () => assert.fail("expected BatchIncompleteError"),
    (e: unknown) => e as BatchIncompleteError<BatchGetItemCommandInput>,
  );
  const unread = readError.unprocessed.RequestItems![TableName].Keys!.map((k) => k.pk.S!);
  const read = pks((readError.done as { Responses: Record<string, never[]> }).Responses[TableName]);
  assert.ok(unread.length > 100);
  assert.deepEqual(
    read.sort(),
    table.filter((k) => !unread.includes(k)),
    "read: every stored item not listed as unread",
  );
  faults.remove();
  // Passed back in, without faults: done.
  await dyno.batchWriteItemAll(unprocessed);
  assert.deepEqual(await stored(dyno, TableName), all);
});
