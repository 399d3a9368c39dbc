import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Pool } from "../../src/index.js";
import { testDyno, testEndpoint } from "../support/db.js";
import { gate, tableWithItem } from "./support.js";

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU time (user + system, ms) this process spends during `ms` of wall time. */
async function cpuDuring(ms: number): Promise<number> {
  const before = process.cpuUsage();
  await tick(ms);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

test("an idle pool lets the process exit by itself, after its queued work is done", async () => {
  const endpoint = await testEndpoint();
  const script = fileURLToPath(new URL("./fixtures/idle-exit.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    env: { ...process.env, DYNO_TEST_ENDPOINT: endpoint },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const timeout = setTimeout(() => child.kill(), 30_000);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  clearTimeout(timeout);
  assert.equal(code, 0, `the child exited by itself (output: ${output})`);
  assert.match(output, /done 6/, "every queued operation ran before the exit");
});

test("an idle pool, and a pool whose queue waits for a slot, use no CPU", async () => {
  const dyno = await testDyno();
  const { get } = await tableWithItem(dyno);
  const pool = new Pool(dyno, {
    concurrency: 1,
    requestsPerSecond: 1000,
    capacityUnitsPerSecond: 1000,
    adaptive: true,
  });
  await Promise.all(Array.from({ length: 50 }, () => pool.getItem(get)));
  await tick(50);
  const idle = await cpuDuring(1000);
  assert.ok(idle < 30, `idle pool: ${idle.toFixed(1)} ms of CPU over 1 s`);

  const g = gate();
  const held = pool.getItem(get, g.middleware);
  const queued = Array.from({ length: 200 }, () => pool.getItem(get));
  await g.whenHeld(1);
  const waiting = await cpuDuring(1000);
  assert.ok(
    waiting < 30,
    `200 queued behind a busy slot: ${waiting.toFixed(1)} ms of CPU over 1 s`,
  );
  assert.equal(pool.pending, 200);
  g.releaseAll();
  await Promise.all([held, ...queued]);
});
