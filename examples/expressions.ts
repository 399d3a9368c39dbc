// Expressions and input builders: no expression strings, no placeholder maps.
import {
  CreateTableBuilder,
  QueryBuilder,
  UpdateItemBuilder,
  cond,
  key,
  marshalItem,
  size,
  update,
  unmarshalItem,
} from "../src/index.js";
import { startLocal } from "../src/local/index.js";

await using local = await startLocal();
const dyno = local.dyno;
await dyno.createTable(
  new CreateTableBuilder()
    .table("Orders")
    .partitionKey("customer", "S")
    .sortKey("placedAt", "N")
    .build(),
);
for (const [placedAt, status, lines] of [
  [1, "open", 3],
  [2, "shipped", 12],
  [3, "open", 11],
] as const) {
  const order = {
    customer: "c-42",
    placedAt,
    status,
    lines: Array.from({ length: lines }, (_, i) => ({ sku: `s${i}` })),
  };
  await dyno.putItem({ TableName: "Orders", Item: marshalItem(order) });
}

const updated = await dyno.updateItem(
  new UpdateItemBuilder()
    .table("Orders")
    .key({ customer: "c-42", placedAt: 1 })
    .update(
      update.set("status", "paid"),
      update.increment("views"),
      update.append("history", ["paid"]),
    )
    .condition(cond.eq("status", "open")) // `status` is a reserved word: no matter
    .returnValues("ALL_NEW")
    .build(),
);
console.log("updated:", unmarshalItem(updated.Attributes!).status);

const { Items } = await dyno.query(
  new QueryBuilder()
    .table("Orders")
    .keyCondition(key.and(key.eq("customer", "c-42"), key.between("placedAt", 2, 3)))
    .filter(cond.or(cond.eq("status", "open"), size("lines").gt(10)))
    .project("placedAt", "status", "lines[0].sku")
    .build(),
);
console.log("query:", JSON.stringify(Items?.map((i) => unmarshalItem(i))));
