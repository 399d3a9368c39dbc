import { test } from "node:test";
import assert from "node:assert/strict";
import { Dyno, Pool, type PoolLimits } from "../../src/index.js";
import { injectFaults } from "../../src/testing/index.js";
import { ids, item } from "../exhaustive/support.js";
import { testClient } from "../support/db.js";
import { readyTable } from "./support.js";

/** Runs `count` GetItems through the pool and waits for all of them (failures included). */
const burst = (pool: Pool, TableName: string, count: number) =>
  Promise.allSettled(
    Array.from({ length: count }, () =>
      pool.getItem({ TableName, Key: { pk: { S: "a" } } }).await(),
    ),
  );

test("adaptive under injectFaults throttling: backs off, then recovers after remove()", async () => {
  const client = await testClient({ maxAttempts: 2 });
  const dyno = new Dyno({ client });
  const TableName = await readyTable(client);
  const changes: PoolLimits[] = [];
  const pool = new Pool(dyno, {
    concurrency: 16,
    requestsPerSecond: 100,
    adaptive: { recoverPerSecond: 1 },
    onLimitsChange: (limits) => changes.push(limits),
  });
  const faults = injectFaults(client, { seed: 7, throttleRate: 0.5 });
  // How far one burst cuts depends on how fast this machine answers (one cut per round trip at
  // most); some bursts must get below half.
  for (let i = 0; i < 15 && !(pool.limits.requestsPerSecond! < 50); i++)
    await burst(pool, TableName, 80);
  assert.ok(faults.stats.throttled > 10, `${faults.stats.throttled} throttled`);
  const low = pool.limits.requestsPerSecond!;
  assert.ok(low < 50, `backed off to ${low.toFixed(1)} requests/s`);
  assert.ok(changes.length > 0 && changes.some((c) => c.requestsPerSecond! < 50));

  faults.remove();
  const started = performance.now();
  while (pool.limits.requestsPerSecond! < 100 && performance.now() - started < 20_000) {
    const results = await burst(pool, TableName, 20);
    assert.ok(results.every((r) => r.status === "fulfilled"));
  }
  assert.equal(pool.limits.requestsPerSecond, 100, "recovered to the configured ceiling");
  assert.equal(changes.at(-1)!.requestsPerSecond, 100);
});

test("adaptive: unprocessed batch items are throttling too; a bulk write backs off and loses nothing", async () => {
  const client = await testClient({ maxAttempts: 1 });
  const dyno = new Dyno({ client });
  const TableName = await readyTable(client);
  const pool = new Pool(dyno, {
    concurrency: 4,
    requestsPerSecond: 200,
    capacityUnitsPerSecond: 2000,
    // Floors that a 25-item request fits in, so that the run stays short (the default floor, 1
    // capacity unit per second, would let a constantly "throttled" job send one request per 25 s).
    adaptive: { minRequestsPerSecond: 20, minCapacityUnitsPerSecond: 300 },
  });
  const faults = injectFaults(client, {
    seed: 3,
    unprocessedRate: 0.4,
    operations: ["BatchWriteItem"],
  });
  const chunks = [0, 1, 2, 3].map((c) =>
    pool.batchWriteItemAll(
      {
        RequestItems: {
          [TableName]: ids(150, `c${c}-`).map((id) => ({ PutRequest: { Item: item(id, 100) } })),
        },
      },
      { baseDelayMs: 5, maxDelayMs: 50, maxAttempts: 50 },
    ),
  );
  await Promise.all(chunks);
  assert.ok(faults.stats.unprocessed > 0);
  const limits = pool.limits;
  assert.ok(limits.requestsPerSecond! < 200, `requests cut to ${limits.requestsPerSecond}`);
  assert.ok(
    limits.capacityUnitsPerSecond! < 2000,
    `capacity cut to ${limits.capacityUnitsPerSecond}`,
  );
  faults.remove();
  assert.equal((await pool.scanAll({ TableName })).Count, 600, "every item written once");
});
