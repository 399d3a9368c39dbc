/**
 * Every request of the lock has its own deadline, bounded by the lease: a request that a
 * black-hole proxy (in front of the real local DynamoDB) accepts and never answers is given up
 * after at most a lease and tried again, so neither `timeoutMs: Infinity` nor a finite budget
 * is swallowed by one stalled request.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { acquireLock, Dyno } from "../../src/index.js";
import { blackHoleProxy } from "../support/black-hole-proxy.js";
import { testClient, testDyno, testEndpoint, testTransport } from "../support/db.js";
import type { SeenRequest } from "../support/http.js";
import { lockTable, readItem } from "./support.js";

const dyno = await testDyno();
const table = await lockTable(dyno.client);
const lease = { leaseMs: 1000, heartbeatMs: 250, retryMs: 20 };
await (
  await acquireLock(dyno, { table, key: { id: "warm-up" }, leaseMs: 10_000, timeoutMs: 30_000 })
).release();
let keyCounter = 0;
const newKey = () => ({ id: `deadline-${++keyCounter}` });

const proxies: { stop(): Promise<void> }[] = [];
after(() => Promise.all(proxies.map((p) => p.stop())));

/** A session whose requests go through a proxy that swallows the first request `pick` matches. */
async function swallowingFirst(pick: (request: SeenRequest) => boolean) {
  let done = false;
  const proxy = await blackHoleProxy(await testEndpoint(), (request) => {
    if (done || !pick(request)) return false;
    return (done = true);
  });
  proxies.push(proxy);
  const client = await testClient({ endpoint: proxy.endpoint, maxAttempts: 1 });
  return { proxy, dyno: new Dyno({ client, transport: testTransport }) };
}

const body = (request: SeenRequest) =>
  request.body as { UpdateExpression?: string; Key?: { id?: { S?: string } } } | undefined;
const isPoll = (id: string) => (request: SeenRequest) =>
  request.operation === "GetItem" && body(request)?.Key?.id?.S === id;
const isAcquire = (id: string) => (request: SeenRequest) =>
  request.operation === "UpdateItem" &&
  body(request)?.Key?.id?.S === id &&
  String(body(request)?.UpdateExpression).includes("ADD");
const isRelease = (id: string) => (request: SeenRequest) =>
  request.operation === "UpdateItem" &&
  body(request)?.Key?.id?.S === id &&
  String(body(request)?.UpdateExpression).includes("REMOVE");

async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  const end = performance.now() + ms;
  while (!condition()) {
    assert.ok(performance.now() < end, "condition not reached in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

test("timeoutMs Infinity: a black-holed poll is given up after a lease; the waiter acquires after the release", async () => {
  const key = newKey();
  const holder = await acquireLock(dyno, { table, key, ...lease, timeoutMs: 5000 });
  const { proxy, dyno: waiterDyno } = await swallowingFirst(isPoll(key.id));
  // Without a deadline per request the waiter would wait forever; the test gives it 15 s.
  const waiter = acquireLock(waiterDyno, {
    table,
    key,
    ...lease,
    timeoutMs: Infinity,
    signal: AbortSignal.timeout(15_000),
  });
  await until(() => proxy.swallowed === 1);
  const released = performance.now();
  await holder.release();
  const lock = await waiter;
  const waited = performance.now() - released;
  assert.ok(waited < 5000, `acquired ${waited.toFixed(0)} ms after the release`);
  assert.equal(lock.fencingToken, holder.fencingToken + 1n);
  await lock.release();
});

test("a finite timeoutMs: one stalled read does not use up the budget", async () => {
  const key = newKey();
  const holder = await acquireLock(dyno, { table, key, ...lease, timeoutMs: 5000 });
  const { proxy, dyno: waiterDyno } = await swallowingFirst(isPoll(key.id));
  const started = performance.now();
  const waiter = acquireLock(waiterDyno, { table, key, ...lease, timeoutMs: 12_000 });
  await until(() => proxy.swallowed === 1);
  await holder.release();
  const lock = await waiter;
  const waited = performance.now() - started;
  assert.ok(waited < 6000, `acquired after ${waited.toFixed(0)} ms of a 12 s budget`);
  await lock.release();
});

test("timeoutMs Infinity: a black-holed acquiring write is given up after a lease and tried again", async () => {
  const key = newKey();
  const { proxy, dyno: waiterDyno } = await swallowingFirst(isAcquire(key.id));
  const started = performance.now();
  const lock = await acquireLock(waiterDyno, {
    table,
    key,
    ...lease,
    timeoutMs: Infinity,
    signal: AbortSignal.timeout(15_000),
  });
  assert.equal(proxy.swallowed, 1);
  const waited = performance.now() - started;
  assert.ok(waited < 5000, `acquired after ${waited.toFixed(0)} ms`);
  assert.equal(lock.held, true);
  await lock.release();
});

test("a black-holed DescribeTable (the key check) does not stall acquisition", async () => {
  const key = newKey();
  const { proxy, dyno: waiterDyno } = await swallowingFirst((r) => r.operation === "DescribeTable");
  const lock = await acquireLock(waiterDyno, {
    table,
    key,
    ...lease,
    timeoutMs: Infinity,
    signal: AbortSignal.timeout(15_000),
  });
  assert.equal(proxy.swallowed, 1);
  await lock.release();
});

test("a black-holed release request is retried within the lease: the lock is freed at once, not after a lease", async () => {
  const key = newKey();
  const { proxy, dyno: holderDyno } = await swallowingFirst(isRelease(key.id));
  const holder = await acquireLock(holderDyno, {
    table,
    key,
    leaseMs: 4000,
    heartbeatMs: 500,
    retryMs: 20,
    timeoutMs: 5000,
  });
  await holder.release();
  assert.equal(proxy.swallowed, 1);
  assert.equal((await readItem(dyno, table, key.id))?._lock_owner, undefined, "freed");
});

test("a release whose every request is swallowed rejects after a lease, naming the lock and that it was a release", async () => {
  const key = newKey();
  const proxy = await blackHoleProxy(await testEndpoint(), isRelease(key.id));
  proxies.push(proxy);
  const client = await testClient({ endpoint: proxy.endpoint, maxAttempts: 1 });
  const holderDyno = new Dyno({ client, transport: testTransport });
  const holder = await acquireLock(holderDyno, { table, key, ...lease, timeoutMs: 5000 });
  const started = performance.now();
  const error = await holder.release().then(
    () => assert.fail("a release with no answer resolved"),
    (e: unknown) => e as Error,
  );
  assert.ok(performance.now() - started < lease.leaseMs + 2000, "gave up after about a lease");
  assert.equal(error.name, "DynoError", String(error));
  assert.match(error.message, /^release of lock on \S+ \{id: "deadline-\d+"\} \(token \d+\)/);
  assert.match(error.message, new RegExp(`"${key.id}"`));
  assert.equal((error.cause as Error).name, "AbortError");
  assert.ok(proxy.swallowed >= 2, "retried within the lease");
});
