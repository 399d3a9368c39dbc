/**
 * Stream records made by a real engine: a table with a NEW_AND_OLD_IMAGES stream on DynamoDB
 * Local, written through the Table model, its records read with the Streams API (plain JSON
 * over HTTP, so no streams client is needed) and handed to `streamChanges` and `processStream`
 * in Lambda's shape; what comes out equals what was written.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  processStream,
  s,
  streamChanges,
  type Dyno,
  type StreamRecordInput,
} from "../../src/index.js";
import { engine, testDyno, testEndpoint, uniqueTableName } from "../support/db.js";

const skip = engine === "dynalite" ? "dynalite has no DynamoDB Streams API" : false;

/** One Streams API call; DynamoDB Local takes any well-formed signature. */
async function streams<T>(action: string, body: unknown): Promise<T> {
  const res = await fetch(await testEndpoint(), {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.0",
      "x-amz-target": `DynamoDBStreams_20120810.${action}`,
      authorization:
        "AWS4-HMAC-SHA256 Credential=local/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00",
    },
    body: JSON.stringify(body),
  });
  const out = (await res.json()) as T;
  if (!res.ok) throw new Error(`${action}: ${JSON.stringify(out)}`);
  return out;
}

/** Every record of the table's stream so far, in Lambda's shape (the ARN on each record). */
async function lambdaRecords(streamArn: string): Promise<StreamRecordInput[]> {
  const { StreamDescription } = await streams<{
    StreamDescription: { Shards: { ShardId: string }[] };
  }>("DescribeStream", { StreamArn: streamArn });
  const out: StreamRecordInput[] = [];
  for (const { ShardId } of StreamDescription.Shards) {
    let { ShardIterator } = await streams<{ ShardIterator?: string }>("GetShardIterator", {
      StreamArn: streamArn,
      ShardId,
      ShardIteratorType: "TRIM_HORIZON",
    });
    for (let i = 0; ShardIterator && i < 20; i++) {
      const page = await streams<{ Records: StreamRecordInput[]; NextShardIterator?: string }>(
        "GetRecords",
        { ShardIterator },
      );
      out.push(...page.Records.map((r) => ({ ...r, eventSourceARN: streamArn })));
      if (page.Records.length === 0) break;
      ShardIterator = page.NextShardIterator;
    }
  }
  return out;
}

const Doc = s.object({
  id: s.string(),
  n: s.number(),
  big: s.bigint(),
  blob: s.binary(),
  when: s.date(),
  tags: s.stringSet().optional(),
  nested: s.object({ bytes: s.list(s.binary()), deep: s.object({ x: s.number() }).optional() }),
});

describe("streams from DynamoDB Local", { skip }, () => {
  let dyno: Dyno;
  let docs: ReturnType<typeof define>;
  const define = (name: string) => dyno.table(name, { schema: Doc, partitionKey: "id" });
  let streamArn: string;
  before(async () => {
    dyno = await testDyno();
    docs = define(uniqueTableName("stream"));
    const created = await docs.create({ stream: "NEW_AND_OLD_IMAGES" });
    streamArn = created.LatestStreamArn!;
    assert.ok(streamArn, "the table has a stream");
  });

  test("put, update and delete come back as typed INSERT, MODIFY and REMOVE", async () => {
    const first = {
      id: "d|1\u0000",
      n: 1e-7,
      big: 12345678901234567890123456789n,
      blob: new Uint8Array([0, 255, 10, 13]),
      when: new Date("2024-02-29T12:00:00.123Z"),
      tags: new Set(["a", "b"]),
      nested: { bytes: [new Uint8Array([1]), new Uint8Array([2, 3])], deep: { x: -0.5 } },
    };
    await docs.put(first);
    await docs.update({ id: first.id }, (u) => u.set("n", 6e30));
    await docs.delete({ id: first.id });

    const records = await lambdaRecords(streamArn);
    assert.equal(records.length, 3);
    const changes = [...streamChanges({ Records: records }, { docs })];
    assert.deepEqual(
      changes.map((c) => [c.entity, c.type]),
      [
        ["docs", "INSERT"],
        ["docs", "MODIFY"],
        ["docs", "REMOVE"],
      ],
    );
    const [ins, mod, rem] = changes;
    assert.deepEqual(ins!.key, { id: first.id });
    assert.deepEqual(ins!.newItem, first);
    assert.deepEqual(mod!.oldItem, first);
    assert.deepEqual(mod!.newItem, { ...first, n: 6e30 });
    assert.deepEqual(rem!.oldItem, { ...first, n: 6e30 });
    assert.equal(rem!.newItem, undefined);

    const handled: string[] = [];
    const out = await processStream(
      records,
      { docs },
      (c) => {
        handled.push(c.type);
        if (c.type === "MODIFY") throw new Error("downstream is down");
      },
      { onError: () => undefined },
    );
    assert.deepEqual(handled, ["INSERT", "MODIFY"]);
    assert.deepEqual(
      out.batchItemFailures.map((f) => f.itemIdentifier),
      records.slice(1).map((r) => r.dynamodb!.SequenceNumber),
    );
  });
});
