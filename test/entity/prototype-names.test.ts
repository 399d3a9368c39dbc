/**
 * Issue 16 (attack): a shared table whose key, index, entity attribute or index name is one of
 * Object.prototype's members (`constructor`, `toString`, `valueOf`, `__proto__`) is data
 * everywhere: the table is created with its index, puts are not refused as "computed", gets,
 * collections and updates work, and nothing is written into or read through a prototype.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Dyno, s } from "../../src/index.js";
import { engine, testClient, testTransport, uniqueTableName } from "../support/db.js";

const User = s.object({ org: s.string(), id: s.string(), email: s.string() });

async function roundTrip(
  dyno: Dyno,
  names: { pk: string; sk: string; gpk: string; gsk: string; entity: string; index: string },
) {
  const name = uniqueTableName("proto_ent");
  const app = dyno.sharedTable(name, {
    partitionKey: names.pk,
    sortKey: names.sk,
    entityAttribute: names.entity,
    indexes: { [names.index]: { partitionKey: names.gpk, sortKey: names.gsk } },
  });
  const Users = app.entity("U", {
    schema: User,
    key: { partitionKey: "O#{org}", sortKey: "U#{id}" },
    indexes: { [names.index]: { partitionKey: "E#{email}", sortKey: "U" } },
  });
  await app.create();
  try {
    const description = await app.describe();
    assert.deepEqual(
      description.GlobalSecondaryIndexes?.map((g) => g.IndexName),
      [names.index],
      "the index is created",
    );
    await Users.put({ org: "o", id: "1", email: "e1" });
    await Users.put({ org: "o", id: "2", email: "e2" });
    assert.deepEqual(await Users.get({ org: "o", id: "1" }), { org: "o", id: "1", email: "e1" });
    const all = await app.collection({ users: Users }).query({ org: "o" }).all();
    assert.equal(all.users.length, 2);
    await Users.update({ org: "o", id: "1" }, (u) => u.set("email", "e9"));
    const raw = await dyno.scan({ TableName: name });
    for (const item of raw.Items ?? []) {
      for (const attr of [names.pk, names.sk, names.entity, names.gpk, names.gsk])
        assert.ok(Object.hasOwn(item, attr), `stored ${attr}`);
      assert.equal(Object.getPrototypeOf(item), Object.prototype);
    }
  } finally {
    await app.drop();
  }
}

test("a shared table keyed and indexed by Object.prototype's member names", async () => {
  const dyno = new Dyno({ client: await testClient(), transport: testTransport });
  await roundTrip(dyno, {
    pk: "constructor",
    sk: "toString",
    gpk: "valueOf",
    gsk: "hasOwnProperty",
    entity: "__type",
    index: "constructor",
  });
});

test(
  "a shared table keyed and indexed by __proto__ on the direct transport",
  { skip: engine === "dynalite" && "dynalite's request validation drops a __proto__ member" },
  async () => {
    const dyno = new Dyno({ client: await testClient(), transport: "direct" });
    if (dyno.transport !== "direct") return;
    await roundTrip(dyno, {
      pk: "__proto__",
      sk: "toString",
      gpk: "valueOf",
      gsk: "hasOwnProperty",
      entity: "constructor",
      index: "__proto__",
    });
  },
);
