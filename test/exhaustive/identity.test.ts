/**
 * Key identity (src/encoding/identity.ts) and everything that compares keys with it:
 * batchGetItemAll, batchWriteItemAll and Table.batchGet, differentially against one GetItem /
 * PutItem / DeleteItem per key on the real engine, under injected unprocessed keys (which the
 * fault layer echoes in DynamoDB's own number notation, as DynamoDB does).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { AttributeValue, WriteRequest } from "@aws-sdk/client-dynamodb";
import { Dyno, s } from "../../src/index.js";
import { keyIdentity, dynamoNotation } from "../../src/encoding/identity.js";
import { injectFaults } from "../../src/testing/index.js";
import {
  createTestTable,
  testClient,
  testEndpoint,
  testTransport,
  uniqueTableName,
} from "../support/db.js";
import { faultProxy } from "../support/http.js";
import { decimal, keyBytes, keyString, numberKey, sameNumber, spell } from "./arbitraries.js";

type Key = Record<string, AttributeValue>;
const FAST = { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 40 };
const id = (key: Key, names?: string[]) => keyIdentity(key, names, "key");

// ---------------------------------------------------------------- the identity itself

test("identity: one number in any notation is one key; different numbers never are", () => {
  const one = ["1E+30", "1000000000000000000000000000000", "10e29", "0.1E31", "+1e30", "001E+30"];
  for (const n of one) assert.equal(id({ k: { N: n } }), id({ k: { N: one[0] } }), n);
  assert.equal(id({ k: { N: "60E+30" } }), id({ k: { N: dynamoNotation("60E+30")! } }));
  assert.equal(id({ k: { N: "-0" } }), id({ k: { N: "0" } }));
  assert.equal(id({ k: { N: "0.000" } }), id({ k: { N: "0e10" } }));
  assert.equal(id({ k: { N: "1e-7" } }), id({ k: { N: "0.0000001" } }));
  assert.notEqual(
    id({ k: { N: "1.00000000000000000001E+30" } }),
    id({ k: { N: "1.00000000000000000002E+30" } }),
  );
  assert.notEqual(id({ k: { N: "1" } }), id({ k: { N: "-1" } }));
  assert.notEqual(id({ k: { N: "1" } }), id({ k: { S: "1" } }), "types differ");
  fc.assert(
    fc.property(decimal, decimal, fc.nat(13), fc.nat(13), fc.nat(3), (a, b, sa, sb, pad) => {
      const x = id({ k: { N: spell(a, sa, pad) } });
      const y = id({ k: { N: spell(b, sb, 0) } });
      assert.equal(x === y, sameNumber(a, b), `${spell(a, sa, pad)} vs ${spell(b, sb, 0)}`);
      assert.equal(id({ k: { N: dynamoNotation(spell(a, sa, pad))! } }), x, "DynamoDB's echo");
    }),
    { numRuns: 2000 },
  );
});

test("identity: bytes for B in every form, code points for S, per attribute name, no separator collisions", () => {
  const bytes = [1, 2, 0, 255];
  const big = new Uint8Array([9, ...bytes, 9]);
  const forms = [
    Uint8Array.from(bytes),
    Buffer.from(bytes),
    big.subarray(1, 5),
    Buffer.from(bytes).toString("base64") as unknown as Uint8Array,
  ];
  for (const b of forms) assert.equal(id({ k: { B: b } }), id({ k: { B: forms[0] } }));
  assert.notEqual(
    id({ k: { B: Uint8Array.from([1]) } }),
    id({ k: { B: Uint8Array.from([1, 0]) } }),
  );
  // The collision of the issue: NUL-joined strings with a type letter.
  assert.notEqual(
    id({ a: { S: "a\u0000Sb" }, b: { S: "c" } }),
    id({ a: { S: "a" }, b: { S: "b\u0000Sc" } }),
  );
  assert.notEqual(id({ a: { S: "x" } }), id({ b: { S: "x" } }), "attribute names count");
  assert.equal(id({ a: { S: "x" }, b: { N: "1" } }), id({ b: { N: "1.0" }, a: { S: "x" } }));
  // A lone surrogate has no UTF-8 form: refused, never matched as the U+FFFD DynamoDB Local stores.
  assert.throws(() => id({ k: { S: "\ud800" } }), /k.*lone UTF-16 surrogate/);
  assert.throws(() => id({ k: { S: "a\udfff" } }), /lone UTF-16 surrogate/);
  assert.equal(id({ k: { S: "\ud83d\ude00" } }), id({ k: { S: "😀" } }));
  fc.assert(
    fc.property(
      fc.array(fc.tuple(keyString, keyString), { minLength: 2, maxLength: 2 }),
      ([[a1, a2], [b1, b2]]) => {
        const x = id({ p: { S: a1 }, q: { S: a2 } });
        const y = id({ p: { S: b1 }, q: { S: b2 } });
        assert.equal(x === y, a1 === b1 && a2 === b2);
      },
    ),
    { numRuns: 3000 },
  );
  fc.assert(
    fc.property(keyBytes, keyBytes, (a, b) => {
      const same = a.bytes.length === b.bytes.length && a.bytes.every((v, i) => v === b.bytes[i]);
      assert.equal(id({ k: { B: a.value } }) === id({ k: { B: b.value } }), same);
    }),
    { numRuns: 2000 },
  );
  // Items: only the key's attributes count; a missing one is an error naming it.
  assert.equal(id({ pk: { S: "a" }, x: { N: "1" } }, ["pk"]), id({ pk: { S: "a" } }, ["pk"]));
  assert.throws(() => keyIdentity({ pk: { S: "a" } }, ["pk", "sk"], "RequestItems.T[3]"), {
    name: "DynoValidationError",
    message: /RequestItems\.T\[3\]\.sk: key attribute "sk" is missing/,
  });
  assert.throws(() => keyIdentity({ pk: { N: "1x" } }, undefined, "k"), /not a number/);
  assert.throws(() => keyIdentity({ toString: { S: "a" } }, ["constructor"], "k"), /missing/);
});

// ---------------------------------------------------------------- regressions of issue 16, items 1-3

test("batchGetItemAll: unprocessed number keys echoed in DynamoDB's notation are retried, not dropped (60 of 60)", async () => {
  const client = await testClient({ maxAttempts: 1 });
  const TableName = await createTestTable(client, { partitionKey: ["k", "N"], sortKey: null });
  const dyno = new Dyno({ client, transport: testTransport });
  const numbers = Array.from({ length: 60 }, (_, i) => `${i + 1}E+30`).concat();
  numbers[0] = "1e-7";
  for (const n of numbers) await dyno.putItem({ TableName, Item: { k: { N: n }, v: { S: n } } });
  const faults = injectFaults(client, {
    seed: 5,
    unprocessedRate: 0.5,
    operations: ["BatchGetItem"],
  });
  try {
    const out = await dyno.batchGetItemAll(
      { RequestItems: { [TableName]: { Keys: numbers.map((n) => ({ k: { N: n } })) } } },
      FAST,
    );
    assert.ok(faults.stats.unprocessed > 10, `${faults.stats.unprocessed} unprocessed`);
    assert.deepEqual(out.Responses![TableName].map((i) => i.v.S).sort(), [...numbers].sort());
    assert.deepEqual(out.UnprocessedKeys, {});
  } finally {
    faults.remove();
  }
});

test("batchGetItemAll: keys that naive key strings confuse are all read", async () => {
  const client = await testClient();
  const TableName = await createTestTable(client, { partitionKey: ["k", "N"], sortKey: null });
  const strings = await createTestTable(client, { partitionKey: ["a", "S"], sortKey: ["b", "S"] });
  const dyno = new Dyno({ client, transport: testTransport });
  const near = ["1.00000000000000000001E+30", "1.00000000000000000002E+30"];
  for (const n of near) await dyno.putItem({ TableName, Item: { k: { N: n }, v: { S: n } } });
  const pairs = [
    ["a\u0000Sb", "c"],
    ["a", "b\u0000Sc"],
  ];
  for (const [a, b] of pairs)
    await dyno.putItem({ TableName: strings, Item: { a: { S: a }, b: { S: b }, v: { S: a + b } } });
  const out = await dyno.batchGetItemAll({
    RequestItems: {
      [TableName]: { Keys: near.map((n) => ({ k: { N: n } })) },
      [strings]: { Keys: pairs.map(([a, b]) => ({ a: { S: a }, b: { S: b } })) },
    },
  });
  assert.equal(out.Responses![TableName].length, 2);
  assert.equal(out.Responses![strings].length, 2);
});

test("batchWriteItemAll: one key in two notations is a duplicate, written in the caller's order", async () => {
  const client = await testClient();
  const TableName = await createTestTable(client, { partitionKey: ["k", "N"], sortKey: null });
  const dyno = new Dyno({ client, transport: testTransport });
  await dyno.batchWriteItemAll({
    RequestItems: {
      [TableName]: [
        { PutRequest: { Item: { k: { N: "1E+30" }, v: { S: "first" } } } },
        {
          PutRequest: { Item: { k: { N: "1000000000000000000000000000000" }, v: { S: "second" } } },
        },
        { PutRequest: { Item: { k: { N: "60E+30" }, v: { S: "a" } } } },
        { DeleteRequest: { Key: { k: { N: "6000000000000000000000000000000e1" } } } },
      ],
    },
  });
  const items = (await dyno.scanAll({ TableName })).Items!;
  assert.deepEqual(
    items.map((i) => [i.k.N, i.v.S]),
    [["1000000000000000000000000000000", "second"]],
  );
});

test("Table.batchGet: number keys in exponent notation and binary keys given as Buffers are found", async () => {
  const dyno = new Dyno({ client: await testClient(), transport: testTransport });
  const byNumber = dyno.table(uniqueTableName("idn"), {
    schema: s.object({ n: s.number(), v: s.string() }),
    partitionKey: "n",
  });
  const byBytes = dyno.table(uniqueTableName("idb"), {
    schema: s.object({ b: s.binary(), v: s.string() }),
    partitionKey: "b",
  });
  await byNumber.create();
  await byBytes.create();
  const numbers = [1e21, 1e-7, 2.5e-8, 7, -0.5];
  await byNumber.batchPut(numbers.map((n) => ({ n, v: String(n) })));
  const got = await byNumber.batchGet(numbers.map((n) => ({ n })));
  assert.deepEqual(
    got.map((i) => i.v),
    numbers.map(String),
  );
  const blobs = [Buffer.from([1, 2, 3]), Buffer.from("hello")];
  await byBytes.batchPut(blobs.map((b, i) => ({ b, v: String(i) })));
  const found = await byBytes.batchGet(blobs.map((b) => ({ b })));
  assert.deepEqual(
    found.map((i) => i.v),
    ["0", "1"],
  );
  const viaView = await byBytes.batchGet([{ b: new Uint8Array([0, 1, 2, 3]).subarray(1) }]);
  assert.deepEqual(
    viaView.map((i) => i.v),
    ["0"],
  );
});

// ---------------------------------------------------------------- differential property tests

/** A composite key table's key: pk (N, S or B by table) and sk (N). */
interface Tables {
  dyno: Dyno;
  num: string; // k: N
  str: string; // a: S, b: N
  bin: string; // b: B, n: N
}

