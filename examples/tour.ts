/**
 * The tour of dyno-ts (`npm start`): every feature once, against an embedded local DynamoDB.
 * Read it top to bottom; each step prints what it shows.
 */
import {
  AbortError,
  CreateTableBuilder,
  Dyno,
  GetItemBuilder,
  Operation,
  PutItemBuilder,
  QueryBuilder,
  ScanBuilder,
  TransactWriteItemsBuilder,
  UpdateItemBuilder,
  cacheMiddleware,
  cond,
  key,
  logMiddleware,
  marshalItem,
  metricsMiddleware,
  s,
  size,
  unmarshalItem,
  update,
  type AnyMiddleware,
  type OperationMetrics,
} from "../src/index.js";
import { startLocal } from "../src/local/index.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const step = (title: string) => console.log(`\n== ${title}`);
const show = (label: string, value: unknown) =>
  console.log(
    `   ${label}:`,
    typeof value === "string" ? value : JSON.stringify(value, bigintSafe),
  );
const bigintSafe = (_: string, v: unknown) =>
  typeof v === "bigint" ? `${v}n` : v instanceof Set ? [...v] : v;

step("1. An embedded local DynamoDB (dyno-ts/local)");
await using local = await startLocal();
show("engine", `${local.engine} at ${local.endpoint}`);
const dyno: Dyno = local.dyno;

step("2. A table, built with CreateTableBuilder");
const Users = "Users";
await dyno.createTable(
  new CreateTableBuilder()
    .table(Users)
    .partitionKey("pk", "S")
    .sortKey("sk", "S")
    .gsi("byEmail", { partitionKey: ["email", "S"], projection: "ALL" })
    .billing("PAY_PER_REQUEST")
    .build(),
);
show("status", (await dyno.describeTable({ TableName: Users })).Table?.TableStatus);

step("3. Encoding with a schema: rename, flatten with a prefix, dates, sets, JSON");
const Address = s.object({ street: s.string(), city: s.string() });
const User = s.object({
  pk: s.string(),
  sk: s.literal("profile"),
  name: s.string().rename("Name"),
  email: s.string(),
  age: s.number().optional(),
  address: s.embed(Address, { prefix: "addr_" }),
  tags: s.stringSet(),
  settings: s.json(),
  createdAt: s.date({ as: "epochSeconds" }),
  visits: s.bigint(),
});
type User = s.Infer<typeof User>;
const ada: User = {
  pk: "user#ada",
  sk: "profile",
  name: "Ada Lovelace",
  email: "ada@example.com",
  age: 36,
  address: { street: "St James's Square", city: "London" },
  tags: new Set(["math", "poetry"]),
  settings: { theme: "dark", beta: true },
  createdAt: new Date("1843-07-01T00:00:00Z"),
  visits: 9_007_199_254_740_993n, // beyond 2^53, kept exact
};
const item = marshalItem(ada, User);
show("stored attributes", Object.keys(item).sort().join(", "));

step("4. Operations are promises with an id, a state, timings and cancel()");
const put = dyno.putItem(
  new PutItemBuilder().table(Users).item(item).condition(cond.notExists("pk")).build(),
);
show("while running", `${put.name} ${put.id} ${put.state}`);
await put;
show("when done", `${put.state} in ${put.durationMs?.toFixed(1)} ms`);
const pending = Operation.create(
  "GetItem",
  new GetItemBuilder().table(Users).key({ pk: "user#ada", sk: "profile" }).build(),
);
show("created", pending.state);
const got = await dyno.do(pending);
show("decoded", unmarshalItem(got.Item!, User));
const cancelled = dyno.scan({ TableName: Users });
cancelled.cancel("changed my mind");
show(
  "cancelled",
  await cancelled.then(
    () => "resolved?!",
    (e: unknown) => (e instanceof AbortError ? e.message : e),
  ),
);

step(
  "5. Expressions: updates, conditions with reserved words (status, name), size(), nested paths",
);
await dyno.updateItem(
  new UpdateItemBuilder()
    .table(Users)
    .key({ pk: "user#ada", sk: "profile" })
    .update(
      update.increment("age"),
      update.set("status", "active"),
      update.add("tags", new Set(["engines"])),
    )
    .condition(cond.and(cond.exists("Name"), size("tags").ge(2)))
    .build(),
);
for (const [pk, name] of [
  ["user#charles", "Charles Babbage"],
  ["user#mary", "Mary Somerville"],
]) {
  await dyno.putItem({
    TableName: Users,
    Item: marshalItem({ pk, sk: "profile", Name: name, status: "away", stats: { logins: [0, 0] } }),
  });
}
const bumped = await dyno.updateItem(
  new UpdateItemBuilder()
    .table(Users)
    .key({ pk: "user#mary", sk: "profile" })
    .update(update.increment("stats.logins[1]", 5))
    .returnValues("UPDATED_NEW")
    .build(),
);
show("stats.logins[1] += 5", unmarshalItem(bumped.Attributes!));
const active = await dyno.scan(
  new ScanBuilder().table(Users).filter(cond.eq("status", "active")).project("Name", "age").build(),
);
show(
  "active users",
  active.Items?.map((i) => unmarshalItem(i)),
);
const ada2 = await dyno.query(
  new QueryBuilder()
    .table(Users)
    .keyCondition(key.and(key.eq("pk", "user#ada"), key.beginsWith("sk", "prof")))
    .build(),
);
show(
  "query",
  ada2.Items?.map((i) => unmarshalItem(i, User).tags),
);

step("6. Middleware: session-wide and per call; cache, log, metrics");
const metrics: OperationMetrics[] = [];
const timing: AnyMiddleware = (next) => async (ctx) => {
  const t = performance.now();
  try {
    return await next(ctx);
  } finally {
    console.log(`   [timing] ${ctx.operation} ${(performance.now() - t).toFixed(1)} ms`);
  }
};
const cache = cacheMiddleware({ ttlMs: 10_000 });
const observed = new Dyno({ client: dyno.client }).use(
  logMiddleware((e) =>
    console.log(`   [log] ${e.operation} ${e.event} ${e.durationMs?.toFixed(1)} ms`),
  ),
  metricsMiddleware((m) => metrics.push(m), { returnConsumedCapacity: true }),
  cache,
);
const getAda = new GetItemBuilder().table(Users).key({ pk: "user#ada", sk: "profile" }).build();
await observed.getItem(getAda, timing);
await observed.getItem(getAda, timing); // served by the cache
show("cache", cache.stats);
show(
  "metrics",
  metrics.map((m) => ({
    op: m.operation,
    ms: +m.durationMs.toFixed(1),
    capacity: m.consumedCapacity,
  })),
);

if (local.engine === "dynamodb-local") {
  step("7. A transaction, and its cancellation reasons");
  const tx = new TransactWriteItemsBuilder()
    .update(Users, { pk: "user#mary", sk: "profile" }, [update.set("status", "active")])
    .conditionCheck(Users, { pk: "user#charles", sk: "profile" }, cond.eq("status", "active"))
    .build();
  const reasons = await dyno.transactWriteItems(tx).then(
    () => "committed",
    (e: { name: string; CancellationReasons?: { Code?: string }[] }) =>
      `${e.name}: ${e.CancellationReasons?.map((r) => r.Code).join(", ")}`,
  );
  show("result", reasons);
}

console.log("\nDone. Read examples/tour.ts for the code of each step.");
