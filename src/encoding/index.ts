// TEMPORARY minimal encoder (the encoding issue replaces this folder): same entry points.
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { marshall, unmarshall, convertToAttr, convertToNative } from "@aws-sdk/util-dynamodb";

export function marshalValue(value: unknown): AttributeValue {
  return convertToAttr(value, { removeUndefinedValues: true });
}
export function unmarshalValue(value: AttributeValue): unknown {
  return convertToNative(value);
}
export function marshalItem(value: Record<string, unknown>): Record<string, AttributeValue> {
  return marshall(value, { removeUndefinedValues: true });
}
export function unmarshalItem(item: Record<string, AttributeValue>): Record<string, unknown> {
  return unmarshall(item);
}
