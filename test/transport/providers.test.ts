/**
 * The config providers of a request on the direct path, against the SDK path on the same canned
 * loopback server in the same run: failures (rejected, thrown, two at once: the first in the
 * SDK's order), answers that change per call or per request (thenables read anew), call counts,
 * and cancellation while a provider is pending. (From the fourth attack on the direct transport.)
 */
import { Dyno } from "../../src/index.js";
import assert from "node:assert/strict";
import { test } from "node:test";
import { canned, bothPaths, Key, TableName, outcome } from "./fixtures/canned.js";

const reject =
  (m: string, ms = 0) =>
  () =>
    ms
      ? new Promise((_, r) => setTimeout(() => r(new Error(m)), ms))
      : Promise.reject(new Error(m));

test("custom endpoint provider whose headers change per call: same headers sent", async () => {
  await using env = await canned();
  const r = await bothPaths(
    () => {
      let n = 0;
      return {
        endpoint: () =>
          Promise.resolve({ url: new URL(env.endpoint), headers: { "x-call": [String(++n)] } }),
      };
    },
    async (d) => {
      const before = env.seen.length;
      await d.getItem({ TableName, Key });
      await d.getItem({ TableName, Key });
      return env.seen.slice(before).map((s) => s.headers["x-call"]);
    },
    env,
  );
  assert.deepEqual(r.direct, r.sdk);
});

test("custom endpoint provider failing on its second call", async () => {
  await using env = await canned();
  const r = await bothPaths(
    () => {
      let n = 0;
      return {
        endpoint: () =>
          ++n === 2
            ? Promise.reject(new Error("second call fails"))
            : Promise.resolve(env.endpoint),
      };
    },
    async (d) =>
      [
        await outcome(d.getItem({ TableName, Key })),
        await outcome(d.getItem({ TableName, Key })),
      ].map((o) => (o.ok ? "ok" : o.message)),
    env,
  );
  assert.deepEqual(r.direct, r.sdk);
});

test("a provider returning the same thenable whose value changes between requests", async () => {
  await using env = await canned();
  const r = await bothPaths(
    () => {
      let calls = 0;
      const thenable = { then: (res: (v: boolean) => void) => res(calls > 1) };
      // a thenable read anew on each await: false for the first request, true afterwards
      return { useDualstackEndpoint: () => (calls++, thenable) };
    },
    async (d) =>
      [
        await outcome(d.getItem({ TableName, Key })),
        await outcome(d.getItem({ TableName, Key })),
      ].map((o) => (o.ok ? "ok" : o.message)),
    env,
  );
  assert.deepEqual(r.direct, r.sdk);
});

/** A provider that throws `message` synchronously, as a provider function may. */
const throwing = (message: string) => () => {
  throw new Error(message);
};

// Providers failing (rejected, or thrown synchronously; two at once: the first in the SDK's
// order fails the request): the same outcome on both paths, and nothing sent.
for (const [name, make] of [
  [
    "credentials and useFipsEndpoint both reject",
    () => ({ credentials: reject("credentials fail"), useFipsEndpoint: reject("fips fail") }),
  ],
  [
    "credentials and custom endpoint provider both reject",
    () => ({ credentials: reject("credentials fail"), endpoint: reject("endpoint fail") }),
  ],
  [
    "credentials rejects, useDualstackEndpoint rejects later",
    () => ({
      credentials: reject("credentials fail", 20),
      useDualstackEndpoint: reject("dual fail"),
    }),
  ],
  [
    "userAgentAppId and credentials both reject",
    () => ({ credentials: reject("credentials fail"), userAgentAppId: reject("app id fail") }),
  ],
  // credentials of the wrong shape: the SDK's signer refuses them (attack 6, D6)
  [
    "credentials with a number for an access key ID",
    () => ({ credentials: { accessKeyId: 12345, secretAccessKey: "s" } }),
  ],
  ["credentials without a secret", () => ({ credentials: { accessKeyId: "a" } })],
  ["region throws synchronously", () => ({ region: throwing("region sync") })],
  ["credentials throws synchronously", () => ({ credentials: throwing("cred sync") })],
  ["endpoint throws synchronously", () => ({ endpoint: throwing("endpoint sync") })],
  ["appId throws synchronously", () => ({ userAgentAppId: throwing("appid sync") })],
  [
    "fips throws synchronously, credentials reject",
    () => ({ useFipsEndpoint: throwing("fips sync"), credentials: reject("cred") }),
  ],
  [
    "region rejects, endpoint throws synchronously",
    () => ({ region: reject("region"), endpoint: throwing("endpoint sync") }),
  ],
] as const) {
  test(`failing providers: ${name}`, async () => {
    await using env = await canned();
    const r = await bothPaths(
      make as () => Record<string, unknown>,
      (d) => outcome(d.getItem({ TableName, Key })),
      env,
    );
    assert.deepEqual(r.direct, r.sdk);
    assert.equal(env.seen.length, 0);
  });
}

