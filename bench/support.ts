/** Shared bench helpers: timing rounds, a median, and a request handler that answers without a network. */
import { Readable } from "node:stream";

/** Runs `total` calls of `once` with at most `concurrency` in flight; resolves to ops/s. */
export async function opsPerSecond(
  total: number,
  concurrency: number,
  once: () => Promise<unknown>,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next++ < total) await once();
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return total / ((performance.now() - started) / 1000);
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
