/**
 * The one registry of DynamoDB operations, derived from the installed
 * `@aws-sdk/client-dynamodb`: every exported `XxxCommand` class is an operation `"Xxx"`.
 * Types come from the SDK's declarations, the runtime list from its snapshot
 * (`src/sdk-snapshot.ts`, generated from the SDK's exports and checked against them by a test,
 * and by the type check below), so that naming the operations does not load the SDK; a
 * command's class is taken from the SDK only when a request is sent through it.
 * @module
 */
import type * as sdk from "@aws-sdk/client-dynamodb";
import { OPERATION_NAMES } from "../sdk-snapshot.js";
import { requireSdk } from "../sdk-module.js";

type Sdk = typeof sdk;

/** A constructor of an SDK command: `new (input) => { input, resolveMiddleware }`. */
type CommandConstructor = abstract new (...args: any[]) => {
  readonly input: object;
  resolveMiddleware(...args: any[]): (...args: any[]) => Promise<{ output: object }>;
};

type CommandExportName = {
  [K in keyof Sdk]: K extends `$${string}` // `$Command` is the SDK's base class, not an operation
    ? never
    : K extends `${string}Command`
      ? Sdk[K] extends CommandConstructor
        ? K
        : never
      : never;
}[keyof Sdk];

/** The name of a DynamoDB operation, e.g. `"GetItem"`, `"Scan"`, `"TransactWriteItems"`. */
export type OperationName = CommandExportName extends `${infer N}Command` ? N : never;

/** The SDK command class of operation `N`, e.g. `GetItemCommand`. */
export type CommandOf<N extends OperationName> = Sdk[`${N}Command`];

/** The SDK input of operation `N`, e.g. `ScanCommandInput`. */
export type InputOf<N extends OperationName> = InstanceType<CommandOf<N>>["input"];

/** The SDK output of operation `N`, e.g. `ScanCommandOutput`. */
export type OutputOf<N extends OperationName> = Awaited<
  ReturnType<ReturnType<InstanceType<CommandOf<N>>["resolveMiddleware"]>>
>["output"];

/** The session/pool method name of operation `N`: `"GetItem"` → `"getItem"`. */
export type MethodName<N extends OperationName> = Uncapitalize<N>;

type AnyCommandClass = new (input: object) => sdk.$Command<any, any, any, any, any>;

const isCommandClass = (value: unknown): value is AnyCommandClass =>
  typeof value === "function" &&
  typeof (value as { prototype?: { resolveMiddleware?: unknown } }).prototype?.resolveMiddleware ===
    "function";

// The snapshot names every operation of the installed SDK's types, and no other (else: regenerate it).
type Snapshot = (typeof OPERATION_NAMES)[number];
const snapshotCoversSdk: [Exclude<OperationName, Snapshot>, Exclude<Snapshot, OperationName>] extends [never, never] ? true : false = true; // prettier-ignore
void snapshotCoversSdk;

/**
 * The SDK command class of operation `name` (`GetItemCommand`), from the SDK, loaded now if it
 * is not yet (only a request sent through an SDK client asks, and its SDK is loaded).
 */
export function commandClass(name: OperationName): AnyCommandClass {
  const ctor = (requireSdk() as unknown as Record<string, unknown>)[`${name}Command`];
  if (!isCommandClass(ctor)) throw new TypeError(`the installed SDK has no ${name}Command`);
  return ctor;
}

/**
 * The data-plane operations: the ones that read or write items. They take
 * `ReturnConsumedCapacity`, and the direct transport sends them itself.
 */
export const dataPlaneOperations: ReadonlySet<OperationName> = new Set<OperationName>([
  "GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem",
  "BatchWriteItem", "TransactGetItems", "TransactWriteItems", "ExecuteStatement",
  "BatchExecuteStatement", "ExecuteTransaction",
]); // prettier-ignore

/** Every operation name, in the SDK's export order. */
export const operationNames: readonly OperationName[] = OPERATION_NAMES;

const operationSet: ReadonlySet<string> = new Set(OPERATION_NAMES);

/** `"GetItem"` → `"getItem"`. */
export function methodName<N extends OperationName>(name: N): MethodName<N> {
  return (name.charAt(0).toLowerCase() + name.slice(1)) as MethodName<N>;
}

/** True when `name` is an operation of the installed SDK. */
export function isOperationName(name: unknown): name is OperationName {
  return typeof name === "string" && operationSet.has(name);
}
