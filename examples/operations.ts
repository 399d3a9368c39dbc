// Every call is an awaitable Operation with an id, a state, timings and cancel().
import { AbortError, Operation } from "../src/index.js";
import { startLocal } from "../src/local/index.js";

await using local = await startLocal();
const dyno = local.dyno;

const op = dyno.listTables({}); // already running
console.log("running:", op.name, op.state);
const { TableNames } = await op; // the SDK's ListTablesCommandOutput
console.log("done:", op.state, TableNames, `${op.durationMs?.toFixed(1)} ms`);

const later = Operation.create("ListTables", { Limit: 1 }); // pending until a session runs it
console.log("created:", later.state);
await dyno.do(later);
console.log("ran:", later.state, later.result()?.output?.TableNames);

const slow = dyno.listTables({});
slow.cancel("changed my mind"); // aborts the HTTP request
await slow.then(
  () => console.log("resolved?"),
  (e: unknown) => console.log("cancelled:", e instanceof AbortError),
);
