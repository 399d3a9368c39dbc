// A Pool: at most N operations at once, FIFO, every session method on it.
import { Pool } from "../src/index.js";
import { startLocal } from "../src/local/index.js";

await using local = await startLocal();
const pool = new Pool(local.dyno, { concurrency: 2 });
const ops = Array.from({ length: 6 }, () => pool.listTables({}));
console.log("running:", pool.active, "queued:", pool.pending);
await Promise.all(ops);
await pool.idle();
console.log(
  "done:",
  ops.every((op) => op.state === "done"),
  "active:",
  pool.active,
);
await pool.close();
