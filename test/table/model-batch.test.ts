/**
 * A table's and an entity's own `batchGet`, `batchDelete` and `maxItems` run through one
 * engine (`modelBatchGet`, `modelBatchDelete`, `checkMaxItems`): the same refusals, naming the
 * same fields, before anything is sent. No DynamoDB needed (nothing is sent).
 */
import { test } from "node:test";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Dyno, s } from "../../src/index.js";
import { rejectsField } from "../support/assert.js";

const dyno = new Dyno({
  client: new DynamoDBClient({
    region: "us-east-1",
    endpoint: "http://127.0.0.1:9",
    credentials: { accessKeyId: "x", secretAccessKey: "y" },
    maxAttempts: 1,
  }),
});
const User = s.object({ org: s.string(), id: s.string(), name: s.string() });
const table = dyno.table("users", { schema: User, partitionKey: "org", sortKey: "id" });
const app = dyno.sharedTable("app", { partitionKey: "pk", sortKey: "sk" });
const Users = app.entity("User", {
  schema: User,
  key: { partitionKey: "ORG#{org}", sortKey: "USER#{id}" },
});
const models = { table, entity: Users } as const;

for (const [kind, model] of Object.entries(models)) {
  test(`${kind}: batchGet and batchDelete refuse bad input before sending`, async () => {
    const m = model as typeof table;
    await rejectsField(() => m.batchGet("x" as never), "keys", /array/);
    await rejectsField(() => m.batchDelete({} as never), "keys", /array/);
    await rejectsField(() => m.batchGet([{ org: "a" } as never]), "keys[0].key.id");
    await rejectsField(
      () => m.batchDelete([{ org: "a", id: "1" }, { org: "a" } as never]),
      "keys[1].key.id",
    );
    await rejectsField(
      () => m.batchGet([{ org: "a", id: "1" }], { consistentRed: true } as never),
      "batchGet.options.consistentRed",
    );
  });

  test(`${kind}: maxItems must be a positive integer`, async () => {
    const m = model as typeof table;
    for (const bad of [0, -1, 1.5, Number.NaN, "3"]) {
      await rejectsField(
        () => m.query({ org: "a" }, { maxItems: bad as never }),
        "maxItems",
        /positive integer/,
      );
      await rejectsField(() => m.scan({ maxItems: bad as never }), "maxItems", /positive integer/);
    }
  });
}

test("collection: maxItems must be a positive integer", async () => {
  const c = app.collection({ users: Users });
  await rejectsField(() => c.query({ org: "a" }, { maxItems: 0 }), "maxItems", /positive integer/);
});
