/**
 * `tables`, `scan` and `query`: reads printed as lines on stdout.
 * @module
 */
import type { AttributeValue, ScanCommandInput } from "@aws-sdk/client-dynamodb";
import { DynoError, type Dyno } from "../../index.js";
import { UsageError, formatFlag, intFlag, stringFlag, type Command } from "../args.js";
import { formatItem } from "../format.js";
import { LineWriter, type Io } from "../io.js";
import { progressBar } from "../progress.js";

/** `dyno-ts tables`: every table name, one a line. */
export async function tables(dyno: Dyno, _command: Command, io: Io): Promise<void> {
  const out = new LineWriter(io.stdout);
  let ExclusiveStartTableName: string | undefined;
  // A server that hands back a name it already gave would otherwise be followed forever.
  const seen = new Set<string>();
  do {
    const page = await dyno.withSignal(io.signal).listTables({ ExclusiveStartTableName });
    for (const name of page.TableNames ?? []) await out.write(name);
    ExclusiveStartTableName = page.LastEvaluatedTableName;
    if (ExclusiveStartTableName !== undefined) {
      if (seen.has(ExclusiveStartTableName)) {
        throw new DynoError(
          `tables: ListTables returned LastEvaluatedTableName ${JSON.stringify(ExclusiveStartTableName)} ` +
            `twice (page ${seen.size + 1}); stopping instead of listing the same tables forever`,
        );
      }
      seen.add(ExclusiveStartTableName);
    }
  } while (ExclusiveStartTableName);
}

/** Prints pages' items until they end or `limit` items were printed. */
async function printPages(
  pages: (signal: AbortSignal) => AsyncIterable<{ Items?: Record<string, AttributeValue>[] }>[],
  command: Command,
  io: Io,
  label: string,
): Promise<void> {
  const format = formatFlag(command.values, "plain");
  const limit = intFlag(command.values, "limit", 1);
  const out = new LineWriter(io.stdout);
  const bar = progressBar(label, io.stderr);
  const enough = new AbortController();
  const signal = AbortSignal.any([io.signal, enough.signal]);
  let printed = 0;
  try {
    await Promise.all(
      pages(signal).map(async (source) => {
        try {
          for await (const page of source) {
            for (const item of page.Items ?? []) {
              if (limit !== undefined && printed >= limit) return void enough.abort();
              printed++;
              await out.write(formatItem(item, format));
            }
            bar.update({ items: printed });
            if (limit !== undefined && printed >= limit) return void enough.abort();
          }
        } catch (error) {
          if (!enough.signal.aborted || io.signal.aborted) throw error;
        }
      }),
    );
  } finally {
    bar.end();
  }
}

/** `dyno-ts scan TABLE [--segments N] [--limit N]`. */
export async function scan(dyno: Dyno, command: Command, io: Io): Promise<void> {
  const table = command.positionals[0]!;
  const segments = intFlag(command.values, "segments", 1, 1_000_000);
  const input: ScanCommandInput = { TableName: table };
  await printPages(
    (signal) =>
      segments === undefined
        ? [dyno.scanPages(input, { signal })]
        : Array.from({ length: segments }, (_, Segment) =>
            dyno.scanPages({ ...input, Segment, TotalSegments: segments }, { signal }),
          ),
    command,
    io,
    `scan ${table}`,
  );
}

/** `dyno-ts query TABLE --key NAME=VALUE [--key NAME=VALUE] [--index NAME]`. */
export async function query(dyno: Dyno, command: Command, io: Io): Promise<void> {
  const table = command.positionals[0]!;
  const index = stringFlag(command.values, "index");
  const pairs = (command.values.key as string[] | undefined) ?? [];
  if (pairs.length === 0)
    throw new UsageError("query: --key NAME=VALUE is required (the partition key)");
  const described = await dyno.withSignal(io.signal).describeTable({ TableName: table });
  const t = described.Table;
  const schema =
    index === undefined
      ? t?.KeySchema
      : [...(t?.GlobalSecondaryIndexes ?? []), ...(t?.LocalSecondaryIndexes ?? [])].find(
          (i) => i.IndexName === index,
        )?.KeySchema;
  if (!schema) throw new UsageError(`query: table ${table} has no index ${JSON.stringify(index)}`);
  const typeOf = (name: string) =>
    t?.AttributeDefinitions?.find((d) => d.AttributeName === name)?.AttributeType ?? "S";
  const where = index === undefined ? `table ${table}` : `index ${index} of ${table}`;
  const keyNames = schema.map(
    (k) => `${k.AttributeName} (${k.KeyType === "HASH" ? "partition" : "sort"})`,
  );
  const values: Record<string, AttributeValue> = {};
  const names: Record<string, string> = {};
  const conditions: string[] = [];
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new UsageError(`--key: expected NAME=VALUE, got ${JSON.stringify(pair)}`);
    const name = pair.slice(0, at);
    const raw = pair.slice(at + 1);
    if (!schema.some((k) => k.AttributeName === name)) {
      throw new UsageError(
        `--key: ${name} is not a key of ${where} (its keys: ${keyNames.join(", ")})`,
      );
    }
    if (Object.values(names).includes(name)) throw new UsageError(`--key: ${name} given twice`);
    const type = typeOf(name);
    if (type === "N" && !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw)) {
      throw new UsageError(`--key: ${name} is a number key, got ${JSON.stringify(raw)}`);
    }
    const i = conditions.length;
    names[`#k${i}`] = name;
    values[`:k${i}`] =
      type === "B" ? { B: Buffer.from(raw, "base64") } : type === "N" ? { N: raw } : { S: raw };
    conditions.push(`#k${i} = :k${i}`);
  }
  const partition = schema.find((k) => k.KeyType === "HASH")!.AttributeName!;
  if (!Object.values(names).includes(partition)) {
    throw new UsageError(
      `query: --key ${partition}=VALUE is required (the partition key of ${where})`,
    );
  }
  await printPages(
    (signal) => [
      dyno.queryPages(
        {
          TableName: table,
          ...(index === undefined ? {} : { IndexName: index }),
          KeyConditionExpression: conditions.join(" AND "),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
        { signal },
      ),
    ],
    command,
    io,
    `query ${table}`,
  );
}
