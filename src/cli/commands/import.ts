/**
 * `dyno-ts import TABLE --in FILE`: JSON lines written with `batchWriteItemAll` (unprocessed
 * items retried with backoff until written), a thousand lines at a time. A file is checked
 * whole before anything is written, so a bad line fails the import with nothing half done.
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { BatchIncompleteError, type Dyno } from "../../index.js";
import { formatFlag, stringFlag, type Command, type Format } from "../args.js";
import { LineError, parseItem } from "../format.js";
import type { Io } from "../io.js";
import { progressBar } from "../progress.js";

const CHUNK = 1000;

/** The items of a JSON-lines source, with their line numbers; a bad line throws naming it. */
async function* itemsOf(
  source: NodeJS.ReadableStream,
  name: string,
  format: Format,
): AsyncGenerator<{ line: number; item: Record<string, AttributeValue> }> {
  let line = 0;
  for await (const text of createInterface({ input: source, crlfDelay: Infinity })) {
    line++;
    if (text.trim() === "") continue;
    try {
      yield { line, item: parseItem(text, format) };
    } catch (error) {
      const message = error instanceof LineError ? error.message : (error as Error).message;
      throw new LineError(`${name}:${line}: ${message}`);
    }
  }
}

/** `dyno-ts import TABLE --in FILE.jsonl` (`--in -` reads stdin). */
export async function importTable(dyno: Dyno, command: Command, io: Io): Promise<void> {
  const table = command.positionals[0]!;
  const input = stringFlag(command.values, "in", true);
  const format = formatFlag(command.values, "dynamodb");
  const open = () => (input === "-" ? io.stdin : createReadStream(input));
  if (input !== "-") for await (const _ of itemsOf(open(), input, format)); // check every line first
  const bar = progressBar(`import ${table}`, io.stderr);
  let written = 0;
  let chunk: { line: number; item: Record<string, AttributeValue> }[] = [];
  const flush = async () => {
    if (chunk.length === 0) return;
    const first = chunk[0]!.line;
    const last = chunk.at(-1)!.line;
    try {
      await dyno.batchWriteItemAll(
        { RequestItems: { [table]: chunk.map(({ item }) => ({ PutRequest: { Item: item } })) } },
        { signal: io.signal },
      );
    } catch (error) {
      const left =
        error instanceof BatchIncompleteError
          ? ` (${countOf(error.unprocessed)} of lines ${first}-${last} not written)`
          : ` (lines ${first}-${last})`;
      throw new Error(`${written} items written before ${(error as Error).message}${left}`, {
        cause: error,
      });
    }
    written += chunk.length;
    bar.update({ items: written });
    chunk = [];
  };
  try {
    for await (const entry of itemsOf(open(), input === "-" ? "stdin" : input, format)) {
      chunk.push(entry);
      if (chunk.length >= CHUNK) await flush();
    }
    await flush();
  } finally {
    bar.end();
  }
  if (io.stderr.isTTY) io.stderr.write(`imported ${written} items into ${table}\n`);
}

function countOf(unprocessed: unknown): number {
  const items = (unprocessed as { RequestItems?: Record<string, unknown[]> } | undefined)
    ?.RequestItems;
  return Object.values(items ?? {}).reduce((n, list) => n + list.length, 0);
}
