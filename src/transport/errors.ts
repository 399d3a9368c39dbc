/**
 * Error responses as the SDK throws them: an instance of the SDK's own exception class for
 * the error's name (`ConditionalCheckFailedException`, `TransactionCanceledException`, ...),
 * or `DynamoDBServiceException` for a name the SDK does not model, with the same fields.
 * @module
 */
import type { DynamoDBServiceException } from "@aws-sdk/client-dynamodb";
import { EXCEPTIONS } from "../sdk-snapshot.js";
import { loadedSdk } from "../sdk-module.js";
import { parseBody } from "./json.js";

/** What the SDK's deserializer appends to the message of an error met while reading a body. */
export const DESERIALIZATION_NOTE =
  "\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.";

/** The `$metadata` of a response as the SDK's deserializer sets it (before the retry counts). */
export interface ResponseMetadata {
  httpStatusCode: number;
  requestId: string | undefined;
  extendedRequestId: string | undefined;
  cfId: string | undefined;
  attempts?: number;
  totalRetryDelay?: number;
}

/** The status and headers of an HTTP response. */
export interface ResponseHead {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[] | undefined>;
}

/** The parts of an HTTP response the transport keeps. */
export interface WireResponse extends ResponseHead {
  readonly body: string;
}

/**
 * An error met after the response's headers arrived (reading or parsing its body), as the
 * SDK's deserializer middleware reports it: the hint appended to the message, `$metadata`
 * from the headers and the response hidden as `$response`, unless it has a `$metadata`
 * already. Returns `error`.
 */
export function deserializationError<E extends Error>(
  error: E,
  response: ResponseHead & { body?: string },
): E {
  const target = error as E & { $metadata?: unknown };
  if (!Object.prototype.hasOwnProperty.call(target, "$response"))
    Object.defineProperty(target, "$response", {
      value: response,
      enumerable: false,
      writable: false,
      configurable: false,
    });
  if ("$metadata" in target) return error;
  try {
    target.message += DESERIALIZATION_NOTE;
  } catch {
    // a frozen message: the SDK warns instead; the error is still thrown
  }
  const entries = Object.entries(response.headers).map(
    ([name, value]) => [name, Array.isArray(value) ? value.join(",") : value] as const,
  );
  const find = (pattern: RegExp) => entries.find(([name]) => pattern.test(name))?.[1];
  target.$metadata = {
    httpStatusCode: response.statusCode,
    requestId: find(/^x-[\w-]+-request-?id$/),
    extendedRequestId: find(/^x-[\w-]+-id-2$/),
    cfId: find(/^x-[\w-]+-cf-id$/),
  };
  return error;
}

type ExceptionClass = new (options: object) => DynamoDBServiceException;

/**
 * The SDK's class of exception `name`, if the SDK is loaded (the main entry loads it; `dyno-ts/lean`
 * only when something needed it).
 */
function exceptionClass(name: string): ExceptionClass | undefined {
  const sdk = loadedSdk();
  if (!sdk) return undefined;
  const ctor = (sdk as unknown as Record<string, unknown>)[name];
  return typeof ctor === "function" &&
    ctor !== sdk.DynamoDBServiceException &&
    ctor.prototype instanceof sdk.DynamoDBServiceException
    ? (ctor as ExceptionClass)
    : undefined;
}

/** The Smithy shape IDs the SDK's classes carry (`static shapeId`), by which its `instanceof` knows them. */
export const SERVICE_EXCEPTION_SHAPE_ID =
  "smithy.ts.sdk.synthetic.com.amazonaws.dynamodb#DynamoDBServiceException";
export const EXCEPTION_SHAPE_NAMESPACE = "com.amazonaws.dynamodb#";

/**
 * An exception of the SDK's shape made without its classes (the SDK is not loaded): the SDK's
 * `ServiceException[Symbol.hasInstance]` recognises it by its shape and the shape IDs on its
 * prototype chain, so `instanceof DynamoDBServiceException` and `instanceof
 * ConditionalCheckFailedException` (its own class, by {@link leanExceptionClass}) hold once the
 * SDK is imported, even if that happens after the error was thrown.
 */
class LeanServiceException extends Error {
  static readonly shapeId: string = SERVICE_EXCEPTION_SHAPE_ID;
  $fault: "client" | "server";
  $metadata: ResponseMetadata;
  /** An own property, undefined unless set, as on the SDK's exceptions (a class field there). */
  $retryable: { throttling?: boolean } | undefined;
  constructor(name: string, fault: "client" | "server", $metadata: ResponseMetadata) {
    super();
    this.name = name;
    this.$fault = fault;
    this.$metadata = $metadata;
    this.$retryable = undefined;
  }
}

// named as the SDK's base class, whose instance an unmodelled exception is on the SDK path
Object.defineProperty(LeanServiceException, "name", { value: "DynamoDBServiceException" });

