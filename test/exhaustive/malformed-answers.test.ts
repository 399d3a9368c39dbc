/**
 * Issue 16 (attack A2, A3): a 200 answer that cannot be DynamoDB's (an empty body, `{}`, `[]`, a
 * Scan/Query page without `Count`, a BatchGetItem answer without `Responses.<table>` or with
 * `null` in it, a BatchWriteItem answer without `UnprocessedItems`, a body cut short or an HTML
 * page) is refused with a `DynoResponseError` naming the operation and the table, never taken as
 * a final answer: no scan ends early, no key is counted as read, no write as done. The writes of
 * an unreadable BatchWriteItem answer are listed in `uncertain` (and in `unprocessed`). Faults
 * come from a loopback proxy in front of the real engine that replaces one answer's body.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage } from "node:http";
import type { AttributeValue, BatchWriteItemCommandInput } from "@aws-sdk/client-dynamodb";
import { Dyno, DynoResponseError } from "../../src/index.js";
import { createTestTable, testClient, testEndpoint, testTransport } from "../support/db.js";
import { forwardTo, listenOnLoopback, readRequest } from "../support/loopback-server.js";
import { filledTable, ids, item, pks } from "./support.js";

/** How the proxy replaces an answer: a body instead of DynamoDB's, or a function of DynamoDB's. */
type Replace = string | ((upstream: string) => string);

/**
 * A session through a proxy that forwards every request and, when `replace(n)` (n: 0-based
 * count of `operation` requests) gives one, answers HTTP 200 with that body instead of
 * DynamoDB's (the request itself still reaches DynamoDB).
 */
async function behindProxy(operation: string, replace: (n: number) => Replace | undefined) {
  const target = await testEndpoint();
  let n = 0;
  const server = createServer((req, res) =>
    readRequest(req, (raw, op) => {
      const swap = op === operation ? replace(n++) : undefined;
      if (swap === undefined) return forwardTo(target, req, res, raw);
      forwardTo(target, req, res, raw, (upstream: IncomingMessage) => {
        const chunks: Buffer[] = [];
        upstream.on("data", (c: Buffer) => chunks.push(c));
        upstream.on("end", () => {
          const body = typeof swap === "string" ? swap : swap(Buffer.concat(chunks).toString());
          res.writeHead(200, {
            "content-type": "application/x-amz-json-1.0",
            "content-length": Buffer.byteLength(body),
            "x-amzn-requestid": "proxy",
          });
          res.end(body);
        });
      });
    }),
  );
  const proxy = await listenOnLoopback(server);
  const client = await testClient({ endpoint: proxy.endpoint, maxAttempts: 1 });
  const reset = () => void (n = 0);
  return { proxy, client, reset, dyno: new Dyno({ client, transport: testTransport }) };
}

const FAST = { baseDelayMs: 1, maxDelayMs: 5 };
const MALFORMED_PAGES = ["", "{}", "[]", '{"Items":[]}', '{"Items":[],"Count":0}'];
const half = (body: string) => body.slice(0, Math.max(1, Math.floor(body.length / 2)));

async function rejection(promise: PromiseLike<unknown>): Promise<DynoResponseError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof DynoResponseError, `expected a DynoResponseError, got ${error}`);
    return error;
  }
  assert.fail("resolved, expected a DynoResponseError");
}

test("scanAll / queryAll / scanPages: a second page answered 200 with no Count is refused, not the end of the run", async () => {
  const client0 = await testClient();
  const TableName = await createTestTable(client0);
  const rows = ids(30).map((sk) => ({ PutRequest: { Item: { pk: { S: "p" }, sk: { S: sk } } } }));
  await new Dyno({ client: client0, transport: testTransport }).batchWriteItemAll({
    RequestItems: { [TableName]: rows },
  });
  for (const body of MALFORMED_PAGES) {
    for (const operation of ["Scan", "Query"] as const) {
      const { proxy, client, dyno, reset } = await behindProxy(operation, (n) =>
        n === 1 ? body : undefined,
      );
      try {
        const run =
          operation === "Scan"
            ? dyno.scanAll({ TableName, Limit: 10 })
            : dyno.queryAll({
                TableName,
                Limit: 10,
                KeyConditionExpression: "pk = :p",
                ExpressionAttributeValues: { ":p": { S: "p" } },
              });
        const error = await rejection(run);
        assert.equal(error.operation, operation);
        assert.deepEqual(error.tables, [TableName]);
        assert.match(
          error.message,
          new RegExp(`^${operation} on ${TableName}: the answer to page 2 of (scan|query)All`),
        );
        if (operation === "Scan") {
          reset();
          const pages = dyno.scanPages({ TableName, Limit: 10 });
          const got = await rejection(
            (async () => {
              for await (const _ of pages);
            })(),
          );
          assert.match(got.message, /page 2 of scanPages/);
        }
      } finally {
        client.destroy();
        await proxy.stop();
      }
    }
  }
});

test("scanAll with segments: a segment answered 200 `{}` fails the run instead of being dropped", async () => {
  const { TableName } = await filledTable(await testClient(), 30, { bytes: 100 });
  const { proxy, client, dyno } = await behindProxy("Scan", (n) => (n === 0 ? "{}" : undefined));
  try {
    const error = await rejection(dyno.scanAll({ TableName }, { segments: 2, concurrency: 1 }));
    assert.match(error.message, /page 1 of scanAll segment 0 has no Count/);
  } finally {
    client.destroy();
    await proxy.stop();
  }
});

