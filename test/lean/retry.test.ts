/**
 * The lean session's retries are the SDK's standard strategy for DynamoDB: the same figures
 * (retries allowed per error type, token bucket, backoff bounds) as a fresh `DynamoDBClient`'s
 * strategy, and the same attempts end to end against a loopback fault server (throttling, 5xx,
 * connections reset, non-retryable errors), side by side with an SDK client.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { leanDyno } from "../../src/lean/index.js";
import type { LeanClient } from "../../src/lean/client.js";
import { DYNAMODB_MAX_ATTEMPTS, StandardRetry } from "../../src/lean/retry.js";
import type { RetryStrategyV2, RetryToken } from "../../src/transport/retry.js";

const credentials = { accessKeyId: "AKID", secretAccessKey: "secret" };
const servers: Server[] = [];
after(() => servers.forEach((s) => s.close()));

/** Runs `fn` with Math.random fixed (the backoff's jitter), restoring it after. */
async function withRandom<T>(value: number, fn: () => Promise<T>): Promise<T> {
  const random = Math.random;
  Math.random = () => value;
  try {
    return await fn();
  } finally {
    Math.random = random;
  }
}

async function sdkStrategy(maxAttempts?: number): Promise<RetryStrategyV2> {
  const client = new DynamoDBClient({ region: "us-east-1", credentials, maxAttempts });
  const strategy = (await client.config.retryStrategy()) as unknown as RetryStrategyV2;
  client.destroy();
  return strategy;
}

type ErrorType = "THROTTLING" | "TRANSIENT" | "SERVER_ERROR" | "CLIENT_ERROR";

/** Retries the strategy grants for one request failing with `types` in turn: the delays, then why it stopped. */
async function retries(strategy: RetryStrategyV2, types: ErrorType[]) {
  let token: RetryToken = await strategy.acquireInitialRetryToken("dynamodb");
  const delays: number[] = [];
  for (const errorType of types) {
    try {
      token = await strategy.refreshRetryTokenForRetry(token, { errorType } as never);
      delays.push(
        (token as unknown as { $retryLog: { acquisitionDelay: number } }).$retryLog
          .acquisitionDelay,
      );
    } catch (error) {
      return { delays, stopped: (error as Error).message, token };
    }
  }
  return { delays, stopped: undefined, token };
}

const capacity = (s: RetryStrategyV2) =>
  (s as unknown as { getCapacity?: () => number; capacity: number }).getCapacity?.() ??
  (s as unknown as { capacity: number }).capacity;

test("retry figures: retries per error type, backoff bounds and the token bucket equal the SDK's strategy for DynamoDB", async () => {
  const sdkDefault = (await sdkStrategy()) as unknown as { getMaxAttempts(): Promise<number> };
  assert.equal(DYNAMODB_MAX_ATTEMPTS, await sdkDefault.getMaxAttempts());
  for (const types of [
    ["TRANSIENT", "TRANSIENT", "TRANSIENT", "TRANSIENT"],
    ["THROTTLING", "THROTTLING", "THROTTLING"],
    ["SERVER_ERROR"],
    ["CLIENT_ERROR"],
    ["TRANSIENT", "THROTTLING", "TRANSIENT"],
  ] as ErrorType[][])
    for (const random of [0, 0.5, 0.999]) {
      if (random > 0 && types.includes("THROTTLING") && types.length > 2) continue; // seconds of sleep
      const [lean, sdk] = await withRandom(random, async () => [
        await retries(new StandardRetry(), types),
        await retries(await sdkStrategy(), types),
      ]);
      const what = `${types.join(",")} random=${random}`;
      assert.deepEqual(lean.delays, sdk.delays, `${what}: delays`);
      assert.equal(lean.stopped, sdk.stopped, `${what}: stopped`);
    }
  // backoff bounds: full jitter under min(base · 2^n, 20 s), base 25 ms, 1 s when throttled
  const bounds = await withRandom(0.999999, () =>
    retries(new StandardRetry(4), ["TRANSIENT", "TRANSIENT", "TRANSIENT"]),
  );
  assert.deepEqual(bounds.delays, [24, 49, 99]);
  // the token bucket: 500 tokens, 14 a retry, 5 a throttling retry, a success gives back its cost or 1
  const [lean, sdk] = await withRandom(0, async () => {
    const pair = [new StandardRetry(), await sdkStrategy()] as const;
    for (const strategy of pair) {
      for (let i = 0; i < 40; i++) {
        const { token } = await retries(strategy, ["TRANSIENT", "THROTTLING", "TRANSIENT"]);
        if (i % 3 === 0) strategy.recordSuccess(token);
      }
      strategy.recordSuccess(await strategy.acquireInitialRetryToken("dynamodb"));
    }
    return pair;
  });
  assert.equal(capacity(lean), capacity(sdk));
  assert.ok(capacity(lean) < 500, "the bucket was drawn down");
  // an empty bucket refuses, on both
  const drained = await withRandom(0, async () => [
    await retries(new StandardRetry(1000), Array<ErrorType>(60).fill("TRANSIENT")),
    await retries(await sdkStrategy(1000), Array<ErrorType>(60).fill("TRANSIENT")),
  ]);
  assert.equal(drained[0]!.delays.length, drained[1]!.delays.length);
  assert.equal(drained[0]!.delays.length, Math.floor(500 / 14));
});

