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
import { illFormedError, isWellFormed } from "../well-formed.js";

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

/** What the SDK path refuses, and where: a `__proto__` name, or a string with a lone surrogate. */
interface Refused {
  readonly where: string;
  readonly surrogate: boolean;
}

const proto = (where: string): Refused => ({ where, surrogate: false });
const lone = (where: string): Refused => ({ where, surrogate: true });

/**
 * Where `input` names `__proto__` (a table or attribute name) or holds a string with a lone
 * surrogate (see `well-formed.ts`), or `undefined`: one walk for both checks.
 */
function refusedIn(input: unknown, path: string): Refused | undefined {
  if (typeof input === "string") return isWellFormed(input) ? undefined : lone(path);
  if (Array.isArray(input)) {
    for (let i = 0; i < input.length; i++) {
      const found = refusedIn(input[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (!input || typeof input !== "object" || input instanceof Uint8Array) return undefined;
  const record = input as Record<string, unknown>;
  for (const name of Object.keys(record)) {
    if (!isWellFormed(name)) return lone(`${path}[${JSON.stringify(name)}]`);
    if (name === PROTO) {
      if (NAME_MAPS.test(path)) return proto(`${path}.${name}`);
      continue;
    }
    const value = record[name];
    if (
      value === PROTO &&
      ((name === "TableName" && path.includes("TransactItems")) ||
        path.endsWith("ExpressionAttributeNames"))
    )
      return proto(`${path}.${name}`);
    if (name === "AttributesToGet" && Array.isArray(value) && value.includes(PROTO))
      return proto(`${path}.${name}`);
    if (typeof value === "string" && (EXPRESSIONS as readonly string[]).includes(name)) {
      if (LITERAL.test(value)) return proto(`${path}.${name}`);
      if (!isWellFormed(value)) return lone(`${path}.${name}`);
      continue;
    }
    const found = refusedIn(value, `${path}.${name}`);
    if (found) return found;
  }
  return undefined;
}

/**
 * Throws before sending when `input` names a table or attribute `__proto__`, which the SDK
 * cannot carry back in its answer, or holds a string with a lone surrogate, which DynamoDB
 * cannot store as given.
 * @throws DynoValidationError naming where.
 */
export function refuseForSdk(operation: string, input: unknown): void {
  const found = refusedIn(input, "input");
  if (found === undefined) return;
  if (found.surrogate) throw illFormedError(operation, found.where);
  throw new DynoValidationError(
    found.where,
    `${operation}: a table or attribute named "__proto__" cannot be read back by the AWS SDK ` +
      `(its deserializer drops that name from the answer); not sent. Use the direct transport ` +
      `(new Dyno({ transport: "direct" })) or rename it`,
  );
}

/**
 * Where `input` names a table or attribute `__proto__` (paths start with `path`), or
 * `undefined`: what {@link refuseForSdk} refuses for that reason, for a caller that names the
 * offending record itself (the command line's import names the file and line).
 */
export function protoNameIn(input: unknown, path = "input"): string | undefined {
  const found = refusedIn(input, path);
  return found && !found.surrogate ? found.where : undefined;
}
