// Fault injection (dyno-ts/testing): throttling and unprocessed items, for tests of retry paths.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Dyno, s } from "../src/index.js";
import { localClientConfig, startLocal } from "../src/local/index.js";
import { injectFaults } from "../src/testing/index.js";

await using local = await startLocal();
const client = new DynamoDBClient({ ...localClientConfig(local.endpoint), maxAttempts: 10 });
const notes = new Dyno({ client }).table("Notes", {
  schema: s.object({ id: s.string(), n: s.number() }),
  partitionKey: "id",
});
await notes.create();

const faults = injectFaults(client, {
  seed: 7,
  throttleRate: 0.2,
  unprocessedRate: 0.3,
  operations: ["BatchWriteItem"],
});
await notes.batchPut(
  Array.from({ length: 300 }, (_, n) => ({ id: `n${n}`, n })),
  { baseDelayMs: 5 },
);
faults.remove();
console.log("injected:", faults.stats.throttled > 0 && faults.stats.unprocessed > 0);
console.log("written:", (await notes.scan().all()).length, "of 300");
client.destroy();
