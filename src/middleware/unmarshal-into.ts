import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshalItems, type SchemaLike, type UnmarshalOptions } from "../encoding/index.js";
import type { Handler, OperationContext } from "../operation/middleware.js";

/** The operations whose outputs hold items that {@link unmarshalInto} can decode. */
export type ItemReadOperation = "GetItem" | "Query" | "Scan" | "BatchGetItem";

/** A middleware for the item-reading operations (per call: `dyno.query(input, unmarshalInto(users, User))`). */
export type ItemReadMiddleware = <N extends ItemReadOperation>(next: Handler<N>) => Handler<N>;

/**
 * Decodes the items of a GetItem, Query, Scan or BatchGetItem output (and of their exhaustive
 * variants) and appends them to `target`, with `schema` when given. The output itself is
 * returned unchanged. For BatchGetItem, items of every table are appended, table by table.
 *
 * @example
 * ```ts
 * const users: User[] = [];
 * await dyno.query(input, unmarshalInto(users, User));
 * ```
 */
export function unmarshalInto<T>(
  target: T[],
  schema: SchemaLike<T>,
  options?: UnmarshalOptions,
): ItemReadMiddleware;
export function unmarshalInto(
  target: Record<string, unknown>[],
  schema?: undefined,
  options?: UnmarshalOptions,
): ItemReadMiddleware;
export function unmarshalInto(
  target: unknown[],
  schema?: SchemaLike<unknown>,
  options?: UnmarshalOptions,
): ItemReadMiddleware {
  return <N extends ItemReadOperation>(next: Handler<N>): Handler<N> =>
    async (ctx: OperationContext<N>) => {
      const output = await next(ctx);
      const decoded = unmarshalItems(itemsOf(output), schema as SchemaLike<unknown>, options);
      for (const item of decoded) target.push(item);
      return output;
    };
}

type ItemMap = Record<string, AttributeValue>;

function itemsOf(output: {
  Item?: ItemMap;
  Items?: ItemMap[];
  Responses?: Record<string, ItemMap[]>;
}): ItemMap[] {
  if (output.Items) return output.Items;
  if (output.Item) return [output.Item];
  if (output.Responses) return Object.values(output.Responses).flat();
  return [];
}
