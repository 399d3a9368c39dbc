/**
 * The direct transport under faults a real server cannot produce on demand (throttling,
 * server errors, unprocessed batches), injected by a proxy that both transports go through;
 * cancellation mid-request; credentials; and which clients keep the SDK path.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  DynamoDBClient,
  DynamoDBServiceException,
  InternalServerError,
  ProvisionedThroughputExceededException,
} from "@aws-sdk/client-dynamodb";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { AbortError, Dyno, DynoValidationError } from "../../src/index.js";
import { localClientConfig } from "../../src/local/index.js";
import { createTestTable, testClient, testEndpoint } from "../support/db.js";
import {
  blackHole,
  faultProxy,
  recordingHandler,
  throttled,
  type CannedResponse,
} from "../support/http.js";

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

/** A copy of an output or error's fields with `$metadata.requestId` blanked. */
function sansRequestId<T extends object>(value: T): T {
  const meta = (value as { $metadata?: object }).$metadata;
  return { ...value, $metadata: { ...meta, requestId: "" } };
}

/** A table on the suite's DynamoDB, and a proxy in front of it answering with `intercept`. */
async function proxied(
  intercept: (operation: string, body: unknown, index: number) => CannedResponse | undefined,
  config: ConstructorParameters<typeof DynamoDBClient>[0] = {},
) {
  const setup = await testClient();
  const TableName = await createTestTable(setup);
  const proxy = await faultProxy(await testEndpoint(), (request, index) =>
    intercept(request.operation, request.body, index),
  );
  const client = new DynamoDBClient({ ...localClientConfig(proxy.endpoint), ...config });
  const sessions = { sdk: new Dyno({ client }), direct: new Dyno({ client, transport: "direct" }) };
  assert.equal(sessions.direct.transport, "direct");
  return {
    TableName,
    proxy,
    ...sessions,
    async [Symbol.asyncDispose]() {
      client.destroy();
      await proxy.stop();
    },
  };
}

test("throttling is retried with the SDK's strategy: same output, $metadata.attempts", async () => {
  let failuresLeft = 0;
  await using env = await proxied((operation) => {
    if (operation !== "GetItem" || failuresLeft === 0) return undefined;
    failuresLeft--;
    return throttled;
  });
  const Key = { pk: { S: "a" }, sk: { S: "1" } };
  await env.sdk.putItem({
    TableName: env.TableName,
    Item: { ...Key, v: { B: Uint8Array.of(1, 2) } },
  });
  const outputs = [];
  for (const dyno of [env.sdk, env.direct]) {
    failuresLeft = 2;
    const output = await dyno.getItem({ TableName: env.TableName, Key });
    assert.equal(failuresLeft, 0);
    assert.equal(output.$metadata.attempts, 3);
    assert.ok(output.$metadata.totalRetryDelay! >= 0);
    outputs.push({
      ...output,
      $metadata: { ...output.$metadata, requestId: "", totalRetryDelay: 0 },
    });
  }
  assert.deepStrictEqual(outputs[1], outputs[0]);
});

test("retries exhausted: the SDK's throttling exception with attempts = maxAttempts", async () => {
  await using env = await proxied(
    (operation) => (operation === "PutItem" ? throttled : undefined),
    {
      maxAttempts: 2,
    },
  );
  const errors: ProvisionedThroughputExceededException[] = [];
  for (const dyno of [env.sdk, env.direct]) {
    const error = await dyno
      .putItem({ TableName: env.TableName, Item: { pk: { S: "a" }, sk: { S: "1" } } })
      .then(
        () => assert.fail("expected throttling"),
        (e: ProvisionedThroughputExceededException) => e,
      );
    assert.ok(error instanceof ProvisionedThroughputExceededException);
    assert.equal(error.$metadata.attempts, 2);
    assert.equal(error.$metadata.httpStatusCode, 400);
    errors.push(error);
  }
  const [viaSdk, viaDirect] = errors.map((e) => ({
    ...e,
    $metadata: { ...e.$metadata, requestId: "", totalRetryDelay: 0 },
  }));
  assert.deepStrictEqual(viaDirect, viaSdk);
  assert.equal(errors[1]!.message, errors[0]!.message);
});