async function tables(): Promise<Tables & { client: Awaited<ReturnType<typeof testClient>> }> {
  const client = await testClient({ maxAttempts: 1 });
  return {
    client,
    dyno: new Dyno({ client, transport: testTransport }),
    num: await createTestTable(client, { partitionKey: ["k", "N"], sortKey: null }),
    str: await createTestTable(client, { partitionKey: ["a", "S"], sortKey: ["b", "N"] }),
    bin: await createTestTable(client, { partitionKey: ["b", "B"], sortKey: ["n", "N"] }),
  };
}

/** Random keys of the three tables, drawn from small pools so that spellings collide often. */
const keysArb = fc.record({
  num: fc.array(
    numberKey.map((k) => ({ k })),
    { maxLength: 30 },
  ),
  str: fc.array(fc.record({ a: keyString.map((S) => ({ S })), b: numberKey }), { maxLength: 30 }),
  bin: fc.array(fc.record({ b: keyBytes.map(({ value }) => ({ B: value })), n: numberKey }), {
    maxLength: 30,
  }),
});

/** The same few values in many spellings: many duplicates by value. */
const smallNumber = fc
  .tuple(
    fc.constantFrom(...["1", "25", "1000000000000000000001"].map((digits) => digits)),
    fc.constantFrom(-7, 0, 30),
    fc.nat(13),
    fc.nat(2),
  )
  .map(([digits, exp, style, pad]) => ({ N: spell({ neg: false, digits, exp }, style, pad) }));

