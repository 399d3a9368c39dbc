/**
 * A DynamoDB Local JVM ends with the process that started it, however that process ends:
 * each case runs a real user program (fixtures/hold-local.ts) that starts DynamoDB Local,
 * ends it that way, and checks that the JVM (and so its listening socket) is gone within a few
 * seconds. (The port itself is not probed afterwards: on a busy machine another process may
 * legitimately bind the freed port at once.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { commandLine, isAlive, needsProc, waitUntilGone } from "../support/proc.js";

const fixture = new URL("./fixtures/hold-local.ts", import.meta.url).pathname;

type Ending = "SIGKILL" | "SIGTERM" | "SIGINT" | "exit" | "throw";

/** Runs the fixture, ends it by `ending`; resolves the JVM pid and port it had. */
async function startThenEnd(ending: Ending): Promise<{ jvm: number }> {
  const mode = ending === "exit" || ending === "throw" ? ending : "hold";
  const child = spawn(process.execPath, ["--import", "tsx", fixture, mode], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once("exit", (code, signal) => resolve(signal ?? code)),
  );
  const first = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once("line", resolve);
    void exited.then(() => reject(new Error(`the fixture ended before it started:\n${stderr}`)));
  });
  const { jvm } = JSON.parse(first) as { jvm: number };
  assert.ok(jvm > 0 && commandLine(jvm).includes("DynoLocalLauncher"), "the JVM was found");
  if (mode === "hold") child.kill(ending as NodeJS.Signals);
  const how = await exited;
  if (ending === "throw") assert.match(stderr, /an uncaught error, on purpose/);
  if (ending === "throw") assert.equal(how, 1);
  if (ending === "exit") assert.equal(how, 0);
  if (mode === "hold") assert.equal(how, ending, `the program was ended by ${ending}`);
  return { jvm };
}

test(
  "the DynamoDB Local JVM ends with its parent: SIGKILL, SIGTERM, SIGINT, process.exit(), an uncaught error",
  { skip: needsProc, timeout: 600_000 },
  async () => {
    const endings: Ending[] = ["SIGKILL", "SIGTERM", "SIGINT", "exit", "throw"];
    const results: { ending: Ending; gone: boolean }[] = [];
    // Two at a time: each JVM start is CPU-bound, and the machine may be busy.
    const queue = [...endings];
    const worker = async () => {
      for (let ending = queue.shift(); ending; ending = queue.shift()) {
        const { jvm } = await startThenEnd(ending);
        const gone = await waitUntilGone(jvm, 5_000);
        if (isAlive(jvm)) process.kill(jvm, "SIGKILL"); // never leave one behind, even on failure
        results.push({ ending, gone });
      }
    };
    await Promise.all([worker(), worker()]);
    assert.equal(results.length, endings.length);
    for (const { ending, gone } of results) {
      assert.equal(gone, true, `after ${ending} of its parent, the JVM is gone within 5 s`);
    }
  },
);
