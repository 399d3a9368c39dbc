// Exhaustive operations: scans and queries to the end, parallel scans, batches of any size.
import { marshalItem } from "../src/index.js";
import { startLocal } from "../src/local/index.js";

await using local = await startLocal();
const dyno = local.dyno;
await dyno.createTable({
  TableName: "Events",
  KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
  AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
  BillingMode: "PAY_PER_REQUEST",
});

// 500 puts: split into requests of 25, unprocessed items re-sent with backoff until written.
const puts = Array.from({ length: 500 }, (_, i) => ({
  PutRequest: { Item: marshalItem({ id: `e${i}`, n: i }) },
}));
await dyno.batchWriteItemAll({ RequestItems: { Events: puts } }, { concurrency: 4 });

const all = await dyno.scanAll({ TableName: "Events", Limit: 100 }); // follows LastEvaluatedKey
console.log(
  "scanAll:",
  all.Count,
  "items in",
  all.Items?.length === all.Count ? "one output" : "?",
);
const parallel = await dyno.scanAll({ TableName: "Events", Select: "COUNT" }, { segments: 4 });
console.log("parallel scan:", parallel.Count);

let pages = 0;
for await (const page of dyno.scanPages({ TableName: "Events", Limit: 200 }))
  pages += page.Count ? 1 : 0;
console.log("pages of 200:", pages);

const keys = Array.from({ length: 150 }, (_, i) => ({ id: { S: `e${i}` } }));
const got = await dyno.batchGetItemAll({ RequestItems: { Events: { Keys: keys } } }); // requests of 100
console.log("batchGetItemAll:", got.Responses?.Events?.length);