test("cancel while the credentials provider is pending: same error, nothing sent", async () => {
  await using env = await canned();
  const r = await bothPaths(
    () => ({
      credentials: () =>
        new Promise((res) =>
          setTimeout(() => res({ accessKeyId: "a", secretAccessKey: "b" }), 300),
        ),
    }),
    async (d) => {
      const op = d.getItem({ TableName, Key });
      await new Promise((res) => setTimeout(res, 50));
      const t0 = Date.now();
      op.cancel();
      const o = await outcome(op);
      await new Promise((res) => setTimeout(res, 400));
      return {
        ...o,
        message: "message" in o ? o.message.replace(/ \S+ was/, " <id> was") : "",
        fast: Date.now() - t0 < 600,
      };
    },
    env,
  );
  assert.deepEqual(r.direct, r.sdk);
  assert.equal(env.seen.length, 0);
});

test("provider call counts per request: the custom endpoint twice and FIPS once, as by the SDK; the region at least once", async () => {
  await using env = await canned();
  const all: Record<string, Record<string, number>> = {};
  for (const transport of ["sdk", "direct"] as const) {
    const counts: Record<string, number> = { region: 0, fips: 0, endpoint: 0 };
    all[transport] = counts;
    const dyno = new Dyno({
      client: env.client({
        region: () => (counts.region!++, Promise.resolve("us-east-1")),
        useFipsEndpoint: () => (counts.fips!++, Promise.resolve(false)),
        endpoint: () => (counts.endpoint!++, Promise.resolve(env.endpoint)),
      }),
      transport,
    });
    await dyno.getItem({ TableName, Key });
  }
  // the SDK asks the region four times (auth parameters, endpoint, FIPS default, signer); the
  // direct path asks it for the first two at once and its FIPS provider asks it again
  assert.deepEqual({ ...all.direct, region: 0 }, { ...all.sdk, region: 0 });
  assert.ok(all.direct!.region! >= 1 && all.sdk!.region! >= 1);
});

test("cancel while the credentials provider never answers: both reject at once, nothing sent", async () => {
  await using env = await canned();
  const r = await bothPaths(
    () => ({ credentials: () => new Promise(() => {}) }),
    async (d) => {
      const op = d.getItem({ TableName, Key });
      await new Promise((res) => setTimeout(res, 50));
      const t0 = Date.now();
      op.cancel();
      const o = await Promise.race([
        outcome(op),
        new Promise((res) => setTimeout(() => res("hung"), 1500)),
      ]);
      return {
        o: typeof o === "string" ? o : (o as { name?: string }).name,
        fast: Date.now() - t0 < 1000,
      };
    },
    env,
  );
  assert.deepEqual(r.direct, r.sdk);
  assert.equal(env.seen.length, 0);
});

test("a session token that is not a string: a TypeError on both paths, nothing sent", async () => {
  await using env = await canned();
  const r = await bothPaths(
    () => ({ credentials: { accessKeyId: "a", secretAccessKey: "s", sessionToken: 12345 } }),
    async (d) => {
      const o = await outcome(d.getItem({ TableName, Key }));
      return o.ok ? "ok" : o.name;
    },
    env,
  );
  assert.deepEqual(r, { direct: "TypeError", sdk: "TypeError" });
  assert.equal(env.seen.length, 0);
});
