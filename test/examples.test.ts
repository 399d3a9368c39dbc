/**
 * Every file in `examples/` runs (each starts its own local DynamoDB) and prints what it
 * shows, and is referenced from the README; every README snippet marked
 * `<!-- example: examples/x.ts -->` is that file's code,
 * with the imports written as a user writes them (`dyno-ts`, `dyno-ts/local`).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { delimiter, join } from "node:path";
import { engine } from "./support/db.js";

const root = new URL("..", import.meta.url).pathname;

/** What each example must print (the tour has its own test). */
const expected: Record<string, RegExp[]> = {
  "exhaustive.ts": [
    /scanAll: 500 items in one output/,
    /parallel scan: 500/,
    /pages of 200: 3/,
    /batchGetItemAll: 150/,
  ],
  "faults.ts": [/injected: true/, /written: 300 of 300/],
  "lock.ts": [/held: true token: \d+n/, /one at a time: true/],
  "jobs.ts": [
    /killed a worker after 3 pages; the job is done/,
    /2000 items, 8\/8 segments, 2 workers/,
  ],
  "pool.ts": [/running: 2 queued: 4/, /done: true active: 0/],
  "encoding.ts": [
    /stored: .*"addr_city"/,
    /read back: London 1152921504606846976n/,
    /mismatch: addr_city/,
  ],
  "expressions.ts": [/updated: paid/, /query: \[.*"placedAt":2.*"placedAt":3/],
  "lambda-stream.ts": [/retry: 200, 300/, /spent: 30/],
  "lock-workers.ts": [/processed \d+ chunks/, /crasher: lock on Jobs \{id: "[^"]+"\} lost/],
  "middleware.ts": [/cache: \{ hits: 1, misses: \d+ \}/, /metrics: .*GetItem, GetItem/],
  "operations.ts": [/running: ListTables running/, /created: pending/, /cancelled: true/],
  "single-table.ts": [
    /by email: Ada/,
    /placed o1 orders: 1/,
    /collection: Ada,Bob o1/,
    /conflict: expected 2, found 3/,
    /pages: ada bob/,
  ],
  "table.ts": [
    /updated: Ada 37 math\+poetry/,
    /in London: Ada/,
    /names from B: bob/,
    /scanned: Bob/,
  ],
};

/**
 * When the suite runs on dynalite, the examples do too: their `startLocal()` ("auto") picks
 * dynalite when no `java` is on the PATH, so the directories holding one are left out.
 */
const engineEnv: NodeJS.ProcessEnv =
  engine === "dynalite"
    ? {
        PATH: (process.env.PATH ?? "")
          .split(delimiter)
          .filter((dir) => !existsSync(join(dir, "java")))
          .join(delimiter),
      }
    : {};

/** Runs a script with tsx in environment `env`; resolves with its exit code and output. */
export function run(
  file: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", file], {
      cwd: root,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

const files = readdirSync(join(root, "examples")).filter(
  (f) => f.endsWith(".ts") && f !== "tour.ts",
);

describe("examples", () => {
  test("every example has its expectations here", () => {
    assert.deepEqual(files.sort(), Object.keys(expected).sort());
  });
  for (const file of files) {
    test(file, { timeout: 180_000 }, async () => {
      const out = await run(join("examples", file), {
        ...process.env,
        ...engineEnv,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", // Node 20 on purpose, as in the suite
      });
      assert.equal(out.code, 0, `exit ${out.code}\n${out.stdout}\n${out.stderr}`);
      for (const pattern of expected[file] ?? []) assert.match(out.stdout, pattern);
    });
  }
});

describe("the tour (npm start)", () => {
  test(
    "runs every step, prints no warning, and leaves no server behind",
    { timeout: 300_000 },
    async () => {
      const env = { ...process.env, ...engineEnv };
      delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED; // the tour itself must keep the SDK quiet
      const out = await run(join("examples", "tour.ts"), env);
      assert.equal(out.code, 0, `exit ${out.code}\n${out.stdout}\n${out.stderr}`);
      assert.doesNotMatch(out.stderr, /Warning/);
      for (const pattern of [
        /engine: (dynamodb-local|dynalite) at http:\/\/127\.0\.0\.1:\d+/,
        /3000\/3000 written/,
        /3000 items written/,
        /updated u00003: age \d+, tags .*vip/,
        /4 segments: 3000 items/,
        /cache: 1 hit, 1 miss/,
        /written: 1000 of 1000/,
        /counter: 15 /,
        /strictly increasing: true/,
        /killed: a worker \(SIGKILL\) after 3 of its pages/,
        /job: done: 4000 items, 8\/8 segments/,
        /stopped in/,
      ]) {
        assert.match(out.stdout, pattern);
      }
      const endpoint = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(out.stdout)![1]!;
      await assert.rejects(fetch(endpoint), "the local DynamoDB still answers after the tour");
    },
  );
});

/** The snippets of README.md that stand for an example file. */
function snippets(): { file: string; code: string }[] {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const out: { file: string; code: string }[] = [];
  const marker = /<!-- example: (examples\/[\w.-]+\.ts) -->\s*```ts\n([\s\S]*?)```/g;
  for (const m of readme.matchAll(marker)) out.push({ file: m[1]!, code: m[2]! });
  return out;
}

describe("README", () => {
  test("each example is referenced from the README; each snippet of one is its code", () => {
    const shown = snippets();
    const readme = readFileSync(join(root, "README.md"), "utf8");
    for (const file of files) {
      assert.ok(readme.includes(`examples/${file}`), `examples/${file} is not in the README`);
    }
    for (const file of ["table.ts", "exhaustive.ts", "pool.ts", "lock.ts", "faults.ts"]) {
      assert.ok(
        shown.some((s) => s.file === `examples/${file}`),
        `examples/${file} is not shown in the README`,
      );
    }
    for (const { file, code } of shown) {
      const source = readFileSync(join(root, file), "utf8")
        .replaceAll('"../src/index.js"', '"dyno-ts"')
        .replaceAll('"../src/local/index.js"', '"dyno-ts/local"')
        .replaceAll('"../src/testing/index.js"', '"dyno-ts/testing"');
      assert.equal(code, source, `the README's snippet of ${file} differs from the file`);
    }
  });
});
