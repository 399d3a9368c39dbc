import { test, before } from "node:test";
import assert from "node:assert/strict";
import {
  Dyno,
  DynoValidationError,
  metricsMiddleware,
  s,
  unmarshalInto,
  type AnyMiddleware,
  type OperationMetrics,
} from "../../src/index.js";
import type { ConsumedCapacity, DynamoDBClient, ScanCommandInput } from "@aws-sdk/client-dynamodb";
import { testClient } from "../support/db.js";
import { filledTable, frozen, pks, recordingDyno } from "./support.js";

let client: DynamoDBClient;
let TableName: string;
let all: string[];

before(async () => {
  client = await testClient();
  ({ TableName, ids: all } = await filledTable(client, 3000, {
    extra: (i) => ({ grp: { S: `g${i % 3}` }, n: { N: String(i) } }),
    create: {
      AttributeDefinitions: [
        { AttributeName: "grp", AttributeType: "S" },
        { AttributeName: "n", AttributeType: "N" },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: "byGroup",
          KeySchema: [
            { AttributeName: "grp", KeyType: "HASH" },
            { AttributeName: "n", KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: "ALL" },
        },
      ],
    },
  }));
});

const scans = (seen: { operation: string; body: unknown }[]) =>
  seen.filter((r) => r.operation === "Scan");

test("scanAll: every item of 3,000 (~1 KB) with Limit as page size, counts summed, input untouched", async () => {
  const { dyno, seen } = await recordingDyno();
  const input = frozen<ScanCommandInput>({ TableName, Limit: 100 });
  const runs: string[] = [];
  const outer: AnyMiddleware = (next) => async (ctx) => (runs.push(ctx.operation), next(ctx));
  const out = await dyno.scanAll(input, outer);
  assert.equal(out.Items!.length, 3000);
  assert.deepEqual(new Set(pks(out.Items)), new Set(all), "every item exactly once");
  assert.equal(out.Count, 3000);
  assert.equal(out.ScannedCount, 3000);
  assert.equal(out.LastEvaluatedKey, undefined);
  const requests = scans(seen);
  assert.ok(requests.length >= 30 && requests.length <= 31, `${requests.length} pages of 100`);
  assert.ok(requests.every((r) => (r.body as { Limit: number }).Limit === 100));
  assert.deepEqual(runs, ["Scan"], "middleware wraps the whole run once");
  assert.equal(out.$metadata.attempts, requests.length);
});

test("scanAll / queryAll: ConsumedCapacity summed per table and per index (INDEXES)", async () => {
  const dyno = new Dyno({ client });
  const input = {
    TableName,
    IndexName: "byGroup",
    KeyConditionExpression: "grp = :g",
    ExpressionAttributeValues: { ":g": { S: "g1" } },
    Limit: 150,
    ReturnConsumedCapacity: "INDEXES" as const,
  };
  const expected = { total: 0, index: 0, count: 0, pages: 0 };
  for await (const page of dyno.queryPages(input)) {
    expected.total += page.ConsumedCapacity?.CapacityUnits ?? 0;
    expected.index += page.ConsumedCapacity?.GlobalSecondaryIndexes?.byGroup?.CapacityUnits ?? 0;
    expected.count += page.Count ?? 0;
    expected.pages++;
  }
  const out = await dyno.queryAll(input);
  assert.equal(out.Count, 1000);
  assert.equal(expected.count, 1000);
  assert.ok(expected.pages >= 7);
  const capacity = out.ConsumedCapacity as ConsumedCapacity;
  assert.ok(expected.total > 0, "the engine reports capacity");
  assert.equal(capacity.CapacityUnits, expected.total);
  assert.equal(capacity.TableName, TableName);
  assert.equal(
    capacity.GlobalSecondaryIndexes?.byGroup?.CapacityUnits,
    expected.index || undefined,
  );
  const scan = await dyno.scanAll({ TableName, Limit: 500, ReturnConsumedCapacity: "TOTAL" });
  assert.ok((scan.ConsumedCapacity?.CapacityUnits ?? 0) > 0);
});

