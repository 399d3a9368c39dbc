/**
 * bench/transact: `dyno.transact` / `dyno.transactGet` over models against the same
 * transactions built by hand for the SDK (`TransactWriteItemsCommand` / `TransactGetItemsCommand`
 * with literal expressions and `marshalItem` / `unmarshalItem` on the schema, the floor).
 *
 * One transaction = a conditional put of an order (6 attributes), an increment of an account's
 * balance with a condition, and a condition check on a third item; one read = two items of two
 * tables, decoded. Two settings, each interleaved in many small batches in one process (order
 * reversed each batch, a full GC before each batch under --expose-gc):
 *   - "stub": a request handler that answers at once with no socket (client CPU only);
 *   - "local": DynamoDB Local over loopback (wall time includes the server).
 * A third contender sends the hand-built input through the session (`dyno.transactWriteItems`),
 * to tell the session's cost from the models layer's.
 * Prints ops/s, this process's CPU µs per transaction, and dyno / SDK ratios.
 *
 *   node --expose-gc --import tsx bench/transact.ts [--batches 40] [--batch 50] [--concurrency 4] [--built]
 * `--built` measures the package as published (`dist/`, after `npm run build`).
 */
import {
  DynamoDBClient,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
} from "@aws-sdk/client-dynamodb";
import type { Dyno as DynoT } from "../src/index.js";
import { localClientConfig, startLocal } from "../src/local/index.js";
import { arg, compare, fmt, library, libraryLabel, stubClient, type Totals } from "./support.js";

const { Dyno, marshalItem, s, unmarshalItem } = await library();
type Dyno = DynoT;

const BATCHES = arg("batches", 40);
const BATCH = arg("batch", 50);
const CONCURRENCY = arg("concurrency", 4);

const Order = s.object({
  id: s.string(),
  customer: s.string(),
  total: s.number(),
  currency: s.string(),
  placedAt: s.date({ as: "epochMs" }),
  lines: s.list(s.string()),
});
const Account = s.object({ org: s.string(), id: s.string(), balance: s.number() });

let n = 0;
const TABLES = { orders: "bench_orders", accounts: "bench_accounts" };
const order = (id: string) => ({
  id,
  customer: "c-42",
  total: 12.5,
  currency: "EUR",
  placedAt: new Date(1_700_000_000_000),
  lines: ["sku-1", "sku-2"],
});

/** The transaction written by hand for the SDK (the floor). */
function handWrite(i: number, tables = TABLES) {
  return {
    TransactItems: [
      {
        Put: {
          TableName: tables.orders,
          Item: marshalItem(order(`o${i}`), Order),
          ConditionExpression: "attribute_not_exists(#n0)",
          ExpressionAttributeNames: { "#n0": "id" },
        },
      },
      {
        Update: {
          TableName: tables.accounts,
          Key: { org: { S: "acme" }, id: { S: `a${i}` } },
          UpdateExpression: "SET #n0 = if_not_exists(#n0, :v0) + :v1",
          ConditionExpression: "attribute_not_exists(#n0) OR #n0 >= :v0",
          ExpressionAttributeNames: { "#n0": "balance" },
          ExpressionAttributeValues: { ":v0": { N: "0" }, ":v1": { N: "5" } },
        },
      },
      {
        ConditionCheck: {
          TableName: tables.accounts,
          Key: { org: { S: "acme" }, id: { S: `limit${i}` } },
          ConditionExpression: "attribute_not_exists(#n0)",
          ExpressionAttributeNames: { "#n0": "org" },
        },
      },
    ],
  };
}

