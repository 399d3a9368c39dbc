// Middleware: session-wide and per call; the built-in cache and metrics.
import {
  cacheMiddleware,
  metricsMiddleware,
  s,
  type AnyMiddleware,
  type OperationMetrics,
} from "../src/index.js";
import { startLocal } from "../src/local/index.js";

await using local = await startLocal();
const metrics: OperationMetrics[] = [];
const cache = cacheMiddleware({ ttlMs: 10_000 });
const timing: AnyMiddleware = (next) => async (ctx) => {
  const started = performance.now();
  try {
    return await next(ctx);
  } finally {
    console.log(`[timing] ${ctx.operation} ${(performance.now() - started).toFixed(1)} ms`);
  }
};
const dyno = local.dyno.use(
  timing,
  metricsMiddleware((m) => metrics.push(m)),
  cache,
);

const notes = dyno.table("Notes", {
  schema: s.object({ id: s.string(), text: s.string() }),
  partitionKey: "id",
});
await notes.create();
await notes.put({ id: "n1", text: "hello" });
await notes.get({ id: "n1" }); // a miss: read from DynamoDB
await notes.get({ id: "n1" }); // a hit: served by the cache, no request
console.log("cache:", cache.stats);
console.log("metrics:", metrics.map((m) => m.operation).join(", "));
