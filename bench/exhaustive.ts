/**
 * bench/exhaustive: exhaustive operations against hand-written SDK loops, on DynamoDB Local.
 *
 *   (a) a scan of N items (~1 KB each): hand-written sequential loop, scanAll, scanAll with 2, 4
 *       and 8 segments, and a hand-written parallel scan at 8 segments;
 *   (b) batchWriteItemAll of N items versus a hand-written loop of BatchWriteItemCommand at the
 *       same concurrency (the loop ignores UnprocessedItems, so it does strictly less work);
 *   (c) the heap high-water mark of scanItems over the N items versus scanAll.
 * Contenders are interleaved round by round (order reversed every round) in one process. Prints
 * items/s, the ratios, and the targets: batchWriteItemAll >= 0.95x the loop, scanAll at 8
 * segments >= 0.95x the hand-written parallel scan, scanItems' heap bounded by a few pages.
 *
 *   node --expose-gc --import tsx bench/exhaustive.ts [--items 20000] [--rounds 3] [--concurrency 8]
 */
import {
  BatchWriteItemCommand,
  DynamoDBClient,
  ScanCommand,
  type AttributeValue,
  type WriteRequest,
} from "@aws-sdk/client-dynamodb";
import { Dyno } from "../src/index.js";
import { localClientConfig, startLocal } from "../src/local/index.js";
import { fmt, median } from "./support.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const arg = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const ITEMS = arg("items", 20_000);
const ROUNDS = arg("rounds", 3);
const CONCURRENCY = arg("concurrency", 8);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) console.error("run with node --expose-gc for the heap measurements");

type Item = Record<string, AttributeValue>;
const TableName = "bench_exhaustive";
const local = await startLocal({ engine: "dynamodb-local" });
const client = new DynamoDBClient(localClientConfig(local.endpoint));
const dyno = new Dyno({ client });
await dyno.createTable({
  TableName,
  KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
  AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
  BillingMode: "PAY_PER_REQUEST",
});
const payload = "x".repeat(960);
const requests: WriteRequest[] = Array.from({ length: ITEMS }, (_, i) => ({
  PutRequest: {
    Item: {
      pk: { S: `item-${String(i).padStart(6, "0")}` },
      n: { N: String(i) },
      data: { S: payload },
    },
  },
}));
await dyno.batchWriteItemAll(
  { RequestItems: { [TableName]: requests } },
  { concurrency: CONCURRENCY },
);

async function handScan(segments: number): Promise<Item[]> {
  const parts = await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      const items: Item[] = [];
      let ExclusiveStartKey: Item | undefined;
      do {
        const page = await client.send(
          new ScanCommand({
            TableName,
            ExclusiveStartKey,
            ...(segments > 1 ? { Segment: segment, TotalSegments: segments } : {}),
          }),
        );
        for (const item of page.Items ?? []) items.push(item);
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return items;
    }),
  );
  return parts.flat();
}

async function handWrite(): Promise<void> {
  const chunks: WriteRequest[][] = [];
  for (let i = 0; i < requests.length; i += 25) chunks.push(requests.slice(i, i + 25));
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++];
      await client.send(new BatchWriteItemCommand({ RequestItems: { [TableName]: chunk } }));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

const check = (items: unknown[] | undefined) => {
  if (items?.length !== ITEMS) throw new Error(`expected ${ITEMS} items, got ${items?.length}`);
};

async function interleave(
  contenders: Record<string, () => Promise<void>>,
): Promise<Record<string, number>> {
  const names = Object.keys(contenders);
  const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const name of names) await contenders[name](); // warm-up (DynamoDB Local's first scans are slow)
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of round % 2 ? [...names].reverse() : names) {
      const started = performance.now();
      await contenders[name]();
      times[name].push(performance.now() - started);
    }
    console.error(`round ${round + 1}/${ROUNDS} done`);
  }
  return Object.fromEntries(names.map((n) => [n, ITEMS / (median(times[n]) / 1000)]));
}

