/**
 * `node:http` and `node:https`, loaded on first use rather than imported. Since Node 22 an ESM
 * `import` of `node:http` loads `node:tls` too (~10 modules a cold start of `dyno-ts/lean` would
 * pay for nothing on an http endpoint), and `node:https` is only needed for https endpoints.
 * @module
 */
import { createRequire } from "node:module";

/** `node:http`'s module. */
export type HttpModule = typeof import("node:http");
/** `node:https`'s module. */
export type HttpsModule = typeof import("node:https");

let http: HttpModule | undefined;
let https: HttpsModule | undefined;

/** A built-in module, synchronously: `process.getBuiltinModule` since Node 20.16, else `require`. */
function builtin<T>(id: string): T {
  return (
    (process.getBuiltinModule?.(id) as T | undefined) ?? (createRequire(process.execPath)(id) as T)
  );
}

/** `node:http`, loaded synchronously on the first call. */
export function nodeHttp(): HttpModule {
  return (http ??= builtin<HttpModule>("node:http"));
}

/** `node:https`, loaded synchronously on the first call. */
export function nodeHttps(): HttpsModule {
  return (https ??= builtin<HttpsModule>("node:https"));
}
