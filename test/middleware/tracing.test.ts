/**
 * tracingMiddleware: one span per operation with the DynamoDB semantic-convention attributes,
 * the same on both transports; errors recorded; the default tracer from @opentelemetry/api.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { trace, type Tracer, type TracerProvider } from "@opentelemetry/api";
import {
  Dyno,
  tracingMiddleware,
  type SpanAttributeValue,
  type TracingTracer,
} from "../../src/index.js";
import { createTestTable, engine, testClient } from "../support/db.js";

interface RecordedSpan {
  name: string;
  kind?: number;
  attributes: Record<string, SpanAttributeValue>;
  exceptions: Error[];
  status?: { code: number; message?: string };
  ended: boolean;
}

/** A tracer that records its spans. */
function recordingTracer(): TracingTracer & { spans: RecordedSpan[] } {
  const spans: RecordedSpan[] = [];
  return {
    spans,
    startActiveSpan(name, options, fn) {
      const recorded: RecordedSpan = {
        name,
        kind: options.kind,
        attributes: { ...options.attributes },
        exceptions: [],
        ended: false,
      };
      spans.push(recorded);
      return fn({
        setAttribute: (key, value) => (recorded.attributes[key] = value),
        recordException: (e) => recorded.exceptions.push(e),
        setStatus: (status) => (recorded.status = status),
        end: () => (recorded.ended = true),
      });
    },
  };
}

for (const transport of ["sdk", "direct"] as const) {
  test(`tracingMiddleware on the ${transport} transport: attributes, errors, attempts`, async () => {
    const client = await testClient();
    const TableName = await createTestTable(client);
    const tracer = recordingTracer();
    const dyno = new Dyno({ client, transport, middleware: [tracingMiddleware({ tracer })] });
    assert.equal(dyno.transport, transport);
    const Key = { pk: { S: "a" }, sk: { S: "1" } };
    await dyno.putItem({ TableName, Item: Key, ReturnConsumedCapacity: "TOTAL" });
    await dyno.getItem({ TableName, Key, ConsistentRead: true, ProjectionExpression: "pk" });
    await dyno.query({
      TableName,
      KeyConditionExpression: "pk = :p",
      ExpressionAttributeValues: { ":p": { S: "a" } },
      Limit: 5,
      ScanIndexForward: false,
    });
    await dyno.batchWriteItem({
      RequestItems: { [TableName]: [{ PutRequest: { Item: { pk: { S: "b" }, sk: { S: "1" } } } }] },
    });
    await assert.rejects(
      dyno
        .putItem({ TableName, Item: Key, ConditionExpression: "attribute_not_exists(pk)" })
        .await(),
      ConditionalCheckFailedException,
    );
    const [put, get, query, batch, failed] = tracer.spans;
    assert.equal(tracer.spans.length, 5);
    assert.ok(tracer.spans.every((s) => s.ended && s.kind === 2));
    assert.equal(put!.name, "DynamoDB.PutItem");
    assert.deepStrictEqual(
      {
        system: put!.attributes["db.system"],
        name: put!.attributes["db.system.name"],
        rpc: [
          put!.attributes["rpc.system"],
          put!.attributes["rpc.service"],
          put!.attributes["rpc.method"],
        ],
        tables: put!.attributes["aws.dynamodb.table_names"],
        attempts: put!.attributes["dyno.attempts"],
        status: put!.attributes["http.response.status_code"],
      },
      {
        system: "dynamodb",
        name: "aws.dynamodb",
        rpc: ["aws-api", "DynamoDB", "PutItem"],
        tables: [TableName],
        attempts: 1,
        status: 200,
      },
    );
    if (engine === "dynamodb-local") {
      assert.equal(typeof put!.attributes["aws.request_id"], "string");
      assert.deepStrictEqual(put!.attributes["aws.dynamodb.consumed_capacity"], [
        JSON.stringify({ TableName, CapacityUnits: 1 }),
      ]);
    }
    assert.equal(get!.attributes["aws.dynamodb.consistent_read"], true);
    assert.equal(get!.attributes["aws.dynamodb.projection"], "pk");
    assert.equal(query!.attributes["aws.dynamodb.limit"], 5);
    assert.equal(query!.attributes["aws.dynamodb.scan_forward"], false);
    assert.equal(query!.attributes["aws.dynamodb.count"], 1);
    assert.equal(query!.attributes["aws.dynamodb.scanned_count"], 1);
    assert.deepStrictEqual(batch!.attributes["aws.dynamodb.table_names"], [TableName]);
    assert.equal(failed!.status?.code, 2);
    assert.equal(failed!.attributes["error.type"], "ConditionalCheckFailedException");
    assert.equal(failed!.attributes["http.response.status_code"], 400);
    assert.ok(failed!.exceptions[0] instanceof ConditionalCheckFailedException);
  });
}

test("tracingMiddleware without a tracer uses @opentelemetry/api's global tracer", async () => {
  const tracer = recordingTracer();
  const provider = {
    getTracer: (name: string) => (assert.equal(name, "dyno-ts"), tracer as unknown as Tracer),
  } as TracerProvider;
  assert.ok(trace.setGlobalTracerProvider(provider));
  try {
    const client = await testClient();
    const dyno = new Dyno({ client, transport: "direct", middleware: [tracingMiddleware()] });
    await dyno.listTables({ Limit: 1 });
    assert.equal(tracer.spans[0]?.name, "DynamoDB.ListTables");
    assert.equal(tracer.spans[0]?.attributes["aws.dynamodb.table_names"], undefined);
  } finally {
    trace.disable();
  }
});
