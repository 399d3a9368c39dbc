/**
 * dyno-ts: a layer over the AWS SDK v3 DynamoDB client.
 * @module
 */
import * as sdk from "@aws-sdk/client-dynamodb";
import { provideSdk } from "./sdk-module.js";

// The main entry loads the SDK as it always did (its sessions take SDK clients); `dyno-ts/lean` does not.
provideSdk(sdk);

export * from "./api.js";
