/**
 * The direct transport's SigV4 signer: AWS's published vectors, and a property test that
 * compares its `Authorization` header with `@smithy/signature-v4` (the SDK's signer).
 */
import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { test } from "node:test";
import { SignatureV4 } from "@smithy/signature-v4";
import fc from "fast-check";
import { amzDates, signRequest } from "../../src/transport/sigv4.js";
import { suite, vectors } from "./sigv4-vectors.js";

for (const vector of vectors) {
  test(`SigV4 test suite: ${vector.name}`, () => {
    const credentials = vector.sts
      ? { ...suite.credentials, sessionToken: suite.stsToken }
      : suite.credentials;
    const signed = signRequest(vector, credentials, suite.region, suite.service, suite.date);
    assert.equal(signed.authorization, vector.authorization);
    assert.equal(signed["x-amz-date"], "20150830T123600Z");
    assert.equal(signed["x-amz-security-token"], vector.sts ? suite.stsToken : undefined);
  });
}

/** The SDK's hash interface over node:crypto (HMAC when given a secret). */
class NodeSha256 {
  readonly #hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.#hash.digest()));
  }
}

function bytes(data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

const token = fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/);
const headerName = token.filter(
  (name) =>
    ![
      "authorization",
      "user-agent",
      "connection",
      "expect",
      "x-amz-date",
      "x-amz-security-token",
      "x-amz-content-sha256",
      "te",
      "trailer",
      "upgrade",
      "from",
      "referer",
      "pragma",
      "keep-alive",
      "max-forwards",
      "cache-control",
      "transfer-encoding",
      "x-amzn-trace-id",
      "date",
    ].includes(name) &&
    !name.startsWith("proxy-") &&
    !name.startsWith("sec-"),
);
const headerValue = fc.string({
  unit: fc.constantFrom(..." \tabcXYZ019-_.:;,/\"'=+()&%", "é"),
  maxLength: 30,
});
const credentials = fc.record(
  {
    accessKeyId: fc.stringMatching(/^[A-Z0-9]{16,20}$/),
    secretAccessKey: fc.string({ minLength: 1, maxLength: 40 }),
    sessionToken: fc
      .string({ minLength: 1, maxLength: 60 })
      .filter((t) => t.trim() === t && !/[\r\n]/.test(t)),
  },
  { requiredKeys: ["accessKeyId", "secretAccessKey"] },
);
const path = fc
  .array(fc.stringMatching(/^[A-Za-z0-9._~ -]{0,8}$/), { maxLength: 4 })
  .map((segments) => `/${segments.join("/")}`);

test("the signer's Authorization header equals @smithy/signature-v4's over random requests", async () => {
  await fc.assert(
    fc.asyncProperty(
      credentials,
      fc.constantFrom("us-east-1", "eu-west-1", "local", "ap-southeast-2"),
      fc.constantFrom("dynamodb", "service"),
      fc.date({
        min: new Date("2000-01-01T00:00:00Z"),
        max: new Date("2099-12-31T23:59:59Z"),
        noInvalidDate: true,
      }),
      fc.constantFrom("POST", "GET"),
      path,
      fc.dictionary(headerName, headerValue, { maxKeys: 5 }),
      fc.oneof(fc.string({ maxLength: 200 }), fc.uint8Array({ maxLength: 100 })),
      async (creds, region, service, date, method, requestPath, extra, body) => {
        const headers = { ...extra, host: "dynamodb.example.com:8000" };
        const ours = signRequest(
          { method, path: requestPath, headers, body },
          creds,
          region,
          service,
          date,
        );
        const reference = new SignatureV4({
          credentials: creds,
          region,
          service,
          sha256: NodeSha256,
          applyChecksum: false,
        });
        const signed = await reference.sign(
          {
            method,
            protocol: "https:",
            hostname: "dynamodb.example.com",
            port: 8000,
            path: requestPath,
            query: {},
            headers: { ...headers },
            body,
          },
          { signingDate: date },
        );
        assert.equal(ours.authorization, signed.headers.authorization);
        assert.equal(ours["x-amz-date"], signed.headers["x-amz-date"]);
        assert.equal(ours["x-amz-security-token"], signed.headers["x-amz-security-token"]);
      },
    ),
    { numRuns: 300 },
  );
});

test("amzDates formats the long and short dates in UTC", () => {
  assert.deepStrictEqual(amzDates(new Date("2026-01-02T03:04:05.678Z")), {
    long: "20260102T030405Z",
    short: "20260102",
  });
});
