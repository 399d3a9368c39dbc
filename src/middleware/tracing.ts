/**
 * `tracingMiddleware`: an OpenTelemetry span per operation, following the semantic conventions
 * for DynamoDB client spans. It works on both transports (the direct transport bypasses the
 * SDK's middleware stack, and with it OpenTelemetry's aws-sdk instrumentation).
 * `@opentelemetry/api` is an optional peer: pass a tracer, or have the package installed.
 * @module
 */
import { DynoError } from "../errors.js";
import type { AnyMiddleware } from "../operation/middleware.js";
import { ATTEMPTS_META } from "../operation/send.js";

/** A span attribute value, as OpenTelemetry accepts it. */
export type SpanAttributeValue = string | number | boolean | string[];

/** The part of an OpenTelemetry `Span` the middleware uses. */
export interface TracingSpan {
  setAttribute(key: string, value: SpanAttributeValue): unknown;
  recordException(exception: Error): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  end(): void;
}

/** The part of an OpenTelemetry `Tracer` the middleware uses (`trace.getTracer(...)` fits). */
export interface TracingTracer {
  startActiveSpan<F>(
    name: string,
    options: { kind?: number; attributes?: Record<string, SpanAttributeValue> },
    fn: (span: TracingSpan) => F,
  ): F;
}

/** Options of {@link tracingMiddleware}. */
export interface TracingOptions {
  /** The tracer to use. Default: `trace.getTracer("dyno-ts")` from `@opentelemetry/api`. */
  tracer?: TracingTracer;
}

const SPAN_KIND_CLIENT = 2;
const STATUS_ERROR = 2;

let defaultTracer: Promise<TracingTracer> | undefined;

function loadTracer(): Promise<TracingTracer> {
  defaultTracer ??= import("@opentelemetry/api").then(
    (api) => api.trace.getTracer("dyno-ts") as unknown as TracingTracer,
    (cause: unknown) => {
      defaultTracer = undefined;
      throw new DynoError(
        "tracingMiddleware: @opentelemetry/api is not installed; install it or pass { tracer }",
        { cause },
      );
    },
  );
  return defaultTracer;
}

/**
 * A span per operation run, named `DynamoDB.<Operation>` (kind CLIENT), with the attributes of
 * the DynamoDB semantic conventions: `db.system` (`"dynamodb"`) and `db.system.name`
 * (`"aws.dynamodb"`), `rpc.system`/`rpc.service`/`rpc.method`, `aws.dynamodb.table_names` and
 * the request's read options, then the response's request ids, counts, consumed capacity and
 * item collection metrics. Errors are recorded and set the span's status; `dyno.attempts`
 * counts the HTTP attempts (retries included).
 *
 * @example
 * ```ts
 * import { trace } from "@opentelemetry/api";
 * dyno.use(tracingMiddleware({ tracer: trace.getTracer("orders-service") }));
 * ```
 */
export function tracingMiddleware(options: TracingOptions = {}): AnyMiddleware {
  return (next) => async (ctx) => {
    const tracer = options.tracer ?? (await loadTracer());
    const attributes: Record<string, SpanAttributeValue> = {
      "db.system": "dynamodb",
      "db.system.name": "aws.dynamodb",
      "db.operation.name": ctx.operation,
      "rpc.system": "aws-api",
      "rpc.service": "DynamoDB",
      "rpc.method": ctx.operation,
      ...requestAttributes(ctx.input as Record<string, unknown>),
    };
    return tracer.startActiveSpan(
      `DynamoDB.${ctx.operation}`,
      { kind: SPAN_KIND_CLIENT, attributes },
      async (span) => {
        try {
          const output = await next(ctx);
          responseAttributes(span, output as unknown as Record<string, unknown>);
          return output;
        } catch (error) {
          const e = error instanceof Error ? error : new Error(String(error));
          span.recordException(e);
          span.setAttribute("error.type", e.name);
          metadataAttributes(span, (error as { $metadata?: Metadata }).$metadata);
          span.setStatus({ code: STATUS_ERROR, message: e.message });
          throw error;
        } finally {
          const attempts = ctx.meta.get(ATTEMPTS_META);
          if (typeof attempts === "number") span.setAttribute("dyno.attempts", attempts);
          span.end();
        }
      },
    );
  };
}

interface Metadata {
  requestId?: string;
  extendedRequestId?: string;
  httpStatusCode?: number;
}

/** The request attributes of the conventions that the input has. */
function requestAttributes(input: Record<string, unknown>): Record<string, SpanAttributeValue> {
  const attributes: Record<string, SpanAttributeValue> = {};
  const tables = tableNames(input);
  if (tables.length > 0) attributes["aws.dynamodb.table_names"] = tables;
  const simple: [string, string][] = [
    ["ConsistentRead", "aws.dynamodb.consistent_read"],
    ["ProjectionExpression", "aws.dynamodb.projection"],
    ["Limit", "aws.dynamodb.limit"],
    ["IndexName", "aws.dynamodb.index_name"],
    ["Select", "aws.dynamodb.select"],
    ["ScanIndexForward", "aws.dynamodb.scan_forward"],
    ["Segment", "aws.dynamodb.segment"],
    ["TotalSegments", "aws.dynamodb.total_segments"],
  ];
  for (const [field, key] of simple) {
    const value = input[field];
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
      attributes[key] = value;
  }
  if (Array.isArray(input.AttributesToGet))
    attributes["aws.dynamodb.attributes_to_get"] = input.AttributesToGet.map(String);
  return attributes;
}

/** The tables an input names: `TableName`, `RequestItems` keys, or its transaction's items. */
function tableNames(input: Record<string, unknown>): string[] {
  if (typeof input.TableName === "string") return [input.TableName];
  if (input.RequestItems && typeof input.RequestItems === "object")
    return Object.keys(input.RequestItems);
  if (Array.isArray(input.TransactItems)) {
    const names = new Set<string>();
    for (const item of input.TransactItems as Record<string, { TableName?: unknown }>[]) {
      for (const part of Object.values(item ?? {}))
        if (typeof part?.TableName === "string") names.add(part.TableName);
    }
    return [...names];
  }
  return [];
}

function responseAttributes(span: TracingSpan, output: Record<string, unknown> | undefined): void {
  if (!output || typeof output !== "object") return;
  metadataAttributes(span, output.$metadata as Metadata | undefined);
  if (typeof output.Count === "number") span.setAttribute("aws.dynamodb.count", output.Count);
  if (typeof output.ScannedCount === "number")
    span.setAttribute("aws.dynamodb.scanned_count", output.ScannedCount);
  const capacity = output.ConsumedCapacity;
  if (capacity !== undefined) {
    const list = Array.isArray(capacity) ? capacity : [capacity];
    span.setAttribute(
      "aws.dynamodb.consumed_capacity",
      list.map((entry) => JSON.stringify(entry)),
    );
  }
  if (output.ItemCollectionMetrics !== undefined) {
    span.setAttribute(
      "aws.dynamodb.item_collection_metrics",
      JSON.stringify(output.ItemCollectionMetrics, (_key, value: unknown) =>
        value instanceof Uint8Array ? Buffer.from(value).toString("base64") : value,
      ),
    );
  }
}

function metadataAttributes(span: TracingSpan, metadata: Metadata | undefined): void {
  if (!metadata) return;
  if (metadata.requestId) span.setAttribute("aws.request_id", metadata.requestId);
  if (metadata.extendedRequestId)
    span.setAttribute("aws.extended_request_id", metadata.extendedRequestId);
  if (typeof metadata.httpStatusCode === "number")
    span.setAttribute("http.response.status_code", metadata.httpStatusCode);
}