test("differential: batchGetItemAll under injected unprocessed keys reads what one GetItem per key reads", async () => {
  const t = await tables();
  let run = 0;
  await fc.assert(
    fc.asyncProperty(
      keysArb,
      keysArb,
      fc.integer({ min: 1, max: 1000 }),
      async (stored, asked, seed) => {
        run++;
        // Put the stored keys (a tag per put; a later put of the same key overwrites).
        for (const [table, list] of [
          [t.num, stored.num],
          [t.str, stored.str],
          [t.bin, stored.bin],
        ] as const)
          for (const [i, key] of list.entries())
            await t.dyno.putItem({ TableName: table, Item: { ...key, tag: { S: `${run}:${i}` } } });
        // Ask for stored keys in other spellings too.
        const respell = (key: Key): Key =>
          Object.fromEntries(
            Object.entries(key).map(([name, v]) => [name, v.N ? { N: dynamoNotation(v.N)! } : v]),
          );
        const ask = {
          [t.num]: [...asked.num, ...stored.num.map(respell)],
          [t.str]: [...asked.str, ...stored.str],
          [t.bin]: [...asked.bin, ...stored.bin.map(respell)],
        };
        const expected = new Map<string, Set<string>>();
        for (const [table, keys] of Object.entries(ask)) {
          const tags = new Set<string>();
          for (const Key of keys) {
            const got = await t.dyno.getItem({ TableName: table, Key });
            if (got.Item) tags.add(got.Item.tag.S!);
          }
          expected.set(table, tags);
        }
        const faults = injectFaults(t.client, {
          seed,
          unprocessedRate: 0.4,
          operations: ["BatchGetItem"],
        });
        try {
          const RequestItems = Object.fromEntries(
            Object.entries(ask)
              .filter(([, keys]) => keys.length > 0)
              .map(([table, Keys]) => [table, { Keys }]),
          );
          if (Object.keys(RequestItems).length === 0) return;
          const out = await t.dyno.batchGetItemAll({ RequestItems }, FAST);
          for (const [table, tags] of expected) {
            const got = (out.Responses?.[table] ?? []).map((i) => i.tag.S!);
            assert.equal(new Set(got).size, got.length, "no item twice");
            assert.deepEqual(new Set(got), tags, table);
          }
        } finally {
          faults.remove();
          for (const table of [t.num, t.str, t.bin]) {
            const items = (await t.dyno.scanAll({ TableName: table })).Items ?? [];
            const names = table === t.num ? ["k"] : table === t.str ? ["a", "b"] : ["b", "n"];
            await t.dyno
              .batchWriteItemAll({
                RequestItems: {
                  [table]: items.map((i) => ({
                    DeleteRequest: { Key: Object.fromEntries(names.map((n) => [n, i[n]])) },
                  })),
                },
              })
              .catch((e: unknown) => (items.length ? Promise.reject(e) : undefined));
          }
        }
      },
    ),
    { numRuns: 12 },
  );
});