function contenders(
  dyno: Dyno,
  client: DynamoDBClient,
  tables: { orders: string; accounts: string },
) {
  const orders = dyno.table(tables.orders, { schema: Order, partitionKey: "id" });
  const accounts = dyno.table(tables.accounts, {
    schema: Account,
    partitionKey: "org",
    sortKey: "id",
  });
  return {
    write: {
      sdk: () => client.send(new TransactWriteItemsCommand(handWrite(n++, tables))),
      session: () => dyno.transactWriteItems(handWrite(n++, tables)).await(),
      dyno: () => {
        const i = n++;
        return dyno.transact((t) => {
          t.put(orders, order(`o${i}`), { condition: (c) => c.notExists("id") });
          t.update(accounts, { org: "acme", id: `a${i}` }, (u) => u.increment("balance", 5), {
            condition: (c) => c.or(c.notExists("balance"), c.ge("balance", 0)),
          });
          t.check(accounts, { org: "acme", id: `limit${i}` }, (c) => c.notExists("org"));
        });
      },
    },
    read: {
      sdk: async () => {
        const out = await client.send(
          new TransactGetItemsCommand({
            TransactItems: [
              { Get: { TableName: tables.orders, Key: { id: { S: "o1" } } } },
              {
                Get: {
                  TableName: tables.accounts,
                  Key: { org: { S: "acme" }, id: { S: "a1" } },
                },
              },
            ],
          }),
        );
        const [o, a] = out.Responses ?? [];
        return [
          o?.Item ? unmarshalItem(o.Item, Order) : undefined,
          a?.Item ? unmarshalItem(a.Item, Account) : undefined,
        ];
      },
      dyno: () =>
        dyno.transactGet((t) => [
          t.get(orders, { id: "o1" }),
          t.get(accounts, { org: "acme", id: "a1" }),
        ]),
    },
  };
}

function report(label: string, totals: Record<string, Totals>): void {
  const rate = (t: Totals) => t.ops / (t.wallMs / 1000);
  const cpu = (t: Totals) => t.cpuMicros / t.ops;
  const { sdk, dyno, session } = totals as { sdk: Totals; dyno: Totals; session?: Totals };
  const via = session ? `${fmt(cpu(session))} (${(cpu(session) / cpu(sdk)).toFixed(2)})` : "–";
  console.log(
    `| ${label} | ${fmt(rate(sdk))} | ${fmt(rate(dyno))} | ${(rate(dyno) / rate(sdk)).toFixed(2)} | ` +
      `${fmt(cpu(sdk))} | ${via} | ${fmt(cpu(dyno))} | ${(cpu(dyno) / cpu(sdk)).toFixed(2)} |`,
  );
}

const header = () => {
  console.log(
    "| case | SDK ops/s | dyno ops/s | ops ratio | SDK CPU µs/op | hand input via dyno.transactWriteItems µs/op (ratio) | dyno CPU µs/op | CPU ratio |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
};

// ---- stub: no network, client CPU only
const stubWrite = stubClient({});
const stubRead = stubClient({
  Responses: [
    { Item: marshalItem(order("o1"), Order) },
    { Item: marshalItem({ org: "acme", id: "a1", balance: 5 }, Account) },
  ],
});
const tables = TABLES;
const options = { batches: BATCHES, batchSize: BATCH, concurrency: CONCURRENCY };

console.log(`library: ${libraryLabel()}`);
header();
const sw = contenders(new Dyno({ client: stubWrite }), stubWrite, tables);
report("TransactWriteItems, 3 actions, stub", await compare(sw.write, options));
const sr = contenders(new Dyno({ client: stubRead }), stubRead, tables);
report("TransactGetItems, 2 items, stub", await compare(sr.read, options));

// ---- DynamoDB Local
const local = await startLocal({ engine: "dynamodb-local", startTimeoutMs: 120_000 });
try {
  const client = new DynamoDBClient(localClientConfig(local.endpoint));
  const dyno = new Dyno({ client });
  const c = contenders(dyno, client, tables);
  await dyno.table(tables.orders, { schema: Order, partitionKey: "id" }).create();
  await dyno
    .table(tables.accounts, { schema: Account, partitionKey: "org", sortKey: "id" })
    .create();
  await c.write.dyno(); // o0 / a0 exist for the reads
  await c.write.dyno();
  report("TransactWriteItems, 3 actions, DynamoDB Local", await compare(c.write, options));
  report("TransactGetItems, 2 items, DynamoDB Local", await compare(c.read, options));
  client.destroy();
} finally {
  await local.stop();
}
