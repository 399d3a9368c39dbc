// A distributed lock: one holder at a time, fencing tokens that only go up.
import { acquireLock, withLock } from "../src/index.js";
import { startLocal } from "../src/local/index.js";

await using local = await startLocal();
const dyno = local.dyno;
await dyno.createTable({
  TableName: "Locks",
  KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
  AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
  BillingMode: "PAY_PER_REQUEST",
});
const options = { table: "Locks", key: { id: "nightly-report" }, leaseMs: 3000, timeoutMs: 20_000 };

const first = await acquireLock(dyno, options);
console.log("held:", first.held, "token:", first.fencingToken);
await first.release();

const order: string[] = [];
await Promise.all(
  ["a", "b", "c"].map((name) =>
    withLock(dyno, options, async (lock) => {
      order.push(`${name}@${lock.fencingToken}`); // only one worker is in here at a time
      await new Promise((resolve) => setTimeout(resolve, 20));
    }),
  ),
);
console.log("one at a time:", order.length === 3, order.join(" "));
