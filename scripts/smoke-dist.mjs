// Checks the built package from both module systems: every entry point loads and works.
import { createRequire } from "node:module";
import assert from "node:assert/strict";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const require = createRequire(import.meta.url);
const esm = await import("../dist/index.js");
const cjs = require("../dist/index.cjs");
const localEsm = await import("../dist/local/index.js");
const localCjs = require("../dist/local/index.cjs");

for (const [kind, lib] of [
  ["esm", esm],
  ["cjs", cjs],
]) {
  for (const name of [
    "Dyno",
    "Operation",
    "DynoError",
    "cacheMiddleware",
    "marshalItem",
    "cond",
    "ScanBuilder",
  ]) {
    assert.ok(lib[name], `${kind} build exports ${name}`);
  }
}
for (const [kind, local] of [
  ["esm", localEsm],
  ["cjs", localCjs],
]) {
  const db = await local.startLocal({ engine: "dynalite" });
  assert.ok(
    Array.isArray((await db.dyno.listTables({})).TableNames),
    `${kind} dyno-ts/local works`,
  );
  await db.stop();
}
console.log("dist: ESM and CommonJS entry points load and run");
