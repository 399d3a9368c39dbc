/**
 * `streamChanges` on hand-built Lambda events: INSERT, MODIFY, REMOVE, binaries from base64,
 * records of tables no model names, TTL deletions, key-only records, two models on one table,
 * and every malformed record named by where it is.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  Dyno,
  DynoEncodingError,
  DynoValidationError,
  s,
  streamChanges,
  type StreamRecordInput,
} from "../../src/index.js";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { arnOf, record } from "./events.js";

const User = s.object({
  id: s.string(),
  name: s.string().rename("Name"),
  avatar: s.binary().optional(),
  joined: s.date({ as: "epochSeconds" }),
  tags: s.stringSet().optional(),
});
const Order = s.object({ userId: s.string(), n: s.number(), blobs: s.list(s.binary()).optional() });

// No request is sent: decoding needs models, not a server.
const dyno = new Dyno({
  client: new DynamoDBClient({
    region: "us-east-1",
    endpoint: "http://127.0.0.1:9",
    credentials: { accessKeyId: "x", secretAccessKey: "y" },
  }),
});
const Users = dyno.table("Users", { schema: User, partitionKey: "id" });
const Orders = dyno.table("Orders", { schema: Order, partitionKey: "userId", sortKey: "n" });
const b64 = (bytes: number[]) => Buffer.from(bytes).toString("base64");

describe("streamChanges", () => {
  test("INSERT, MODIFY and REMOVE decoded with each table's schema, binaries from base64", () => {
    const event = {
      Records: [
        record("Users", "INSERT", {
          Keys: { id: { S: "u1" } },
          NewImage: {
            id: { S: "u1" },
            Name: { S: "Ada" },
            avatar: { B: b64([0, 1, 255]) },
            joined: { N: "1700000000" },
            tags: { SS: ["a", "b"] },
          },
        }),
        record("Orders", "MODIFY", {
          Keys: { userId: { S: "u1" }, n: { N: "1E+2" } },
          OldImage: { userId: { S: "u1" }, n: { N: "100" } },
          NewImage: {
            userId: { S: "u1" },
            n: { N: "100" },
            blobs: { L: [{ B: b64([7]) }, { B: "" }] },
          },
        }),
        record("Users", "REMOVE", {
          Keys: { id: { S: "u1" } },
          OldImage: { id: { S: "u1" }, Name: { S: "Ada" }, joined: { N: "1700000000" } },
        }),
      ],
    };
    const changes = [...streamChanges(event, { users: Users, orders: Orders })];
    assert.equal(changes.length, 3);
    const [ins, mod, rem] = changes;
    assert.equal(ins!.entity, "users");
    assert.equal(ins!.type, "INSERT");
    assert.deepEqual(ins!.key, { id: "u1" });
    assert.equal(ins!.oldItem, undefined);
    if (ins!.entity !== "users") throw new Error("narrowing");
    const u = ins!.newItem!;
    assert.equal(u.name, "Ada");
    assert.ok(u.avatar instanceof Uint8Array);
    assert.deepEqual([...u.avatar], [0, 1, 255]);
    assert.deepEqual(u.joined, new Date(1_700_000_000_000));
    assert.deepEqual(u.tags, new Set(["a", "b"]));
    assert.equal(
      ins!.sequenceNumber,
      (event.Records[0]!.dynamodb as { SequenceNumber: string }).SequenceNumber,
    );

    assert.equal(mod!.entity, "orders");
    if (mod!.entity !== "orders") throw new Error("narrowing");
    assert.deepEqual(mod!.key, { userId: "u1", n: 100 });
    assert.deepEqual(mod!.oldItem, { userId: "u1", n: 100 });
    assert.deepEqual(
      mod!.newItem!.blobs!.map((b) => [...b]),
      [[7], []],
    );

    assert.equal(rem!.type, "REMOVE");
    assert.equal(rem!.newItem, undefined);
    assert.equal(rem!.removedByTtl, false);
    assert.equal((rem!.oldItem as { name: string }).name, "Ada");
  });

  test("a record of a table no model names is reported unmatched, raw with bytes decoded", () => {
    const [c] = streamChanges(
      [
        record("Audit", "INSERT", {
          Keys: { pk: { B: b64([1, 2]) } },
          NewImage: {
            pk: { B: b64([1, 2]) },
            set: { BS: [b64([3])] },
            m: { M: { x: { B: b64([4]) } } },
          },
        }),
      ],
      { users: Users },
    );
    assert.equal(c!.entity, undefined);
    assert.ok(c!.newItem!.pk!.B instanceof Uint8Array);
    assert.deepEqual([...c!.newItem!.pk!.B], [1, 2]);
    assert.deepEqual([...c!.newItem!.set!.BS![0]!], [3]);
    assert.deepEqual([...c!.newItem!.m!.M!.x!.B!], [4]);
    assert.deepEqual([...(c!.key.pk!.B as Uint8Array)], [1, 2]);
  });

  test("a TTL deletion says so; a key-only record decodes its key; attribute names such as __proto__ stay data", () => {
    const ttl = record(
      "Users",
      "REMOVE",
      { Keys: { id: { S: "u9" } } },
      { userIdentity: { type: "Service", principalId: "dynamodb.amazonaws.com" } },
    );
    const [c] = streamChanges([ttl], { users: Users });
    assert.equal(c!.entity, "users");
    assert.equal(c!.removedByTtl, true);
    assert.deepEqual(c!.key, { id: "u9" });
    assert.equal(c!.oldItem, undefined);

    const [raw] = streamChanges(
      [
        record("Other", "INSERT", {
          NewImage: { ["__proto__"]: { S: "p" }, constructor: { N: "1" } },
        }),
      ],
      {},
    );
    assert.deepEqual(Object.keys(raw!.newItem!), ["__proto__", "constructor"]);
    assert.deepEqual(raw!.newItem!["__proto__"], { S: "p" });
  });

  test("records without an ARN (Streams API records, Date times, bytes already decoded) match by item", () => {
    const r: StreamRecordInput = {
      eventName: "INSERT",
      dynamodb: {
        ApproximateCreationDateTime: new Date(),
        Keys: { id: { S: "u2" } },
        NewImage: {
          id: { S: "u2" },
          Name: { S: "Bo" },
          avatar: { B: new Uint8Array([9]) },
          joined: { N: "0" },
        },
        SequenceNumber: "1",
      },
    };
    const [c] = streamChanges([r], { users: Users });
    assert.equal(c!.entity, "users");
    assert.deepEqual([...(c!.newItem as { avatar: Uint8Array }).avatar], [9]);
  });

  test("the first model that owns the item wins, in the order given", () => {
    const Loose = dyno.table("Users", { schema: s.object({ id: s.string() }), partitionKey: "id" });
    const img = { id: { S: "u1" }, Name: { S: "A" }, joined: { N: "1" } };
    const [a] = streamChanges([record("Users", "INSERT", { NewImage: img })], {
      loose: Loose,
      users: Users,
    });
    assert.equal(a!.entity, "loose");
    const [b] = streamChanges([record("Users", "INSERT", { NewImage: img })], {
      users: Users,
      loose: Loose,
    });
    assert.equal(b!.entity, "users");
  });

  test("malformed records are refused, naming the record and the attribute", () => {
    const cases: [unknown, RegExp][] = [
      [{ eventName: "UPSERT", dynamodb: {} }, /Records\[0\]\.eventName/],
      [{ eventName: "INSERT" }, /Records\[0\]\.dynamodb/],
      [
        record("Users", "INSERT", { NewImage: { id: { S: "x", N: "1" } } }),
        /Records\[0\]\.dynamodb\.NewImage\.id: an attribute value has exactly one type member/,
      ],
      [
        record("Users", "INSERT", { NewImage: { a: { B: "no*base64" } } }),
        /NewImage\.a: malformed base64/,
      ],
      [
        record("Users", "INSERT", { NewImage: { a: { B: "QQ" } } }),
        /NewImage\.a: malformed base64/,
      ],
      [
        record("Users", "INSERT", { NewImage: { a: { L: [{ N: 1 }] } } }),
        /NewImage\.a\[0\]: malformed N value/,
      ],
      [
        record("Users", "INSERT", { NewImage: { a: { X: "1" } } }),
        /NewImage\.a: unknown attribute value type "X"/,
      ],
      [
        record("Users", "INSERT", { NewImage: { a: { BS: ["AA==", 5] } } }),
        /NewImage\.a\[1\]: expected binary data/,
      ],
    ];
    for (const [r, message] of cases) {
      assert.throws(
        () => [...streamChanges([r as StreamRecordInput], { users: Users })],
        (e: unknown) => e instanceof DynoValidationError && message.test(e.message),
        String(message),
      );
    }
    assert.throws(
      () => [...streamChanges({} as never, {})],
      /event: expected a DynamoDB stream event/,
    );
    assert.throws(
      () => [...streamChanges([], { users: {} as never })],
      /models\.users is not a model/,
    );
  });

  test("an image that does not fit its model's schema names the record and the property", () => {
    const bad = record("Users", "INSERT", {
      Keys: { id: { S: "u" } },
      NewImage: { id: { S: "u" }, Name: { N: "1" }, joined: { N: "1" } },
    });
    assert.throws(
      () => [
        ...streamChanges(
          [record("Orders", "INSERT", { NewImage: { userId: { S: "x" }, n: { N: "1" } } }), bad],
          { users: Users, orders: Orders },
        ),
      ],
      (e: unknown) =>
        e instanceof DynoEncodingError && /^Records\[1\]\.dynamodb\.NewImage\.Name/.test(e.message),
    );
    const noKey = record("Users", "INSERT", { NewImage: { Name: { S: "A" }, joined: { N: "1" } } });
    assert.throws(
      () => [...streamChanges([noKey], { users: Users })],
      /Records\[0\]\.dynamodb\.NewImage/,
    );
  });

  test("the table is read from the stream ARN, including names with dots and dashes", () => {
    const T = dyno.table("my.table-2_x", {
      schema: s.object({ id: s.string() }),
      partitionKey: "id",
    });
    const r = {
      ...record("x", "INSERT", { NewImage: { id: { S: "1" } } }),
      eventSourceARN: arnOf("my.table-2_x"),
    };
    const [c] = streamChanges([r], { t: T, users: Users });
    assert.equal(c!.entity, "t");
  });
});

describe("streamChanges types", () => {
  before(() => undefined);
  test("changes narrow by entity", () => {
    for (const c of streamChanges([], { users: Users, orders: Orders })) {
      if (c.entity === "users") {
        const name: string | undefined = c.newItem?.name;
        const id: string = c.key.id;
        void name;
        void id;
        // @ts-expect-error orders have no name
        void c.newItem?.n;
      } else if (c.entity === "orders") {
        const n: number = c.key.n;
        void n;
      } else {
        const raw: Record<string, unknown> | undefined = c.newItem;
        void raw;
      }
    }
  });
});

describe("streamChanges: entities, records without an ARN, malformed ARNs and numbers", () => {
  const app = dyno.sharedTable("App", { partitionKey: "pk", sortKey: "sk" });
  const Members = app.entity("Member", {
    schema: s.object({ org: s.string(), id: s.string(), name: s.string() }),
    key: { partitionKey: "ORG#{org}", sortKey: "MEMBER#{id}" },
  });
  const Orgs = app.entity("Org", {
    schema: s.object({ org: s.string(), name: s.string() }),
    key: { partitionKey: "ORG#{org}", sortKey: "ORG" },
  });
  const member = {
    pk: { S: "ORG#acme" },
    sk: { S: "MEMBER#ada" },
    _type: { S: "Member" },
    org: { S: "acme" },
    id: { S: "ada" },
    name: { S: "Ada" },
  };

  test("an entity's change carries its key properties, from the new image or the old one", () => {
    const keys = { pk: member.pk, sk: member.sk };
    const [ins, rem] = streamChanges(
      [
        record("App", "INSERT", { Keys: keys, NewImage: member }),
        record("App", "REMOVE", { Keys: keys, OldImage: member }),
      ],
      { orgs: Orgs, members: Members },
    );
    assert.equal(ins!.entity, "members");
    assert.deepEqual(ins!.key, { org: "acme", id: "ada" });
    assert.deepEqual(rem!.key, { org: "acme", id: "ada" });
    for (const c of [ins!, rem!]) {
      if (c.entity === "members") {
        const typed: { org: string; id: string } = c.key;
        void typed;
      }
    }
  });

  test("without an ARN, a Table that cannot read the record's key does not claim it", () => {
    const r: StreamRecordInput = {
      eventName: "INSERT",
      dynamodb: { SequenceNumber: "1", Keys: { pk: member.pk, sk: member.sk }, NewImage: member },
    };
    const [c] = streamChanges([r], { orders: Orders, members: Members });
    assert.equal(c!.entity, "members");
    assert.deepEqual(c!.key, { org: "acme", id: "ada" });
    const [none] = streamChanges([r], { orders: Orders });
    assert.equal(none!.entity, undefined);
    // with the ARN naming the Table's table, a key that does not fit is still an error
    assert.throws(
      () => [
        ...streamChanges([record("Orders", "INSERT", { NewImage: member })], { orders: Orders }),
      ],
      DynoEncodingError,
    );
  });

  test("an eventSourceARN that is not a stream's is refused, naming it", () => {
    for (const arn of ["garbage", "arn:aws:dynamodb:us-east-1:1:table/Users", ""]) {
      const r = {
        ...record("Users", "INSERT", { NewImage: { id: { S: "u" } } }),
        eventSourceARN: arn,
      };
      assert.throws(
        () => [...streamChanges([r], { users: Users })],
        (e: unknown) => e instanceof DynoValidationError && e.field === "Records[0].eventSourceARN",
      );
    }
  });

  test("numbers of unmatched records are checked too", () => {
    for (const bad of [{ N: "abc" }, { N: "" }, { NS: ["1", "0x10"] }]) {
      const r = record("Elsewhere", "INSERT", { NewImage: { k: { S: "1" }, v: bad } });
      assert.throws(
        () => [...streamChanges([r], { users: Users })],
        (e: unknown) =>
          e instanceof DynoValidationError && e.field === "Records[0].dynamodb.NewImage.v",
      );
    }
    const ok = record("Elsewhere", "INSERT", {
      NewImage: { k: { S: "1" }, v: { NS: ["-1.5e+3", ".5", "7"] } },
    });
    const [c] = streamChanges([ok], { users: Users });
    assert.equal(c!.entity, undefined);
    assert.deepEqual((c!.newItem as Record<string, unknown>).v, { NS: ["-1.5e+3", ".5", "7"] });
  });
});
