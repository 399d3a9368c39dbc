import { test } from "node:test";
import assert from "node:assert/strict";
import { DescribeTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  Dyno,
  Operation,
  cacheMiddleware,
  logMiddleware,
  metricsMiddleware,
  type LogEntry,
  type Middleware,
  type OperationMetrics,
} from "../../src/index.js";
import { createTestTable, engine, needsTransactions, testClient } from "../support/db.js";
import { recordingHandler, type CannedResponse, type SeenRequest } from "../support/http.js";

const arnSkip: string | false =
  engine === "dynalite" ? "dynalite does not accept table ARNs as TableName" : false;

/** A fresh table, once it answers (dynalite answers CreateTable while the table is CREATING). */
async function activeTable(client: DynamoDBClient): Promise<string> {
  const TableName = await createTestTable(client, { sortKey: null });
  for (;;) {
    const described = await client
      .send(new DescribeTableCommand({ TableName }))
      .catch(() => undefined);
    if (described?.Table?.TableStatus === "ACTIVE") return TableName;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function setup(
  intercept?: (request: SeenRequest, index: number) => CannedResponse | undefined,
) {
  const handler = recordingHandler(intercept);
  const client = await testClient({ requestHandler: handler, retryStrategy: undefined });
  const TableName = await activeTable(client);
  const dyno = new Dyno({ client });
  await dyno.putItem({ TableName, Item: { pk: { S: "a" }, v: { N: "1" } } });
  const { Table } = await dyno.describeTable({ TableName });
  handler.seen.length = 0;
  return { handler, client, TableName, arn: Table!.TableArn!, dyno };
}

const sent = (handler: { seen: SeenRequest[] }, operation: string) =>
  handler.seen.filter((r) => r.operation === operation).length;

const setV = (TableName: string, v: string) => ({
  TableName,
  Key: { pk: { S: "a" } },
  UpdateExpression: "SET v = :v",
  ExpressionAttributeValues: { ":v": { N: v } },
});

/**
 * A per-call middleware (so inside the session's cache) that holds a read's answer until
 * `release()`: `answered` resolves once DynamoDB has answered it.
 */
function holdAnswer() {
  let release!: () => void;
  let answered!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const reached = new Promise<void>((resolve) => (answered = resolve));
  const middleware: Middleware<"GetItem"> = (next) => async (ctx) => {
    const output = await next(ctx);
    answered();
    await gate;
    return output;
  };
  return { middleware, answered: reached, release };
}

test("cache: a read in flight while a write completes does not store its older answer", async () => {
  const { dyno, handler, TableName } = await setup();
  dyno.use(cacheMiddleware());
  const get = () => dyno.getItem({ TableName, Key: { pk: { S: "a" } } });

  const held = holdAnswer();
  const slow = dyno.getItem({ TableName, Key: { pk: { S: "a" } } }, held.middleware);
  await held.answered; // DynamoDB answered v = 1; the cache has not seen the answer yet
  await dyno.updateItem(setV(TableName, "2"));
  held.release();
  assert.equal((await slow).Item?.v.N, "1", "that read itself started before the write");
  assert.equal((await get()).Item?.v.N, "2", "its older answer was not stored");
  assert.equal((await get()).Item?.v.N, "2");
  assert.equal(sent(handler, "GetItem"), 2, "the fresh answer is cached");
});

test("cache: clear() and invalidate() while a read is in flight keep its answer out", async () => {
  const { dyno, handler, TableName } = await setup();
  const cache = cacheMiddleware();
  dyno.use(cache);
  for (const forget of [() => cache.clear(), () => cache.invalidate(TableName)]) {
    const held = holdAnswer();
    const slow = dyno.getItem({ TableName, Key: { pk: { S: "a" } } }, held.middleware);
    await held.answered;
    forget();
    held.release();
    await slow;
    assert.equal(cache.size, 0);
  }
  assert.equal(sent(handler, "GetItem"), 2);
});

test(
  "cache: a table named by ARN and by name is one table, for writes and in-flight reads",
  { skip: arnSkip },
  async () => {
    const { dyno, handler, TableName, arn } = await setup();
    const cache = cacheMiddleware();
    dyno.use(cache);
    const get = (table: string) => dyno.getItem({ TableName: table, Key: { pk: { S: "a" } } });

    await get(TableName);
    await dyno.updateItem(setV(arn, "2")); // write by ARN
    assert.equal(
      (await get(TableName)).Item?.v.N,
      "2",
      "the write by ARN cleared the read by name",
    );

    await get(arn);
    await dyno.updateItem(setV(TableName, "3")); // write by name
    assert.equal((await get(arn)).Item?.v.N, "3", "the write by name cleared the read by ARN");

    await get(TableName);
    cache.invalidate(arn);
    const before = sent(handler, "GetItem");
    await get(TableName);
    assert.equal(sent(handler, "GetItem"), before + 1, "invalidate(arn) forgot the read by name");

    // In flight, both ways.
    for (const [readAs, writeAs, v] of [
      [arn, TableName, "4"],
      [TableName, arn, "5"],
    ]) {
      const held = holdAnswer();
      const slow = dyno.getItem({ TableName: readAs, Key: { pk: { S: "a" } } }, held.middleware);
      await held.answered;
      await dyno.updateItem(setV(writeAs, v));
      held.release();
      await slow;
      assert.equal((await get(readAs)).Item?.v.N, v);
    }
  },
);

test("cache: a BatchWriteItem clears every table it writes", async () => {
  const { dyno, client, TableName } = await setup();
  const other = await activeTable(client);
  await dyno.putItem({ TableName: other, Item: { pk: { S: "a" }, v: { N: "1" } } });
  dyno.use(cacheMiddleware());
  const get = (table: string) => dyno.getItem({ TableName: table, Key: { pk: { S: "a" } } });
  await get(TableName);
  await get(other);
  await dyno.batchWriteItem({
    RequestItems: {
      [TableName]: [{ PutRequest: { Item: { pk: { S: "a" }, v: { N: "2" } } } }],
      [other]: [{ PutRequest: { Item: { pk: { S: "a" }, v: { N: "2" } } } }],
    },
  });
  assert.equal((await get(TableName)).Item?.v.N, "2");
  assert.equal((await get(other)).Item?.v.N, "2");
});

test(
  "cache: a TransactWriteItems clears every table it touches, however named",
  { skip: needsTransactions || arnSkip },
  async () => {
    const { dyno, client, TableName, arn } = await setup();
    const other = await activeTable(client);
    await dyno.putItem({ TableName: other, Item: { pk: { S: "a" }, v: { N: "1" } } });
    dyno.use(cacheMiddleware());
    const get = (table: string) => dyno.getItem({ TableName: table, Key: { pk: { S: "a" } } });
    await get(arn); // DynamoDB Local takes ARNs in GetItem, not in transactions
    await get(other);
    await dyno.transactWriteItems({
      TransactItems: [{ Update: setV(TableName, "2") }, { Update: setV(other, "2") }],
    });
    assert.equal(
      (await get(arn)).Item?.v.N,
      "2",
      "the read by ARN was cleared by the write by name",
    );
    assert.equal((await get(other)).Item?.v.N, "2");
  },
);

test(
  "cache: a PartiQL write clears the table its statement names; a SELECT clears nothing",
  { skip: needsTransactions },
  async () => {
    const { dyno, handler, client, TableName } = await setup();
    const other = await activeTable(client);
    await dyno.putItem({ TableName: other, Item: { pk: { S: "a" }, v: { N: "1" } } });
    const cache = cacheMiddleware();
    dyno.use(cache);
    const get = (table: string) => dyno.getItem({ TableName: table, Key: { pk: { S: "a" } } });
    await get(TableName);
    await get(other);
    assert.equal(cache.size, 2);

    await dyno.executeStatement({ Statement: `SELECT * FROM "${other}" WHERE pk = 'a'` });
    assert.equal(cache.size, 2, "a SELECT writes nothing");

    await dyno.executeStatement({ Statement: `UPDATE "${TableName}" SET v = 2 WHERE pk = 'a'` });
    assert.equal(cache.size, 1, "only the updated table was forgotten");
    assert.equal((await get(TableName)).Item?.v.N, "2");

    await dyno.batchExecuteStatement({
      Statements: [{ Statement: `update "${other}" set v = 3 where pk = 'a'` }],
    });
    assert.equal((await get(other)).Item?.v.N, "3", "BatchExecuteStatement, lower case");

    await dyno.executeTransaction({
      TransactStatements: [{ Statement: `DELETE FROM "${TableName}" WHERE pk = 'a'` }],
    });
    assert.equal((await get(TableName)).Item, undefined, "ExecuteTransaction");

    await get(other);
    const before = sent(handler, "GetItem");
    await dyno.executeStatement({ Statement: "not partiql at all" }).then(
      () => assert.fail("DynamoDB refuses it"),
      () => undefined,
    );
    await get(other);
    assert.equal(
      sent(handler, "GetItem"),
      before + 1,
      "a statement it cannot read clears everything",
    );
  },
);

test("cache: DescribeTable is not kept while the table is in transition", async () => {
  let transitions = 0; // answers to fake, set once the table exists
  const { dyno, handler, TableName } = await setup((request) =>
    request.operation === "DescribeTable" && transitions-- > 0
      ? {
          status: 200,
          body: {
            Table: { TableStatus: "UPDATING" },
          },
        }
      : undefined,
  );
  transitions = 1;
  dyno.use(cacheMiddleware());
  const describe = async () => (await dyno.describeTable({ TableName })).Table?.TableStatus;
  assert.equal(await describe(), "UPDATING");
  assert.equal(await describe(), "ACTIVE", "the UPDATING answer was not kept");
  assert.equal(await describe(), "ACTIVE");
  assert.equal(sent(handler, "DescribeTable"), 2, "the ACTIVE answer is");
});

test("cache: a run with its own final handler (an exhaustive loop) neither fills nor reads it", async () => {
  const { dyno, handler, TableName } = await setup();
  const cache = cacheMiddleware();
  dyno.use(cache);
  const everything = {
    $metadata: {},
    Items: [{ pk: { S: "from the loop" } }],
    Count: 1,
    ScannedCount: 1,
  };
  const loop = Operation.create("Scan", { TableName }, { final: async () => everything });
  assert.deepEqual(await dyno.do(loop), everything);
  const single = await dyno.scan({ TableName });
  assert.equal(
    single.Items?.[0]?.pk.S,
    "a",
    "the single Scan is not answered with the loop's output",
  );
  await dyno.do(Operation.create("Scan", { TableName }, { final: async () => everything }));
  assert.equal(sent(handler, "Scan"), 1);
  assert.equal(cache.stats.hits, 0);
});

test("metrics and log around a cache: a hit says so and consumed nothing", async () => {
  const { dyno, TableName } = await setup();
  const metrics: OperationMetrics[] = [];
  const logs: LogEntry[] = [];
  dyno.use(
    metricsMiddleware((m) => metrics.push(m), { returnConsumedCapacity: true }),
    logMiddleware((e) => logs.push(e)),
    cacheMiddleware(),
  );
  const get = () => dyno.getItem({ TableName, Key: { pk: { S: "a" } } });
  const miss = await get();
  const hit = await get();
  assert.ok((miss.ConsumedCapacity?.CapacityUnits ?? 0) > 0);
  assert.equal(hit.ConsumedCapacity, undefined, "a hit's output claims no capacity");
  assert.deepEqual(
    metrics.map((m) => [m.cached, m.consumedCapacity! > 0, m.retries]),
    [
      [false, true, 0],
      [true, false, 0],
    ],
  );
  assert.equal(metrics[1].consumedCapacity, 0);
  assert.deepEqual(
    logs.map((e) => [e.cached, e.consumedCapacity]),
    [
      [undefined, miss.ConsumedCapacity!.CapacityUnits],
      [true, 0],
    ],
  );
});

test("metrics inside a cache: only requests really sent are reported", async () => {
  const { dyno, TableName } = await setup();
  const metrics: OperationMetrics[] = [];
  dyno.use(
    cacheMiddleware(),
    metricsMiddleware((m) => metrics.push(m), { returnConsumedCapacity: true }),
  );
  const get = () => dyno.getItem({ TableName, Key: { pk: { S: "a" } } });
  await get();
  const hit = await get();
  assert.equal(metrics.length, 1, "the hit never reached the inner metrics");
  assert.equal(metrics[0].cached, false);
  assert.ok(metrics[0].consumedCapacity! > 0);
  assert.equal(hit.ConsumedCapacity, undefined);
});
