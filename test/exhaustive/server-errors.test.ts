/**
 * Issue 16 item 5: a 5xx answer in the middle of a batch run is retried by the batch layer (with
 * backoff, bounded by maxAttempts), and any error that ends a run carries `done` and
 * `unprocessed`, both exact: written/read + unprocessed = everything, and what is stored is
 * exactly `done`. Faults come from a loopback proxy in front of the real engine.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type {
  BatchGetItemCommandInput,
  BatchGetItemCommandOutput,
  BatchWriteItemCommandInput,
} from "@aws-sdk/client-dynamodb";
import { BatchIncompleteError, Dyno } from "../../src/index.js";
import { createTestTable, testClient, testEndpoint, testTransport } from "../support/db.js";
import { faultProxy, type CannedResponse } from "../support/http.js";
import { ids, item, pks } from "./support.js";

const internal: CannedResponse = {
  status: 500,
  body: {
    __type: "com.amazonaws.dynamodb.v20120810#InternalServerError",
    message: "Internal server error (injected)",
  },
};
const invalid: CannedResponse = {
  status: 400,
  body: {
    __type: "com.amazon.coral.validate#ValidationException",
    message: "Something about the request (injected)",
  },
};
const FAST = { baseDelayMs: 1, maxDelayMs: 5 };

/** A session through a proxy whose `answer(n)` may replace the n-th request of `operation` (0-based). */
async function behindProxy(operation: string, answer: (n: number) => CannedResponse | undefined) {
  let n = 0;
  const proxy = await faultProxy(await testEndpoint(), (request) =>
    request.operation === operation ? answer(n++) : undefined,
  );
  const client = await testClient({ endpoint: proxy.endpoint, maxAttempts: 1 });
  return { proxy, dyno: new Dyno({ client, transport: testTransport }) };
}

async function stored(TableName: string): Promise<string[]> {
  const dyno = new Dyno({ client: await testClient(), transport: testTransport });
  return pks((await dyno.scanAll({ TableName })).Items).sort();
}

const writes = (TableName: string, keys: string[]): BatchWriteItemCommandInput => ({
  RequestItems: { [TableName]: keys.map((id) => ({ PutRequest: { Item: item(id, 50) } })) },
});
const written = (input: unknown, TableName: string): string[] =>
  ((input as BatchWriteItemCommandInput).RequestItems?.[TableName] ?? [])
    .map((r) => r.PutRequest!.Item!.pk.S!)
    .sort();

test("batchWriteItemAll: an InternalServerError on the 20th request (the SDK not retrying) is retried; all 1,000 land", async () => {
  const TableName = await createTestTable(await testClient(), { sortKey: null });
  const { proxy, dyno } = await behindProxy("BatchWriteItem", (n) =>
    n === 19 || n === 20 ? internal : undefined,
  );
  try {
    const all = ids(1000);
    await dyno.batchWriteItemAll(writes(TableName, all), {
      ...FAST,
      keySchema: { [TableName]: ["pk"] },
    });
    assert.deepEqual(await stored(TableName), all);
  } finally {
    await proxy.stop();
  }
});

test("batchWriteItemAll: 5xx until attempts run out ends in BatchIncompleteError whose done and unprocessed are exact", async () => {
  const TableName = await createTestTable(await testClient(), { sortKey: null });
  const { proxy, dyno } = await behindProxy("BatchWriteItem", (n) =>
    n >= 19 ? internal : undefined,
  );
  try {
    const all = ids(1000);
    const error = await dyno
      .batchWriteItemAll(writes(TableName, all), {
        ...FAST,
        maxAttempts: 3,
        keySchema: { [TableName]: ["pk"] },
      })
      .then(
        () => assert.fail("expected an error"),
        (e: unknown) => e as BatchIncompleteError,
      );
    assert.ok(error instanceof BatchIncompleteError, String(error));
    assert.equal((error.cause as { name?: string }).name, "InternalServerError");
    const done = written(error.done, TableName);
    const left = written(error.unprocessed, TableName);
    assert.equal(done.length, 19 * 25);
    assert.deepEqual([...done, ...left].sort(), all, "done + unprocessed = everything, no overlap");
    assert.deepEqual(await stored(TableName), done, "stored = done, exactly");
  } finally {
    await proxy.stop();
  }
});

test("batchWriteItemAll: a non-retryable error stops the run; it keeps its class and carries exact done and unprocessed", async () => {
  const TableName = await createTestTable(await testClient(), { sortKey: null });
  const { proxy, dyno } = await behindProxy("BatchWriteItem", (n) =>
    n === 19 ? invalid : undefined,
  );
  try {
    const all = ids(1000);
    const error = await dyno
      .batchWriteItemAll(writes(TableName, all), {
        ...FAST,
        concurrency: 6,
        keySchema: { [TableName]: ["pk"] },
      })
      .then(
        () => assert.fail("expected an error"),
        (e: unknown) => e as Error & { done?: unknown; unprocessed?: unknown },
      );
    assert.equal(error.name, "ValidationException", "the SDK's own error, passed through");
    const done = written(error.done, TableName);
    const left = written(error.unprocessed, TableName);
    assert.ok(done.length >= 19 * 25 - 25 * 6 && done.length < 1000, `${done.length} done`);
    assert.deepEqual([...done, ...left].sort(), all, "done + unprocessed = everything, no overlap");
    assert.deepEqual(
      await stored(TableName),
      done,
      "stored = done, exactly (requests in flight finished)",
    );
  } finally {
    await proxy.stop();
  }
});

test("batchGetItemAll: 5xx is retried; an error that ends the run carries exact done and unprocessed", async () => {
  const TableName = await createTestTable(await testClient(), { sortKey: null });
  const all = ids(500);
  const direct = new Dyno({ client: await testClient(), transport: testTransport });
  await direct.batchWriteItemAll(writes(TableName, all));
  const keys: BatchGetItemCommandInput = {
    RequestItems: { [TableName]: { Keys: all.map((id) => ({ pk: { S: id } })) } },
  };
  {
    const { proxy, dyno } = await behindProxy("BatchGetItem", (n) =>
      n === 2 ? internal : undefined,
    );
    try {
      const out = await dyno.batchGetItemAll(keys, FAST);
      assert.deepEqual(pks(out.Responses![TableName]).sort(), all);
    } finally {
      await proxy.stop();
    }
  }
  const { proxy, dyno } = await behindProxy("BatchGetItem", (n) => (n === 2 ? invalid : undefined));
  try {
    const error = await dyno.batchGetItemAll(keys, { ...FAST, concurrency: 1 }).then(
      () => assert.fail("expected an error"),
      (e: unknown) => e as Error & { done?: unknown; unprocessed?: unknown },
    );
    assert.equal(error.name, "ValidationException");
    const read = pks((error.done as BatchGetItemCommandOutput).Responses![TableName]).sort();
    const unread = (error.unprocessed as BatchGetItemCommandInput).RequestItems![
      TableName
    ].Keys!.map((k) => k.pk.S!);
    assert.equal(read.length, 200);
    assert.deepEqual([...read, ...unread].sort(), all);
  } finally {
    await proxy.stop();
  }
});