test("batchGetItemAll: an answer without Responses.<table>, or with null in it, counts no key as read", async () => {
  const { TableName } = await filledTable(await testClient(), 100, { bytes: 100 });
  const keys = [...ids(100, "missing"), ...ids(100), ...ids(50, "missingB")].map((id) => ({
    pk: { S: id },
  }));
  const bodies: Replace[] = [
    "",
    "{}",
    "[]",
    `{"Responses":{},"UnprocessedKeys":{}}`,
    `{"Responses":{"${TableName}":null},"UnprocessedKeys":{}}`,
    (upstream) => {
      const out = JSON.parse(upstream) as { Responses: Record<string, unknown[]> };
      out.Responses[TableName]!.push(null);
      return JSON.stringify(out);
    },
    (upstream) => JSON.stringify({ ...JSON.parse(upstream), UnprocessedKeys: undefined }),
    half,
    "<html>proxy ok</html>",
  ];
  for (const body of bodies) {
    const { proxy, client, dyno } = await behindProxy("BatchGetItem", (n) =>
      n === 1 ? body : undefined,
    );
    try {
      const error = await rejection(
        dyno.batchGetItemAll(
          { RequestItems: { [TableName]: { Keys: keys } } },
          { ...FAST, concurrency: 1 },
        ),
      );
      assert.equal(error.operation, "BatchGetItem");
      assert.deepEqual(error.tables, [TableName]);
      const done = error.done as { Responses: Record<string, Record<string, AttributeValue>[]> };
      const unprocessed = error.unprocessed as {
        RequestItems: Record<string, { Keys: Record<string, AttributeValue>[] }>;
      };
      // the first request (100 missing keys) is done; the second (100 existing) is not
      assert.deepEqual(done.Responses[TableName], []);
      assert.deepEqual(
        pks(unprocessed.RequestItems[TableName]!.Keys).slice(0, 100),
        ids(100),
        `body ${String(body)}`,
      );
      assert.equal(unprocessed.RequestItems[TableName]!.Keys.length, 150);
      assert.equal(error.uncertain, undefined);
    } finally {
      client.destroy();
      await proxy.stop();
    }
  }
});

test("batchWriteItemAll: an answer without UnprocessedItems, cut short or HTML ends the run; its writes are uncertain, never done", async () => {
  for (const body of ["", "{}", "[]", half, "<html>proxy ok</html>"] as Replace[]) {
    const TableName = await createTestTable(await testClient(), { sortKey: null });
    const keys = ids(100);
    const input: BatchWriteItemCommandInput = {
      RequestItems: { [TableName]: keys.map((id) => ({ PutRequest: { Item: item(id, 50) } })) },
    };
    const { proxy, client, dyno } = await behindProxy("BatchWriteItem", (n) =>
      n === 1 ? body : undefined,
    );
    try {
      const error = await rejection(dyno.batchWriteItemAll(input, { ...FAST, concurrency: 1 }));
      assert.equal(error.operation, "BatchWriteItem");
      assert.deepEqual(error.tables, [TableName]);
      assert.match(error.message, /a BatchWriteItem request of 25 writes/);
      if (typeof body === "function" || body.startsWith("<"))
        assert.ok(error.cause instanceof SyntaxError, "the unreadable body's error is the cause");
      const list = (x: unknown) =>
        ((x as BatchWriteItemCommandInput).RequestItems?.[TableName] ?? []).map(
          (r) => r.PutRequest!.Item!.pk.S!,
        );
      assert.deepEqual(list(error.done), keys.slice(0, 25));
      assert.deepEqual(list(error.uncertain), keys.slice(25, 50));
      assert.deepEqual(list(error.unprocessed), keys.slice(25));
      // the second request reached DynamoDB: what is stored is done + uncertain
      const check = new Dyno({ client: await testClient(), transport: testTransport });
      const stored = pks((await check.scanAll({ TableName })).Items).sort();
      assert.deepEqual(stored, keys.slice(0, 50));
      // passing `unprocessed` back in finishes the run
      await check.batchWriteItemAll(error.unprocessed as BatchWriteItemCommandInput);
      assert.equal((await check.scanAll({ TableName, Select: "COUNT" })).Count, 100);
    } finally {
      client.destroy();
      await proxy.stop();
    }
  }
});

test("batchWriteItemAll: a 503 with an HTML body is still retried as a 5xx (not taken for an unreadable answer)", async () => {
  const TableName = await createTestTable(await testClient(), { sortKey: null });
  const target = await testEndpoint();
  let n = 0;
  const server = createServer((req, res) =>
    readRequest(req, (raw, op) => {
      if (op === "BatchWriteItem" && n++ === 0) {
        res.writeHead(503, { "content-type": "text/html" });
        return res.end("<html>503 Service Unavailable</html>");
      }
      forwardTo(target, req, res, raw);
    }),
  );
  const proxy = await listenOnLoopback(server);
  const client = await testClient({ endpoint: proxy.endpoint, maxAttempts: 1 });
  try {
    const dyno = new Dyno({ client, transport: testTransport });
    await dyno.batchWriteItemAll(
      {
        RequestItems: {
          [TableName]: ids(30).map((id) => ({ PutRequest: { Item: item(id, 50) } })),
        },
      },
      FAST,
    );
    assert.equal((await dyno.scanAll({ TableName, Select: "COUNT" })).Count, 30);
  } finally {
    client.destroy();
    await proxy.stop();
  }
});
