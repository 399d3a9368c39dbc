/**
 * `node:https`, loaded the first time a request goes to an https endpoint: a session that only
 * talks to an http endpoint (DynamoDB Local, a test server) never loads it nor `node:tls`, which
 * a cold start of `dyno-ts/lean` would otherwise pay (issue 19).
 * @module
 */
import { createRequire } from "node:module";

/** `node:https`'s module. */
export type HttpsModule = typeof import("node:https");

let https: HttpsModule | undefined;

/** `node:https`, loaded synchronously on the first call. */
export function nodeHttps(): HttpsModule {
  // `process.getBuiltinModule` since Node 20.16; before, a `require` (from anywhere: a built-in)
  return (https ??=
    (process.getBuiltinModule?.("node:https") as HttpsModule | undefined) ??
    (createRequire(process.execPath)("node:https") as HttpsModule));
}
