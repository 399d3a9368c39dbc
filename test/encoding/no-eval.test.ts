/**
 * Where generated code is forbidden (a content security policy without 'unsafe-eval'),
 * schemas fall back to the interpreter by themselves, with the same results.
 */
import { it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

it("without eval, schemas are interpreted automatically (and codegen: true falls back)", () => {
  const script = fileURLToPath(new URL("./fixtures/no-eval.ts", import.meta.url));
  const run = spawnSync(
    process.execPath,
    ["--disallow-code-generation-from-strings", "--import", "tsx", script],
    {
      encoding: "utf8",
    },
  );
  assert.equal(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout.trim().split("\n").pop()!);
  assert.equal(out.canGenerate, false);
  assert.equal(out.auto, true);
  assert.equal(out.forced, true);
  assert.deepEqual(out.item.addr_city, { S: "c" });
  assert.deepEqual(out.item.at, { N: "1700000000" });
  assert.match(out.error, /lines\[0\]\.qty: expected a number, got string "2"/);
});
