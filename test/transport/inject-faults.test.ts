/**
 * `injectFaults` (dyno-ts/testing) on both transports: the same seed gives the same throttles
 * and partial batches, the same outputs and the same `$metadata.attempts`.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ProvisionedThroughputExceededException } from "@aws-sdk/client-dynamodb";
import { Dyno } from "../../src/index.js";
import { injectFaults } from "../../src/testing/index.js";
import { createTestTable, testClient } from "../support/db.js";

/** Runs the same requests with the same seeded faults on one transport. */
async function run(transport: "sdk" | "direct", TableName: string) {
  const client = await testClient();
  const dyno = new Dyno({ client, transport });
  assert.equal(dyno.transport, transport, dyno.transportReason);
  const faults = injectFaults(client, { seed: 11, throttleRate: 0.25, unprocessedRate: 0.5 });
  const seen: unknown[] = [];
  try {
    const writes = Array.from({ length: 10 }, (_, i) => ({
      PutRequest: {
        Item: { pk: { S: transport }, sk: { S: String(i) }, b: { B: Uint8Array.of(i) } },
      },
    }));
    const written = await dyno.batchWriteItem({ RequestItems: { [TableName]: writes } });
    // Which requests came back differs only in the partition key: compare the sort keys.
    seen.push({
      attempts: written.$metadata.attempts,
      unprocessed: (written.UnprocessedItems?.[TableName] ?? []).map(
        (r) => r.PutRequest?.Item?.sk?.S,
      ),
      binary:
        written.UnprocessedItems?.[TableName]?.[0]?.PutRequest?.Item?.b?.B instanceof Uint8Array,
    });
    for (let i = 0; i < 4; i++) {
      try {
        const got = await dyno.getItem({
          TableName,
          Key: { pk: { S: transport }, sk: { S: String(i) } },
        });
        seen.push({ attempts: got.$metadata.attempts, found: got.Item !== undefined });
      } catch (error) {
        assert.ok(error instanceof ProvisionedThroughputExceededException);
        seen.push({ attempts: error.$metadata.attempts, error: error.name });
      }
    }
    return { seen, stats: { ...faults.stats } };
  } finally {
    faults.remove();
  }
}

test("injectFaults: the same seeded throttles and partial batches on both transports", async () => {
  const TableName = await createTestTable(await testClient());
  const viaSdk = await run("sdk", TableName);
  const viaDirect = await run("direct", TableName);
  assert.ok(viaSdk.stats.throttled + viaSdk.stats.partial > 0, "faults were injected");
  assert.deepStrictEqual(viaDirect.stats, viaSdk.stats);
  assert.deepStrictEqual(viaDirect.seen, viaSdk.seen);
});
