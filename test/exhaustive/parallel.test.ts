import { test } from "node:test";
import assert from "node:assert/strict";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { Dyno } from "../../src/index.js";
import { testClient } from "../support/db.js";
import { blackHole, bodyOf, jsonResponse } from "../support/http.js";
import { until } from "./support.js";

test("parallel scan: a failing segment aborts the others' requests and rejects with its error", async () => {
  const hole = await blackHole();
  const inner = new NodeHttpHandler();
  const holePort = Number(new URL(hole.endpoint).port);
  // Segments 0, 1, 3 go to a server that never answers; segment 2 fails once they are in flight.
  const handler = {
    async handle(request: { body?: unknown; hostname: string; port?: number }, options?: object) {
      const body = bodyOf(request.body) as { Segment?: number };
      if (body.Segment === 2) {
        await until(() => hole.received === 3, "the other segments in flight");
        return {
          response: jsonResponse({
            status: 400,
            body: {
              __type: "com.amazon.coral.validate#ValidationException",
              message: "segment 2 broke",
            },
          }),
        };
      }
      return inner.handle(
        { ...request, hostname: "127.0.0.1", port: holePort } as never,
        options as never,
      );
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
    destroy: () => inner.destroy(),
  };
  const client = await testClient({ requestHandler: handler as never, maxAttempts: 1 });
  const dyno = new Dyno({ client });
  const op = dyno.scanAll({ TableName: "any" }, { segments: 4 });
  await assert.rejects(
    op.await(),
    (e: Error) => e.name === "ValidationException" && /segment 2 broke/.test(e.message),
  );
  await until(() => hole.closed === 3, "the in-flight requests aborted");
  assert.equal(hole.received, 3);
  await hole.stop();
});