const leanClasses = new Map<string, typeof LeanServiceException>();

/** The stand-in class of modelled exception `name`: its shape ID is the SDK class's. */
function leanExceptionClass(name: string): typeof LeanServiceException {
  let ctor = leanClasses.get(name);
  if (!ctor) {
    // named as the SDK's class (`error.constructor.name`); `name` is a modelled exception's
    ctor = {
      [name]: class extends LeanServiceException {
        static override readonly shapeId: string = EXCEPTION_SHAPE_NAMESPACE + name;
      },
    }[name]!;
    leanClasses.set(name, ctor);
  }
  return ctor;
}

/** The `$metadata` the SDK reads from response headers. */
export function responseMetadata(response: Omit<WireResponse, "body">): ResponseMetadata {
  const h = response.headers;
  return {
    httpStatusCode: response.statusCode,
    requestId:
      header(h, "x-amzn-requestid") ??
      header(h, "x-amzn-request-id") ??
      header(h, "x-amz-request-id"),
    extendedRequestId: header(h, "x-amz-id-2"),
    cfId: header(h, "x-amz-cf-id"),
  };
}

function header(headers: WireResponse["headers"], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

/**
 * The SDK's exception for an error response (status ≥ 300), with `$response` hidden on it.
 * A body that is not JSON throws the SDK's deserialization error instead (a `SyntaxError`
 * with `$metadata`, as for an HTML 503 from a load balancer).
 */
export function responseError(response: WireResponse): DynamoDBServiceException {
  let data: Record<string, unknown>;
  try {
    const parsed: unknown = parseBody(response.body);
    // as the SDK reads a JSON body that is not an object: null as {}, a string by its characters
    data = (parsed === null ? {} : Object(parsed)) as Record<string, unknown>;
  } catch (error) {
    throw deserializationError(error as Error, response); // the SDK's error for a body that is not JSON
  }
  const $metadata = responseMetadata(response);
  const code = errorCode(response, data) ?? "Unknown";
  const statusFault = response.statusCode < 500 ? "client" : "server";
  const known = EXCEPTIONS[code];
  const Ctor = known && Object.hasOwn(EXCEPTIONS, code) ? exceptionClass(code) : undefined;
  let error: DynamoDBServiceException;
  if (known && Object.hasOwn(EXCEPTIONS, code)) {
    const modelled: Record<string, unknown> = {};
    for (const member of known.members) if (data[member] != null) modelled[member] = data[member];
    if (Ctor) error = new Ctor({});
    else {
      error = new (leanExceptionClass(code))(code, known.fault, $metadata) as never;
      // the SDK class's constructor sets every modelled member, undefined when absent
      for (const member of known.members)
        (error as unknown as Record<string, unknown>)[member] = undefined;
    }
    const traitFault = error.$fault;
    Object.assign(
      error,
      { $metadata, $fault: statusFault },
      { $fault: traitFault, message: data.message ?? data.Message ?? "UnknownError" },
      modelled,
    );
  } else {
    data.message = data.message ?? data.Message ?? "UnknownError";
    const sdk = loadedSdk();
    error = Object.assign(
      sdk
        ? new sdk.DynamoDBServiceException({ name: code } as never)
        : (new LeanServiceException(code, statusFault, $metadata) as never),
      { $metadata, $fault: statusFault },
    );
  }
  decorate(error, data);
  Object.defineProperty(error, "$response", {
    value: response,
    enumerable: false,
    writable: false,
    configurable: false,
  });
  return error;
}

/** The error's name as the SDK's awsJson1_0 protocol finds it: `__type`, `code`, then the header. */
function errorCode(response: WireResponse, data: Record<string, unknown>): string | undefined {
  if (data.__type !== undefined) return sanitizeErrorCode(data.__type);
  const codeKey = Object.keys(data).find((key) => key.toLowerCase() === "code");
  if (codeKey && data[codeKey] !== undefined) return sanitizeErrorCode(data[codeKey]);
  const type = header(response.headers, "x-amzn-errortype");
  return type === undefined ? undefined : sanitizeErrorCode(type);
}

function sanitizeErrorCode(raw: unknown): string {
  let value = typeof raw === "number" ? raw.toString() : String(raw);
  if (value.includes(",")) value = value.split(",")[0]!;
  if (value.includes(":")) value = value.split(":")[0]!;
  if (value.includes("#")) value = value.split("#")[1]!;
  return value;
}

/** The SDK's `decorateServiceException`: the body's other fields, where the error has none. */
function decorate(error: DynamoDBServiceException, data: Record<string, unknown>): void {
  const target = error as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined) continue;
    if (target[key] == undefined || target[key] === "") target[key] = value;
  }
  target.message = target.message || target.Message || "UnknownError";
  delete target.Message;
}
