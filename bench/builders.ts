/**
 * bench/builders: what `.build()` costs, now that every build hands out an input of its own
 * (a deep copy of the builder's state, expression values rendered fresh).
 *
 * Contenders, interleaved in many small batches in one process (order reversed each batch):
 *   - "by hand": the same SDK input written as a literal around `marshalItem` (the floor);
 *   - "builder": the builders of this tree, a fresh builder per input (the usual use);
 *   - "rebuild": one builder made once and built again each time (copy on build dominates);
 *   - with `--baseline <dir>`, the builders of another checkout (e.g. one of `main`), fresh.
 * Prints the median µs per input and ratios to "by hand" (and to the baseline).
 *
 *   npx tsx bench/builders.ts [--batches 300] [--baseline /tmp/main-checkout]
 */
import { performance } from "node:perf_hooks";
import * as here from "../src/index.js";
import { fmt, median } from "./support.js";

type Lib = typeof here;

const arg = (name: string): string | undefined => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : undefined;
};
const BATCHES = Number(arg("batches") ?? 300);
const baselineDir = arg("baseline");
const baseline: Lib | undefined = baselineDir
  ? ((await import(`${baselineDir}/src/index.ts`)) as Lib)
  : undefined;

const small = { pk: "user#1", name: "Ada Lovelace", age: 36, active: true };
const large = {
  pk: "order#1",
  customer: { id: "c-42", name: "Grace Hopper", address: { street: "1 Main St", city: "Arlington", zip: "22201" } },
  lines: Array.from({ length: 12 }, (_, i) => ({ sku: `sku-${i}`, qty: i + 1, price: 9.99 + i, tags: ["a", "b"] })),
  notes: "x".repeat(400),
  placedAt: 1_700_000_000,
}; // prettier-ignore

/** One case: how to build it with a library, and the same input by hand. */
interface Case {
  label: string;
  make(lib: Lib): { build(): object };
  byHand(lib: Lib): object;
}

const cases: Case[] = [
  {
    label: "PutItem, 4 attributes, a condition",
    make: (d) =>
      new d.PutItemBuilder().table("Users").item(small).condition(d.cond.notExists("pk")),
    byHand: (d) => ({
      TableName: "Users",
      Item: d.marshalItem(small),
      ConditionExpression: "attribute_not_exists(#n0)",
      ExpressionAttributeNames: { "#n0": "pk" },
    }),
  },
  {
    label: "PutItem, 1.6 KB nested item",
    make: (d) => new d.PutItemBuilder().table("Orders").item(large),
    byHand: (d) => ({ TableName: "Orders", Item: d.marshalItem(large) }),
  },
  {
    label: "UpdateItem, 5 actions, a condition",
    make: (d) =>
      new d.UpdateItemBuilder()
        .table("Users")
        .key({ pk: "user#1" })
        .set("name", "Ada")
        .increment("visits")
        .append("history", ["login"])
        .remove("draft")
        .add("tags", new Set(["x"]))
        .condition(d.cond.eq("active", true)),
    byHand: (d) => ({
      TableName: "Users",
      Key: d.marshalItem({ pk: "user#1" }),
      UpdateExpression:
        "SET #n0 = :v0, #n1 = if_not_exists(#n1, :v1) + :v2, #n2 = list_append(if_not_exists(#n2, :v3), :v4) REMOVE #n3 ADD #n4 :v5",
      ConditionExpression: "#n5 = :v6",
      ExpressionAttributeNames: { "#n0": "name", "#n1": "visits", "#n2": "history", "#n3": "draft", "#n4": "tags", "#n5": "active" },
      ExpressionAttributeValues: {
        ":v0": d.marshalValue("Ada"), ":v1": d.marshalValue(0), ":v2": d.marshalValue(1),
        ":v3": d.marshalValue([]), ":v4": d.marshalValue(["login"]), ":v5": d.marshalValue(new Set(["x"])),
        ":v6": d.marshalValue(true),
      },
    }), // prettier-ignore
  },
  {
    label: "Query, key condition, filter, projection",
    make: (d) =>
      new d.QueryBuilder()
        .table("Orders")
        .keyCondition(d.key.and(d.key.eq("customer", "c-42"), d.key.between("placedAt", 1, 2)))
        .filter(d.cond.in("status", "open", "shipped"))
        .project("id", "total", "lines[0].sku")
        .limit(50),
    byHand: (d) => ({
      TableName: "Orders",
      KeyConditionExpression: "#n0 = :v0 AND #n1 BETWEEN :v1 AND :v2",
      FilterExpression: "#n2 IN (:v3, :v4)",
      ProjectionExpression: "#n3, #n4, #n5[0].#n6",
      ExpressionAttributeNames: { "#n0": "customer", "#n1": "placedAt", "#n2": "status", "#n3": "id", "#n4": "total", "#n5": "lines", "#n6": "sku" },
      ExpressionAttributeValues: {
        ":v0": d.marshalValue("c-42"), ":v1": d.marshalValue(1), ":v2": d.marshalValue(2),
        ":v3": d.marshalValue("open"), ":v4": d.marshalValue("shipped"),
      },
      Limit: 50,
    }), // prettier-ignore
  },
  {
    label: "TransactWriteItems, 10 puts with conditions",
    make: (d) => {
      const b = new d.TransactWriteItemsBuilder();
      for (let i = 0; i < 10; i++)
        b.put("Users", { ...small, pk: `user#${i}` }, d.cond.notExists("pk"));
      return b;
    },
    byHand: (d) => ({
      TransactItems: Array.from({ length: 10 }, (_, i) => ({
        Put: {
          TableName: "Users",
          Item: d.marshalItem({ ...small, pk: `user#${i}` }),
          ConditionExpression: "attribute_not_exists(#n0)",
          ExpressionAttributeNames: { "#n0": "pk" },
        },
      })),
    }),
  },
];

const BATCH = 200; // inputs per contender per batch

for (const c of cases) {
  const once = c.make(here);
  const contenders: Record<string, () => unknown> = {
    "by hand": () => c.byHand(here),
    builder: () => c.make(here).build(),
    rebuild: () => once.build(),
  };
  if (baseline) contenders.baseline = () => c.make(baseline).build();
  const names = Object.keys(contenders);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  let sink = 0;
  for (let batch = -20; batch < BATCHES; batch++) {
    const order = batch % 2 ? [...names].reverse() : names;
    for (const name of order) {
      const fn = contenders[name];
      const started = performance.now();
      for (let i = 0; i < BATCH; i++) sink += Object.keys(fn() as object).length;
      if (batch >= 0) samples[name].push(((performance.now() - started) * 1000) / BATCH);
    }
  }
  if (sink === 0) throw new Error("unreachable");
  const med = Object.fromEntries(names.map((n) => [n, median(samples[n])]));
  const parts = names.map((n) => {
    const ratio = n === "by hand" ? "" : ` (${fmt(med[n] / med["by hand"], 2)}x by hand${n !== "baseline" && baseline ? `, ${fmt(med[n] / med.baseline, 2)}x baseline` : ""})`;
    return `${n} ${fmt(med[n], 2)} µs${ratio}`;
  }); // prettier-ignore
  console.log(`${c.label}: ${parts.join("; ")}`);
}
