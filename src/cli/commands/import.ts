/**
 * `dyno-ts import TABLE --in FILE`: JSON lines written with `batchWriteItemAll` (unprocessed
 * items retried with backoff until written), a thousand lines at a time. A file is checked
 * whole before anything is written, so a bad line (not an item, an item without the table's key
 * attributes or over 400 KB, or one this session cannot send) fails the import naming every such
 * line, with nothing written. A line DynamoDB refuses
 * (a ValidationException) is named too: its chunk is written item by item to find it, the other
 * lines are written, and the import fails saying how many items were written and which lines not.
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { createReadStream } from "node:fs";
import { BatchIncompleteError, type Dyno } from "../../index.js";
import { keySchemaOf } from "../../exhaustive/keys.js";
import { MAX_ITEM_BYTES, itemSize } from "../../exhaustive/size.js";
import { protoNameIn } from "../../operation/sdk-names.js";
import { formatFlag, stringFlag, type Command, type Format } from "../args.js";
import { LineError, parseItem } from "../format.js";
import type { Io } from "../io.js";
import { progressBar } from "../progress.js";

const CHUNK = 1000;
/** Bad lines named in one failure; past that, counted. */
const SHOWN = 10;
/** Lines refused by DynamoDB before the import stops (a systematic error stops early). */
const MAX_REFUSED = 10;

type Line = { line: number; item: Record<string, AttributeValue> };
type Checked = Line | { line: number; error: string };

/**
 * The longest line read: an item is at most 400 KB, which its JSON line exceeds only by escapes
 * (at most 6 bytes a character) and base64; longer lines are refused without being kept.
 */
const MAX_LINE_BYTES = 8 * 1024 * 1024;
const TOO_LONG = Symbol("line too long");

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The lines of a byte stream (split at LF, a CR before it dropped), each decoded as UTF-8, or
 * `undefined` for a line that is not valid UTF-8: a text decoder would replace the bad bytes with
 * U+FFFD and the import would store other characters than the file's.
 */
async function* utf8Lines(
  source: NodeJS.ReadableStream,
): AsyncGenerator<string | undefined | typeof TOO_LONG> {
  // The bytes of the line not yet ended, in pieces: joined once when its end comes (joining them
  // on every read would cost the square of a long line's length).
  let pieces: Buffer[] = [];
  let pending = 0;
  const decode = (bytes: Buffer): string | undefined => {
    const end =
      bytes.length > 0 && bytes[bytes.length - 1] === 13 ? bytes.length - 1 : bytes.length;
    try {
      return strictUtf8.decode(bytes.subarray(0, end));
    } catch {
      return undefined;
    }
  };
  for await (const chunk of source) {
    const data = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    let start = 0;
    for (let at = data.indexOf(10); at !== -1; at = data.indexOf(10, start)) {
      const piece = data.subarray(start, at);
      if (pending + piece.length > MAX_LINE_BYTES) yield TOO_LONG;
      else yield decode(pieces.length > 0 ? Buffer.concat([...pieces, piece]) : piece);
      pieces = [];
      pending = 0;
      start = at + 1;
    }
    if (start < data.length) {
      pending += data.length - start;
      // A line past the limit is not kept, only measured: it is refused when it ends.
      if (pending <= MAX_LINE_BYTES) pieces.push(data.subarray(start));
      else pieces = [];
    }
  }
  if (pending > MAX_LINE_BYTES) yield TOO_LONG;
  else if (pieces.length > 0) yield decode(Buffer.concat(pieces));
}

