/**
 * Several workers sharing one job through a distributed lock (`npx tsx examples/lock-workers.ts`).
 *
 * A job of 12 chunks lives in one item; the lock lives in the same item, in its `_lock_*`
 * attributes. Each worker (its own session, as separate processes would have) repeatedly takes
 * the lock, claims the next chunk, processes it, and records it with a write fenced by its
 * token, so that a worker paused past its lease could never overwrite its successor's progress.
 * One worker "crashes" while holding the lock (it stops renewing without releasing); another
 * takes over after one lease, with a higher fencing token.
 */
import {
  Dyno,
  LockLostError,
  LockTimeoutError,
  UpdateItemBuilder,
  acquireLock,
  cond,
  withLock,
} from "../src/index.js";
import { localClientConfig, startLocal } from "../src/local/index.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const local = await startLocal();
const TableName = "Jobs";
const job = { id: "nightly-report" };
const CHUNKS = 12;
const lockOptions = { table: TableName, key: job, leaseMs: 1000, heartbeatMs: 250, retryMs: 25 };

try {
  await local.dyno.createTable({
    TableName,
    KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
    BillingMode: "PAY_PER_REQUEST",
  });
  await local.dyno.putItem({
    TableName,
    Item: { id: { S: job.id }, next: { N: "0" }, done: { L: [] } },
  });

  // A worker that takes the lock and then goes silent without releasing it: its session is
  // cancelled, so every renewal fails and its lease runs out.
  const silence = new AbortController();
  const crashed = new Dyno({ client: local.client, signal: silence.signal });
  const doomed = await acquireLock(crashed, { ...lockOptions, timeoutMs: 5000, owner: "crasher" });
  console.log(`crasher holds the lock (token ${doomed.fencingToken}) and goes silent`);
  silence.abort();
  doomed.signal.addEventListener("abort", () =>
    console.log(`crasher: ${(doomed.signal.reason as Error).message}`),
  );

  const worker = async (name: string) => {
    const dyno = new Dyno({ clientConfig: localClientConfig(local.endpoint) });
    let processed = 0;
    for (;;) {
      try {
        const finished = await withLock(
          dyno,
          { ...lockOptions, owner: name, timeoutMs: 10_000 },
          async (lock) => {
            const { Item } = await dyno.getItem({
              TableName,
              Key: { id: { S: job.id } },
              ConsistentRead: true,
            });
            const chunk = Number(Item!.next.N);
            if (chunk >= CHUNKS) return true;
            await new Promise((r) => setTimeout(r, 30)); // "process" the chunk
            lock.signal.throwIfAborted(); // lost the lease meanwhile: do not record it
            // Fenced write on the job item: only the current holder's token may record progress.
            await dyno.updateItem(
              new UpdateItemBuilder()
                .table(TableName)
                .key(job)
                .set("next", chunk + 1)
                .append("done", [`${chunk} by ${name} (token ${lock.fencingToken})`])
                .condition(cond.eq(lock.attributes.fence, lock.fencingToken))
                .build(),
            );
            processed++;
            return false;
          },
        );
        if (finished) return processed;
        await new Promise((r) => setTimeout(r, 60)); // other work between chunks, without the lock
      } catch (error) {
        if (error instanceof LockLostError || error instanceof LockTimeoutError) {
          console.log(`${name}: ${error.message}; trying again`);
          continue;
        }
        throw error;
      }
    }
  };

  const names = ["ada", "grace", "linus"];
  const counts = await Promise.all(names.map(worker));
  names.forEach((name, i) => console.log(`${name} processed ${counts[i]} chunks`));
  const { Item } = await local.dyno.getItem({
    TableName,
    Key: { id: { S: job.id } },
    ConsistentRead: true,
  });
  console.log(Item!.done.L!.map((entry) => entry.S).join("\n"));
  console.log(
    `lock attributes left on the job item: fence ${Item!._lock_fence.N}, owner ${Item!._lock_owner?.S ?? "(none)"}`,
  );
  await doomed.release(); // nothing to do: it knows it lost the lease
} finally {
  await local.stop();
}