test("scanAll: maxItems caps the total, stops requesting, and gives LastEvaluatedKey to resume", async () => {
  const { dyno, seen } = await recordingDyno();
  const first = await dyno.scanAll({ TableName, Limit: 100 }, { maxItems: 250 });
  assert.equal(first.Items!.length, 250);
  assert.equal(first.Count, 250);
  const limits = scans(seen).map((r) => (r.body as { Limit: number }).Limit);
  assert.deepEqual(limits, [100, 100, 50], "the last page asks only for what is left");
  assert.ok(first.LastEvaluatedKey, "where to resume");
  const rest = await dyno.scanAll({
    TableName,
    Limit: 1000,
    ExclusiveStartKey: first.LastEvaluatedKey,
  });
  const both = [...pks(first.Items), ...pks(rest.Items)];
  assert.equal(both.length, 3000);
  assert.deepEqual(new Set(both), new Set(all));
  const paged = await dyno.scanAll({ TableName, Limit: 100 }, { maxPages: 2 });
  assert.equal(paged.Items!.length, 200);
  assert.ok(paged.LastEvaluatedKey);
});

test("scanAll: parallel scan over segments returns each item exactly once", async () => {
  for (const [segments, concurrency] of [
    [4, undefined],
    [8, 3],
  ] as const) {
    const { dyno, seen } = await recordingDyno();
    const progress: number[] = [];
    const out = await dyno.scanAll(
      { TableName, Limit: 200 },
      { segments, concurrency, onProgress: (p) => progress.push(p.done) },
    );
    assert.equal(out.Items!.length, 3000, `${segments} segments`);
    assert.deepEqual(new Set(pks(out.Items)), new Set(all));
    assert.equal(out.Count, 3000);
    const bodies = scans(seen).map((r) => r.body as { Segment: number; TotalSegments: number });
    assert.deepEqual(new Set(bodies.map((b) => b.Segment)).size, segments);
    assert.ok(bodies.every((b) => b.TotalSegments === segments));
    assert.equal(progress.length, bodies.length, "one progress report per page");
    assert.equal(progress.at(-1), 3000);
  }
  const dyno = new Dyno({ client });
  const capped = await dyno.scanAll({ TableName, Limit: 100 }, { segments: 4, maxItems: 120 });
  assert.equal(capped.Items!.length, 120);
  assert.equal(capped.LastEvaluatedKey, undefined);
});

test("scanAll / queryAll: metrics see one run; unmarshalInto decodes every item", async () => {
  const metrics: OperationMetrics[] = [];
  const dyno = new Dyno({ client }).use(metricsMiddleware((m) => metrics.push(m)));
  const decoded: { pk: string; n: number }[] = [];
  const User = s.object({ pk: s.string(), n: s.number(), grp: s.string(), data: s.string() });
  const out = await dyno.queryAll(
    {
      TableName,
      IndexName: "byGroup",
      KeyConditionExpression: "grp = :g",
      ExpressionAttributeValues: { ":g": { S: "g2" } },
      Limit: 300,
    },
    unmarshalInto(decoded, User),
  );
  assert.equal(decoded.length, 1000);
  assert.equal(out.Items!.length, 1000);
  assert.deepEqual(
    decoded.map((d) => d.n),
    decoded.map((d) => d.n).sort((a, b) => a - b),
    "in index order",
  );
  assert.equal(metrics.length, 1);
  assert.equal(metrics[0].operation, "Query");
  assert.equal(metrics[0].retries, 0, "pages are not retries");
});

test("scanAll: options are validated before anything is sent", async () => {
  const { dyno, seen } = await recordingDyno();
  const bad: [unknown, RegExp][] = [
    [{ segments: 0 }, /options\.segments: scanAll: expected a positive integer, got 0/],
    [{ segments: 1.5 }, /options\.segments/],
    [{ maxItems: -1 }, /options\.maxItems/],
    [{ maxItem: 3 }, /options\.maxItem: not an option of scanAll/],
    [{ concurrency: 2 }, /options\.concurrency: scanAll: needs options\.segments/],
    [{ onProgress: "yes" }, /options\.onProgress: scanAll: expected a function, got "yes"/],
    [{ signal: {} }, /options\.signal/],
  ];
  for (const [options, message] of bad) {
    assert.throws(
      () => dyno.scanAll({ TableName }, options as never),
      (e: Error) => e instanceof DynoValidationError && message.test(e.message),
      String(message),
    );
  }
  assert.throws(() => dyno.scanAll({ TableName }, {}, {}), /second options object/);
  assert.throws(
    () => dyno.scanAll({ TableName }, 3 as never),
    /arguments\[1\]: expected a middleware function or an options object, got 3/,
  );
  assert.throws(
    () => dyno.scanAll({ TableName, Segment: 0, TotalSegments: 2 }, { segments: 4 }),
    (e: Error) => e instanceof DynoValidationError && e.field === "input.Segment",
  );
  assert.throws(() => dyno.queryAll(undefined as never), /input: queryAll: expected the SDK input/);
  assert.equal(seen.length, 0);
});
