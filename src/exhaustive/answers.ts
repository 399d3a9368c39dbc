/**
 * Checks that an answer the runs are about to trust could be DynamoDB's. DynamoDB always sends
 * `Count` and `ScannedCount` on a Scan/Query page, a `Responses` list (possibly empty) for every
 * table asked in a BatchGetItem, and `UnprocessedKeys` / `UnprocessedItems` (possibly `{}`). An
 * answer without them (an empty body, `{}`, `[]` from a proxy or a middleware) would otherwise end
 * a scan early, or count keys as read-and-missing and writes as done: it is refused with a
 * {@link DynoResponseError} instead. A body that is not JSON (the SDK's `SyntaxError`) is turned
 * into the same error, naming the operation and the tables.
 * @module
 */
import { DynoResponseError } from "../errors.js";

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * True for the error both transports throw when the body of a 2xx response is not JSON (a
 * `SyntaxError`; one with an error status, an HTML 503 from a load balancer, stays as it is: it
 * is retried as a 5xx).
 */
export function isUnreadableAnswer(error: unknown): boolean {
  if (!(error instanceof SyntaxError)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === undefined || status < 300;
}

/**
 * `error` as thrown by a request of `operation` on `tables`: an unreadable body becomes a
 * {@link DynoResponseError} (the SDK's error as its `cause`); anything else is returned as it is.
 */
export function answerError(
  error: unknown,
  operation: string,
  tables: readonly string[],
  where: string,
): unknown {
  if (!isUnreadableAnswer(error)) return error;
  const first = String((error as Error).message).split("\n")[0];
  return new DynoResponseError(
    operation,
    tables,
    `the answer to ${where} is not JSON (${first}); nothing in it was taken`,
    { cause: error },
  );
}

/** Refuses a Scan/Query page without `Count`/`ScannedCount`, or with items that are not items. */
export function checkPage(
  operation: "Scan" | "Query",
  table: string | undefined,
  where: string,
  page: unknown,
): void {
  const refuse = (what: string) =>
    new DynoResponseError(
      operation,
      table === undefined ? [] : [table],
      `the answer to ${where} ${what}: it cannot be DynamoDB's (a proxy or middleware answered?); the run stops rather than end early`,
    );
  if (!isObject(page)) throw refuse("is not an object");
  if (typeof page.Count !== "number") throw refuse("has no Count");
  if (typeof page.ScannedCount !== "number") throw refuse("has no ScannedCount");
  if (page.Items !== undefined && (!Array.isArray(page.Items) || !page.Items.every(isObject)))
    throw refuse("has Items that are not a list of items");
}

/**
 * Refuses a BatchGetItem answer that does not account for every table asked: `Responses.<table>`
 * a list of items, unless every key of that table came back in `UnprocessedKeys`
 * (`allUnprocessed(table)`); or that has no `UnprocessedKeys`.
 */
export function checkBatchGet(
  tables: readonly string[],
  where: string,
  output: unknown,
  allUnprocessed: (table: string) => boolean,
): void {
  const refuse = (what: string) =>
    new DynoResponseError(
      "BatchGetItem",
      tables,
      `the answer to ${where} ${what}: it cannot be DynamoDB's (a proxy or middleware answered?); no key of it is counted as read`,
    );
  if (!isObject(output)) throw refuse("is not an object");
  if (!isObject(output.UnprocessedKeys)) throw refuse("has no UnprocessedKeys");
  const responses = output.Responses ?? {};
  if (!isObject(responses)) throw refuse("has a Responses that is not a map of tables");
  for (const table of tables) {
    if (!Object.hasOwn(responses, table)) {
      if (allUnprocessed(table)) continue;
      throw refuse(`has no Responses.${table}`);
    }
    const items = responses[table];
    if (!Array.isArray(items) || !items.every(isObject))
      throw refuse(`has a Responses.${table} that is not a list of items`);
  }
}

/** Refuses a BatchWriteItem answer without `UnprocessedItems` (DynamoDB sends `{}` when all were written). */
export function checkBatchWrite(tables: readonly string[], where: string, output: unknown): void {
  if (isObject(output) && isObject(output.UnprocessedItems)) return;
  throw new DynoResponseError(
    "BatchWriteItem",
    tables,
    `the answer to ${where} ${isObject(output) ? "has no UnprocessedItems" : "is not an object"}: it cannot be DynamoDB's (a proxy or middleware answered?); its writes may or may not have been made`,
  );
}
