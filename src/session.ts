// placeholder, being written now
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
export class Dyno {
  readonly client: DynamoDBClient;
  constructor(options: { client: DynamoDBClient }) {
    this.client = options.client;
  }
}