/** A fault server: request n (from 1) answered by `answer(n)`; "reset" destroys the connection. */
async function faultServer(
  answer: (n: number) => { status: number; type?: string; body?: object } | "reset",
) {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      seen.push(req.headers);
      const a = answer(seen.length);
      if (a === "reset") return void req.socket.destroy();
      res.writeHead(a.status, {
        "content-type": "application/x-amz-json-1.0",
        "x-amzn-requestid": `req-${seen.length}`,
      });
      res.end(
        JSON.stringify(
          a.type
            ? { __type: `com.amazonaws.dynamodb.v20120810#${a.type}`, message: a.type }
            : (a.body ?? {}),
        ),
      );
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    seen,
    reset: () => (seen.length = 0),
  };
}

const SCENARIOS: [
  string,
  (n: number) => { status: number; type?: string; body?: object } | "reset",
][] = [
  ["500 always", () => ({ status: 500, type: "InternalServerError" })],
  [
    "503 twice, then an item",
    (n) =>
      n <= 2
        ? { status: 503, type: "ServiceUnavailable" }
        : { status: 200, body: { Item: { id: { S: "a" } } } },
  ],
  [
    "throttled twice, then an item",
    (n) =>
      n <= 2
        ? { status: 400, type: "ThrottlingException" }
        : { status: 200, body: { Item: { id: { S: "a" } } } },
  ],
  [
    "throughput exceeded always",
    () => ({ status: 400, type: "ProvisionedThroughputExceededException" }),
  ],
  ["validation", () => ({ status: 400, type: "ValidationException" })],
  ["conditional check failed", () => ({ status: 400, type: "ConditionalCheckFailedException" })],
  [
    "connection reset twice, then an item",
    (n) => (n <= 2 ? "reset" : { status: 200, body: { Item: { id: { S: "a" } } } }),
  ],
  ["connection reset always", () => "reset"],
];

test("retries end to end on a loopback fault server: the same attempts, outcome and retry headers as an SDK client", async () => {
  for (const [name, answer] of SCENARIOS) {
    const server = await faultServer(answer);
    const outcome = (r: unknown) => {
      const e = r as {
        name?: string;
        $metadata: { attempts?: number; totalRetryDelay?: number };
        Item?: unknown;
      };
      return {
        name: e.Item ? "ok" : e.name,
        attempts: e.$metadata.attempts,
        delay: e.$metadata.totalRetryDelay,
      };
    };
    const [lean, leanSeen, sdk, sdkSeen] = await withRandom(0.1, async () => {
      const dyno = leanDyno({ endpoint: server.endpoint, region: "us-east-1", credentials });
      const l = await dyno
        .getItem({ TableName: "T", Key: { id: { S: "a" } } })
        .then(outcome, outcome);
      (dyno.client as unknown as LeanClient).destroy();
      const leanHeaders = server.seen.map((h) => h["amz-sdk-request"]);
      server.reset();
      const client = new DynamoDBClient({
        endpoint: server.endpoint,
        region: "us-east-1",
        credentials,
      });
      const s = await client
        .send(new GetItemCommand({ TableName: "T", Key: { id: { S: "a" } } }))
        .then(outcome, outcome);
      client.destroy();
      return [l, leanHeaders, s, server.seen.map((h) => h["amz-sdk-request"])];
    });
    assert.equal(lean.name, sdk.name, `${name}: outcome`);
    assert.equal(lean.attempts, sdk.attempts, `${name}: attempts`);
    assert.deepEqual(leanSeen, sdkSeen, `${name}: amz-sdk-request headers`);
    // jitter 0.1 of min(base · 2^n, 20 s): the delays are bounded the same way
    const throttled = /throttl|exceeded/i.test(name);
    const bound = (throttled ? 1000 : 25) * (2 ** ((lean.attempts ?? 1) - 1) - 1) * 0.1 + 1;
    assert.ok((lean.delay ?? 0) <= bound, `${name}: lean delay ${lean.delay} ≤ ${bound}`);
    assert.ok(
      Math.abs((lean.delay ?? 0) - (sdk.delay ?? 0)) <= 3,
      `${name}: delays ${lean.delay} vs ${sdk.delay}`,
    );
  }
});
