/**
 * Every file in `examples/` runs (each starts its own local DynamoDB) and prints what it
 * shows; every README snippet marked `<!-- example: examples/x.ts -->` is that file's code,
 * with the imports written as a user writes them (`dyno-ts`, `dyno-ts/local`).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;

/** What each example must print (the tour has its own test). */
const expected: Record<string, RegExp[]> = {
  "encoding.ts": [
    /stored: .*"addr_city"/,
    /read back: London 1152921504606846976n/,
    /mismatch: addr_city/,
  ],
  "expressions.ts": [/updated: paid/, /query: \[.*"placedAt":2.*"placedAt":3/],
  "middleware.ts": [/cache: \{ hits: 1, misses: \d+ \}/, /metrics: .*GetItem, GetItem/],
  "operations.ts": [/running: ListTables running/, /created: pending/, /cancelled: true/],
  "table.ts": [
    /updated: Ada 37 math\+poetry/,
    /in London: Ada/,
    /names from B: bob/,
    /scanned: Bob/,
  ],
};

/** Runs a script with tsx; resolves with its exit code and output. */
export function run(
  file: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", file], {
      cwd: root,
      env: { ...process.env, ...env },
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

describe("examples", { concurrency: 2 }, () => {
  test("every example has its expectations here", () => {
    assert.deepEqual(files.sort(), Object.keys(expected).sort());
  });
  for (const file of files) {
    test(file, { timeout: 180_000 }, async () => {
      const out = await run(join("examples", file), {
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      });
      assert.equal(out.code, 0, `exit ${out.code}\n${out.stdout}\n${out.stderr}`);
      for (const pattern of expected[file] ?? []) assert.match(out.stdout, pattern);
    });
  }
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
  test("each example is in the README, as its code", () => {
    const shown = snippets();
    for (const file of files) {
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
