/**
 * `processStream`: records of a shard in order, shards at once, and Lambda's partial batch
 * response — the first failed record of a shard and every later one of it, none handled after
 * the failure; decode failures count as failures; a failure with no sequence number fails the batch.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  Dyno,
  DynoError,
  DynoValidationError,
  processStream,
  s,
  type StreamRecordInput,
} from "../../src/index.js";
import { record } from "./events.js";

const dyno = new Dyno({
  client: new DynamoDBClient({
    region: "us-east-1",
    endpoint: "http://127.0.0.1:9",
    credentials: { accessKeyId: "x", secretAccessKey: "y" },
  }),
});
const Items = dyno.table("Items", {
  schema: s.object({ id: s.string(), n: s.number() }),
  partitionKey: "id",
});
const models = { items: Items };
const quiet = { onError: () => undefined };

const insert = (id: string, shard: string, n = 1): StreamRecordInput => ({
  ...record("Items", "INSERT", {
    Keys: { id: { S: id } },
    NewImage: { id: { S: id }, n: { N: String(n) } },
  }),
  eventID: shard,
});
const seqOf = (r: StreamRecordInput) => r.dynamodb!.SequenceNumber!;
const byEventId = { shardOf: (r: StreamRecordInput) => r.eventID! };

describe("processStream", () => {
  test("all handled: no failures, every record once, in order", async () => {
    const records = ["a", "b", "c"].map((id) => insert(id, "s1"));
    const seen: string[] = [];
    const out = await processStream({ Records: records }, models, (c) => {
      if (c.entity === "items") seen.push(c.key.id);
    });
    assert.deepEqual(out, { batchItemFailures: [] });
    assert.deepEqual(seen, ["a", "b", "c"]);
  });

  test("a failure mid-shard reports it and the rest of its shard, unhandled; other shards go on", async () => {
    const records = [
      insert("a1", "A"),
      insert("b1", "B"),
      insert("a2", "A"),
      insert("b2", "B"),
      insert("a3", "A"),
      insert("b3", "B"),
      insert("a4", "A"),
    ];
    const seen: string[] = [];
    const errors: unknown[] = [];
    const out = await processStream(
      records,
      models,
      async (c) => {
        const id = c.entity === "items" ? c.key.id : "?";
        await new Promise((r) => setTimeout(r, 5));
        if (id === "a2") throw new Error("boom");
        seen.push(id);
      },
      { ...byEventId, onError: (e, where) => errors.push([(e as Error).message, where.index]) },
    );
    assert.deepEqual(
      seen.filter((x) => x.startsWith("a")),
      ["a1"],
    );
    assert.deepEqual(
      seen.filter((x) => x.startsWith("b")),
      ["b1", "b2", "b3"],
    );
    assert.deepEqual(
      out.batchItemFailures.map((f) => f.itemIdentifier),
      [records[2], records[4], records[6]].map((r) => seqOf(r!)),
    );
    assert.deepEqual(errors, [["boom", 2]]);
  });

  test("shards run at once, each in order", async () => {
    const records = [insert("a1", "A"), insert("a2", "A"), insert("b1", "B"), insert("b2", "B")];
    const log: string[] = [];
    await processStream(
      records,
      models,
      async (c) => {
        const id = c.entity === "items" ? c.key.id : "?";
        log.push(`start ${id}`);
        await new Promise((r) => setTimeout(r, 20));
        log.push(`end ${id}`);
      },
      byEventId,
    );
    assert.deepEqual(log.slice(0, 2).sort(), ["start a1", "start b1"]);
    assert.ok(log.indexOf("end a1") < log.indexOf("start a2"));
    assert.ok(log.indexOf("end b1") < log.indexOf("start b2"));
  });

  test("concurrency 1 runs one shard after another", async () => {
    const records = [insert("a1", "A"), insert("b1", "B"), insert("a2", "A")];
    const log: string[] = [];
    await processStream(
      records,
      models,
      async (c) => {
        log.push(c.entity === "items" ? c.key.id : "?");
        await new Promise((r) => setTimeout(r, 5));
      },
      { ...byEventId, concurrency: 1 },
    );
    assert.deepEqual(log, ["a1", "a2", "b1"]);
  });

  test("by default a batch is one shard (its stream ARN): a failure stops the rest of the batch", async () => {
    const records = [insert("x1", "A"), insert("x2", "B"), insert("x3", "C")];
    const seen: string[] = [];
    const out = await processStream(
      { Records: records },
      models,
      (c) => {
        const id = c.entity === "items" ? c.key.id : "?";
        if (id === "x2") throw new Error("no");
        seen.push(id);
      },
      quiet,
    );
    assert.deepEqual(seen, ["x1"]);
    assert.deepEqual(
      out.batchItemFailures.map((f) => f.itemIdentifier),
      [seqOf(records[1]!), seqOf(records[2]!)],
    );
  });

  test("a record that does not decode is a failure of its shard, not of the batch", async () => {
    const bad = record("Items", "INSERT", {
      Keys: { id: { S: "b" } },
      NewImage: { id: { S: "b" }, n: { S: "not a number" } },
    });
    const records = [
      insert("ok", "A"),
      { ...bad, eventID: "A" },
      insert("later", "A"),
      insert("other", "B"),
    ];
    const seen: string[] = [];
    const errors: unknown[] = [];
    const out = await processStream(
      records,
      models,
      (c) => {
        seen.push(c.entity === "items" ? c.key.id : "?");
      },
      {
        ...byEventId,
        onError: (e) => errors.push(e),
      },
    );
    assert.deepEqual(seen, ["ok", "other"]);
    assert.deepEqual(
      out.batchItemFailures.map((f) => f.itemIdentifier),
      [seqOf(records[1]!), seqOf(records[2]!)],
    );
    assert.match(String((errors[0] as Error).message), /Records\[1\]\.dynamodb\.NewImage\.n/);
  });

  test("a failed record with no sequence number fails the whole batch", async () => {
    const r = record("Items", "INSERT", {
      NewImage: { id: { S: "a" }, n: { N: "1" } },
      SequenceNumber: null,
    });
    await assert.rejects(
      processStream(
        [r],
        models,
        () => {
          throw new Error("x");
        },
        quiet,
      ),
      /Records\[0\] failed and has no dynamodb.SequenceNumber/,
    );
  });

  test("unmatched records reach the handler raw; an aborted signal reports what was not handled", async () => {
    const records = [
      record("Elsewhere", "INSERT", { NewImage: { k: { S: "1" } } }),
      insert("i", "s"),
    ];
    const ac = new AbortController();
    const entities: unknown[] = [];
    const out = await processStream(
      records,
      models,
      (c) => {
        entities.push(c.entity);
        ac.abort();
      },
      { ...quiet, signal: ac.signal },
    );
    assert.deepEqual(entities, [undefined]);
    assert.deepEqual(out.batchItemFailures, [{ itemIdentifier: seqOf(records[1]!) }]);
  });

  test("bad arguments are refused", async () => {
    await assert.rejects(
      processStream([], models, undefined as never),
      /handler must be a function/,
    );
    await assert.rejects(
      processStream([], models, () => 1, { concurrency: 0 }),
      /concurrency must be a positive integer/,
    );
    await assert.rejects(
      processStream("x" as never, models, () => 1),
      /event: expected a DynamoDB stream event/,
    );
  });

  test("an onError that rejects or throws: no unhandled rejection, every shard finishes, then processStream rejects with it", async () => {
    const unhandled: unknown[] = [];
    const listen = (e: unknown) => unhandled.push(e);
    process.on("unhandledRejection", listen);
    try {
      for (const onError of [
        async () => {
          throw new Error("onError failed");
        },
        () => {
          throw new Error("onError failed");
        },
      ]) {
        const log: string[] = [];
        await assert.rejects(
          processStream(
            [insert("a1", "A"), insert("b1", "B")],
            models,
            async (c) => {
              const id = c.entity === "items" ? c.key.id : "?";
              if (id === "a1") throw new Error("handler failed");
              await new Promise((r) => setTimeout(r, 100));
              log.push(`${id} done`);
            },
            { ...byEventId, onError },
          ).finally(() => log.push("settled")),
          /onError failed/,
        );
        assert.deepEqual(log, ["b1 done", "settled"]);
      }
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off("unhandledRejection", listen);
    }
  });

  test("an onError that returns a promise is awaited before the shard's run ends", async () => {
    const log: string[] = [];
    await processStream(
      [insert("a", "A")],
      models,
      () => {
        throw new Error("x");
      },
      {
        onError: async () => {
          await new Promise((r) => setTimeout(r, 30));
          log.push("onError done");
        },
      },
    ).then(() => log.push("settled"));
    assert.deepEqual(log, ["onError done", "settled"]);
  });

  test("a later record without a sequence number is retried with the first failed one, not the whole batch", async () => {
    const records = [
      insert("a", "s"),
      record("Items", "INSERT", {
        NewImage: { id: { S: "b" }, n: { N: "1" } },
        SequenceNumber: null,
      }),
      insert("c", "s"),
    ];
    const out = await processStream(
      records,
      models,
      () => {
        throw new Error("x");
      },
      quiet,
    );
    assert.deepEqual(
      out.batchItemFailures.map((f) => f.itemIdentifier),
      [seqOf(records[0]!), seqOf(records[2]!)],
    );
  });

  test("a sequence number is reported once; a first failure without one is a DynoError", async () => {
    const a = insert("a", "s");
    const b = {
      ...insert("b", "s"),
      dynamodb: { ...insert("b", "s").dynamodb, SequenceNumber: seqOf(a) },
    };
    const out = await processStream(
      [a, b],
      models,
      () => {
        throw new Error("x");
      },
      quiet,
    );
    assert.deepEqual(out.batchItemFailures, [{ itemIdentifier: seqOf(a) }]);
    await assert.rejects(
      processStream([null as never, a], models, () => undefined, quiet),
      (e: unknown) => e instanceof DynoError && /Records\[0\] failed and has no/.test(e.message),
    );
  });

  test("shardOf must return a string", async () => {
    let calls = 0;
    await assert.rejects(
      processStream([insert("a", "s"), insert("b", "s")], models, () => void calls++, {
        ...quiet,
        shardOf: () => ({}) as never,
      }),
      (e: unknown) =>
        e instanceof DynoValidationError &&
        e.field === "options.shardOf" &&
        /got object for Records\[0\]/.test(e.message),
    );
    assert.equal(calls, 0);
  });
});
