/**
 * Typed conditions whose operator cannot match how the property is stored (begins_with on a
 * number or an epoch date, contains on JSON text or a map, attribute_type of another type) are
 * refused before sending, naming the property; the operators that fit are sent and match.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Dyno, s, type AnyMiddleware } from "../../src/index.js";
import { testDyno, uniqueTableName } from "../support/db.js";
import { rejectsField } from "../support/assert.js";

const Thing = s.object({
  id: s.string(),
  n: s.number(),
  at: s.date({ as: "epochSeconds" }),
  iso: s.date(),
  settings: s.json<{ theme: string }>(),
  meta: s.record(s.string()),
  tags: s.stringSet(),
  name: s.string(),
  parts: s.list(s.number()),
  maybe: s.string().nullable().optional(),
});

let dyno: Dyno;
const sent: string[] = [];
const record: AnyMiddleware = (next) => (ctx) => {
  sent.push(ctx.operation);
  return next(ctx);
};
let things: ReturnType<typeof table>;
const table = (d: Dyno) =>
  d.table(uniqueTableName("stored"), { schema: Thing, partitionKey: "id" });

before(async () => {
  const base = await testDyno();
  dyno = new Dyno({ client: base.client, middleware: [record] });
  things = table(dyno);
  await things.create();
  await things.put({
    id: "a",
    n: 10,
    at: new Date(1_700_000_000_000),
    iso: new Date(Date.UTC(2020, 0, 2)),
    settings: { theme: "dark" },
    meta: { theme: "x" },
    tags: new Set(["red"]),
    name: "alpha",
    parts: [1, 2],
    maybe: null,
  });
});
after(() => things.drop());

test("operators that cannot match the stored form are refused, nothing sent", async () => {
  sent.length = 0;
  const refused: [string, () => unknown, RegExp][] = [
    ["n", () => things.scan({ filter: (c) => c.beginsWith("n" as never, "1") }).all(), /number/],
    ["at", () => things.scan({ filter: (c) => c.beginsWith("at" as never, "17") }).all(), /number/],
    [
      "settings",
      () => things.scan({ filter: (c) => c.contains("settings", "theme" as never) }).all(),
      /JSON text/,
    ],
    ["meta", () => things.scan({ filter: (c) => c.contains("meta", "x" as never) }).all(), /map/],
    ["n", () => things.scan({ filter: (c) => c.contains("n", 1 as never) }).all(), /number/],
    ["settings", () => things.scan({ filter: (c) => c.type("settings", "M") }).all(), /JSON/],
    ["tags", () => things.scan({ filter: (c) => c.type("tags", "L") }).all(), /SS/],
    ["at", () => things.scan({ filter: (c) => c.type("at", "S") }).all(), /N/],
    ["name", () => things.scan({ filter: (c) => c.type("name", "NULL") }).all(), /never as NULL/],
  ];
  for (const [field, call, message] of refused) await rejectsField(call, field, message);
  assert.deepEqual(sent, [], "nothing was sent");
});

test("operators that fit are sent and match", async () => {
  const ids = async (filter: Parameters<typeof things.scan>[0]) =>
    (await things.scan(filter).all()).map((t) => t.id);
  assert.deepEqual(await ids({ filter: (c) => c.beginsWith("name", "al") }), ["a"]);
  assert.deepEqual(await ids({ filter: (c) => c.contains("name", "lph") }), ["a"]);
  assert.deepEqual(await ids({ filter: (c) => c.contains("tags", "red") }), ["a"]);
  assert.deepEqual(await ids({ filter: (c) => c.contains("parts", 2) }), ["a"]);
  assert.deepEqual(await ids({ filter: (c) => c.type("settings", "S") }), ["a"]);
  assert.deepEqual(await ids({ filter: (c) => c.type("at", "N") }), ["a"]);
  assert.deepEqual(await ids({ filter: (c) => c.type("iso", "S") }), ["a"]);
  assert.deepEqual(await ids({ filter: (c) => c.type("maybe", "NULL") }), ["a"]);
  assert.deepEqual(await ids({ filter: (c) => c.type("meta", "M") }), ["a"]);
});
