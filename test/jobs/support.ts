/**
 * Helpers of the job tests: a table filled with numbered items, and a proxy that loses answers.
 * (Child processes: `spawnChild` in ../support/proc.ts.)
 */
import { createServer } from "node:http";
import type { Dyno } from "../../src/index.js";
import { createTestTable } from "../support/db.js";
import { forwardTo, listenOnLoopback, readRequest } from "../support/loopback-server.js";

/** A table keyed by `id` (S) holding `count` items `{ id: "item-00042", n: 42, pad }`. */
export async function filledTable(dyno: Dyno, count: number, padBytes = 0): Promise<string> {
  const table = await createTestTable(dyno.client, { partitionKey: ["id", "S"], sortKey: null });
  const pad = "x".repeat(padBytes);
  await dyno.batchWriteItemAll({
    RequestItems: {
      [table]: Array.from({ length: count }, (_, n) => ({
        PutRequest: {
          Item: { id: { S: itemId(n) }, n: { N: String(n) }, ...(pad ? { pad: { S: pad } } : {}) },
        },
      })),
    },
  });
  return table;
}

/** The id of item `n` of a {@link filledTable}. */
export const itemId = (n: number): string => `item-${String(n).padStart(5, "0")}`;

/**
 * A proxy in front of `target` that forwards every request and, for those `lose` picks, throws
 * the answer away and answers 500 instead: the request landed, but the client cannot know.
 */
export async function lossyProxy(
  target: string,
  lose: (operation: string, body: Record<string, unknown>) => boolean,
): Promise<{ endpoint: string; lost: number; stop(): Promise<void> }> {
  const state = { lost: 0 };
  const server = createServer((req, res) =>
    readRequest(req, (raw, operation) => {
      const body = raw.length ? (JSON.parse(raw.toString("utf8")) as Record<string, unknown>) : {};
      if (!lose(operation, body)) return forwardTo(target, req, res, raw);
      forwardTo(target, req, res, raw, (answer) => {
        answer.resume();
        answer.on("end", () => {
          state.lost++;
          const text = JSON.stringify({
            __type: "com.amazonaws.dynamodb.v20120810#InternalServerError",
            message: "lost",
          });
          res.writeHead(500, {
            "content-type": "application/x-amz-json-1.0",
            "content-length": Buffer.byteLength(text),
          });
          res.end(text);
        });
      });
    }),
  );
  const { endpoint, stop } = await listenOnLoopback(server);
  return {
    endpoint,
    get lost() {
      return state.lost;
    },
    stop,
  };
}
