/**
 * bench/models: what an entity costs over a plain Table and over hand-written SDK calls.
 *
 * Against DynamoDB Local, interleaved in many small batches in one process (bench/support.ts):
 *   (a) put + get of one item: hand-written `PutItemCommand`/`GetItemCommand` with the key
 *       strings built by hand and `marshall`/`unmarshall` (@aws-sdk/util-dynamodb); a Table
 *       whose schema holds `pk`/`sk` as properties; an entity filling them from templates;
 *   (b) a query of one partition (20 users and 20 orders): hand-written `QueryCommand`
 *       grouping items by `_type`; a Table query of the partition; an entity collection `.all()`.
 * Prints ops/s, this process's CPU µs per op and the ratios to the hand-written calls.
 * Target: an entity costs at most 10% more client CPU than a plain Table.
 *
 *   node --expose-gc --import tsx bench/models.ts [--batches 40] [--concurrency 8] [--built]
 * `--built` measures the package as published (`dist/`, after `npm run build`).
 */
import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from "@aws-sdk/client-dynamodb";
import { marshall, unmarshall } from "@aws-sdk/util-dynamodb";
import { localClientConfig, startLocal } from "../src/local/index.js";
import { arg, compare, fmt, library, libraryLabel, type Totals } from "./support.js";

const { Dyno, s } = await library();
console.log(`library: ${libraryLabel()}`);

const BATCHES = arg("batches", 40);
const CONCURRENCY = arg("concurrency", 8);

const User = s.object({
  org: s.string(),
  id: s.string(),
  email: s.string(),
  name: s.string(),
  age: s.number(),
});
const Order = s.object({ org: s.string(), id: s.string(), total: s.number(), placedAt: s.date() });
const Stored = s.object({
  pk: s.string(),
  sk: s.string(),
  _type: s.string(),
  org: s.string(),
  id: s.string(),
  email: s.string().optional(),
  name: s.string().optional(),
  age: s.number().optional(),
  total: s.number().optional(),
  placedAt: s.date().optional(),
});

const local = await startLocal({ engine: "dynamodb-local", startTimeoutMs: 180_000 });
const client = new DynamoDBClient(localClientConfig(local.endpoint));
const dyno = new Dyno({ client });
const app = dyno.sharedTable("bench_models", { partitionKey: "pk", sortKey: "sk" });
const Users = app.entity("User", {
  schema: User,
  key: { partitionKey: "ORG#{org}", sortKey: "USER#{id}" },
});
const Orders = app.entity("Order", {
  schema: Order,
  key: { partitionKey: "ORG#{org}", sortKey: "ORDER#{placedAt}#{id}" },
});
const table = dyno.table("bench_models", { schema: Stored, partitionKey: "pk", sortKey: "sk" });
await app.create();
const TableName = app.name;

for (let i = 0; i < 20; i++) {
  await Users.put({ org: "big", id: `u${i}`, email: `u${i}@x`, name: `User ${i}`, age: i });
  await Orders.put({
    org: "big",
    id: `o${i}`,
    total: i,
    placedAt: new Date(Date.UTC(2024, 0, i + 1)),
  });
}

let n = 0;
const user = () => {
  const i = n++ % 500;
  return { org: "acme", id: `u${i}`, email: `u${i}@acme.example`, name: "Ada Lovelace", age: 36 };
};

const putGet: Record<string, () => Promise<unknown>> = {
  "hand-written SDK": async () => {
    const u = user();
    const key = { pk: `ORG#${u.org}`, sk: `USER#${u.id}` };
    await client.send(
      new PutItemCommand({ TableName, Item: marshall({ ...u, ...key, _type: "User" }) }),
    );
    const out = await client.send(new GetItemCommand({ TableName, Key: marshall(key) }));
    const { pk: _pk, sk: _sk, _type, ...got } = unmarshall(out.Item!);
    return got;
  },
  Table: async () => {
    const u = user();
    const key = { pk: `ORG#${u.org}`, sk: `USER#${u.id}` };
    await table.put({ ...u, ...key, _type: "User" });
    return table.get(key);
  },
  entity: async () => {
    const u = user();
    await Users.put(u);
    return Users.get({ org: u.org, id: u.id });
  },
};

const collection = app.collection({ users: Users, orders: Orders });
const queries: Record<string, () => Promise<unknown>> = {
  "hand-written SDK": async () => {
    const out = await client.send(
      new QueryCommand({
        TableName,
        KeyConditionExpression: "#pk = :pk",
        FilterExpression: "#t IN (:u, :o)",
        ExpressionAttributeNames: { "#pk": "pk", "#t": "_type" },
        ExpressionAttributeValues: {
          ":pk": { S: "ORG#big" },
          ":u": { S: "User" },
          ":o": { S: "Order" },
        },
      }),
    );
    const groups: Record<string, unknown[]> = { users: [], orders: [] };
    for (const item of out.Items ?? []) {
      const { pk: _pk, sk: _sk, _type, ...rest } = unmarshall(item);
      if (_type === "User") groups.users!.push(rest);
      else if (_type === "Order")
        groups.orders!.push({ ...rest, placedAt: new Date(rest.placedAt as string) });
    }
    return groups;
  },
  Table: () => table.query({ pk: "ORG#big" }).all(),
  "entity collection": () => collection.query({ org: "big" }).all(),
};

function report(title: string, totals: Record<string, Totals>, base: string, peer: string) {
  console.log(`\n${title} (concurrency ${CONCURRENCY}, ${BATCHES} interleaved batches)`);
  const b = totals[base]!;
  for (const [name, t] of Object.entries(totals)) {
    const ops = t.ops / (t.wallMs / 1000);
    const cpu = t.cpuMicros / t.ops;
    console.log(
      `  ${name.padEnd(18)} ${fmt(ops).padStart(7)} ops/s  ${fmt(cpu).padStart(6)} µs CPU/op  ` +
        `ops ${fmt(ops / (b.ops / (b.wallMs / 1000)), 2)}x  CPU ${fmt(cpu / (b.cpuMicros / b.ops), 2)}x of ${base}`,
    );
  }
  const e = Object.entries(totals).at(-1)![1];
  const p = totals[peer]!;
  console.log(`  entity CPU / Table CPU: ${fmt(e.cpuMicros / e.ops / (p.cpuMicros / p.ops), 3)}x`);
}

const batchSize = CONCURRENCY * 4;
report(
  "put + get",
  await compare(putGet, { batches: BATCHES, batchSize, concurrency: CONCURRENCY }),
  "hand-written SDK",
  "Table",
);
report(
  "query of one partition (20 users + 20 orders)",
  await compare(queries, { batches: BATCHES, batchSize, concurrency: CONCURRENCY }),
  "hand-written SDK",
  "Table",
);
client.destroy();
await local.stop();
