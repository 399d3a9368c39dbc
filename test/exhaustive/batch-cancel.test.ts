/**
 * Issue 16 attack 7: a batch run cancelled before it started (a signal already aborted, a pool
 * that never ran it) rejects with an AbortError that says so: nothing done, everything
 * unprocessed (it had done and unprocessed undefined). Nothing is sent.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { AbortError, Dyno, Pool } from "../../src/index.js";
import { createTestTable, testClient, testTransport } from "../support/db.js";

const writes = (table: string) => ({
  RequestItems: {
    [table]: [
      { PutRequest: { Item: { pk: { S: "a" }, n: { N: "1" } } } },
      { DeleteRequest: { Key: { pk: { S: "b" } } } },
    ],
  },
});
const gets = (table: string) => ({ RequestItems: { [table]: { Keys: [{ pk: { S: "a" } }] } } });

function nothingDone(kind: "write" | "get", input: unknown) {
  return (e: unknown) => {
    assert.ok(e instanceof AbortError, String(e));
    assert.deepEqual(e.unprocessed, input);
    if (kind === "write") assert.deepEqual(e.done, { RequestItems: {} });
    else {
      const done = e.done as { Responses?: Record<string, unknown[]>; UnprocessedKeys?: object };
      assert.deepEqual(Object.values(done.Responses ?? { missing: 1 }), [[]]);
      assert.deepEqual(done.UnprocessedKeys, {});
    }
    return true;
  };
}

test("a batch run given an aborted signal rejects with nothing done and everything unprocessed", async () => {
  const sent: string[] = [];
  const client = await testClient();
  client.middlewareStack.add((next, context) => (args) => {
    sent.push(context.commandName ?? "?");
    return next(args);
  });
  const dyno = new Dyno({ client, transport: testTransport });
  const table = await createTestTable(dyno.client, { partitionKey: ["pk", "S"], sortKey: null });
  sent.length = 0;
  const signal = AbortSignal.abort(new Error("stop"));
  await assert.rejects(
    dyno.batchWriteItemAll(writes(table), { signal }).await(),
    nothingDone("write", writes(table)),
  );
  await assert.rejects(
    dyno.batchGetItemAll(gets(table), { signal }).await(),
    nothingDone("get", gets(table)),
  );
  // `result()` (no await) sees the same.
  const op = dyno.batchWriteItemAll(writes(table), { signal });
  assert.ok(nothingDone("write", writes(table))(op.result()?.error));

  // Queued in a pool behind a slow one, then cancelled: it never started.
  const pool = new Pool(dyno, { concurrency: 1 });
  try {
    const first = pool.batchWriteItemAll(writes(table));
    const queued = pool.batchGetItemAll(gets(table));
    queued.cancel();
    await assert.rejects(queued.await(), nothingDone("get", gets(table)));
    await first;
  } finally {
    await pool.close();
  }
  if (testTransport === "sdk") {
    // Only the pool's first run sent anything.
    assert.equal(sent.filter((c) => c === "BatchGetItemCommand").length, 0);
    assert.equal(sent.filter((c) => c === "BatchWriteItemCommand").length, 1);
  }
});
