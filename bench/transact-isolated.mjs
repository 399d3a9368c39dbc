/**
 * bench/transact-isolated: the client CPU of `dyno.transact` alone (plans, rendering and the
 * session's operation engine; no SDK send), for profiling the models layer in isolation. A
 * session middleware answers at once. Prints µs per transaction for three rounds (read the last).
 *
 *   node --import tsx bench/transact-isolated.mjs src [30000]    # src/ under tsx
 *   node bench/transact-isolated.mjs dist [30000]                # dist/, after npm run build
 *   node --cpu-prof bench/transact-isolated.mjs dist 40000        # a profile
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";

const which = process.argv[2] === "src" ? "src" : "dist";
const { Dyno, s } = await import(which === "src" ? "../src/index.ts" : "../dist/index.js");
const N = Number(process.argv[3] ?? 30000);

const Order = s.object({
  id: s.string(),
  customer: s.string(),
  total: s.number(),
  currency: s.string(),
  placedAt: s.date({ as: "epochMs" }),
  lines: s.list(s.string()),
});
const Account = s.object({ org: s.string(), id: s.string(), balance: s.number() });
const client = new DynamoDBClient({
  region: "us-east-1",
  endpoint: "http://127.0.0.1:9",
  credentials: { accessKeyId: "x", secretAccessKey: "y" },
});
const dyno = new Dyno({ client }).use(() => async () => ({}));
const orders = dyno.table("o", { schema: Order, partitionKey: "id" });
const accounts = dyno.table("a", { schema: Account, partitionKey: "org", sortKey: "id" });
const order = (id) => ({
  id,
  customer: "c-42",
  total: 12.5,
  currency: "EUR",
  placedAt: new Date(1_700_000_000_000),
  lines: ["sku-1", "sku-2"],
});
const once = (i) =>
  dyno.transact((t) => {
    t.put(orders, order(`o${i}`), { condition: (c) => c.notExists("id") });
    t.update(accounts, { org: "acme", id: `a${i}` }, (u) => u.increment("balance", 5), {
      condition: (c) => c.or(c.notExists("balance"), c.ge("balance", 0)),
    });
    t.check(accounts, { org: "acme", id: `limit${i}` }, (c) => c.notExists("org"));
  });

for (let round = 1; round <= 3; round++) {
  const cpu = process.cpuUsage();
  for (let i = 0; i < N; i++) await once(i);
  const used = process.cpuUsage(cpu);
  console.log(
    `${which} round ${round}: ${((used.user + used.system) / N).toFixed(1)} µs/transaction`,
  );
}
