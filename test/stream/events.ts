/** Hand-built DynamoDB stream events and records, as Lambda delivers them. */
import type { StreamRecordInput } from "../../src/index.js";

export const region = "us-east-1";
export const arnOf = (table: string, shard = "2024-01-01T00:00:00.000") =>
  `arn:aws:dynamodb:${region}:123456789012:table/${table}/stream/${shard}`;

let seq = 100;
/** A Lambda stream record; images in DynamoDB JSON with binaries base64, like Lambda's. */
export function record(
  table: string,
  eventName: "INSERT" | "MODIFY" | "REMOVE",
  data: {
    Keys?: Record<string, unknown>;
    NewImage?: Record<string, unknown>;
    OldImage?: Record<string, unknown>;
    SequenceNumber?: string | null;
  },
  extra: Partial<StreamRecordInput> = {},
): StreamRecordInput {
  seq += 1;
  const { SequenceNumber, ...images } = data;
  return {
    eventID: `e${seq}`,
    eventName,
    eventVersion: "1.1",
    eventSource: "aws:dynamodb",
    awsRegion: region,
    eventSourceARN: arnOf(table),
    dynamodb: {
      ApproximateCreationDateTime: 1_700_000_000,
      ...images,
      ...(SequenceNumber === null
        ? {}
        : { SequenceNumber: SequenceNumber ?? `${seq}000000000000000000001` }),
      SizeBytes: 100,
      StreamViewType: "NEW_AND_OLD_IMAGES",
    },
    ...extra,
  } as StreamRecordInput;
}