test("a 500 answer is transient: retried, then the SDK's InternalServerError", async () => {
  const failure: CannedResponse = {
    status: 500,
    body: { __type: "com.amazonaws.dynamodb.v20120810#InternalServerError", message: "boom" },
  };
  await using env = await proxied(
    (operation) => (operation === "DeleteItem" ? failure : undefined),
    {
      maxAttempts: 2,
    },
  );
  for (const dyno of [env.sdk, env.direct]) {
    const before = env.proxy.seen.length;
    const error = await dyno
      .deleteItem({ TableName: env.TableName, Key: { pk: { S: "a" }, sk: { S: "1" } } })
      .then(
        () => assert.fail("expected an error"),
        (e: InternalServerError) => e,
      );
    assert.ok(error instanceof InternalServerError);
    assert.equal(error.$fault, "server");
    assert.equal(error.message, "boom");
    assert.equal(error.$metadata.attempts, 2);
    assert.equal(env.proxy.seen.length - before, 2);
  }
});

test("an unknown error name: DynamoDBServiceException with that name, not retried", async () => {
  const odd: CannedResponse = {
    status: 400,
    body: { __type: "com.example#SomethingNew", Message: "new" },
  };
  await using env = await proxied((operation) => (operation === "Query" ? odd : undefined));
  const errors = [];
  for (const dyno of [env.sdk, env.direct]) {
    const error = await dyno
      .query({
        TableName: env.TableName,
        KeyConditionExpression: "pk = :p",
        ExpressionAttributeValues: { ":p": { S: "a" } },
      })
      .then(
        () => assert.fail("expected an error"),
        (e: DynamoDBServiceException) => e,
      );
    assert.equal(Object.getPrototypeOf(error), DynamoDBServiceException.prototype);
    assert.equal(error.name, "SomethingNew");
    assert.equal(error.message, "new");
    assert.equal(error.$metadata.attempts, 1);
    errors.push(sansRequestId({ ...error }));
  }
  assert.deepStrictEqual(errors[1], errors[0]);
});

test("unprocessed batches come back the same, binary keys and items as Uint8Array", async () => {
  const binary = Uint8Array.of(0, 1, 254, 255);
  let TableName = "";
  await using env = await proxied((operation) => {
    if (operation === "BatchWriteItem") {
      return {
        status: 200,
        body: {
          UnprocessedItems: {
            [TableName]: [
              {
                PutRequest: {
                  Item: {
                    pk: { S: "u" },
                    sk: { S: "1" },
                    b: { B: Buffer.from(binary).toString("base64") },
                  },
                },
              },
              { DeleteRequest: { Key: { pk: { S: "u" }, sk: { S: "2" } } } },
            ],
          },
        },
      };
    }
    if (operation === "BatchGetItem") {
      return {
        status: 200,
        body: {
          Responses: { [TableName]: [] },
          UnprocessedKeys: {
            [TableName]: {
              Keys: [{ pk: { S: "u" }, sk: { BS: [Buffer.from(binary).toString("base64")] } }],
            },
          },
        },
      };
    }
    return undefined;
  });
  TableName = env.TableName;
  const writes = [];
  const gets = [];
  for (const dyno of [env.sdk, env.direct]) {
    writes.push(
      await dyno.batchWriteItem({
        RequestItems: {
          [TableName]: [
            { PutRequest: { Item: { pk: { S: "u" }, sk: { S: "1" }, b: { B: binary } } } },
          ],
        },
      }),
    );
    gets.push(
      await dyno.batchGetItem({
        RequestItems: { [TableName]: { Keys: [{ pk: { S: "u" }, sk: { S: "1" } }] } },
      }),
    );
  }
  const directWrite = writes[1]!;
  assert.deepStrictEqual(directWrite.UnprocessedItems?.[TableName]?.[0]?.PutRequest?.Item?.b, {
    B: binary,
  });
  assert.deepStrictEqual(sansRequestId(directWrite), sansRequestId(writes[0]!));
  assert.deepStrictEqual(gets[1]!.UnprocessedKeys?.[TableName]?.Keys?.[0]?.sk, { BS: [binary] });
  assert.deepStrictEqual(sansRequestId(gets[1]!), sansRequestId(gets[0]!));
  // What the proxy saw: the binary item went out as base64 from both transports.
  const sent = env.proxy.seen.filter((r) => r.operation === "BatchWriteItem").map((r) => r.body);
  assert.deepStrictEqual(sent[1], sent[0]);
});

