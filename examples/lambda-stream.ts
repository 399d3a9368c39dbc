// Streams in AWS Lambda: typed changes, and a partial batch response when a record fails.
import { processStream, s, type StreamRecordInput } from "../src/index.js";
import { startLocal } from "../src/local/index.js";

await using local = await startLocal();
const Orders = local.dyno.table("Orders", {
  schema: s.object({ userId: s.string(), id: s.string(), total: s.number(), pdf: s.binary() }),
  partitionKey: "userId",
  sortKey: "id",
});
const Totals = local.dyno.table("Totals", {
  schema: s.object({ userId: s.string(), spent: s.number() }),
  partitionKey: "userId",
});
await Totals.create();

// The function: one change at a time per shard; a failure sends it and the rest of its shard back.
export const handler = (event: { Records: StreamRecordInput[] }) =>
  processStream(event, { orders: Orders }, async (change) => {
    if (change.entity !== "orders" || change.type !== "INSERT") return;
    const order = change.newItem!; // { userId, id, total, pdf: Uint8Array }
    if (order.total < 0) throw new Error(`order ${order.id}: negative total`);
    await Totals.update({ userId: order.userId }, (u) => u.add("spent", order.total));
  });

// What Lambda would pass: binary values arrive base64.
const arn = "arn:aws:dynamodb:us-east-1:123456789012:table/Orders/stream/2024-01-01T00:00:00.000";
const insert = (id: string, total: number, seq: string): StreamRecordInput => ({
  eventName: "INSERT",
  eventSourceARN: arn,
  dynamodb: {
    SequenceNumber: seq,
    Keys: { userId: { S: "ada" }, id: { S: id } },
    NewImage: {
      userId: { S: "ada" },
      id: { S: id },
      total: { N: String(total) },
      pdf: { B: Buffer.from(`%PDF ${id}`).toString("base64") },
    },
  },
});
const result = await handler({
  Records: [insert("o1", 30, "100"), insert("o2", -1, "200"), insert("o3", 12, "300")],
});
console.log("retry:", result.batchItemFailures.map((f) => f.itemIdentifier).join(", "));
console.log("spent:", (await Totals.get({ userId: "ada" }))?.spent);
