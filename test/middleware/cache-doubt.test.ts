/**
 * The cache and writes whose outcome is unknown (issue 16, item 10): a cancelled PutItem that a
 * slow loopback proxy still delivers to DynamoDB after the client gave up must not leave the
 * cache serving the old item until the TTL.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { ConditionalCheckFailedException, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { AbortError, Dyno, cacheMiddleware } from "../../src/index.js";
import { localClientConfig } from "../../src/local/index.js";
import { createTestTable, testClient, testEndpoint, testTransport } from "../support/db.js";
import { forwardTo, listenOnLoopback, readRequest } from "../support/loopback-server.js";

/**
 * A proxy to `target` that holds each PutItem for `delayMs` before forwarding it, and forwards
 * it even when the client has gone (as a server that received a request applies it).
 */
async function slowWrites(target: string, delayMs: number) {
  const state = { held: 0, landed: 0 };
  const server: Server = createServer((req, res) =>
    readRequest(req, (body, operation) => {
      const isPut = operation === "PutItem";
      if (isPut) state.held++;
      const forward = () =>
        forwardTo(target, req, res, body, (answer) => {
          if (isPut) state.landed++;
          if (res.destroyed) return void answer.resume();
          res.writeHead(answer.statusCode ?? 500, answer.headers);
          answer.pipe(res);
        });
      if (isPut) setTimeout(forward, delayMs);
      else forward();
    }),
  );
  return { ...(await listenOnLoopback(server)), state };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let direct: Dyno;
let TableName: string;
let proxy: Awaited<ReturnType<typeof slowWrites>>;
const clients: DynamoDBClient[] = [];

before(async () => {
  const client = await testClient();
  direct = new Dyno({ client });
  TableName = await createTestTable(client, { sortKey: null });
  proxy = await slowWrites(await testEndpoint(), 1500);
});

after(async () => {
  clients.forEach((c) => c.destroy());
  await proxy.stop();
});

/** A session through the proxy with a cache (TTL one minute). */
function cachedSession() {
  const client = new DynamoDBClient({ ...localClientConfig(proxy.endpoint), maxAttempts: 1 });
  clients.push(client);
  const cache = cacheMiddleware({ ttlMs: 60_000 });
  return { dyno: new Dyno({ client, transport: testTransport }).use(cache), cache };
}

const get = (pk: string) => ({ TableName, Key: { pk: { S: pk } } });
const valueOf = (out: { Item?: Record<string, { N?: string }> }) => out.Item?.v?.N;

test("a cancelled write that still lands: the next read through the cache sees it", async () => {
  await direct.putItem({ TableName, Item: { pk: { S: "k" }, v: { N: "1" } } });
  const { dyno, cache } = cachedSession();
  assert.equal(valueOf(await dyno.getItem(get("k"))), "1");
  assert.equal(valueOf(await dyno.getItem(get("k"))), "1");
  assert.equal(cache.stats.hits, 1);

  const held = proxy.state.held;
  const write = dyno.putItem({ TableName, Item: { pk: { S: "k" }, v: { N: "2" } } });
  while (proxy.state.held === held) await sleep(5); // the request reached the "server"
  write.cancel("changed my mind");
  await assert.rejects(write.await(), AbortError);

  // Once the cancelled run is over (its request torn down), and before the write lands, a read
  // sees the old item: true at that moment, but not to be kept...
  await sleep(300);
  const misses = cache.stats.misses;
  assert.equal(valueOf(await dyno.getItem(get("k"))), "1");
  assert.equal(cache.stats.misses, misses + 1);
  // ...then the write lands, after the operation settled.
  const deadline = Date.now() + 20_000;
  while (
    valueOf(await direct.getItem({ ...get("k"), ConsistentRead: true })) !== "2" &&
    Date.now() < deadline
  )
    await sleep(50);
  assert.equal(proxy.state.landed > 0, true, "the cancelled write reached DynamoDB");
  assert.equal(valueOf(await dyno.getItem(get("k"))), "2", "no stale item from the cache");
  assert.equal(valueOf(await dyno.getItem(get("k"))), "2");
});

test("a write DynamoDB refused (a failed condition) keeps the cache working for the table", async () => {
  await direct.putItem({ TableName, Item: { pk: { S: "c" }, v: { N: "1" } } });
  const { dyno, cache } = cachedSession();
  await assert.rejects(
    dyno
      .deleteItem({
        TableName,
        Key: { pk: { S: "c" } },
        ConditionExpression: "attribute_not_exists(pk)",
      })
      .await(),
    ConditionalCheckFailedException,
  );
  assert.equal(valueOf(await dyno.getItem(get("c"))), "1");
  const hits = cache.stats.hits;
  assert.equal(valueOf(await dyno.getItem(get("c"))), "1");
  assert.equal(cache.stats.hits, hits + 1, "the second read is a hit");
});

test("after a write in doubt, reads of the table are not kept for inDoubtMs, then are again", async () => {
  let clock = 1_000;
  const cache = cacheMiddleware({ ttlMs: 60_000, inDoubtMs: 5_000, now: () => clock });
  const dyno = new Dyno({ client: direct.client }).use(cache);
  await direct.putItem({ TableName, Item: { pk: { S: "d" }, v: { N: "1" } } });
  const write = dyno.putItem({ TableName, Item: { pk: { S: "d" }, v: { N: "2" } } });
  write.cancel();
  await assert.rejects(write.await(), AbortError);
  await dyno.getItem(get("d"));
  await dyno.getItem(get("d"));
  assert.equal(cache.stats.hits, 0, "nothing kept while in doubt");
  clock += 5_000;
  await dyno.getItem(get("d"));
  await dyno.getItem(get("d"));
  assert.equal(cache.stats.hits, 1, "kept again once the window has passed");
});