test("differential: batchWriteItemAll with duplicate keys in mixed notations leaves what the same writes one by one leave", async () => {
  const client = await testClient({ maxAttempts: 1 });
  const dyno = new Dyno({ client, transport: testTransport });
  const keyOf = fc.record({
    a: fc.constantFrom("x", "x\u0000", "\u0000x", "y").map((S) => ({ S })),
    b: smallNumber,
  });
  const writes = fc.array(
    fc.tuple(fc.boolean(), keyOf).map(([isPut, key]) => ({ isPut, key })),
    { minLength: 1, maxLength: 80 },
  );
  await fc.assert(
    fc.asyncProperty(writes, fc.integer({ min: 1, max: 1000 }), async (list, seed) => {
      const batch = await createTestTable(client, {
        partitionKey: ["a", "S"],
        sortKey: ["b", "N"],
      });
      const single = await createTestTable(client, {
        partitionKey: ["a", "S"],
        sortKey: ["b", "N"],
      });
      const requests: WriteRequest[] = list.map(({ isPut, key }, i) =>
        isPut
          ? { PutRequest: { Item: { ...key, tag: { N: String(i) } } } }
          : { DeleteRequest: { Key: key } },
      );
      for (const r of requests) {
        if (r.PutRequest) await dyno.putItem({ TableName: single, Item: r.PutRequest.Item! });
        else await dyno.deleteItem({ TableName: single, Key: r.DeleteRequest!.Key! });
      }
      const faults = injectFaults(client, {
        seed,
        unprocessedRate: 0.4,
        throttleRate: 0.1,
        operations: ["BatchWriteItem"],
      });
      try {
        await dyno.batchWriteItemAll({ RequestItems: { [batch]: requests } }, FAST);
      } finally {
        faults.remove();
      }
      const contents = async (TableName: string) =>
        ((await dyno.scanAll({ TableName })).Items ?? [])
          .map((i) => `${JSON.stringify(i.a.S)} ${i.b.N} ${i.tag.N}`)
          .sort();
      assert.deepEqual(await contents(batch), await contents(single));
    }),
    { numRuns: 10 },
  );
});

