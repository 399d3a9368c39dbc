/**
 * The Table model refuses what would store something else than the schema describes (issue 16):
 * properties the schema does not declare (item 15), update actions that would leave an item the
 * schema cannot read (item 4), and plain `cond.*` conditions whose paths name properties stored
 * under another attribute name or codec (item 6). Each refusal is a DynoValidationError naming
 * the path, and nothing is sent.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Dyno, DynoValidationError, s, type AnyMiddleware } from "../../src/index.js";
import { testClient, uniqueTableName } from "../support/db.js";
import { User, user } from "./schema.js";

let dyno: Dyno;
const sent: string[] = [];
const record: AnyMiddleware = (next) => (ctx) => {
  sent.push(ctx.operation);
  return next(ctx);
};

function define(name: string) {
  return dyno.table(name, { schema: User, partitionKey: "org", sortKey: "id" });
}
let users: ReturnType<typeof define>;

/** The item as stored, attribute names and all. */
async function raw(org: string, id: string) {
  const out = await dyno.getItem({
    TableName: users.name,
    Key: { PK: { S: org }, SK: { S: id } },
    ConsistentRead: true,
  });
  return out.Item;
}

/** Asserts a DynoValidationError whose field is `field`, and that no request was sent. */
async function refused(fn: () => unknown, field: string, message?: RegExp) {
  sent.length = 0;
  await assert.rejects(
    async () => fn(),
    (e: unknown) => {
      assert.ok(e instanceof DynoValidationError, `expected DynoValidationError, got ${String(e)}`);
      assert.equal(e.field, field, e.message);
      if (message) assert.match(e.message, message);
      return true;
    },
  );
  assert.deepEqual(sent, [], "nothing was sent");
}

before(async () => {
  dyno = new Dyno({ client: await testClient() }).use(record);
  users = define(uniqueTableName("integrity"));
  await users.create();
});

after(async () => {
  await users.drop();
});

describe("properties the schema does not declare (item 15)", () => {
  test("put refuses them at any depth, naming each; nothing is written", async () => {
    const u = user("o15", "extra");
    await refused(
      () => users.put({ ...u, nickname: "x" } as User),
      "item.nickname",
      /item\.nickname is not declared by the schema/,
    );
    await refused(
      () => users.put({ ...u, profile: { bio: "b", links: [], color: "red" } } as User),
      "item.profile.color",
    );
    await refused(
      () => users.put({ ...u, address: { street: "s", city: "c", zip: "z" } } as User),
      "item.address.zip",
    );
    await refused(
      () =>
        users.put({
          ...u,
          history: [
            { at: new Date(0), what: "a" },
            { at: new Date(0), what: "b", who: "me" },
          ],
        } as User),
      "item.history[1].who",
    );
    await refused(
      () => users.put({ ...u, a: 1, b: 2, profile: { bio: "b", links: [], c: 3 } } as User),
      "item.a",
      /item\.a, item\.b, item\.profile\.c are not declared/,
    );
    // Object.prototype names, own properties of the item (as JSON.parse makes them).
    const parsed = JSON.parse('{"__proto__": 1, "constructor": 2, "toString": 3}') as object;
    await refused(
      () => users.put({ ...u, ...parsed } as User),
      "item.__proto__",
      /__proto__, item\.constructor, item\.toString/,
    );
    assert.equal(await raw("o15", "extra"), undefined);
  });

  test("declared open-ended data and undefined extras are fine; skipped properties too", async () => {
    await users.put({
      ...user("o15", "fine"),
      meta: { anything: 1 },
      extra: { free: "form" },
      unused: undefined,
    } as User);
    const item = (await raw("o15", "fine"))!;
    assert.deepEqual(item.meta, { M: { anything: { N: "1" } } });
    assert.deepEqual(item.x_free, { S: "form" });

    const Skips = s.object({ id: s.string(), secret: s.string().skip(), any: s.any().optional() });
    const t = dyno.table(uniqueTableName("skips"), { schema: Skips, partitionKey: "id" });
    await t.create();
    try {
      await t.put({ id: "a", secret: "not stored", any: { whatever: { deep: true } } });
      assert.deepEqual(await t.get({ id: "a" }, { consistentRead: true }), {
        id: "a",
        any: { whatever: { deep: true } },
      });
    } finally {
      await t.drop();
    }
  });

  test("batchPut refuses them, naming the item's position", async () => {
    await refused(
      () => users.batchPut([user("o15", "b1"), { ...user("o15", "b2"), oops: true } as User]),
      "items[1].oops",
    );
    assert.equal(await raw("o15", "b1"), undefined);
  });

  test("update values and condition values are checked the same way", async () => {
    const key = { org: "o15", id: "u" };
    await refused(
      () => users.update(key, (u) => u.set("profile", { bio: "b", links: [], x: 1 } as never)),
      "profile.x",
      /u\.set: profile\.x is not declared/,
    );
    await refused(
      () =>
        users.update(key, (u) =>
          u.append("history", [{ at: new Date(0), what: "w", x: 1 }] as never),
        ),
      "history.x",
    );
    await refused(
      () =>
        users.put(user("o15", "u"), {
          condition: (c) => c.eq("profile", { bio: "b", links: [], x: 1 } as never),
        }),
      "profile.x",
    );
  });
});