/** The lines of a JSON-lines source as items, or what is wrong with each (`name:line: what`). */
async function* linesOf(
  source: NodeJS.ReadableStream,
  name: string,
  format: Format,
  sdk: boolean,
  keyNames: readonly string[],
): AsyncGenerator<Checked> {
  let line = 0;
  for await (const read of utf8Lines(source)) {
    line++;
    if (read === undefined) {
      yield { line, error: `${name}:${line}: is not valid UTF-8 (JSON text must be)` };
      continue;
    }
    if (read === TOO_LONG) {
      yield {
        line,
        error: `${name}:${line}: is over ${MAX_LINE_BYTES} bytes, longer than any line of an item of 400 KB`,
      };
      continue;
    }
    // A UTF-8 byte order mark at the start of the file is skipped, as jq and most readers do.
    const text = line === 1 && read.startsWith("\uFEFF") ? read.slice(1) : read;
    if (text.trim() === "") continue;
    try {
      const item = parseItem(text, format);
      // The SDK path refuses the whole batch naming "__proto__"; each such line is named here.
      const proto = sdk ? protoNameIn({ Item: item }, "") : undefined;
      if (proto !== undefined) {
        throw new LineError(
          `${proto.slice(1)}: an attribute named "__proto__" cannot be written through the AWS ` +
            `SDK (its deserializer drops that name from answers); rename it`,
        );
      }
      checkWritable(item, keyNames);
      yield { line, item };
    } catch (error) {
      yield { line, error: `${name}:${line}: ${(error as Error).message}` };
    }
  }
}

/**
 * Refuses an item that `batchWriteItemAll` would refuse for its whole batch before sending it
 * (over 400 KB, or without a key attribute, which it needs to find duplicate keys), so that the
 * line is named rather than a position in a batch.
 */
function checkWritable(item: Record<string, AttributeValue>, keyNames: readonly string[]): void {
  const missing = keyNames.filter((key) => !Object.hasOwn(item, key));
  if (missing.length > 0) {
    throw new LineError(
      `Item: lacks the table's key attribute${missing.length > 1 ? "s" : ""} ` +
        missing.map((key) => JSON.stringify(key)).join(" and "),
    );
  }
  const { bytes } = itemSize(item);
  if (bytes > MAX_ITEM_BYTES) {
    throw new LineError(
      `Item: ${bytes} bytes, over DynamoDB's 400 KB item limit (${MAX_ITEM_BYTES} bytes)`,
    );
  }
}

/** One message naming up to {@link SHOWN} bad lines and counting the rest. */
function badLines(errors: readonly string[]): string {
  const more = errors.length > SHOWN ? `; and ${errors.length - SHOWN} more bad lines` : "";
  return errors.slice(0, SHOWN).join("; ") + more;
}