test("differential: Table.batchGet matches one get per key for random number, string and binary keys", async () => {
  const dyno = new Dyno({ client: await testClient(), transport: testTransport });
  const users = dyno.table(uniqueTableName("idt"), {
    schema: s.object({ p: s.binary(), n: s.number(), tag: s.string() }),
    partitionKey: "p",
    sortKey: "n",
  });
  await users.create();
  const jsNumber = fc.oneof(
    fc
      .double({ min: -1e100, max: 1e100, noNaN: true, noDefaultInfinity: true })
      .filter((x) => x === 0 || Math.abs(x) > 1e-100),
    fc.constantFrom(1e21, 1e-7, 2.5e-8, 0, -0, 123456789.125),
  );
  const keyArb = fc.record({ p: keyBytes.map(({ value }) => value), n: jsNumber });
  await fc.assert(
    fc.asyncProperty(
      fc.array(keyArb, { maxLength: 20 }),
      fc.array(keyArb, { maxLength: 10 }),
      async (stored, extra) => {
        await users.batchPut(stored.map((k, i) => ({ ...k, tag: String(i) })));
        const asked = [...stored, ...extra];
        const one = await Promise.all(asked.map((k) => users.get(k)));
        const many = await users.batchGet(asked);
        assert.deepEqual(
          many.map((i) => i.tag),
          one.filter((i) => i !== undefined).map((i) => i!.tag),
        );
        await users.batchDelete(stored.map(({ p, n }) => ({ p, n })));
      },
    ),
    { numRuns: 15 },
  );
});

test("an unprocessed key or item that matches nothing asked is never counted done: its table's part is sent again", async () => {
  const client = await testClient();
  const TableName = await createTestTable(client, { partitionKey: ["k", "N"], sortKey: null });
  const direct = new Dyno({ client, transport: testTransport });
  const numbers = ["1", "2", "3"];
  for (const n of numbers) await direct.putItem({ TableName, Item: { k: { N: n }, v: { S: n } } });
  const stranger = { k: { N: "999" } };
  const first = (request: { operation: string }, index: number) =>
    proxy.seen.findIndex((r) => r.operation === request.operation) === index;
  const proxy = await faultProxy(await testEndpoint(), (request, index) =>
    first(request, index) && request.operation === "BatchGetItem"
      ? {
          status: 200,
          body: {
            Responses: { [TableName]: [{ k: { N: "1" }, v: { S: "1" } }] },
            UnprocessedKeys: { [TableName]: { Keys: [stranger] } },
          },
        }
      : first(request, index) && request.operation === "BatchWriteItem"
        ? {
            status: 200,
            body: { UnprocessedItems: { [TableName]: [{ DeleteRequest: { Key: stranger } }] } },
          }
        : undefined,
  );
  try {
    const dyno = new Dyno({
      client: await testClient({ endpoint: proxy.endpoint }),
      transport: testTransport,
    });
    const out = await dyno.batchGetItemAll(
      { RequestItems: { [TableName]: { Keys: numbers.map((N) => ({ k: { N } })) } } },
      FAST,
    );
    assert.deepEqual(
      out.Responses![TableName].map((i) => i.v.S).sort(),
      numbers,
      "read again, once each",
    );
    await dyno.batchWriteItemAll(
      {
        RequestItems: {
          [TableName]: numbers.map((N) => ({
            PutRequest: { Item: { k: { N }, v: { S: "new" } } },
          })),
        },
      },
      { ...FAST, keySchema: { [TableName]: ["k"] } },
    );
    assert.equal(
      proxy.seen.filter((r) => r.operation === "BatchWriteItem").length,
      2,
      "sent again",
    );
    const items = (await direct.scanAll({ TableName })).Items!;
    assert.deepEqual(
      items.map((i) => i.v.S),
      ["new", "new", "new"],
    );
  } finally {
    await proxy.stop();
  }
});
