/**
 * Issue 16 (attack): `Table.drop()` waited forever for a table stuck in DELETING, and
 * `create()`'s wait put no deadline on its DescribeTable requests. Every control-plane wait is
 * bounded (a clear error naming the table and the state it is stuck in), each DescribeTable
 * is sent under the deadline, and a signal cancels the wait. Faults come from a loopback proxy
 * in front of the real engine that answers DescribeTable itself.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { AbortError, Dyno, DynoError, s } from "../../src/index.js";
import { testClient, testEndpoint, testTransport, uniqueTableName } from "../support/db.js";
import { faultProxy, type CannedResponse } from "../support/http.js";

const Item = s.object({ id: s.string(), email: s.string() });
const stops: (() => Promise<void>)[] = [];
after(async () => {
  for (const stop of stops) await stop();
});

/** A session whose DescribeTable answers come from `describe` (undefined: the real answer). */
async function behind(describe: (name: string) => CannedResponse | undefined) {
  const proxy = await faultProxy(await testEndpoint(), (r) =>
    r.operation === "DescribeTable"
      ? describe((r.body as { TableName: string }).TableName)
      : undefined,
  );
  stops.push(proxy.stop);
  const client = await testClient({ endpoint: proxy.endpoint, maxAttempts: 1 });
  return new Dyno({ client, transport: testTransport });
}

const status = (TableName: string, TableStatus: string, extra: object = {}): CannedResponse => ({
  status: 200,
  body: { Table: { TableName, TableStatus, ...extra } },
});

async function timed<T>(run: () => Promise<T>): Promise<[T | unknown, number]> {
  const t0 = Date.now();
  try {
    return [await run(), Date.now() - t0];
  } catch (error) {
    return [error, Date.now() - t0];
  }
}

test("drop() of a table stuck in DELETING ends at its deadline with the table and state named", async () => {
  const name = uniqueTableName("stuck_drop");
  let stuck = false;
  const dyno = await behind((n) => (stuck && n === name ? status(n, "DELETING") : undefined));
  const table = dyno.table(name, { schema: Item, partitionKey: "id" });
  await table.create();
  stuck = true;
  const [error, ms] = await timed(() => table.drop({ timeoutMs: 400 }));
  assert.ok(error instanceof DynoError, String(error));
  assert.match(
    (error as Error).message,
    new RegExp(`table ${name} is still DELETING after 400 ms`),
  );
  assert.ok(ms >= 350 && ms < 15_000, `${ms} ms`);
});

test("drop() honours a signal, and the default deadline is finite", async () => {
  const name = uniqueTableName("stuck_sig");
  let stuck = false;
  const dyno = await behind((n) => (stuck && n === name ? status(n, "DELETING") : undefined));
  const table = dyno.table(name, { schema: Item, partitionKey: "id" });
  await table.create();
  stuck = true;
  const [error, ms] = await timed(() => table.drop({ signal: AbortSignal.timeout(300) }));
  assert.ok(error instanceof AbortError || (error as Error).name === "AbortError", String(error));
  assert.ok(ms < 15_000, `${ms} ms`);
});

test("create() of a table, or of an index, stuck in CREATING ends at its deadline naming the state", async () => {
  const a = uniqueTableName("stuck_create");
  const dyno = await behind((n) => (n === a ? status(n, "CREATING") : undefined));
  const [error] = await timed(() =>
    dyno.table(a, { schema: Item, partitionKey: "id" }).create({ timeoutMs: 300 }),
  );
  assert.ok(error instanceof DynoError, String(error));
  assert.match(
    (error as Error).message,
    new RegExp(`table ${a} is still CREATING after 300 ms \\(waiting until it is ACTIVE\\)`),
  );
  const b = uniqueTableName("stuck_index");
  const dyno2 = await behind((n) =>
    n === b
      ? status(n, "ACTIVE", {
          GlobalSecondaryIndexes: [{ IndexName: "byEmail", IndexStatus: "CREATING" }],
        })
      : undefined,
  );
  const t = dyno2.table(b, {
    schema: Item,
    partitionKey: "id",
    indexes: { byEmail: { partitionKey: "email" } },
  });
  const [error2] = await timed(() => t.create({ timeoutMs: 300 }));
  assert.match(
    String((error2 as Error).message),
    /still ACTIVE, index byEmail CREATING after 300 ms/,
  );
  await dyno.deleteTable({ TableName: a });
  await dyno2.deleteTable({ TableName: b });
});

test("a DescribeTable that never answers cannot outlast the wait's deadline", async () => {
  const name = uniqueTableName("stuck_hang");
  let hang = false;
  const dyno = await behind((n) =>
    hang && n === name ? { status: 0, body: null, hang: true } : undefined,
  );
  const table = dyno.table(name, { schema: Item, partitionKey: "id" });
  await table.create();
  hang = true;
  const [error, ms] = await timed(() => table.drop({ timeoutMs: 500 }));
  assert.ok(error instanceof DynoError, String(error));
  assert.match((error as Error).message, new RegExp(`table ${name} is still .* after 500 ms`));
  assert.ok(ms < 15_000, `${ms} ms`);
});

test("without faults: create and drop wait for the real states", async () => {
  const dyno = new Dyno({ client: await testClient(), transport: testTransport });
  const table = dyno.table(uniqueTableName("waits"), { schema: Item, partitionKey: "id" });
  const description = await table.create({ timeoutMs: 60_000 });
  assert.equal(description.TableStatus, "ACTIVE");
  await table.drop({ timeoutMs: 60_000 });
  await assert.rejects(table.describe(), /ResourceNotFound|not found|non-existent/i);
});
