/** Helpers of the pool tests: middleware that count and hold operations, and a table with an item. */
import type { AnyMiddleware } from "../../src/index.js";
import type { Dyno } from "../../src/index.js";
import { createTestTable } from "../support/db.js";

/** A middleware that counts operations in flight (around the real request) and records start order. */
export function inFlightCounter() {
  const state = { inFlight: 0, max: 0, started: [] as string[] };
  const middleware: AnyMiddleware = (next) => async (ctx) => {
    state.inFlight++;
    state.max = Math.max(state.max, state.inFlight);
    state.started.push(ctx.id);
    try {
      return await next(ctx);
    } finally {
      state.inFlight--;
    }
  };
  return { middleware, state };
}

/**
 * A middleware that holds each operation before its request until released, so a test decides
 * when running operations finish. `whenHeld(n)` resolves once `n` are held at the same time.
 */
export function gate() {
  const held: (() => void)[] = [];
  const started: string[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const middleware: AnyMiddleware = (next) => async (ctx) => {
    started.push(ctx.id);
    await new Promise<void>((resolve) => {
      held.push(resolve);
      for (const w of [...waiters]) {
        if (held.length >= w.n) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    });
    return next(ctx);
  };
  return {
    middleware,
    started,
    get held() {
      return held.length;
    },
    whenHeld(n: number): Promise<void> {
      if (held.length >= n) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    releaseOne() {
      held.shift()!();
    },
    releaseAll() {
      held.splice(0).forEach((release) => release());
    },
  };
}

/** A fresh table (pk: S) holding one item `{ pk: "a" }`; returns its name and a GetItem input. */
export async function tableWithItem(dyno: Dyno) {
  const TableName = await createTestTable(dyno.client, { sortKey: null });
  await dyno.putItem({ TableName, Item: { pk: { S: "a" } } });
  return { TableName, get: { TableName, Key: { pk: { S: "a" } } } };
}
