/**
 * Writes src/sdk-snapshot.ts: what dyno-ts reads from `@aws-sdk/client-dynamodb`'s values at run
 * time without loading it (operation names, the data-plane operations' input schemas, the
 * exceptions' names, faults and members). `test/lean/snapshot.test.ts` fails when the installed
 * SDK differs: run `npx tsx scripts/gen-sdk-snapshot.ts` then.
 */
import { writeFileSync } from "node:fs";
import { sdkSnapshotSource } from "./sdk-snapshot-source.js";

writeFileSync(new URL("../src/sdk-snapshot.ts", import.meta.url), await sdkSnapshotSource());
