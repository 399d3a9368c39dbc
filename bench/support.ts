/**
 * Shared bench helpers: command-line numbers, timing rounds, a median, interleaved comparison,
 * and a client whose request handler answers without a network.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Readable } from "node:stream";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** The number after `--name` on the command line, or `fallback`. */
export function arg(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

/** A client that answers every request with `body` at once, with no socket (client CPU only). */
export function stubClient(body: unknown): DynamoDBClient {
  return new DynamoDBClient({
    region: "us-east-1",
    endpoint: "http://127.0.0.1:9",
    credentials: { accessKeyId: "x", secretAccessKey: "y" },
    requestHandler: stubRequestHandler(body) as never,
  });
}

/** Rate and cost of one timed run. */
export interface Rate {
  /** Calls per second of wall time. */
  opsPerSecond: number;
  /** This process's CPU time per call, in µs (steadier than wall time on a shared machine). */
  cpuMicros: number;
}

/** Runs `total` calls of `once` with at most `concurrency` in flight. */
export async function measure(
  total: number,
  concurrency: number,
  once: () => Promise<unknown>,
): Promise<Rate> {
  let next = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const worker = async () => {
    while (next++ < total) await once();
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { opsPerSecond: total / (elapsed / 1000), cpuMicros: (used.user + used.system) / total };
}

/** The median of a list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** A `requestHandler` that answers every request with the same JSON body, with no socket at all. */
export function stubRequestHandler(body: unknown) {
  const text = Buffer.from(JSON.stringify(body));
  const headers = {
    "content-type": "application/x-amz-json-1.0",
    "content-length": String(text.length),
  };
  return {
    async handle() {
      return { response: { statusCode: 200, headers, body: Readable.from([text]) } };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs() {
      return {};
    },
  };
}

/** Formats a number with thousands separators. */
export const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Totals of one contender across the batches of {@link compare}. */
export interface Totals {
  ops: number;
  wallMs: number;
  cpuMicros: number;
}

/** A full garbage collection when node runs with `--expose-gc` (else nothing). */
const collectGarbage = (globalThis as { gc?: () => void }).gc ?? (() => {});

/**
 * Runs contenders in many small interleaved batches (the order reversed every batch), so
 * that the noise of a shared machine hits each of them alike, and sums wall and CPU time.
 * Under `node --expose-gc` a full collection runs before each batch, outside the timed
 * window, so that no contender pays for the garbage another one left (each still pays for
 * the collections its own batch needs).
 */
export async function compare(
  contenders: Record<string, () => Promise<unknown>>,
  {
    batches,
    batchSize,
    concurrency,
    warmups = 10,
  }: { batches: number; batchSize: number; concurrency: number; warmups?: number },
): Promise<Record<string, Totals>> {
  const names = Object.keys(contenders);
  const totals: Record<string, Totals> = Object.fromEntries(
    names.map((name) => [name, { ops: 0, wallMs: 0, cpuMicros: 0 }]),
  );
  for (let warm = 0; warm < warmups; warm++) {
    for (const name of names) await measure(batchSize, concurrency, contenders[name]);
  }
  for (let batch = 0; batch < batches; batch++) {
    const order = batch % 2 ? names : [...names].reverse();
    for (const name of order) {
      collectGarbage();
      const rate = await measure(batchSize, concurrency, contenders[name]);
      totals[name].ops += batchSize;
      totals[name].wallMs += (batchSize / rate.opsPerSecond) * 1000;
      totals[name].cpuMicros += rate.cpuMicros * batchSize;
    }
  }
  return totals;
}

/**
 * The library under measurement: `src/` as tsx runs it, or with `--built` the package as
 * published (`dist/index.js`, built by `npm run build`), which tsx loads untransformed (no
 * `__name` wrappers around every named closure, tsup's own output).
 */
export async function library(): Promise<typeof import("../src/index.js")> {
  if (!process.argv.includes("--built")) return import("../src/index.js");
  const path = "../dist/index.js";
  return (await import(path)) as typeof import("../src/index.js");
}

/** `built` or `src`: what {@link library} loads. */
export const libraryLabel = (): string =>
  process.argv.includes("--built") ? "built dist/" : "src/ under tsx";

/**
 * Creates `TableName` (string key `pk`, on demand) and fills it with `items` items of ~1 KB
 * (`pk` = `item-<n>`, a 960-character `payload`): the table the scan and job benches read.
 */
export async function fillScanTable(
  dyno: import("../src/index.js").Dyno,
  TableName: string,
  items: number,
): Promise<void> {
  await dyno.createTable({
    TableName,
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
    AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
    BillingMode: "PAY_PER_REQUEST",
  });
  const payload = "x".repeat(960);
  await dyno.batchWriteItemAll(
    {
      RequestItems: {
        [TableName]: Array.from({ length: items }, (_, i) => ({
          PutRequest: { Item: { pk: { S: `item-${i}` }, payload: { S: payload } } },
        })),
      },
    },
    { concurrency: 8 },
  );
}
