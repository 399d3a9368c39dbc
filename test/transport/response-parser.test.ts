/**
 * The direct transport's response parser on what a server may send: split anywhere, chunked,
 * framed by the close, informational responses first, repeated headers, and malformed bytes.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { ResponseParser } from "../../src/transport/response-parser.js";

const ok = (body: string, extra = "") =>
  `HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\n${extra}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

/** Feeds `text` cut at `cuts` and returns what the parser completed. */
function parse(text: string | Buffer, cuts: number[] = []) {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const parser = new ResponseParser();
  const points = [...new Set(cuts.filter((c) => c > 0 && c < bytes.length))].sort((a, b) => a - b);
  let from = 0;
  for (const to of [...points, bytes.length]) {
    const done = parser.push(bytes.subarray(from, to));
    from = to;
    if (done) return { done, rest: bytes.length - to };
  }
  return { done: undefined, parser };
}

test("a Content-Length response, whole or cut into pieces anywhere, parses the same", () => {
  const body = JSON.stringify({ Item: { pk: { S: "é ünïcode ✓" }, n: { N: "1" } } });
  const text = ok(body, "x-amzn-requestid: abc\r\n");
  const whole = parse(text).done!;
  assert.equal(whole.statusCode, 200);
  assert.equal(whole.body, body);
  assert.equal(whole.headers["x-amzn-requestid"], "abc");
  assert.equal(whole.keepAlive, true);
  fc.assert(
    fc.property(fc.array(fc.nat(Buffer.byteLength(text)), { maxLength: 12 }), (cuts) => {
      const { done } = parse(text, cuts);
      assert.deepEqual(done, whole);
    }),
    { numRuns: 300 },
  );
  // byte by byte: a multi-byte character split across pushes is decoded once whole
  const bytes = Buffer.from(text);
  assert.deepEqual(parse(bytes, [...bytes.keys()]).done, whole);
});

test("chunked transfer coding, with extensions and trailers, cut anywhere", () => {
  const text =
    "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n" +
    "5;ext=1\r\nhello\r\n1\r\n \r\nC\r\nworld, café\r\n0\r\nx-trailer: t\r\n\r\n";
  const whole = parse(text).done!;
  assert.equal(whole.body, "hello world, café");
  assert.equal(whole.keepAlive, true);
  fc.assert(
    fc.property(fc.array(fc.nat(Buffer.byteLength(text)), { maxLength: 10 }), (cuts) => {
      assert.deepEqual(parse(text, cuts).done, whole);
    }),
    { numRuns: 300 },
  );
});

test("informational responses are skipped; 204 has no body", () => {
  const done = parse(
    `HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\nx: 1\r\n\r\n${ok("{}")}`,
  ).done!;
  assert.equal(done.statusCode, 200);
  assert.equal(done.body, "{}");
  const empty = parse("HTTP/1.1 204 No Content\r\nx-amzn-requestid: r\r\n\r\n").done!;
  assert.equal(empty.statusCode, 204);
  assert.equal(empty.body, "");
});

test("repeated headers merge as node's IncomingMessage does", () => {
  const done = parse(
    ok(
      "{}",
      "x-multi: a\r\nX-Multi:  b \r\nset-cookie: c=1\r\nset-cookie: d=2\r\nretry-after: 5\r\nretry-after: 9\r\n",
    ),
  ).done!;
  assert.equal(done.headers["x-multi"], "a, b");
  assert.deepEqual(done.headers["set-cookie"], ["c=1", "d=2"]);
  assert.equal(done.headers["retry-after"], "5");
});

test("keep-alive: Connection: close, HTTP/1.0, and a body framed by the close", () => {
  assert.equal(parse(ok("{}", "connection: close\r\n")).done!.keepAlive, false);
  assert.equal(parse(ok("{}", "Connection: Keep-Alive, Close\r\n")).done!.keepAlive, false);
  const http10 = `HTTP/1.0 200 OK\r\ncontent-length: 2\r\n\r\n{}`;
  assert.equal(parse(http10).done!.keepAlive, false);
  assert.equal(
    parse(http10.replace("\r\n\r\n", "\r\nconnection: keep-alive\r\n\r\n")).done!.keepAlive,
    true,
  );

  const { done, parser } = parse("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil the ");
  assert.equal(done, undefined);
  parser!.push(Buffer.from("end"));
  const ended = parser!.end()!;
  assert.equal(ended.body, "until the end");
  assert.equal(ended.keepAlive, false);
});

test("a response cut short by the close is not a response", () => {
  const { done, parser } = parse(ok('{"Item":{}}').slice(0, -3));
  assert.equal(done, undefined);
  assert.equal(parser!.end(), undefined);
  const head = new ResponseParser();
  head.push(Buffer.from("HTTP/1.1 200 OK\r\ncontent-le"));
  assert.equal(head.end(), undefined);
});

test("bytes after the response mean the connection is not reused", () => {
  const done = parse(ok("{}") + "HTTP/1.1 200 OK\r\n").done!;
  assert.equal(done.body, "{}");
  assert.equal(done.keepAlive, false);
});

test("malformed responses are errors named as node's parser names them", () => {
  for (const text of [
    "HTTP/2 200 OK\r\n\r\n",
    "garbage\r\n\r\n",
    "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
    "HTTP/1.1 200 OK\r\ncontent-length: 12x\r\n\r\n",
    "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n",
    "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nabXX",
  ]) {
    assert.throws(
      () => new ResponseParser().push(Buffer.from(text)),
      (e: Error & { code?: string }) =>
        e.code === "HPE_INVALID_RESPONSE" && /^Parse Error: /.test(e.message),
      JSON.stringify(text),
    );
  }
  const endless = new ResponseParser();
  assert.throws(() => {
    for (let i = 0; i < 100; i++) endless.push(Buffer.from(`x-long-${i}: ${"v".repeat(1000)}\r\n`));
  }, /Header overflow/);
});
