/**
 * Where dyno-ts gets `@aws-sdk/client-dynamodb`'s values (classes, schemas) from, without a
 * module of it importing them: the main entry provides the SDK as it loads (it imports it
 * anyway), `dyno-ts/lean` loads it only when something needs it. Types are imported as types.
 * @module
 */
import { createRequire } from "node:module";

/** The SDK's module namespace. */
export type SdkModule = typeof import("@aws-sdk/client-dynamodb");

let loaded: SdkModule | undefined;
let loading: Promise<SdkModule> | undefined;

/** Records the SDK's namespace, imported by an entry that loads it eagerly (the main entry). */
export function provideSdk(sdk: SdkModule): void {
  loaded ??= sdk;
}

/** The SDK's namespace if it is loaded, else undefined (nothing is loaded by asking). */
export function loadedSdk(): SdkModule | undefined {
  return loaded;
}

/** The SDK's namespace, loaded now if it is not yet (asynchronously, as `import()`). */
export function loadSdk(): Promise<SdkModule> {
  if (loaded) return Promise.resolve(loaded);
  return (loading ??= import("@aws-sdk/client-dynamodb").then((sdk) => (loaded ??= sdk)));
}

/**
 * The SDK's namespace, loaded synchronously if it is not yet (Node resolves `import` and
 * `require` of the SDK to the same CommonJS build, so its classes are the ones the user has).
 */
export function requireSdk(): SdkModule {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  return (loaded = require("@aws-sdk/client-dynamodb") as SdkModule);
}
