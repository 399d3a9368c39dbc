/**
 * The one registry of DynamoDB operations, derived from the installed
 * `@aws-sdk/client-dynamodb`: every exported `XxxCommand` class is an operation `"Xxx"`.
 * Types come from the SDK's declarations, the runtime table from its exports, so a command
 * added to the SDK becomes a session method, a pool method and an `Operation` name without
 * a line of code here.
 * @module
 */
import * as sdk from "@aws-sdk/client-dynamodb";

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

/** Operation name → SDK command class, for every command the installed SDK exports. */
export const commands: ReadonlyMap<OperationName, AnyCommandClass> = new Map(
  Object.keys(sdk)
    .filter((exportName) => /^[A-Z][A-Za-z0-9]*Command$/.test(exportName))
    .map((exportName) => [exportName, (sdk as Record<string, unknown>)[exportName]] as const)
    .filter((entry): entry is readonly [string, AnyCommandClass] => isCommandClass(entry[1]))
    .map(([exportName, ctor]) => [exportName.slice(0, -"Command".length) as OperationName, ctor]),
);

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
export const operationNames: readonly OperationName[] = [...commands.keys()];

/** `"GetItem"` → `"getItem"`. */
export function methodName<N extends OperationName>(name: N): MethodName<N> {
  return (name.charAt(0).toLowerCase() + name.slice(1)) as MethodName<N>;
}

/** True when `name` is an operation of the installed SDK. */
export function isOperationName(name: unknown): name is OperationName {
  return typeof name === "string" && commands.has(name as OperationName);
}
