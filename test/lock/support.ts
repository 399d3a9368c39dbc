/**
 * Helpers of the lock tests: a lock table, a session whose requests can be failed or left
 * hanging at the HTTP layer (faults DynamoDB Local cannot produce on demand), and reads of
 * the raw lock item.
 */
import type { AttributeValue, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Dyno } from "../../src/index.js";
import { createTestTable, testClient } from "../support/db.js";
import { jsonResponse, type CannedResponse, type SeenRequest } from "../support/http.js";
import { NodeHttpHandler } from "@smithy/node-http-handler";

/** A fresh lock table keyed by `id` (S). */
export async function lockTable(client: DynamoDBClient): Promise<string> {
  return createTestTable(client, { partitionKey: ["id", "S"], sortKey: null });
}

/** What to do with one request: send it, answer it with a canned response, or never answer. */
export type Fault = "pass" | "hang" | CannedResponse;

/**
 * A session whose HTTP requests go through `decide` (changeable at any time through
 * `faults.decide`); `faults.seen` lists every request. SDK retries are off, so each fault
 * reaches the lock as it is. A hanging request ends only when the SDK aborts it.
 */
export async function faultyDyno(decide: (request: SeenRequest) => Fault = () => "pass") {
  const inner = new NodeHttpHandler();
  const faults = { decide, seen: [] as SeenRequest[], hanging: 0 };
  const handler = {
    async handle(
      request: { headers: Record<string, string>; body?: unknown },
      options?: { abortSignal?: AbortSignal },
    ) {
      const operation = (request.headers["x-amz-target"] ?? "").split(".").pop() ?? "";
      const body = parseBody(request.body);
      const entry = { operation, body };
      faults.seen.push(entry);
      const fault = faults.decide(entry);
      if (fault === "hang") {
        faults.hanging++;
        return new Promise<never>((_, reject) => {
          const signal = options?.abortSignal;
          const onAbort = () => {
            faults.hanging--;
            const error = new Error("Request aborted");
            error.name = "AbortError";
            reject(error);
          };
          if (signal?.aborted) onAbort();
          else signal?.addEventListener("abort", onAbort, { once: true });
        });
      }
      if (fault !== "pass") return { response: jsonResponse(fault) };
      return inner.handle(request as never, options as never);
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs() {
      return {};
    },
    destroy() {
      inner.destroy();
    },
  };
  const client = await testClient({ requestHandler: handler as never, maxAttempts: 1 });
  return { dyno: new Dyno({ client }), faults };
}

function parseBody(body: unknown): unknown {
  if (typeof body === "string") return JSON.parse(body);
  if (body instanceof Uint8Array) return JSON.parse(Buffer.from(body).toString("utf8"));
  return undefined;
}

/** True for a renewal or release of a lock (an UpdateItem that does not increment the fence). */
export const isRenewal = (request: SeenRequest): boolean =>
  request.operation === "UpdateItem" &&
  !String((request.body as { UpdateExpression?: string } | undefined)?.UpdateExpression).includes(
    "ADD",
  );

/** The lock item as stored (strongly consistent). */
export async function readItem(
  dyno: Dyno,
  table: string,
  id: string,
): Promise<Record<string, AttributeValue> | undefined> {
  const out = await dyno.getItem({
    TableName: table,
    Key: { id: { S: id } },
    ConsistentRead: true,
  });
  return out.Item;
}

/** Resolves when `signal` aborts (at once if it has), with its reason. */
export function aborted(signal: AbortSignal): Promise<unknown> {
  if (signal.aborted) return Promise.resolve(signal.reason);
  return new Promise((resolve) =>
    signal.addEventListener("abort", () => resolve(signal.reason), { once: true }),
  );
}

/** The number of active timers of this process. */
export const activeTimers = (): number =>
  process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
