/**
 * The test command (`npm test`): starts one local DynamoDB for the whole run (DynamoDB Local
 * where Java 17+ exists, else dynalite; `DYNO_TEST_ENGINE` forces one; `DYNO_TEST_ENDPOINT`
 * uses a server that is already running), then runs every `test/**\/*.test.ts` file with
 * Node's test runner. Positional arguments narrow the run to files whose path contains them.
 */
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { startLocal, type LocalDynamo } from "../src/local/index.js";

const root = new URL("..", import.meta.url).pathname;
const filters = process.argv.slice(2).filter((a) => !a.startsWith("--"));

function findTests(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return findTests(path);
    return name.endsWith(".test.ts") ? [relative(root, path)] : [];
  });
}

const files = findTests(join(root, "test"))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(", ")}`);
  process.exit(1);
}

// On Node 20 the SDK warns once per process that its 2027 releases need Node 22; CI runs the suite
// on 20 on purpose (and on 22 and 24), so the warning would only be noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

let local: LocalDynamo | undefined;
if (!process.env.DYNO_TEST_ENDPOINT) {
  const engine = (process.env.DYNO_TEST_ENGINE ?? "auto") as "auto" | "dynamodb-local" | "dynalite";
  const started = Date.now();
  local = await startLocal({ engine, startTimeoutMs: 120_000 }); // the JVM starts slowly on a busy machine
  process.env.DYNO_TEST_ENDPOINT = local.endpoint;
  process.env.DYNO_TEST_ENGINE = local.engine;
  console.log(
    `# local DynamoDB: ${local.engine} at ${local.endpoint} (started in ${Date.now() - started} ms)`,
  );
} else {
  console.log(
    `# DynamoDB at ${process.env.DYNO_TEST_ENDPOINT} (${process.env.DYNO_TEST_ENGINE ?? "dynamodb-local"})`,
  );
}

const child = spawn(
  process.execPath,
  ["--import", "tsx", "--test", "--test-concurrency=2", ...files],
  { cwd: root, stdio: "inherit", env: process.env },
);
const code: number = await new Promise((resolve) =>
  child.once("exit", (c, signal) => resolve(c ?? (signal ? 1 : 0))),
);
await local?.stop();
process.exit(code);
