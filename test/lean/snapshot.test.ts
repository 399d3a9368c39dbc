import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { sdkSnapshotSource } from "../../scripts/sdk-snapshot-source.js";

test("src/sdk-snapshot.ts is what the installed SDK gives (else: npx tsx scripts/gen-sdk-snapshot.ts)", async () => {
  const current = readFileSync(new URL("../../src/sdk-snapshot.ts", import.meta.url), "utf8");
  assert.equal(current, await sdkSnapshotSource());
});