test("cancelling a direct request mid-flight rejects at once and closes its socket", async () => {
  const server = await blackHole();
  const client = new DynamoDBClient({ ...localClientConfig(server.endpoint), maxAttempts: 1 });
  const dyno = new Dyno({ client, transport: "direct" });
  assert.equal(dyno.transport, "direct");
  const op = dyno.getItem({ TableName: "t", Key: { pk: { S: "a" } } });
  while (server.received === 0) await tick(5);
  assert.equal(op.state, "running");
  op.cancel();
  await assert.rejects(op.await(), AbortError);
  while (server.closed === 0) await tick(5); // the socket was really torn down
  const controller = new AbortController();
  const scoped = dyno.withSignal(controller.signal);
  assert.equal(scoped.transport, "direct");
  const second = scoped.putItem({ TableName: "t", Item: { pk: { S: "a" } } });
  while (server.received === 1) await tick(5);
  controller.abort(new Error("shutting down"));
  await assert.rejects(
    second.await(),
    (e: Error) => e instanceof AbortError && /shutting down/.test(e.message),
  );
  while (server.closed === 1) await tick(5);
  client.destroy();
  await server.stop();
});

test("the client's credential provider: memoised while valid, refreshed when expiring", async () => {
  let calls = 0;
  let lifetimeMs = 1000; // within the SDK's 5-minute refresh window: fetched again on every use
  const credentials = async () => {
    calls++;
    const expiration = new Date(Date.now() + lifetimeMs);
    return {
      accessKeyId: `key${calls}`,
      secretAccessKey: "local",
      sessionToken: `t${calls}`,
      expiration,
    };
  };
  const client = await testClient({ credentials });
  const TableName = await createTestTable(client);
  const dyno = new Dyno({ client, transport: "direct" });
  const Key = { pk: { S: "a" }, sk: { S: "1" } };
  for (let i = 0; i < 2; i++) {
    const before = calls;
    await dyno.getItem({ TableName, Key });
    assert.ok(calls > before, "expiring credentials are refreshed");
  }
  lifetimeMs = 3_600_000;
  await dyno.getItem({ TableName, Key }); // refreshes once more, now for an hour
  const valid = calls;
  await dyno.getItem({ TableName, Key });
  await dyno.putItem({ TableName, Item: Key });
  assert.equal(calls, valid, "valid credentials are not fetched again");
});

test("clients whose configuration the direct transport cannot honour keep the SDK, and say why", async () => {
  const plain = await testClient();
  assert.equal(new Dyno({ client: plain, transport: "direct" }).transport, "direct");
  assert.equal(new Dyno({ client: plain }).transport, "sdk");
  assert.equal(new Dyno({ client: plain }).transportReason, undefined);

  const explicit = await testClient({
    requestHandler: new NodeHttpHandler({ connectionTimeout: 5000 }),
  });
  assert.equal(new Dyno({ client: explicit, transport: "direct" }).transport, "direct");

  const recorded = await testClient({ requestHandler: recordingHandler() });
  const viaHandler = new Dyno({ client: recorded, transport: "direct" });
  assert.equal(viaHandler.transport, "sdk");
  assert.match(viaHandler.transportReason!, /requestHandler/);

  const withMiddleware = await testClient();
  withMiddleware.middlewareStack.add((next) => (args) => next(args), {
    name: "auditTrail",
    step: "build",
  });
  const viaStack = new Dyno({ client: withMiddleware, transport: "direct" });
  assert.equal(viaStack.transport, "sdk");
  assert.match(viaStack.transportReason!, /middlewareStack.*auditTrail/);

  const signer = await testClient({
    signer: { sign: async (request: unknown) => request } as never,
  });
  assert.equal(new Dyno({ client: signer, transport: "direct" }).transport, "sdk");

  assert.throws(
    () => new Dyno({ client: plain, transport: "fast" as never }),
    (e: unknown) => e instanceof DynoValidationError && /transport/.test(String(e)),
  );
});

test("on the direct transport, control-plane operations still go through the SDK", async () => {
  const client = await testClient();
  const TableName = await createTestTable(client);
  const dyno = new Dyno({ client, transport: "direct" });
  const described = await dyno.describeTable({ TableName });
  assert.equal(described.Table?.TableName, TableName);
  assert.ok(described.Table?.CreationDateTime instanceof Date); // the SDK's own deserialisation
});
