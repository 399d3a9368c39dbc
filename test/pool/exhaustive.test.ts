import { test } from "node:test";
import assert from "node:assert/strict";
import { Pool, exhaustiveMethods, type Progress } from "../../src/index.js";
import { filledTable, ids, item, recordingDyno } from "../exhaustive/support.js";
import { createTestTable } from "../support/db.js";
import { inFlightCounter } from "./support.js";

test("the pool has every exhaustive method, from their one table", async () => {
  const { dyno } = await recordingDyno();
  const pool = new Pool(dyno, { concurrency: 1 });
  for (const name of Object.keys(exhaustiveMethods)) {
    assert.equal(typeof (pool as unknown as Record<string, unknown>)[name], "function", name);
  }
});

test("batchWriteItemAll in a pool: one slot for the whole run, every chunk through the rate limit", async () => {
  const { dyno, seen } = await recordingDyno();
  const TableName = await createTestTable(dyno.client, { sortKey: null });
  const { middleware, state } = inFlightCounter();
  const pool = new Pool(dyno, { concurrency: 2, requestsPerSecond: 10 });
  const progress: Progress[] = [];
  const writes = (prefix: string) => ({
    RequestItems: {
      [TableName]: ids(100, prefix).map((id) => ({ PutRequest: { Item: item(id, 100) } })),
    },
  });
  const started = performance.now();
  const runs = ["a", "b", "c"].map((prefix) =>
    pool.batchWriteItemAll(writes(prefix), { onProgress: (p) => progress.push(p) }, middleware),
  );
  assert.equal(pool.active, 2);
  assert.equal(pool.pending, 1);
  assert.equal(runs[2].state, "pending");
  await Promise.all(runs);
  const elapsed = performance.now() - started;
  assert.equal(state.max, 2, "each run is one operation of the pool");
  const chunks = seen.filter((s) => s.operation === "BatchWriteItem").length;
  assert.equal(chunks, 12, "3 runs of 4 chunks of 25");
  // 12 requests at 10/s with a bucket of 1 token: at least 1.1 s, whatever the machine
  assert.ok(elapsed >= 1000, `12 chunks took ${elapsed.toFixed(0)} ms`);
  assert.equal(progress.at(-1)!.total, 100);
  const all = await pool.scanAll({ TableName });
  assert.equal(all.Count, 300);
});

test("scanAll and iterators in a pool: pages pass the limits; capacity is stripped unless asked", async () => {
  const { dyno, seen } = await recordingDyno();
  const { TableName } = await filledTable(dyno.client, 30, { bytes: 200 });
  const pool = new Pool(dyno, { concurrency: 4, capacityUnitsPerSecond: 1000 });
  const before = seen.length;
  const all = await pool.scanAll({ TableName, Limit: 5 });
  assert.equal(all.Count, 30);
  assert.equal("ConsumedCapacity" in all, false, "not asked for: stripped");
  const pages = seen.slice(before).filter((s) => s.operation === "Scan");
  assert.equal(pages.length, 7);
  assert.ok(
    pages.every((p) => (p.body as Record<string, unknown>).ReturnConsumedCapacity === "TOTAL"),
  );

  const asked = await pool.scanAll({ TableName, Limit: 10, ReturnConsumedCapacity: "TOTAL" });
  assert.ok(asked.ConsumedCapacity!.CapacityUnits! > 0, "asked for: summed over the pages");

  let count = 0;
  for await (const page of pool.scanPages({ TableName, Limit: 10 })) {
    count += page.Count!;
    assert.equal("ConsumedCapacity" in page, false);
  }
  assert.equal(count, 30);
  const found: unknown[] = [];
  for await (const it of pool.scanItems({ TableName, Limit: 7 })) found.push(it);
  assert.equal(found.length, 30);
  assert.equal(pool.active + pool.pending, 0);
});

test("the README's bulk load: batchWriteItemAll chunks through a pool, with progress", async () => {
  const { dyno } = await recordingDyno();
  const TableName = await createTestTable(dyno.client, { sortKey: null });
  const pool = new Pool(dyno, { concurrency: 3, requestsPerSecond: 500, adaptive: true });
  const all = ids(1200, "u");
  let written = 0;
  let reports = 0;
  const chunks = [];
  for (let i = 0; i < all.length; i += 250) {
    const chunk = all.slice(i, i + 250);
    let done = 0;
    chunks.push(
      pool.batchWriteItemAll(
        {
          RequestItems: {
            [TableName]: chunk.map((id) => ({ PutRequest: { Item: item(id, 150) } })),
          },
        },
        {
          onProgress: (p) => {
            written += p.done - done;
            done = p.done;
            reports++;
          },
        },
      ),
    );
  }
  assert.equal(pool.active, 3);
  assert.equal(pool.pending, 2);
  await Promise.all(chunks);
  assert.equal(written, 1200);
  assert.ok(reports >= 48, `${reports} progress reports`);
  assert.equal((await pool.scanAll({ TableName })).Count, 1200);
});
