import { test, before } from "node:test";
import assert from "node:assert/strict";
import { AbortError, Dyno, s, type AnyMiddleware } from "../../src/index.js";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { testClient } from "../support/db.js";
import { filledTable, frozen, recordingDyno } from "./support.js";

let client: DynamoDBClient;
let TableName: string;
let all: string[];

before(async () => {
  client = await testClient();
  ({ TableName, ids: all } = await filledTable(client, 600, { bytes: 200 }));
});

test("scanPages: break stops further requests; nothing is requested before iteration", async () => {
  const { dyno, seen } = await recordingDyno();
  const input = frozen({ TableName, Limit: 50 });
  const iterable = dyno.scanPages(input);
  await new Promise((r) => setImmediate(r));
  assert.equal(seen.length, 0, "lazy");
  let pages = 0;
  for await (const page of iterable) {
    assert.equal(page.Items!.length, 50);
    pages++;
    assert.equal(seen.length, pages, "the next page is requested only when asked for");
    if (pages === 3) break;
  }
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(seen.length, 3);
});

test("scanItems: every item decoded with a schema; maxItems stops early", async () => {
  const { dyno, seen } = await recordingDyno();
  const Row = s.object({ pk: s.string(), data: s.string() });
  const got: string[] = [];
  for await (const row of dyno.scanItems({ TableName, Limit: 100 }, { schema: Row })) {
    got.push(row.pk); // typed: Row
  }
  assert.equal(got.length, 600);
  assert.deepEqual(new Set(got), new Set(all));
  seen.length = 0;
  const some: unknown[] = [];
  for await (const row of dyno.scanItems({ TableName, Limit: 100 }, { maxItems: 150 }))
    some.push(row);
  assert.equal(some.length, 150);
  assert.deepEqual(
    seen.map((r) => (r.body as { Limit: number }).Limit),
    [100, 50],
  );
  seen.length = 0;
  let pages = 0;
  for await (const _ of dyno.scanPages({ TableName, Limit: 100 }, { maxPages: 2 })) pages++;
  assert.equal(pages, 2);
  assert.equal(seen.length, 2);
});

test("queryItems / queryPages: each page is an operation the session's middleware sees", async () => {
  const calls: string[] = [];
  const counting: AnyMiddleware = (next) => (ctx) => (calls.push(ctx.operation), next(ctx));
  const perCall: string[] = [];
  const dyno = new Dyno({ client }).use(counting);
  const one = all[7];
  let n = 0;
  for await (const item of dyno.queryItems(
    {
      TableName,
      KeyConditionExpression: "pk = :p",
      ExpressionAttributeValues: { ":p": { S: one } },
    },
    (next) => (ctx) => (perCall.push(ctx.input.TableName!), next(ctx)),
  )) {
    assert.equal(item.pk, one);
    n++;
  }
  assert.equal(n, 1);
  assert.deepEqual(calls, ["Query"]);
  assert.equal(perCall.length, 1);
  calls.length = 0;
  let pages = 0;
  for await (const _ of dyno.scanPages({ TableName, Limit: 200 })) pages++;
  assert.ok(pages >= 3);
  assert.equal(calls.length, pages, "one operation per page");
});

test("scanPages: the signal option ends the loop with AbortError and no more requests", async () => {
  const { dyno, seen } = await recordingDyno();
  const controller = new AbortController();
  let pages = 0;
  await assert.rejects(
    async () => {
      for await (const _ of dyno.scanPages(
        { TableName, Limit: 50 },
        { signal: controller.signal },
      )) {
        if (++pages === 2) controller.abort(new Error("enough"));
      }
    },
    (e: Error) => e instanceof AbortError && /enough/.test(e.message),
  );
  assert.equal(seen.length, 2);
  assert.throws(
    () => dyno.scanItems({ TableName }, { segments: 2 } as never),
    /options\.segments: not an option of scanItems/,
  );
});
