/**
 * The lean session's credentials: the SDK default chain's order decided without loading it,
 * environment credentials, and the container endpoint (served by a loopback stub) with its
 * token, retries, errors, timeouts, and expiring credentials refreshed as the SDK refreshes them.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  containerProvider,
  containerUrl,
  memoize,
  planCredentials,
  REFRESH_BEFORE_MS,
  type CredentialPlan,
} from "../../src/lean/credentials.js";

const emptyHome = mkdtempSync(join(tmpdir(), "dyno-lean-home-"));
const base = { HOME: emptyHome };

/** A container credentials endpoint on loopback: each request answered by `answer`. */
function stub(
  answer: (n: number, headers: IncomingHttpHeaders) => { status: number; body: unknown } | "hang",
) {
  const seen: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(req.headers);
    const a = answer(seen.length, req.headers);
    if (a === "hang") return;
    res.writeHead(a.status, { "content-type": "application/json" });
    res.end(typeof a.body === "string" ? a.body : JSON.stringify(a.body));
  });
  return {
    seen,
    server,
    url: new Promise<string>((resolve) =>
      server.listen(0, "127.0.0.1", () =>
        resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}/creds`),
      ),
    ),
  };
}
const creds = (n: number, inMs: number) => ({
  AccessKeyId: `AK${n}`,
  SecretAccessKey: `SK${n}`,
  Token: `T${n}`,
  Expiration: new Date(Date.now() + inMs).toISOString(),
  AccountId: "123456789012",
});
const providerOf = (plan: CredentialPlan) => {
  assert.notEqual(plan.source, "sdk", plan.source === "sdk" ? plan.reason : "");
  return (plan as { provider: () => Promise<{ accessKeyId: string }> }).provider;
};

describe("planCredentials: the SDK chain's order, decided without the SDK", () => {
  test("given credentials win; a given function is memoized", async () => {
    const plan = planCredentials({ accessKeyId: "a", secretAccessKey: "b" }, base);
    assert.equal(plan.source, "options");
    assert.equal((await providerOf(plan)()).accessKeyId, "a");
    let calls = 0;
    const fn = planCredentials(
      async () => ({ accessKeyId: `f${++calls}`, secretAccessKey: "s" }),
      base,
    );
    await Promise.all([providerOf(fn)(), providerOf(fn)()]);
    assert.equal((await providerOf(fn)()).accessKeyId, "f1");
    assert.equal(calls, 1);
    assert.throws(
      () => planCredentials({ accessKeyId: "a" } as never, base),
      /credentials: expected \{ accessKeyId/,
    );
  });

  test("environment credentials, with session token, expiration and account id", async () => {
    const plan = planCredentials(undefined, {
      ...base,
      AWS_ACCESS_KEY_ID: "AKID",
      AWS_SECRET_ACCESS_KEY: "SECRET",
      AWS_SESSION_TOKEN: "TOKEN",
      AWS_CREDENTIAL_EXPIRATION: "2030-01-01T00:00:00Z",
      AWS_ACCOUNT_ID: "111122223333",
      AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://127.0.0.1:1/never",
    });
    assert.equal(plan.source, "env");
    assert.deepEqual(await providerOf(plan)(), {
      accessKeyId: "AKID",
      secretAccessKey: "SECRET",
      sessionToken: "TOKEN",
      expiration: new Date("2030-01-01T00:00:00Z"),
      accountId: "111122223333",
    });
  });

  test("whatever the SDK could resolve differently goes to the SDK, with the reason", () => {
    const sdk = (env: NodeJS.ProcessEnv) => {
      const plan = planCredentials(undefined, env);
      assert.equal(plan.source, "sdk");
      return (plan as { reason: string }).reason;
    };
    assert.match(
      sdk({ ...base, AWS_PROFILE: "dev", AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b" }),
      /AWS_PROFILE/,
    );
    assert.match(sdk({ ...base }), /no credentials in the environment/);
    assert.match(sdk({ ...base, AWS_ACCESS_KEY_ID: "only the id" }), /no credentials/);
    const full = "http://127.0.0.1:1/c";
    assert.match(
      sdk({ ...base, AWS_CONTAINER_CREDENTIALS_FULL_URI: full, AWS_WEB_IDENTITY_TOKEN_FILE: "/t" }),
      /WEB_IDENTITY/,
    );
    const home = mkdtempSync(join(tmpdir(), "dyno-lean-home-"));
    mkdirSync(join(home, ".aws"));
    writeFileSync(join(home, ".aws", "config"), "[default]\n");
    assert.match(
      sdk({ HOME: home, AWS_CONTAINER_CREDENTIALS_FULL_URI: full }),
      /\.aws\/config exists/,
    );
    const file = join(home, "creds");
    writeFileSync(file, "");
    assert.match(
      sdk({ ...base, AWS_SHARED_CREDENTIALS_FILE: file, AWS_CONTAINER_CREDENTIALS_FULL_URI: full }),
      /creds exists/,
    );
  });
});

describe("the container credentials endpoint", () => {
  const servers: Server[] = [];
  after(() => servers.forEach((s) => s.close()));
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "dyno-lean-token-"));
  });

  test("sends the token (read from its file on every request) and refreshes credentials that expire within 5 minutes", async () => {
    const s = stub((n) => ({
      status: 200,
      body: creds(n, n === 1 ? REFRESH_BEFORE_MS - 60_000 : 3_600_000),
    }));
    servers.push(s.server);
    const tokenFile = join(dir, "token");
    writeFileSync(tokenFile, "first-token");
    const plan = planCredentials(undefined, {
      ...base,
      AWS_CONTAINER_CREDENTIALS_FULL_URI: await s.url,
      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: "ignored",
    });
    assert.equal(plan.source, "container");
    const provider = providerOf(plan);
    const first = await provider();
    assert.equal(first.accessKeyId, "AK1");
    writeFileSync(tokenFile, "second-token\n"); // as `echo` writes it: the line break is not sent
    const [second, again] = await Promise.all([provider(), provider()]);
    assert.equal(second.accessKeyId, "AK2", "expiring credentials are refreshed");
    assert.equal(again, second, "callers at once share one refresh");
    assert.equal((await provider()).accessKeyId, "AK2", "fresh credentials are kept");
    assert.deepEqual(
      s.seen.map((h) => h.authorization),
      ["first-token", "second-token"],
    );
    // the SDK's HTTP credential provider does not read AccountId: neither does lean (same endpoint)
    assert.equal((second as { accountId?: string }).accountId, undefined);
  });

  test("a token file with a line break inside is refused, naming the file", async () => {
    const tokenFile = join(dir, "bad-token");
    writeFileSync(tokenFile, "one\ntwo\n");
    const plan = planCredentials(undefined, {
      ...base,
      AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://127.0.0.1:9/creds",
      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile,
    });
    const provider = providerOf(plan);
    await assert.rejects(provider(), (e: Error) => {
      assert.match(
        e.message,
        /bad-token \(AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE\) holds a line break/,
      );
      return true;
    });
  });

  test("retries a failing endpoint; reports 4xx details, malformed answers and silence", async () => {
    const flaky = stub((n) =>
      n < 3 ? { status: 500, body: "oops" } : { status: 200, body: creds(n, 3_600_000) },
    );
    servers.push(flaky.server);
    const env = {
      ...base,
      AWS_CONTAINER_CREDENTIALS_FULL_URI: await flaky.url,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: "t",
    };
    assert.equal((await containerProvider(env, { retryDelayMs: 10 })()).accessKeyId, "AK3");

    const denied = stub(() => ({
      status: 403,
      body: { Code: "AccessDenied", Message: "no role" },
    }));
    servers.push(denied.server);
    await assert.rejects(
      containerProvider(
        { ...base, AWS_CONTAINER_CREDENTIALS_FULL_URI: await denied.url },
        { retries: 1, retryDelayMs: 1 },
      )(),
      /Server responded with status: 403 \(AccessDenied: no role\)/,
    );
    assert.equal(denied.seen.length, 2);

    const malformed = stub(() => ({
      status: 200,
      body: { AccessKeyId: "a", SecretAccessKey: "b", Token: "c", Expiration: "never" },
    }));
    servers.push(malformed.server);
    await assert.rejects(
      containerProvider(
        { ...base, AWS_CONTAINER_CREDENTIALS_FULL_URI: await malformed.url },
        { retries: 0 },
      )(),
      /not of the required format/,
    );

    const silent = stub(() => "hang");
    servers.push(silent.server);
    const started = Date.now();
    await assert.rejects(
      containerProvider(
        { ...base, AWS_CONTAINER_CREDENTIALS_FULL_URI: await silent.url },
        { timeoutMs: 200, retries: 1, retryDelayMs: 10 },
      )(),
      /no answer from 127\.0\.0\.1:\d+ within 200 ms/,
    );
    assert.ok(Date.now() - started < 5_000);
  });

  test("a token with CRLF and a non-loopback http endpoint are refused; the relative URI goes to the ECS host", async () => {
    const s = stub(() => ({ status: 200, body: creds(1, 3_600_000) }));
    servers.push(s.server);
    await assert.rejects(
      containerProvider(
        {
          AWS_CONTAINER_CREDENTIALS_FULL_URI: await s.url,
          AWS_CONTAINER_AUTHORIZATION_TOKEN: "a\r\nX-Evil: 1",
        },
        { retries: 0 },
      )(),
      /invalid \\r\\n/,
    );
    const bad = planCredentials(undefined, {
      ...base,
      AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://169.254.169.254/latest",
    });
    await assert.rejects(providerOf(bad)(), /URL not accepted \(169\.254\.169\.254\)/);
    assert.doesNotThrow(() =>
      containerProvider({ AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://127.5.0.1:80/x" }),
    );
    assert.doesNotThrow(() =>
      containerProvider({ AWS_CONTAINER_CREDENTIALS_FULL_URI: "https://creds.example/x" }),
    );
    assert.throws(
      () => containerProvider({ AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://127.0.0.256/x" }),
      /AWS_CONTAINER_CREDENTIALS_FULL_URI does not make a valid URL/,
    );
    assert.equal(
      containerUrl({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/v2/creds?id=1" }).href,
      "http://169.254.170.2/v2/creds?id=1",
    );
  });

  test("memoize does not keep a failure", async () => {
    let n = 0;
    const p = memoize(async () => {
      n++;
      if (n === 1) throw new Error("first fails");
      return { accessKeyId: "ok", secretAccessKey: "s" };
    });
    await assert.rejects(p(), /first fails/);
    assert.equal((await p()).accessKeyId, "ok");
  });
});
