/**
 * The direct transport's client CPU per request without DynamoDB: an in-process loopback server
 * (a child process) answers every request with one canned GetItem response, so what is measured is
 * the contenders' own per-request work. This checkout's
 * direct transport against an older checkout's, interleaved rounds, median µs per request.
 *
 *   git worktree add /tmp/dyno-old <commit> && ln -s "$PWD/node_modules" /tmp/dyno-old/
 *   node --expose-gc --import tsx bench/transport-canned.ts /tmp/dyno-old [n] [rounds] [concurrency]
 *
 * With DYNO_BENCH_BUILT=1 it runs both checkouts' built `dist` (run `npx tsup` in each first).
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import type * as NewSource from "../src/index.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const [oldDir, n, roundCount, concurrency] = process.argv.slice(2);
if (!oldDir)
  throw new Error("usage: bench/transport-canned.ts <older checkout> [n] [rounds] [concurrency]");
// DYNO_BENCH_BUILT=1: both checkouts' built dist (as users run it: no tsx, no keepNames wrappers)
const entry = process.env.DYNO_BENCH_BUILT ? "dist/index.js" : "src/index.ts";
// more checkouts than one: "old,other,..." (each a contender named after its folder; "old" is the first)
const olderDirs = oldDir.split(",");
const Olds = await Promise.all(
  olderDirs.map(async (dir) => (await import(resolve(dir, entry))) as typeof NewSource),
);
const New = (await import(resolve(entry))) as typeof NewSource;
const N = Number(n ?? 5000);
const C = Number(concurrency ?? 16);
const body = JSON.stringify({ Item: { pk: { S: "a" }, v: { S: "x".repeat(200) } } });
const answer = Buffer.from(
  `HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
    `x-amzn-requestid: REQ\r\nx-amz-crc32: 0\r\ndate: ${new Date().toUTCString()}\r\n\r\n${body}`,
);
// The server runs in a child process, so the CPU measured here is the client's alone.
const serverSource = `
const answer = Buffer.from(${JSON.stringify(answer.toString("latin1"))}, "latin1");
const server = require("node:net").createServer((socket) => {
  let pending = "";
  socket.on("data", (chunk) => {
    pending += chunk.toString("latin1");
    for (;;) {
      const end = pending.indexOf("\\r\\n\\r\\n");
      if (end < 0) return;
      const length = Number(/content-length: (\\d+)/i.exec(pending.slice(0, end))?.[1] ?? 0);
      if (pending.length < end + 4 + length) return;
      pending = pending.slice(end + 4 + length);
      socket.write(answer);
    }
  });
});
server.listen(0, "127.0.0.1", () => process.send(server.address().port));
process.on("disconnect", () => process.exit(0));
`;
const child = spawn(process.execPath, ["-e", serverSource], {
  stdio: ["ignore", "inherit", "inherit", "ipc"],
});
const port = await new Promise<number>((r) => child.once("message", (m) => r(m as number)));
const endpoint = `http://127.0.0.1:${port}`;
const mk = () =>
  new DynamoDBClient({
    region: "us-east-1",
    endpoint,
    credentials: { accessKeyId: "AKIDBENCH", secretAccessKey: "secret" },
    maxAttempts: 3,
  });
const input = { TableName: "t", Key: { pk: { S: "a" } } };
const contenders: Record<string, () => PromiseLike<unknown>> = {};
for (const [i, Old] of Olds.entries()) {
  const old = new Old.Dyno({ client: mk(), transport: "direct" });
  if (old.transport !== "direct") throw new Error(`${olderDirs[i]}: not direct`);
  contenders[i === 0 ? "old" : (olderDirs[i]!.split("/").pop() ?? `old${i}`)] = () =>
    old.getItem(input);
}
const neu = new New.Dyno({ client: mk(), transport: "direct" });
if (neu.transport !== "direct") throw new Error("not direct");
contenders.new = () => neu.getItem(input);
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
for (const [k, v] of Object.entries(res)) {
  // the ratio of each round's pair, whose runs were next to each other: load drifts less within a pair
  const paired = res.old ? med(v.map((x, r) => x / res.old![r]!)) : 1;
  console.log(
    `get c${C} ${k.padEnd(10)} median ${med(v).toFixed(1)} µs/op (client)  ÷old ${(med(v) / o).toFixed(3)}  paired ÷old ${paired.toFixed(3)}  [${v.map((x) => x.toFixed(0)).join(" ")}]`,
  );
}
child.kill();
process.exit(0);
