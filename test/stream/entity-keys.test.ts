/**
 * Key-only (`KEYS_ONLY`) records of entities: the key properties are read back from the key
 * attributes through the entity's templates, for any value (separators, escapes, astral
 * characters, negative and tiny numbers, bigints, dates), and a key of another entity or of no
 * entity is not claimed.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Dyno, s, streamChanges, type StreamRecordInput } from "../../src/index.js";
import { record } from "./events.js";

const dyno = new Dyno({
  client: new DynamoDBClient({
    region: "us-east-1",
    endpoint: "http://127.0.0.1:9",
    credentials: { accessKeyId: "x", secretAccessKey: "y" },
  }),
});
const app = dyno.sharedTable("App", { partitionKey: "pk", sortKey: "sk" });
const Events = app.entity("Event", {
  schema: s.object({
    org: s.string(),
    n: s.number(),
    big: s.bigint(),
    at: s.date(),
    id: s.string(),
    note: s.string(),
  }),
  key: { partitionKey: "ORG#{org}|{n}", sortKey: "EV#{at}#{big}/{id}" },
});
const Orgs = app.entity("Org", {
  schema: s.object({ org: s.string(), name: s.string() }),
  key: { partitionKey: "ORG#{org}", sortKey: "ORG" },
});
const models = { orgs: Orgs, events: Events };

/** A key-only REMOVE of the item an entity's put would write. */
function keysOnly(entity: typeof Events | typeof Orgs, item: never): StoredItemRecord {
  const stored = entity.putPlan(item).item;
  return record("App", "REMOVE", { Keys: { pk: stored.pk, sk: stored.sk } });
}
type StoredItemRecord = StreamRecordInput;

describe("streamChanges: key-only records of entities", () => {
  test("the key properties are read back, whatever the values", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary" }),
        fc
          .double({ noNaN: true, noDefaultInfinity: true })
          .filter((x) => x === 0 || (Math.abs(x) >= 1e-130 && Math.abs(x) <= 9.99e125)),
        fc.bigInt({ min: -(10n ** 38n) + 1n, max: 10n ** 38n - 1n }),
        fc.date({
          min: new Date("0000-01-01T00:00:00Z"),
          max: new Date("9999-12-31T23:59:59Z"),
          noInvalidDate: true,
        }),
        fc.string({ unit: "binary", minLength: 1 }),
        (org, n, big, at, id) => {
          const [c] = streamChanges(
            [keysOnly(Events, { org, n, big, at, id, note: "x" } as never)],
            models,
          );
          assert.equal(c!.entity, "events");
          if (c!.entity !== "events") return;
          assert.deepEqual(c!.key, { org, n: n === 0 ? 0 : n, big, at, id });
        },
      ),
      { numRuns: 300 },
    );
  });

  test("each entity claims only its own keys; other keys come unmatched", () => {
    const [org] = streamChanges([keysOnly(Orgs, { org: "a#b|c", name: "A" } as never)], models);
    assert.equal(org!.entity, "orgs");
    assert.deepEqual(org!.key, { org: "a#b|c" });
    for (const [pk, sk] of [
      ["ORG#acme", "INVOICE#1"],
      ["ORG#acme|zz", "EV#2024-01-01T00:00:00.000Z#p00000000000000000000000000000000000001/x"],
      ["ORG#%ZZ", "ORG"],
      ["USER#acme", "ORG"],
    ] as const) {
      const [c] = streamChanges(
        [record("App", "REMOVE", { Keys: { pk: { S: pk }, sk: { S: sk } } })],
        models,
      );
      assert.equal(c!.entity, undefined, `${pk} ${sk}`);
      assert.deepEqual(c!.key, { pk: { S: pk }, sk: { S: sk } });
    }
  });
});
