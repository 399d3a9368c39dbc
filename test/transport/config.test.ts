/**
 * The direct transport honours the client's configuration exactly as the SDK does, or keeps
 * the SDK path and says why: each test runs the SDK path and the direct path against the same
 * loopback proxy (in front of the suite's DynamoDB) in the same run and compares them.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { constructStack } from "@smithy/core/client";
import { DeprecatedStandardRetryStrategy } from "@smithy/core/retry";
import { Dyno } from "../../src/index.js";
import { localClientConfig } from "../../src/local/index.js";
import { CONFIG_RULES } from "../../src/transport/support.js";
import { createTestTable, testClient, testEndpoint } from "../support/db.js";
import { loopbackProxy, type CapturedRequest } from "../support/loopback.js";

type ClientConfig = ConstructorParameters<typeof DynamoDBClient>[0];

/** A table on the suite's DynamoDB and a loopback proxy in front of it. */
async function loopback(options: Parameters<typeof loopbackProxy>[1] = {}) {
  const setup = await testClient();
  const TableName = await createTestTable(setup);
  const proxy = await loopbackProxy(await testEndpoint(), options);
  const clients: DynamoDBClient[] = [];
  return {
    TableName,
    proxy,
    /** A new client pointed at the proxy. */
    client(config: ClientConfig = {}) {
      const client = new DynamoDBClient({ ...localClientConfig(proxy.endpoint), ...config });
      clients.push(client);
      return client;
    },
    async [Symbol.asyncDispose]() {
      clients.forEach((c) => c.destroy());
      await proxy.stop();
    },
  };
}

test("clock skew: 16 concurrent GetItems against a server 10 minutes behind all succeed on both paths", async () => {
  await using env = await loopback({ clockOffsetMs: -600_000 });
  const Key = { pk: { S: "a" }, sk: { S: "1" } };
  for (const transport of ["sdk", "direct"] as const) {
    const client = env.client();
    const dyno = new Dyno({ client, transport });
    assert.equal(dyno.transport, transport);
    const results = await Promise.allSettled(
      Array.from({ length: 16 }, () => dyno.getItem({ TableName: env.TableName, Key })),
    );
    const failed = results.filter((r) => r.status === "rejected");
    assert.equal(
      failed.length,
      0,
      `${transport}: ${failed.map((r) => String(r.reason)).join("; ")}`,
    );
    for (const r of results)
      if (r.status === "fulfilled") assert.equal(r.value.$metadata.attempts, 2);
    const offset = (client.config as { systemClockOffset?: number }).systemClockOffset!;
    assert.ok(Math.abs(offset + 600_000) < 5_000, `${transport}: offset ${offset}`);
  }
});

test("the secret access key is gone from the heap after client.destroy() on both paths", async () => {
  const child = spawnSync(
    process.execPath,
    [
      "--expose-gc",
      "--import",
      "tsx",
      fileURLToPath(new URL("fixtures/secret-heap.ts", import.meta.url)),
    ],
    { encoding: "utf8", timeout: 120_000 },
  );
  assert.equal(child.status, 0, child.stderr);
  const found = JSON.parse(child.stdout.trim().split("\n").pop()!) as {
    sdk: boolean;
    direct: boolean;
  };
  assert.deepEqual(found, { sdk: false, direct: false });
});

/** A build-step middleware that marks each request with header `x-audit: <tag>`. */
function auditMiddleware(tag: string) {
  return (next: (args: unknown) => Promise<unknown>) => (args: unknown) => {
    (args as { request: { headers: Record<string, string> } }).request.headers["x-audit"] = tag;
    return next(args);
  };
}

type Stack = DynamoDBClient["middlewareStack"];

/** Ways to change a client's middleware stack after a first direct session; each adds "x-audit". */
const stackChanges: Record<string, (stack: Stack, tag: string) => void> = {
  add: (stack, tag) =>
    stack.add(auditMiddleware(tag) as never, { name: `audit${tag}`, step: "build" }),
  addRelativeTo: (stack, tag) =>
    stack.addRelativeTo(auditMiddleware(tag) as never, {
      name: `audit${tag}`,
      relation: "before",
      toMiddleware: "retryMiddleware",
    }),
  use: (stack, tag) =>
    stack.use({
      applyToStack: (s) =>
        s.add(auditMiddleware(tag) as never, { name: `audit${tag}`, step: "build" }),
    }),
  "another stack's applyToStack": (stack, tag) => {
    const other = constructStack<never, never>() as unknown as Stack;
    other.add(auditMiddleware(tag) as never, { name: `audit${tag}`, step: "build" });
    other.applyToStack(stack);
  },
};

