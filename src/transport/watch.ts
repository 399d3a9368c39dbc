/**
 * What the direct transport derives from a client (its verdict, resolved settings, signing keys)
 * stays valid only while the client stays as it was. This module tells when it changes: every
 * mutator of the client's `middlewareStack` (and the stack itself being replaced) and its
 * `destroy()` move the client to a new generation, at no cost per request but a comparison.
 * Changes to `client.config` are compared per request by the verdict (`support.ts`).
 * @module
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";

/** The stack methods that change its entries or how it resolves (`clone`/`concat` make copies). */
const STACK_MUTATORS = [
  "add",
  "addRelativeTo",
  "use",
  "remove",
  "removeByTag",
  "identifyOnResolve",
] as const;

interface Watch {
  generation: number;
  stack: object | undefined;
}

const watches = new WeakMap<DynamoDBClient, Watch>();
const destroyHooks: ((client: DynamoDBClient) => void)[] = [];

/**
 * The client's generation: a number that changes whenever its middleware stack is changed or
 * replaced, or the client is destroyed. Watching starts with the first call.
 */
export function clientGeneration(client: DynamoDBClient): number {
  let watch = watches.get(client);
  if (!watch) {
    watch = { generation: 0, stack: undefined };
    watches.set(client, watch);
    watchDestroy(client, watch);
  }
  const stack = (client as { middlewareStack?: object }).middlewareStack;
  if (stack !== watch.stack) {
    if (watch.stack !== undefined) watch.generation++;
    watch.stack = stack;
    if (stack) watchStack(stack, watch);
  }
  return watch.generation;
}

/**
 * Registers `hook` to run when any watched client is destroyed (before the SDK destroys it),
 * so that what was kept for it (signing keys above all) goes at once.
 */
export function onClientDestroyed(hook: (client: DynamoDBClient) => void): void {
  destroyHooks.push(hook);
}

const watchedStacks = new WeakSet<object>();

function watchStack(stack: object, watch: Watch): void {
  if (watchedStacks.has(stack)) return;
  watchedStacks.add(stack);
  const methods = stack as Record<string, unknown>;
  for (const name of STACK_MUTATORS) {
    const original = methods[name];
    if (typeof original !== "function") continue;
    methods[name] = function (this: unknown, ...args: unknown[]): unknown {
      // a read of identifyOnResolve (no argument) changes nothing
      if (name !== "identifyOnResolve" || args.length > 0) watch.generation++;
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
  }
}

function watchDestroy(client: DynamoDBClient, watch: Watch): void {
  const original = client.destroy as (this: DynamoDBClient) => void;
  if (typeof original !== "function") return;
  Object.defineProperty(client, "destroy", {
    configurable: true,
    writable: true,
    enumerable: false,
    value: function destroy(this: DynamoDBClient): void {
      watch.generation++;
      for (const hook of destroyHooks) hook(client);
      original.call(this);
    },
  });
}