const scans = await interleave({
  "hand-written sequential": async () => check(await handScan(1)),
  scanAll: async () => check((await dyno.scanAll({ TableName })).Items),
  "scanAll segments 2": async () =>
    check((await dyno.scanAll({ TableName }, { segments: 2 })).Items),
  "scanAll segments 4": async () =>
    check((await dyno.scanAll({ TableName }, { segments: 4 })).Items),
  "scanAll segments 8": async () =>
    check((await dyno.scanAll({ TableName }, { segments: 8 })).Items),
  "hand-written parallel 8": async () => check(await handScan(8)),
});
const writes = await interleave({
  "hand-written BatchWriteItem loop": handWrite,
  batchWriteItemAll: async () => {
    await dyno.batchWriteItemAll(
      { RequestItems: { [TableName]: requests } },
      { concurrency: CONCURRENCY },
    );
  },
});

/**
 * Peak live heap above the starting point while `run` runs: `sample()` collects garbage first
 * (so it measures what is still referenced), and `run` samples at its high points.
 */
async function livePeak(run: (sample: () => void) => Promise<void>): Promise<number> {
  gc?.();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  const sample = () => {
    gc?.();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  };
  await run(sample);
  return (peak - base) / 2 ** 20;
}
const heap = { scanItems: [] as number[], scanAll: [] as number[] };
let pageItems = 0;
for await (const page of dyno.scanPages({ TableName }, { maxPages: 1 }))
  pageItems = page.Items!.length;
for (let round = 0; round < ROUNDS; round++) {
  heap.scanItems.push(
    await livePeak(async (sample) => {
      let n = 0;
      for await (const _ of dyno.scanItems({ TableName })) if (++n % 250 === 0) sample();
      if (n !== ITEMS) throw new Error(`scanItems: ${n}`);
    }),
  );
  heap.scanAll.push(
    await livePeak(async (sample) => {
      const { Items } = await dyno.scanAll({ TableName });
      sample(); // the result, still referenced
      check(Items);
    }),
  );
}

const lines: string[] = [];
const out = (s = "") => lines.push(s);
out(
  `Scan of ${fmt(ITEMS)} items of ~1 KB (DynamoDB Local ${local.engine}, Node ${process.version}, median of ${ROUNDS} interleaved rounds)\n`,
);
out("| contender | items/s | vs hand-written sequential |");
out("|---|---:|---:|");
for (const [name, rate] of Object.entries(scans))
  out(`| ${name} | ${fmt(rate)} | ${(rate / scans["hand-written sequential"]).toFixed(2)}x |`);
const scanRatio = scans["scanAll segments 8"] / scans["hand-written parallel 8"];
out(
  `\nscanAll at 8 segments / hand-written parallel scan at 8: **${scanRatio.toFixed(3)}** (target >= 0.95: ${scanRatio >= 0.95 ? "met" : "NOT met"})`,
);
out(
  `scanAll / hand-written sequential: ${(scans.scanAll / scans["hand-written sequential"]).toFixed(3)}\n`,
);
out(`BatchWrite of ${fmt(ITEMS)} items of ~1 KB at concurrency ${CONCURRENCY}\n`);
out("| contender | items/s |");
out("|---|---:|");
for (const [name, rate] of Object.entries(writes)) out(`| ${name} | ${fmt(rate)} |`);
const writeRatio = writes.batchWriteItemAll / writes["hand-written BatchWriteItem loop"];
out(
  `\nbatchWriteItemAll / hand-written loop: **${writeRatio.toFixed(3)}** (target >= 0.95: ${writeRatio >= 0.95 ? "met" : "NOT met"})\n`,
);
out(
  `Live heap high-water mark above the start (MB, after GC, sampled every 250 items; median of ${ROUNDS}; one page is ${fmt(pageItems)} items, ~1 MB on the wire)\n`,
);
out("| run | peak live heap MB |");
out("|---|---:|");
out(`| scanItems over ${fmt(ITEMS)} items | ${fmt(median(heap.scanItems), 1)} |`);
out(`| scanAll of ${fmt(ITEMS)} items | ${fmt(median(heap.scanAll), 1)} |`);
out(
  `\nscanAll / scanItems peak heap: ${(median(heap.scanAll) / median(heap.scanItems)).toFixed(1)}x`,
);
console.log(lines.join("\n"));

client.destroy();
await local.stop();