for (const [change, apply] of Object.entries(stackChanges)) {
  test(`middleware added by ${change} after a first direct session runs on both paths`, async () => {
    await using env = await loopback();
    const client = env.client();
    const Key = { pk: { S: "a" }, sk: { S: "1" } };
    const before = new Dyno({ client, transport: "direct" });
    await before.getItem({ TableName: env.TableName, Key });
    assert.equal(env.proxy.seen.at(-1)!.headers["x-audit"], undefined);
    apply(client.middlewareStack, change);
    const after = new Dyno({ client, transport: "direct" });
    for (const dyno of [new Dyno({ client }), before, after]) {
      assert.equal(dyno.transport, "sdk");
      if (dyno !== before && dyno !== after) continue;
      assert.match(dyno.transportReason!, /middlewareStack has custom entries: audit/);
    }
    for (const dyno of [new Dyno({ client }), before, after]) {
      await dyno.getItem({ TableName: env.TableName, Key });
      assert.equal(env.proxy.seen.at(-1)!.headers["x-audit"], change);
    }
    // taken out again: the direct path comes back
    client.middlewareStack.remove(`audit${change}`);
    assert.equal(before.transport, "direct");
    await before.getItem({ TableName: env.TableName, Key });
    assert.equal(env.proxy.seen.at(-1)!.headers["x-audit"], undefined);
  });
}

