import { test } from "node:test";
import assert from "node:assert/strict";
import { Dyno, Pool, type PoolLimits } from "../../src/index.js";
import { createTestTable, testClient } from "../support/db.js";
import { jsonResponse, throttled } from "../support/http.js";
import { NodeHttpHandler } from "@smithy/node-http-handler";

/**
 * A session whose wire requests are timestamped and recorded (operation and JSON body);
 * `throttle()` may answer one with DynamoDB's throttling error instead of sending it.
 */
async function timedDyno(options: { maxAttempts?: number; throttle?: () => boolean } = {}) {
  const times: number[] = [];
  const seen: { operation: string; body: Record<string, unknown> }[] = [];
  const inner = new NodeHttpHandler();
  const requestHandler = {
    async handle(
      request: { headers: Record<string, string>; body?: unknown },
      handlerOptions?: { abortSignal?: AbortSignal },
    ) {
      const operation = (request.headers["x-amz-target"] ?? "").split(".").pop() ?? "";
      if (operation !== "CreateTable") {
        const raw = request.body;
        const text = typeof raw === "string" ? raw : Buffer.from(raw as Uint8Array).toString();
        seen.push({ operation, body: JSON.parse(text || "{}") });
        times.push(performance.now());
        if (options.throttle?.()) return { response: jsonResponse(throttled) };
      }
      return inner.handle(request as never, handlerOptions as never);
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs() {
      return {};
    },
    destroy() {
      inner.destroy();
    },
  };
  const client = await testClient({ requestHandler, maxAttempts: options.maxAttempts });
  return { dyno: new Dyno({ client }), times, seen };
}

/** The rate (per second) of the wire requests from index `from` to index `to`. */
const rateBetween = (times: number[], from: number, to: number) =>
  ((to - from) * 1000) / (times[to] - times[from]);

test("requestsPerSecond holds the request rate within 10% over a 3-second window", async () => {
  const { dyno, times } = await timedDyno();
  const TableName = await createTestTable(dyno.client, { sortKey: null });
  // A rate this machine reaches with room to spare even when loaded (every operation in flight
  // at once, so slow answers cannot hold the rate down): the test is of the limiter.
  const pool = new Pool(dyno, { concurrency: 100, requestsPerSecond: 25 });
  assert.equal(pool.limits.requestsPerSecond, 25);
  const get = { TableName, Key: { pk: { S: "a" } } };
  await Promise.all(Array.from({ length: 85 }, () => pool.getItem(get)));
  assert.equal(times.length, 85);
  const rate = rateBetween(times, 0, 75); // 75 intervals from the first request: 3 s at 25/s
  assert.ok(Math.abs(rate - 25) / 25 < 0.1, `measured ${rate.toFixed(1)} requests/s`);
});

test("capacityUnitsPerSecond holds consumed capacity within 10%; ConsumedCapacity only where asked", async () => {
  const { dyno, times, seen } = await timedDyno();
  const TableName = await createTestTable(dyno.client, { sortKey: null });
  const pool = new Pool(dyno, { concurrency: 100, capacityUnitsPerSecond: 20 });
  const put = (i: number) => ({ TableName, Item: { pk: { S: `item-${i}` }, n: { N: String(i) } } });
  const outputs = await Promise.all(Array.from({ length: 75 }, (_, i) => pool.putItem(put(i))));
  assert.ok(
    outputs.every((o) => !("ConsumedCapacity" in o)),
    "stripped where the caller did not ask",
  );
  assert.ok(
    seen
      .filter((s) => s.operation === "PutItem")
      .every((s) => s.body.ReturnConsumedCapacity === "TOTAL"),
    "the pool asked DynamoDB for it on every request",
  );
  const rate = rateBetween(times, 0, 60); // 1 write unit per small put: 60 units over 3 s at 20/s
  assert.ok(Math.abs(rate - 20) / 20 < 0.1, `measured ${rate.toFixed(1)} capacity units/s`);

  const asked = await pool.putItem({ ...put(0), ReturnConsumedCapacity: "TOTAL" });
  assert.equal(asked.ConsumedCapacity?.CapacityUnits, 1, "kept where the caller asked");
  const control = await pool.listTables({}); // not a capacity operation: sent as it is
  assert.ok(Array.isArray(control.TableNames));
  assert.equal(seen.at(-1)!.body.ReturnConsumedCapacity, undefined);
});

test("adaptive: throttling cuts the request rate, success restores it to the ceiling", async () => {
  let faults = true;
  let n = 0;
  const { dyno } = await timedDyno({ maxAttempts: 1, throttle: () => faults && n++ % 2 === 0 });
  const TableName = await createTestTable(dyno.client, { sortKey: null });
  const changes: PoolLimits[] = [];
  const pool = new Pool(dyno, {
    concurrency: 8,
    requestsPerSecond: 200,
    adaptive: { recoverPerSecond: 1 },
    onLimitsChange: (limits) => changes.push(limits),
  });
  const get = { TableName, Key: { pk: { S: "a" } } };
  const batch = (count: number) =>
    Promise.allSettled(Array.from({ length: count }, () => pool.getItem(get).await()));

  const results = await batch(60);
  assert.ok(
    results.some((r) => r.status === "rejected"),
    "faults reached the callers",
  );
  const low = pool.limits.requestsPerSecond!;
  assert.ok(low < 100, `backed off to ${low.toFixed(1)} requests/s`);
  assert.ok(changes.length > 0 && changes.every((c) => c.concurrency === 8));

  faults = false;
  const started = performance.now();
  while (pool.limits.requestsPerSecond! < 200 && performance.now() - started < 15_000) {
    const settled = await batch(20);
    assert.ok(settled.every((r) => r.status === "fulfilled"));
  }
  assert.equal(pool.limits.requestsPerSecond, 200, "recovered to the configured ceiling");
  assert.equal(changes.at(-1)!.requestsPerSecond, 200);
});

test("adaptive without a configured rate: the first throttle sets a limit from the measured rate", async () => {
  let faults = false;
  const { dyno } = await timedDyno({ maxAttempts: 1, throttle: () => faults });
  const TableName = await createTestTable(dyno.client, { sortKey: null });
  const pool = new Pool(dyno, { concurrency: 4, adaptive: true });
  const get = { TableName, Key: { pk: { S: "a" } } };
  await Promise.all(Array.from({ length: 40 }, () => pool.getItem(get)));
  assert.equal(pool.limits.requestsPerSecond, undefined, "no limit before any throttling");
  faults = true;
  await assert.rejects(pool.getItem(get).await(), {
    name: "ProvisionedThroughputExceededException",
  });
  const limit = pool.limits.requestsPerSecond;
  assert.ok(limit !== undefined && limit >= 1, `limit set to ${limit}`);
  faults = false;
  await Promise.all(Array.from({ length: 10 }, () => pool.getItem(get)));
  assert.ok(pool.limits.requestsPerSecond! >= limit, "and it rises again as requests succeed");
});

test("adaptive: an SDK retry inside a request (attempts > 1) is a throttling signal", async () => {
  let n = 0;
  const { dyno, times } = await timedDyno({ maxAttempts: 2, throttle: () => n++ === 0 });
  const TableName = await createTestTable(dyno.client, { sortKey: null });
  const pool = new Pool(dyno, { concurrency: 1, requestsPerSecond: 100, adaptive: true });
  const output = await pool.getItem({ TableName, Key: { pk: { S: "a" } } });
  assert.equal(output.$metadata.attempts, 2);
  assert.equal(times.length, 2);
  assert.ok(pool.limits.requestsPerSecond! < 100, `cut to ${pool.limits.requestsPerSecond}`);
});

test("a running operation waiting for the rate limit can be cancelled: it never reaches the wire", async () => {
  const { dyno, times } = await timedDyno();
  const TableName = await createTestTable(dyno.client, { sortKey: null });
  const pool = new Pool(dyno, { concurrency: 4, requestsPerSecond: 2 });
  const get = { TableName, Key: { pk: { S: "a" } } };
  const ops = [1, 2, 3].map(() => pool.getItem(get));
  assert.ok(
    ops.every((op) => op.state === "running"),
    "all three hold a slot",
  );
  await ops[0];
  assert.equal(times.length, 1, "the others wait for tokens");
  const cancelledAt = performance.now();
  ops[1].cancel("not needed");
  await assert.rejects(ops[1].await(), { name: "AbortError" });
  assert.ok(performance.now() - cancelledAt < 100, "rejects at once");
  await ops[2];
  assert.equal(times.length, 2, "the cancelled one was never sent");
  assert.equal(pool.active, 0);
});
