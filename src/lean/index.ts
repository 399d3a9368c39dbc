/**
 * `dyno-ts/lean`: the whole dyno-ts API, with {@link leanDyno}, a session that sends the data
 * plane itself and loads `@aws-sdk/client-dynamodb` only when something needs it (API.md
 * section 18, README "Lambda: dyno-ts/lean").
 * @module
 */
export * from "../api.js";
export { LeanClient, type LeanOptions } from "./client.js";
export type { Credentials, CredentialProvider } from "./credentials.js";
export { leanDyno, type LeanDynoOptions } from "./lean-dyno.js";
