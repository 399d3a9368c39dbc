/**
 * The public API of dyno-ts, shared by the main entry (`dyno-ts`, which loads the SDK up front)
 * and `dyno-ts/lean` (which loads it only when needed).
 * @module
 */
export * from "./errors.js";
export * from "./session.js";
export * from "./exhaustive/index.js";
export * from "./operation/index.js";
export * from "./middleware/index.js";
export * from "./encoding/index.js";
export * from "./expression/index.js";
export * from "./builders/index.js";
export * from "./lock/index.js";
export * from "./pool/index.js";
export * from "./table/index.js";
export * from "./stream/index.js";
export * from "./entity/index.js";
export * from "./jobs/index.js";
