/**
 * dyno-ts: a layer over the AWS SDK v3 DynamoDB client.
 * @module
 */
import * as sdk from "@aws-sdk/client-dynamodb";
import { provideSdk } from "./sdk-module.js";

// The main entry loads the SDK as it always did (its sessions take SDK clients); `dyno-ts/lean` does not.
provideSdk(sdk);

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
