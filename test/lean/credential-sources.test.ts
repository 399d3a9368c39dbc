/**
 * Each credential source through `leanDyno`, seen from a loopback DynamoDB stub that reads the
 * access key and session token of each signed request: the environment, the container endpoint
 * (a loopback stub, with its authorization token given or in a token file), the SDK's chain
 * (a profile file in a temporary HOME), and expiring container credentials refreshed before
 * they expire.
 */
import { after, afterEach, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { leanDyno } from "../../src/lean/index.js";
import { REFRESH_BEFORE_MS } from "../../src/lean/credentials.js";
import type { LeanClient } from "../../src/lean/client.js";

const servers: Server[] = [];
after(() => servers.forEach((s) => s.close()));

async function listen(
  handler: (headers: IncomingHttpHeaders, res: import("node:http").ServerResponse) => void,
) {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => handler(req.headers, res));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

/** A DynamoDB stub: answers every request with an empty GetItem output, recording who signed it. */
const signers: { key: string; token: string | undefined }[] = [];
const dynamo = listen((headers, res) => {
  const key = /Credential=([^/]+)\//.exec(String(headers.authorization))?.[1] ?? "";
  signers.push({ key, token: headers["x-amz-security-token"] as string | undefined });
  res.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
  res.end("{}");
});

const KEYS = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_PROFILE",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
  "AWS_SHARED_CREDENTIALS_FILE",
  "AWS_CONFIG_FILE",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_REGION",
  "HOME",
];
let saved: Record<string, string | undefined> = {};
beforeEach(() => {
  saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
  for (const k of KEYS) delete process.env[k];
  process.env.HOME = mkdtempSync(join(tmpdir(), "lean-creds-home-")); // no ~/.aws files
  process.env.AWS_REGION = "us-east-1";
  signers.length = 0;
});
afterEach(() => {
  for (const k of KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

async function getTwice(): Promise<LeanClient> {
  const dyno = leanDyno({ endpoint: await dynamo });
  for (let i = 0; i < 2; i++) await dyno.getItem({ TableName: "T", Key: { id: { S: "a" } } });
  const client = dyno.client as unknown as LeanClient;
  client.destroy();
  return client;
}

test("environment credentials", async () => {
  process.env.AWS_ACCESS_KEY_ID = "ENVKEY";
  process.env.AWS_SECRET_ACCESS_KEY = "env-secret";
  process.env.AWS_SESSION_TOKEN = "env-token";
  const client = await getTwice();
  assert.equal(client.credentialSource, "env");
  assert.deepEqual(signers, [
    { key: "ENVKEY", token: "env-token" },
    { key: "ENVKEY", token: "env-token" },
  ]);
});

for (const how of ["token", "token file"] as const)
  test(`container endpoint on loopback, authorization ${how}`, async () => {
    const seen: (string | undefined)[] = [];
    const url = await listen((headers, res) => {
      seen.push(headers.authorization);
      if (headers.authorization !== "Bearer secret-token") {
        res.writeHead(403).end('{"message":"bad token"}');
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          AccessKeyId: "CONTAINERKEY",
          SecretAccessKey: "container-secret",
          Token: "container-token",
          Expiration: new Date(Date.now() + 3_600_000).toISOString(),
        }),
      );
    });
    process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = `${url}/creds`;
    if (how === "token") process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN = "Bearer secret-token";
    else {
      const file = join(process.env.HOME!, "token");
      writeFileSync(file, "Bearer secret-token");
      process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE = file;
    }
    const client = await getTwice();
    assert.equal(client.credentialSource, "container");
    assert.deepEqual(seen, ["Bearer secret-token"], "fetched once, with the token");
    assert.deepEqual(signers, [
      { key: "CONTAINERKEY", token: "container-token" },
      { key: "CONTAINERKEY", token: "container-token" },
    ]);
  });

test("the SDK's chain: a profile in the shared credentials file of a temporary HOME", async () => {
  mkdirSync(join(process.env.HOME!, ".aws"));
  writeFileSync(
    join(process.env.HOME!, ".aws", "credentials"),
    "[default]\naws_access_key_id = PROFILEKEY\naws_secret_access_key = profile-secret\n",
  );
  const client = await getTwice();
  assert.equal(client.credentialSource, "sdk");
  assert.equal(client.sdkReason, undefined, "the data plane is still sent directly");
  assert.deepEqual(signers, [
    { key: "PROFILEKEY", token: undefined },
    { key: "PROFILEKEY", token: undefined },
  ]);
});

test("expiring container credentials are fetched again before they expire", async () => {
  let n = 0;
  const url = await listen((_headers, res) => {
    n++;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        AccessKeyId: `K${n}`,
        SecretAccessKey: "s",
        Token: `T${n}`,
        // just outside the refresh window: usable now, inside the window 1.5 s later
        Expiration: new Date(Date.now() + REFRESH_BEFORE_MS + 1500).toISOString(),
      }),
    );
  });
  process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = `${url}/creds`;
  const dyno = leanDyno({ endpoint: await dynamo });
  try {
    await dyno.getItem({ TableName: "T", Key: { id: { S: "a" } } });
    await dyno.getItem({ TableName: "T", Key: { id: { S: "a" } } });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await dyno.getItem({ TableName: "T", Key: { id: { S: "a" } } });
  } finally {
    (dyno.client as unknown as LeanClient).destroy();
  }
  assert.deepEqual(
    signers.map((s) => s.key),
    ["K1", "K1", "K2"],
  );
  assert.equal(n, 2);
});
