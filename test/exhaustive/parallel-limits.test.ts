/**
 * Issue 16 items 14 and 16 (first half): `maxItems` caps a parallel `Select: "COUNT"` scan, and a
 * parallel scan at concurrency 16 adds no abort listener per segment to one signal (Node's
 * MaxListenersExceededWarning).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Dyno, Pool } from "../../src/index.js";
import { testClient, testTransport } from "../support/db.js";
import { filledTable } from "./support.js";

test("parallel scan: maxItems caps a Select COUNT scan (Count 10 of 50)", async () => {
  const client = await testClient();
  const dyno = new Dyno({ client, transport: testTransport });
  const { TableName } = await filledTable(client, 50, { bytes: 100 });
  const counted = await dyno.scanAll({ TableName, Select: "COUNT" }, { segments: 4, maxItems: 10 });
  assert.equal(counted.Count, 10);
  assert.equal(counted.Items, undefined);
  const all = await dyno.scanAll({ TableName, Select: "COUNT" }, { segments: 4 });
  assert.equal(all.Count, 50);
  const items = await dyno.scanAll({ TableName }, { segments: 4, maxItems: 10 });
  assert.equal(items.Items!.length, 10);
  assert.equal(items.Count, 10);
});

test("parallel scan at concurrency 16 (and batches at concurrency 16) print no MaxListenersExceededWarning", async () => {
  const client = await testClient();
  const dyno = new Dyno({ client, transport: testTransport });
  const { TableName, ids } = await filledTable(client, 200, { bytes: 100 });
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on("warning", onWarning);
  try {
    const user = new AbortController();
    const out = await dyno.scanAll(
      { TableName, Limit: 5 },
      { segments: 32, concurrency: 16, signal: user.signal },
    );
    assert.equal(out.Items!.length, 200);
    await dyno.scanAll({ TableName, Limit: 5 }, { segments: 32, concurrency: 16 });
    await dyno.batchGetItemAll(
      { RequestItems: { [TableName]: { Keys: ids.map((id) => ({ pk: { S: id } })) } } },
      { concurrency: 16, signal: user.signal },
    );
    await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
  } finally {
    process.off("warning", onWarning);
  }
  assert.deepEqual(
    warnings.filter((w) => w.name === "MaxListenersExceededWarning").map((w) => w.message),
    [],
  );
});

test("32 operations at once under one session scope or one pool signal print no MaxListenersExceededWarning", async () => {
  const client = await testClient();
  const { TableName } = await filledTable(client, 10, { bytes: 100 });
  const scope = new AbortController();
  const dyno = new Dyno({ client, transport: testTransport }).withSignal(scope.signal);
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on("warning", onWarning);
  try {
    const user = new AbortController();
    await Promise.all(
      Array.from({ length: 32 }, (_, i) =>
        i % 2
          ? dyno.getItem({ TableName, Key: { pk: { S: "p00001" } } })
          : dyno.scanAll({ TableName }, { signal: user.signal }),
      ),
    );
    const pool = new Pool(dyno, { concurrency: 32, signal: scope.signal });
    await Promise.all(
      Array.from({ length: 32 }, () => pool.getItem({ TableName, Key: { pk: { S: "p00001" } } })),
    );
    await new Promise((r) => setImmediate(r));
  } finally {
    process.off("warning", onWarning);
  }
  assert.deepEqual(
    warnings.filter((w) => w.name === "MaxListenersExceededWarning").map((w) => w.message),
    [],
  );
  // The scope still cancels what runs under it.
  const pending = dyno.scanAll({ TableName }, { segments: 4 });
  scope.abort(new Error("scope closed"));
  await assert.rejects(pending.await(), { name: "AbortError" });
});
