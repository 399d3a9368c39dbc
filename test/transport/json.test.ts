/**
 * The direct transport's request bodies: binary values (`Uint8Array`, `Buffer`, empty ones,
 * in `B` and `BS`, at any depth) become base64, whatever the attribute names and string
 * contents around them, and the idempotency token is filled in where the SDK fills it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { requestBody } from "../../src/transport/json.js";

/** What the body must be: every binary value as base64, nothing else changed. */
function expected(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (Array.isArray(value)) return value.map(expected);
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expected(v)]));
  return value;
}

const name = fc.constantFrom(
  ...["B", "BS", "0", "type", "S", "M", "L", "x", '"B":{"0"', "B\\"],
  ...["__proto__", "constructor", "toString", "null"],
);
const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 8 }),
  fc.uint8Array({ maxLength: 8 }).map((b) => Buffer.from(b)),
);
const attributeValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.record({
      S: fc.oneof(
        fc.string(),
        fc.constant('"B":{"0":1}'),
        fc.constant('{"B":{}}'),
        fc.constant("null"),
      ),
    }),
    fc.record({ N: fc.integer().map(String) }),
    fc.record({ B: bytes }),
    fc.record({ BS: fc.array(bytes, { minLength: 1, maxLength: 3 }) }),
    fc.record({ M: fc.dictionary(name, tie("value"), { maxKeys: 3 }) }),
    fc.record({ L: fc.array(tie("value"), { maxLength: 3 }) }),
  ),
})).value;

test("binary values anywhere become base64, and nothing else changes", () => {
  fc.assert(
    fc.property(fc.dictionary(name, attributeValue, { maxKeys: 4 }), (Item) => {
      const input = { TableName: "t", Item };
      const body = JSON.parse(requestBody("PutItem", input)) as unknown;
      assert.deepEqual(body, expected(input));
    }),
    { numRuns: 1000 },
  );
});

test("an attribute or table named __proto__ is sent when the body takes the slow path (a null, the text null)", () => {
  // Issue 16 attack: a body holding the text "null" is cleaned by a copy, which assigned
  // members with out[key] = ...: a __proto__ attribute became the copy's prototype, and the
  // item was written without it, silently.
  const Item = JSON.parse(
    '{"k":{"S":"a"},"__proto__":{"S":"p"},"x":{"S":"null"},"m":{"M":{"__proto__":{"B":"AQ=="}}}}',
  ) as Record<string, unknown>;
  (Item.m as { M: Record<string, unknown> }).M.__proto__ = {
    B: new Uint8Array([9, 1, 2]).subarray(1),
  };
  const body = JSON.parse(
    requestBody("PutItem", { TableName: "t", Item, ReturnValues: undefined }),
  );
  assert.deepEqual(Object.keys(body.Item), ["k", "__proto__", "x", "m"]);
  assert.deepEqual(Object.getOwnPropertyDescriptor(body.Item, "__proto__")!.value, { S: "p" });
  assert.deepEqual(Object.getOwnPropertyDescriptor(body.Item.m.M, "__proto__")!.value, {
    B: "AQI=",
  });
  const RequestItems = JSON.parse('{"__proto__":[{"PutRequest":{"Item":{"k":{"S":"null"}}}}]}');
  const batch = JSON.parse(
    requestBody("BatchWriteItem", { RequestItems, ReturnConsumedCapacity: undefined }),
  );
  assert.ok(Object.hasOwn(batch.RequestItems, "__proto__"));
});

test("empty binary values, Buffers, and binary keys of batch requests", () => {
  const input = {
    RequestItems: {
      t: {
        Keys: [{ pk: { B: new Uint8Array(0) } }, { pk: { B: Buffer.from("hi") } }],
        ProjectionExpression: "pk",
      },
    },
  };
  assert.deepEqual(JSON.parse(requestBody("BatchGetItem", input)), {
    RequestItems: {
      t: { Keys: [{ pk: { B: "" } }, { pk: { B: "aGk=" } }], ProjectionExpression: "pk" },
    },
  });
  assert.deepEqual(
    JSON.parse(
      requestBody("PutItem", { TableName: "t", Item: { s: { BS: [new Uint8Array(0)] } } }),
    ),
    {
      TableName: "t",
      Item: { s: { BS: [""] } },
    },
  );
});

test("the input is never changed; the idempotency token is added where the SDK adds it", () => {
  const Item = { pk: { B: new Uint8Array([1, 2, 3]) } };
  const input = { TransactItems: [{ Put: { TableName: "t", Item } }] };
  const body = JSON.parse(requestBody("TransactWriteItems", input)) as {
    ClientRequestToken?: string;
  };
  assert.match(body.ClientRequestToken ?? "", /^[0-9a-f-]{36}$/);
  assert.ok(Item.pk.B instanceof Uint8Array, "the caller's input keeps its Uint8Array");
  assert.equal("ClientRequestToken" in input, false);
  const given = JSON.parse(
    requestBody("TransactWriteItems", { ...input, ClientRequestToken: "mine" }),
  ) as { ClientRequestToken?: string };
  assert.equal(given.ClientRequestToken, "mine");
  assert.equal(
    "ClientRequestToken" in
      (JSON.parse(requestBody("PutItem", { TableName: "t", Item })) as object),
    false,
  );
});
