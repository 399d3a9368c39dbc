/**
 * Request tracing for bench/jobs-trace: a middleware that records each request's command, the
 * lease-table item it touches, and its start and end (ms on the machine's clock), and a summary
 * (count and time per kind, the first and last request, the longest gap with nothing in flight).
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";

/** One request. */
export interface Span {
  readonly kind: string;
  readonly start: number;
  end: number;
}

const now = () => performance.timeOrigin + performance.now();

/** Records every request `client` sends into `spans`. */
export function traceClient(client: DynamoDBClient, spans: Span[]): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Key?: Record<string, { S?: string }>; TableName?: string };
      const part = input.Key?.part?.S?.replace(/#.*/, "") ?? "";
      const kind = `${context.commandName?.replace(/Command$/, "")}${part ? ` ${part}` : ""}`;
      const span: Span = { kind, start: now(), end: 0 };
      spans.push(span);
      try {
        return await next(args);
      } finally {
        span.end = now();
      }
    },
    { step: "initialize", name: "jobsTrace" },
  );
}

/** Counts and times per kind, relative to `origin` (ms since the epoch). */
export function summarise(spans: readonly Span[], origin: number): string {
  const kinds = new Map<string, { n: number; ms: number; first: number; last: number }>();
  for (const s of spans) {
    const k = kinds.get(s.kind) ?? { n: 0, ms: 0, first: Infinity, last: 0 };
    k.n++;
    k.ms += s.end - s.start;
    k.first = Math.min(k.first, s.start - origin);
    k.last = Math.max(k.last, s.end - origin);
    kinds.set(s.kind, k);
  }
  const lines = [...kinds].map(
    ([kind, k]) =>
      `  ${kind.padEnd(22)} n=${String(k.n).padStart(4)}  mean ${(k.ms / k.n).toFixed(1).padStart(6)} ms  from ${k.first.toFixed(0).padStart(5)} to ${k.last.toFixed(0).padStart(5)} ms`,
  );
  // Idle gaps: nothing in flight.
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let reach = sorted[0]?.end ?? 0;
  const gaps: string[] = [];
  for (const s of sorted) {
    if (s.start - reach > 20)
      gaps.push(`${(reach - origin).toFixed(0)}..${(s.start - origin).toFixed(0)}`);
    reach = Math.max(reach, s.end);
  }
  lines.push(`  idle gaps > 20 ms (nothing in flight): ${gaps.join(", ") || "none"}`);
  return lines.join("\n");
}
