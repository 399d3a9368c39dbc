/**
 * Issue 16 item 11: a server (or proxy, or middleware) that returns the same LastEvaluatedKey
 * twice in a row (compared by key identity, so in any notation) makes scanAll, queryAll, a
 * parallel scan and the page iterators fail with a clear error instead of looping forever.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Dyno, DynoError } from "../../src/index.js";
import { testClient, testEndpoint, testTransport } from "../support/db.js";
import { faultProxy } from "../support/http.js";
import { define } from "../entity/schema.js";

/** Every Scan/Query is answered with one item and a LastEvaluatedKey of 1000, spelled two ways. */
async function stuckServer() {
  let n = 0;
  const proxy = await faultProxy(await testEndpoint(), (request) =>
    request.operation === "Scan" || request.operation === "Query"
      ? {
          status: 200,
          body: {
            Items: [{ k: { N: String(n) } }],
            Count: 1,
            ScannedCount: 1,
            LastEvaluatedKey: { k: { N: n++ % 2 ? "1E+3" : "1000" } },
          },
        }
      : undefined,
  );
  const dyno = new Dyno({
    client: await testClient({ endpoint: proxy.endpoint }),
    transport: testTransport,
  });
  return { proxy, dyno };
}

const stuck = (e: unknown) => {
  assert.ok(e instanceof DynoError, String(e));
  assert.match(e.message, /page 2 returned as LastEvaluatedKey the key it started from/);
  return true;
};

test("scanAll, queryAll and a parallel scan fail on a LastEvaluatedKey that does not advance", async () => {
  const { proxy, dyno } = await stuckServer();
  try {
    const signal = AbortSignal.timeout(5000); // before the fix: a loop without end
    await assert.rejects(dyno.scanAll({ TableName: "T" }, { signal }).await(), (e) => {
      stuck(e);
      return /^scanAll:/.test((e as Error).message);
    });
    await assert.rejects(
      dyno
        .queryAll(
          {
            TableName: "T",
            KeyConditionExpression: "k = :k",
            ExpressionAttributeValues: { ":k": { N: "1" } },
          },
          { signal },
        )
        .await(),
      (e) => stuck(e) && /^queryAll:/.test((e as Error).message),
    );
    await assert.rejects(
      dyno.scanAll({ TableName: "T" }, { segments: 4, signal }).await(),
      (e) => stuck(e) && /^scanAll segment \d:/.test((e as Error).message),
    );
    const pages: unknown[] = [];
    await assert.rejects(async () => {
      for await (const page of dyno.scanPages({ TableName: "T" }, { signal })) pages.push(page);
    }, stuck);
    assert.equal(
      pages.length,
      2,
      "both pages handed out, the same page not requested a third time",
    );
  } finally {
    await proxy.stop();
  }
});

/** Issue 16 attack 5: LastEvaluatedKey A, then B, then A again (per segment): a cycle of two. */
async function cyclingServer() {
  const proxy = await faultProxy(await testEndpoint(), (request) => {
    if (request.operation !== "Scan" && request.operation !== "Query") return undefined;
    const start = (request.body as { ExclusiveStartKey?: { k: { S: string } } }).ExclusiveStartKey;
    const next = start?.k.S === "A" ? "B" : "A";
    return {
      status: 200,
      body: { Items: [], Count: 0, ScannedCount: 1, LastEvaluatedKey: { k: { S: next } } },
    };
  });
  const dyno = new Dyno({
    client: await testClient({ endpoint: proxy.endpoint }),
    transport: testTransport,
  });
  return { proxy, dyno };
}

const cycled = (prefix: RegExp) => (e: unknown) => {
  assert.ok(e instanceof DynoError, String(e));
  assert.match(e.message, prefix);
  assert.match(e.message, /page 3 returned as LastEvaluatedKey a key page 1 already returned/);
  assert.match(e.message, /\{"k":\{"S":"A"\}\}/);
  return true;
};

test("a LastEvaluatedKey that comes back after another (A, B, A) ends every paginator", async () => {
  const { proxy, dyno } = await cyclingServer();
  try {
    const signal = AbortSignal.timeout(10_000); // before the fix: a loop without end
    await assert.rejects(dyno.scanAll({ TableName: "T" }, { signal }).await(), cycled(/^scanAll:/));
    await assert.rejects(
      dyno
        .queryAll(
          {
            TableName: "T",
            KeyConditionExpression: "k = :k",
            ExpressionAttributeValues: { ":k": { S: "x" } },
          },
          { signal },
        )
        .await(),
      cycled(/^queryAll:/),
    );
    await assert.rejects(
      dyno.scanAll({ TableName: "T" }, { segments: 3, signal }).await(),
      cycled(/^scanAll segment \d:/),
    );
    await assert.rejects(
      async () => {
        for await (const _ of dyno.scanItems({ TableName: "T" }, { signal }));
      },
      cycled(/^scanPages:/),
    );
    // A model's .page() follows pages until it has `limit` items: none come, the key cycles.
    const { Users } = define(dyno, "T");
    await assert.rejects(
      Users.query({ org: "o" }).page({ limit: 5 }),
      cycled(/^query \.page\(\):/),
    );
    // Started from B: the server's A then B again is the run's own ExclusiveStartKey.
    await assert.rejects(
      dyno.scanAll({ TableName: "T", ExclusiveStartKey: { k: { S: "B" } } }, { signal }).await(),
      /page 2 returned as LastEvaluatedKey the ExclusiveStartKey the run started from/,
    );
  } finally {
    await proxy.stop();
  }
});