/** `dyno-ts import TABLE --in FILE.jsonl` (`--in -` reads stdin). */
export async function importTable(dyno: Dyno, command: Command, io: Io): Promise<void> {
  const table = command.positionals[0]!;
  const input = stringFlag(command.values, "in", true);
  const format = formatFlag(command.values, "dynamodb");
  const name = input === "-" ? "stdin" : input;
  const sdk = dyno.transport === "sdk";
  const open = () => (input === "-" ? io.stdin : createReadStream(input));
  // Described once, through the cache batchWriteItemAll reads the key schema from.
  const keyNames = await keySchemaOf(dyno.client, table, async () =>
    dyno.withSignal(io.signal).describeTable({ TableName: table }),
  );
  if (input !== "-") {
    // Every line is checked before anything is written.
    const errors: string[] = [];
    for await (const entry of linesOf(open(), name, format, sdk, keyNames)) {
      if ("error" in entry) errors.push(entry.error);
    }
    if (errors.length > 0) throw new LineError(`nothing written: ${badLines(errors)}`);
  }
  const bar = progressBar(`import ${table}`, io.stderr);
  let written = 0;
  let lastLine = 0;
  const refused: string[] = [];
  /** What was written so far, for a failure's message. */
  const sofar = () =>
    `${written} items written (${
      refused.length > 0 ? "every line up to" : "lines up to"
    } ${lastLine}${refused.length > 0 ? " but those named" : ""})`;
  let chunk: Line[] = [];
  const flush = async () => {
    if (chunk.length === 0) return;
    const lines = chunk;
    chunk = [];
    const first = lines[0]!.line;
    const last = lines.at(-1)!.line;
    try {
      await dyno.batchWriteItemAll(
        { RequestItems: { [table]: lines.map(({ item }) => ({ PutRequest: { Item: item } })) } },
        { signal: io.signal },
      );
      written += lines.length;
    } catch (error) {
      if (!refusedByDynamo(error)) {
        const left =
          error instanceof BatchIncompleteError
            ? `${countOf(error.unprocessed)} of lines ${first}-${last} not written`
            : `lines ${first}-${last} maybe not written`;
        throw new Error(`${sofar()}; ${left}: ${(error as Error).message}`, { cause: error });
      }
      // A line DynamoDB refuses fails its whole batch: each line is written alone to name it.
      written += await oneByOne(dyno, table, keyNames, lines, name, refused, io.signal);
    }
    lastLine = last;
    bar.update({ items: written });
    if (refused.length >= MAX_REFUSED) {
      throw new Error(
        `${sofar()}; stopped, nothing after line ${last} written: ${badLines(refused)}`,
      );
    }
  };
  try {
    for await (const entry of linesOf(open(), name, format, sdk, keyNames)) {
      if ("error" in entry) {
        // Only from stdin (a file was checked whole first): what came before it is written.
        await flush();
        throw new LineError(
          `${sofar()}; nothing from line ${entry.line} on written: ${entry.error}` +
            (refused.length > 0 ? `; ${badLines(refused)}` : ""),
        );
      }
      chunk.push(entry);
      if (chunk.length >= CHUNK) await flush();
    }
    await flush();
  } finally {
    bar.end();
  }
  if (refused.length > 0) {
    throw new Error(`${sofar()}; ${refused.length} lines refused: ${badLines(refused)}`);
  }
  if (io.stderr.isTTY) io.stderr.write(`imported ${written} items into ${table}\n`);
}

/** True when DynamoDB refused the request itself (not a throttle, a network or an abort). */
function refusedByDynamo(error: unknown): boolean {
  const cause = error instanceof BatchIncompleteError ? error.cause : error;
  return (cause as { name?: unknown } | null)?.name === "ValidationException";
}

/**
 * Writes `lines` one item at a time, naming each line DynamoDB refuses in `refused`; resolves
 * with the number of items written. Other errors (throttling past retries, aborts) are thrown.
 */
async function oneByOne(
  dyno: Dyno,
  table: string,
  keyNames: readonly string[],
  lines: readonly Line[],
  name: string,
  refused: string[],
  signal: AbortSignal,
): Promise<number> {
  // Lines of one key are written in file order by one worker, so the last line still wins.
  const byKey = new Map<string, Line[]>();
  for (const entry of lines) {
    const key = JSON.stringify(keyNames.map((k) => entry.item[k]));
    const group = byKey.get(key);
    if (group) group.push(entry);
    else byKey.set(key, [entry]);
  }
  const groups = [...byKey.values()];
  let written = 0;
  let next = 0;
  const failed: { line: number; message: string }[] = [];
  const worker = async () => {
    while (next < groups.length) {
      for (const { line, item } of groups[next++]!) {
        try {
          await dyno.batchWriteItemAll(
            { RequestItems: { [table]: [{ PutRequest: { Item: item } }] } },
            { signal },
          );
          written++;
        } catch (error) {
          if (!refusedByDynamo(error)) throw error;
          const e = error instanceof BatchIncompleteError ? error.cause : error;
          failed.push({ line, message: `${(e as Error).name}: ${(e as Error).message}` });
        }
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  for (const f of failed.sort((a, b) => a.line - b.line)) {
    refused.push(`${name}:${f.line}: ${f.message}`);
  }
  return written;
}

function countOf(unprocessed: unknown): number {
  const items = (unprocessed as { RequestItems?: Record<string, unknown[]> } | undefined)
    ?.RequestItems;
  return Object.values(items ?? {}).reduce((n, list) => n + list.length, 0);
}