test("the verdict is live: removed SDK entries, a replaced stack, config changes, clone and concat", async () => {
  await using env = await loopback();
  const Key = { pk: { S: "a" }, sk: { S: "1" } };
  const client = env.client();
  const dyno = new Dyno({ client, transport: "direct" });
  await dyno.getItem({ TableName: env.TableName, Key });
  // copies do not change the client's stack
  client.middlewareStack.clone().add(auditMiddleware("c") as never, { name: "x", step: "build" });
  client.middlewareStack.concat(client.middlewareStack.clone());
  assert.equal(dyno.transport, "direct");
  // an SDK entry removed (by name, then by tag): the SDK path no longer sends a user agent
  for (const remove of [
    (s: Stack) => s.remove("getUserAgentMiddleware"),
    (s: Stack) => s.removeByTag("USER_AGENT"),
  ]) {
    const other = env.client();
    const session = new Dyno({ client: other, transport: "direct" });
    await session.getItem({ TableName: env.TableName, Key });
    remove(other.middlewareStack);
    assert.equal(session.transport, "sdk");
    assert.match(session.transportReason!, /lacks the SDK's entries: getUserAgentMiddleware/);
    await session.getItem({ TableName: env.TableName, Key });
    assert.equal(env.proxy.seen.at(-1)!.headers["x-amz-user-agent"], undefined);
  }
  // the stack replaced by one with a custom entry
  const replaced = client.middlewareStack.clone();
  replaced.add(auditMiddleware("r") as never, { name: "auditR", step: "build" });
  (client as { middlewareStack: Stack }).middlewareStack = replaced;
  assert.equal(dyno.transport, "sdk");
  await dyno.getItem({ TableName: env.TableName, Key });
  assert.equal(env.proxy.seen.at(-1)!.headers["x-audit"], "r");
  replaced.remove("auditR");
  assert.equal(dyno.transport, "direct");
  // identifyOnResolve makes the SDK log the stack on each request
  client.middlewareStack.identifyOnResolve(true);
  assert.match(dyno.transportReason!, /identifyOnResolve/);
  client.middlewareStack.identifyOnResolve(false);
  assert.equal(dyno.transport, "direct");
  // a config key changed after the session: a custom hash, then an unknown setting
  const config = client.config as unknown as Record<string, unknown>;
  const sha256 = config.sha256;
  config.sha256 = class Sha256 {};
  assert.match(dyno.transportReason!, /own sha256/);
  config.sha256 = sha256;
  assert.equal(dyno.transport, "direct");
  config.someFutureSetting = true;
  assert.match(dyno.transportReason!, /someFutureSetting/);
  delete config.someFutureSetting;
  assert.equal(dyno.transport, "direct");
  // an undefined key removed and an unknown one added at once: the same count, every known key reads the same
  assert.ok("customUserAgent" in config && config.customUserAgent === undefined);
  delete config.customUserAgent;
  config.someFutureSetting = true;
  assert.match(dyno.transportReason!, /someFutureSetting/);
  delete config.someFutureSetting;
  config.customUserAgent = undefined;
  assert.equal(dyno.transport, "direct");
});

test("a v1 retry strategy keeps the SDK path and says so", async () => {
  await using env = await loopback();
  const retryStrategy = new DeprecatedStandardRetryStrategy(async () => 2);
  let runs = 0; // the v1 strategy's own retry loop runs each request
  const retry = retryStrategy.retry.bind(retryStrategy);
  retryStrategy.retry = (next, args) => (runs++, retry(next, args));
  const client = env.client({ retryStrategy: retryStrategy as never });
  const dyno = new Dyno({ client, transport: "direct" });
  await new Promise((resolve) => setImmediate(resolve)); // the strategy resolves asynchronously
  assert.equal(dyno.transport, "sdk");
  assert.match(dyno.transportReason!, /retryStrategy \(StandardRetryStrategy\) is a v1 strategy/);
  await dyno.getItem({ TableName: env.TableName, Key: { pk: { S: "a" }, sk: { S: "1" } } });
  assert.equal(runs, 1);
  // a request sent at once, before the check settled, takes the SDK path too
  const fresh = env.client({ retryStrategy: retryStrategy as never });
  const first = new Dyno({ client: fresh, transport: "direct" });
  await first.getItem({ TableName: env.TableName, Key: { pk: { S: "a" }, sk: { S: "1" } } });
  assert.equal(runs, 2);
  assert.equal(first.transport, "sdk");
});

test("every key of a client's config is accounted for by the direct transport's rules", () => {
  const client = new DynamoDBClient({ region: "us-east-1" });
  const unknown = Object.keys(client.config).filter((key) => !(key in CONFIG_RULES));
  assert.deepEqual(unknown, []);
  client.destroy();
});

test("an endpoint provider function and a region provider are called on every request, as by the SDK", async () => {
  await using env = await loopback();
  const other = await loopbackProxy(await testEndpoint());
  try {
    let target = env.proxy.endpoint;
    let region = "us-east-1";
    const calls = { endpoint: 0, region: 0 };
    const client = env.client({
      endpoint: (() => (calls.endpoint++, Promise.resolve(target))) as never,
      region: () => (calls.region++, Promise.resolve(region)),
    });
    const Key = { pk: { S: "a" }, sk: { S: "1" } };
    const perRequest: Record<string, number[]> = {};
    const scopes: Record<string, string> = {};
    for (const transport of ["sdk", "direct"] as const) {
      const dyno = new Dyno({ client, transport });
      target = env.proxy.endpoint;
      region = "us-east-1";
      await dyno.getItem({ TableName: env.TableName, Key });
      const before = { ...calls };
      const seen = [env.proxy.seen.length, other.seen.length];
      await dyno.getItem({ TableName: env.TableName, Key });
      perRequest[transport] = [calls.endpoint - before.endpoint, calls.region - before.region];
      assert.deepEqual([env.proxy.seen.length, other.seen.length], [seen[0]! + 1, seen[1]!]);
      target = other.endpoint;
      region = "eu-west-1";
      await dyno.getItem({ TableName: env.TableName, Key });
      assert.deepEqual([env.proxy.seen.length, other.seen.length], [seen[0]! + 1, seen[1]! + 1]);
      scopes[transport] = /Credential=([^,]+)/.exec(
        String(other.seen.at(-1)!.headers.authorization),
      )![1]!;
    }
    // the SDK signs with the scope of its first signing (written into the config) when the endpoint has none
    assert.equal(scopes.direct, scopes.sdk);
    // each provider at least once per request (the SDK asks the endpoint twice, for its URL and
    // its headers, and the region four times: endpoint, FIPS default, auth parameters, signer)
    for (const counts of [perRequest.sdk!, perRequest.direct!])
      assert.ok(counts[0]! >= 1 && counts[1]! >= 1, JSON.stringify(perRequest));
  } finally {
    await other.stop();
  }
});

test("the SDK's headers: user agent (customUserAgent, userAgentAppId), invocation id, attempt count, signed the same", async () => {
  await using env = await loopback({ clockOffsetMs: -600_000 }); // the first attempt fails: two attempts
  const Key = { pk: { S: "a" }, sk: { S: "1" } };
  const sent: Record<string, CapturedRequest[]> = {};
  for (const transport of ["sdk", "direct"] as const) {
    const client = env.client({
      customUserAgent: [["my-app", "1.2 beta"], ["plain"]],
      userAgentAppId: "orders/7",
    });
    const dyno = new Dyno({ client, transport });
    const before = env.proxy.seen.length;
    await dyno.getItem({ TableName: env.TableName, Key });
    await dyno.getItem({ TableName: env.TableName, Key });
    sent[transport] = env.proxy.seen.slice(before);
  }
  const [sdk, direct] = [sent.sdk!, sent.direct!];
  assert.equal(direct.length, 3);
  assert.equal(sdk.length, 3);
  const signedNames = (r: CapturedRequest) =>
    /SignedHeaders=([^,]+)/.exec(String(r.headers.authorization))![1];
  for (let i = 0; i < 3; i++) {
    for (const name of [
      "user-agent",
      "x-amz-user-agent",
      "amz-sdk-request",
      "x-amz-content-sha256",
    ])
      assert.equal(direct[i]!.headers[name], sdk[i]!.headers[name], `${name} of request ${i}`);
    assert.equal(signedNames(direct[i]!), signedNames(sdk[i]!));
    assert.match(String(direct[i]!.headers["amz-sdk-invocation-id"]), /^[0-9a-f-]{36}$/);
  }
  assert.match(String(direct[0]!.headers["user-agent"]), /app\/orders-7/);
  assert.match(String(direct[0]!.headers["x-amz-user-agent"]), /my-app\/1.2-beta plain/);
  assert.deepEqual(
    direct.map((r) => r.headers["amz-sdk-request"]),
    ["attempt=1; max=4", "attempt=2; max=4", "attempt=1; max=4"],
  );
  for (const requests of [sdk, direct]) {
    // one invocation id per call, the same on each of its attempts
    assert.equal(
      requests[0]!.headers["amz-sdk-invocation-id"],
      requests[1]!.headers["amz-sdk-invocation-id"],
    );
    assert.notEqual(
      requests[1]!.headers["amz-sdk-invocation-id"],
      requests[2]!.headers["amz-sdk-invocation-id"],
    );
  }
});

test("a user-agent provider and an app id provider whose answers change are asked per request, as by the SDK", async () => {
  await using env = await loopback();
  const Key = { pk: { S: "a" }, sk: { S: "1" } };
  const sent: Record<string, CapturedRequest[]> = {};
  for (const transport of ["sdk", "direct"] as const) {
    let calls = 0;
    let app = 0;
    const client = env.client({
      defaultUserAgentProvider: () =>
        Promise.resolve([
          ["aws-sdk-js", `9.${++calls}`],
          ["ua", "2.1"],
        ]),
      userAgentAppId: () => Promise.resolve(`app-${++app}`),
    } as ClientConfig);
    const dyno = new Dyno({ client, transport });
    assert.equal(dyno.transport, transport);
    const before = env.proxy.seen.length;
    for (let i = 0; i < 3; i++) await dyno.getItem({ TableName: env.TableName, Key });
    sent[transport] = env.proxy.seen.slice(before);
  }
  const agents = (requests: CapturedRequest[]) =>
    requests.map((r) => [r.headers["user-agent"], r.headers["x-amz-user-agent"]]);
  assert.equal(sent.direct!.length, 3);
  assert.deepEqual(agents(sent.direct!), agents(sent.sdk!));
  assert.equal(
    new Set(agents(sent.direct!).map(([ua]) => ua)).size,
    3,
    "each request's own answer",
  );
});

test("the client's logger gets each command's outcome as from the SDK's logger middleware", async () => {
  await using env = await loopback();
  const entries: Record<string, { level: string; entry: Record<string, unknown> }[]> = {};
  const Key = { pk: { S: "a" }, sk: { S: "1" } };
  for (const transport of ["sdk", "direct"] as const) {
    const log: { level: string; entry: Record<string, unknown> }[] = (entries[transport] = []);
    const logger = {
      debug() {},
      info: (entry: Record<string, unknown>) => log.push({ level: "info", entry }),
      warn() {},
      error: (entry: Record<string, unknown>) => log.push({ level: "error", entry }),
    };
    const client = env.client({ logger });
    const dyno = new Dyno({ client, transport });
    await dyno.putItem({ TableName: env.TableName, Item: { ...Key, n: { N: "1" } } });
    await dyno.getItem({ TableName: env.TableName, Key, ProjectionExpression: "n" });
    await dyno
      .putItem({
        TableName: env.TableName,
        Item: Key,
        ConditionExpression: "attribute_not_exists(pk)",
      })
      .catch(() => undefined);
  }
  const plain = (log: { level: string; entry: Record<string, unknown> }[]) =>
    log.map(({ level, entry }) => ({
      level,
      ...entry,
      error: (entry.error as Error | undefined)?.name,
      metadata: { ...(entry.metadata as object), requestId: "", totalRetryDelay: 0 },
    }));
  assert.equal(entries.sdk!.length, 3);
  assert.deepEqual(plain(entries.direct!), plain(entries.sdk!));
});

test("request bodies as the SDK's serializer writes them: no null values, no undeclared members, every data-plane command", async () => {
  await using env = await loopback();
  const T = env.TableName;
  const Key = { pk: { S: "a" }, sk: { S: "1" } };
  const odd = {
    Bogus: 1,
    ReturnConsumedCapacity: null,
    ...JSON.parse('{"__proto__": {"S": "x"}}'),
  };
  const inputs: Record<string, object> = {
    getItem: { TableName: T, Key: { ...Key, gone: null }, ProjectionExpression: undefined, ...odd },
    putItem: {
      TableName: T,
      Item: {
        ...Key,
        gone: null,
        list: { L: [{ S: "x" }] },
        map: { M: { z: null, y: { N: "1" } } },
      },
      Expected: { pk: { Exists: false, Bogus: 2, Value: null } },
      ...odd,
    },
    updateItem: {
      TableName: T,
      Key,
      UpdateExpression: "SET n = :n",
      ExpressionAttributeValues: { ":n": { N: "1" }, ":unused": null },
      ExpressionAttributeNames: undefined,
      ...odd,
    },
    deleteItem: { TableName: T, Key, ConditionExpression: null, ...odd },
    query: {
      TableName: T,
      KeyConditionExpression: "pk = :p",
      ExpressionAttributeValues: { ":p": { S: "a" } },
      ExclusiveStartKey: null,
      ...odd,
    },
    scan: { TableName: T, Segment: null, TotalSegments: undefined, ...odd },
    batchGetItem: {
      RequestItems: { [T]: { Keys: [Key], ConsistentRead: null, Bogus: 3 } },
      ...odd,
    },
    batchWriteItem: {
      RequestItems: {
        [T]: [{ PutRequest: { Item: { ...Key, gone: null }, Bogus: 4 }, DeleteRequest: null }],
      },
      ...odd,
    },
    transactGetItems: { TransactItems: [{ Get: { TableName: T, Key, Bogus: 5 } }], ...odd },
    transactWriteItems: {
      TransactItems: [{ Put: { TableName: T, Item: { ...Key, gone: null } }, Delete: null }],
      // (a null ClientRequestToken makes the SDK send `"ClientRequestToken":}`; the direct path makes one)
      ClientRequestToken: undefined,
      ...odd,
    },
    executeStatement: {
      Statement: `SELECT * FROM "${T}"`,
      Parameters: null,
      NextToken: undefined,
      ...odd,
    },
    batchExecuteStatement: {
      Statements: [
        { Statement: `SELECT * FROM "${T}" WHERE pk = ?`, Parameters: [{ S: "a" }], Bogus: 6 },
      ],
      ...odd,
    },
    executeTransaction: {
      TransactStatements: [
        { Statement: `SELECT * FROM "${T}" WHERE pk = ?`, Parameters: [{ S: "a" }] },
      ],
      ClientRequestToken: undefined,
      ...odd,
    },
  };
  const client = env.client({ maxAttempts: 1 });
  const reset = new Dyno({ client: await testClient() });
  const sessions = { sdk: new Dyno({ client }), direct: new Dyno({ client, transport: "direct" }) };
  const blank = (body: Record<string, unknown>) =>
    body.ClientRequestToken ? { ...body, ClientRequestToken: "<token>" } : body;
  for (const [method, input] of Object.entries(inputs)) {
    const bodies: unknown[] = [];
    const outcomes: unknown[] = [];
    for (const dyno of [sessions.sdk, sessions.direct]) {
      await reset.deleteItem({ TableName: T, Key }); // each path starts from the same state
      const before = env.proxy.seen.length;
      const run = (dyno as unknown as Record<string, (input: object) => PromiseLike<unknown>>)[
        method
      ]!;
      outcomes.push(
        await Promise.resolve(run.call(dyno, input)).then(
          () => "ok",
          (e: Error) => e.name,
        ),
      );
      assert.equal(env.proxy.seen.length, before + 1, method);
      const raw = env.proxy.seen.at(-1)!.body;
      if (process.env.DEBUG_BODIES) console.log(method, raw);
      bodies.push(blank(JSON.parse(raw) as Record<string, unknown>));
    }
    assert.deepStrictEqual(bodies[1], bodies[0], method);
    assert.equal(outcomes[1], outcomes[0], method);
  }
});

test("a failing provider fails the request with its own error on both paths; of two, the SDK's first in order", async () => {
  await using env = await loopback();
  const Key = { pk: { S: "a" }, sk: { S: "1" } };
  const failures: Record<string, Record<string, string>> = {};
  for (const transport of ["sdk", "direct"] as const) {
    const seen: Record<string, string> = {};
    const cases: [string, ClientConfig][] = [
      ["region", { region: (() => Promise.reject(new Error("no region here"))) as never }],
      ["credentials", { credentials: () => Promise.reject(new Error("no credentials here")) }],
      [
        "app id",
        { userAgentAppId: () => Promise.reject(new Error("no app id here")) } as ClientConfig,
      ],
      [
        // both fail, the credentials first in time: the SDK asks the region first, and says so
        "region and credentials",
        {
          region: (() =>
            new Promise((_, reject) =>
              setTimeout(() => reject(new Error("region late")), 20),
            )) as never,
          credentials: () => Promise.reject(new Error("credentials at once")),
        },
      ],
    ];
    for (const [name, config] of cases) {
      const dyno = new Dyno({ client: env.client(config), transport });
      assert.equal(dyno.transport, transport, name);
      const error = await dyno.getItem({ TableName: env.TableName, Key }).then(
        () => assert.fail(`${transport} ${name}: resolved`),
        (e: Error) => e,
      );
      seen[name] = error.message;
    }
    failures[transport] = seen;
  }
  assert.deepEqual(failures.direct, failures.sdk);
  assert.equal(failures.sdk!["region and credentials"], "region late");
});

test("a retry strategy whose first token waits: cancelling the wait rejects at once on the direct path, as on the SDK's", async () => {
  await using env = await loopback();
  const client = env.client();
  const standard = (await client.config.retryStrategy()) as unknown as {
    refreshRetryTokenForRetry: (...a: unknown[]) => unknown;
    recordSuccess: (...a: unknown[]) => unknown;
  };
  let asked = 0;
  // a v2 strategy (not the SDK's standard one) whose first token never comes
  const waiting = {
    mode: "standard",
    acquireInitialRetryToken: () => (asked++, new Promise<never>(() => {})),
    refreshRetryTokenForRetry: standard.refreshRetryTokenForRetry.bind(standard),
    recordSuccess: standard.recordSuccess.bind(standard),
  };
  const waited = env.client({ retryStrategy: waiting as never });
  for (const transport of ["sdk", "direct"] as const) {
    const dyno = new Dyno({ client: waited, transport });
    const op = dyno.getItem({ TableName: env.TableName, Key: { pk: { S: "a" }, sk: { S: "1" } } });
    await new Promise((r) => setTimeout(r, 50));
    const before = Date.now();
    op.cancel();
    const error = await op.then(
      () => assert.fail(`${transport}: resolved`),
      (e: Error) => e,
    );
    assert.equal(error.name, "AbortError", transport);
    assert.ok(Date.now() - before < 1000, `${transport}: cancelled at once`);
  }
  assert.equal(asked, 2, "the strategy was asked once per path");
  assert.equal(env.proxy.seen.length, 0, "nothing was sent");
});
