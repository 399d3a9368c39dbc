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
