/**
 * The AWS SDK v3 deserializes DynamoDB's answers by assigning each member by name, so a table or
 * attribute called `__proto__` is lost from every answer whose object keys are user names
 * (`Responses`, `UnprocessedItems`/`UnprocessedKeys`, `Items`, `Item`, `Attributes`,
 * `LastEvaluatedKey`, ...): a write could land and be reported unprocessed, or a read come back
 * without the attribute. The SDK path therefore refuses, before sending, any request that names
 * one; the direct transport reads such answers itself.
 * @module
 */
import { DynoValidationError } from "../errors.js";

const PROTO = "__proto__";
/** Expression members that may name an attribute literally. */
const EXPRESSIONS = [
  "ProjectionExpression",
  "KeyConditionExpression",
  "FilterExpression",
  "ConditionExpression",
  "UpdateExpression",
] as const;
const LITERAL = /(^|[^#:\w])__proto__(?!\w)/;
/**
 * The input members whose keys are user names (tables, attributes, map keys): a `__proto__` key
 * anywhere else is an undeclared member, which the SDK's serializer leaves out, as any other.
 */
const NAME_MAPS =
  /(?:\.(?:RequestItems|Key|Item|ExclusiveStartKey|M|Expected|AttributeUpdates|KeyConditions|QueryFilter|ScanFilter)|\.Keys\[\d+\])$/;

/** Where `input` names `__proto__` (a table or attribute name), or `undefined`. */
export function protoNameIn(input: unknown, path = "input"): string | undefined {
  if (Array.isArray(input)) {
    for (let i = 0; i < input.length; i++) {
      const found = protoNameIn(input[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (!input || typeof input !== "object" || input instanceof Uint8Array) return undefined;
  const record = input as Record<string, unknown>;
  for (const name of Object.keys(record)) {
    if (name === PROTO) {
      if (NAME_MAPS.test(path)) return `${path}.${name}`;
      continue;
    }
    const value = record[name];
    if (
      value === PROTO &&
      ((name === "TableName" && path.includes("TransactItems")) ||
        path.endsWith("ExpressionAttributeNames"))
    )
      return `${path}.${name}`;
    if (name === "AttributesToGet" && Array.isArray(value) && value.includes(PROTO))
      return `${path}.${name}`;
    if (typeof value === "string" && (EXPRESSIONS as readonly string[]).includes(name)) {
      if (LITERAL.test(value)) return `${path}.${name}`;
      continue;
    }
    const found = protoNameIn(value, `${path}.${name}`);
    if (found) return found;
  }
  return undefined;
}

/**
 * Throws before sending when `input` names a table or attribute `__proto__`, which the SDK
 * cannot carry back in its answer.
 * @throws DynoValidationError naming where the name is.
 */
export function refuseProtoNamesForSdk(operation: string, input: unknown): void {
  const where = protoNameIn(input);
  if (where === undefined) return;
  throw new DynoValidationError(
    where,
    `${operation}: a table or attribute named "__proto__" cannot be read back by the AWS SDK ` +
      `(its deserializer drops that name from the answer); not sent. Use the direct transport ` +
      `(new Dyno({ transport: "direct" })) or rename it`,
  );
}
