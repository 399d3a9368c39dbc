/**
 * The direct transport's client CPU per request without DynamoDB: an in-process loopback server
 * answers every request with one canned GetItem response, so what varies between the contenders
 * is only their own per-request work (the server's share is the same for each). This checkout's
 * direct transport against an older checkout's, interleaved rounds, median µs per request.
 *
 *   git worktree add /tmp/dyno-old <commit> && ln -s "$PWD/node_modules" /tmp/dyno-old/
 *   node --expose-gc --import tsx bench/transport-canned.ts /tmp/dyno-old [n] [rounds] [concurrency]
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createServer, type AddressInfo } from "node:net";
import { resolve } from "node:path";
import * as New from "../src/index.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const [oldDir, n, roundCount, concurrency] = process.argv.slice(2);
if (!oldDir)
  throw new Error("usage: bench/transport-canned.ts <older checkout> [n] [rounds] [concurrency]");
const Old = (await import(resolve(oldDir, "src/index.ts"))) as typeof New;
const N = Number(n ?? 5000);
const C = Number(concurrency ?? 16);
const body = JSON.stringify({ Item: { pk: { S: "a" }, v: { S: "x".repeat(200) } } });
const answer = Buffer.from(
  `HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
    `x-amzn-requestid: REQ\r\nx-amz-crc32: 0\r\ndate: ${new Date().toUTCString()}\r\n\r\n${body}`,
);
const server = createServer((socket) => {
  let pending = "";
  socket.on("data", (chunk: Buffer) => {
    pending += chunk.toString("latin1");
    for (;;) {
      const end = pending.indexOf("\r\n\r\n");
      if (end < 0) return;
      const length = Number(/content-length: (\d+)/i.exec(pending.slice(0, end))?.[1] ?? 0);
      if (pending.length < end + 4 + length) return;
      pending = pending.slice(end + 4 + length);
      socket.write(answer);
    }
  });
});
await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const mk = () =>
  new DynamoDBClient({
    region: "us-east-1",
    endpoint,
    credentials: { accessKeyId: "AKIDBENCH", secretAccessKey: "secret" },
    maxAttempts: 3,
  });
const old = new Old.Dyno({ client: mk(), transport: "direct" });
const neu = new New.Dyno({ client: mk(), transport: "direct" });
if (old.transport !== "direct" || neu.transport !== "direct") throw new Error("not direct");
const input = { TableName: "t", Key: { pk: { S: "a" } } };
const contenders: Record<string, () => PromiseLike<unknown>> = {
  old: () => old.getItem(input),
  new: () => neu.getItem(input),
};
if (process.env.ONLY)
  for (const k of Object.keys(contenders)) if (k !== process.env.ONLY) delete contenders[k];
async function run(call: () => PromiseLike<unknown>, count: number) {
  let i = 0;
  await Promise.all(
    Array.from({ length: C }, async () => {
      while (i++ < count) await call();
    }),
  );
}
for (const c of Object.values(contenders)) await run(c, 3000);
const res: Record<string, number[]> = {};
const rounds = Number(roundCount ?? 10);
for (let r = 0; r < rounds; r++) {
  const order = Object.entries(contenders);
  if (r % 2) order.reverse();
  for (const [name, call] of order) {
    (globalThis as { gc?: () => void }).gc?.();
    const c0 = process.cpuUsage();
    await run(call, N);
    const c = process.cpuUsage(c0);
    (res[name] ??= []).push((c.user + c.system) / N);
  }
}
const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;
const o = med(res.old ?? [1]);
for (const [k, v] of Object.entries(res))
  console.log(
    `get c${C} ${k.padEnd(4)} median ${med(v).toFixed(1)} µs/op (server included)  ÷old ${(med(v) / o).toFixed(3)}  [${v.map((x) => x.toFixed(0)).join(" ")}]`,
  );
server.close();
process.exit(0);
