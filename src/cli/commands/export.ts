/**
 * `dyno-ts export TABLE --out FILE`: a job (runJob) whose handler appends each page to a file
 * per segment under `FILE.parts/`; at the end the parts are joined into FILE (written aside and
 * renamed, so FILE is whole or absent). Stopped and run again, it continues the same job: each
 * part file is first cut back to the lines its segment's checkpoint counts, so a page handled
 * twice is written once, and every item ends up in FILE exactly once.
 * @module
 */
import { constants, createReadStream } from "node:fs";
import {
  mkdir,
  open,
  readFile,
  readdir,
  rename,
  rm,
  stat,
  truncate,
  writeFile,
} from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { randomUUID } from "node:crypto";
import { runJob, type Dyno, type JobSummary } from "../../index.js";
import { UsageError, formatFlag, intFlag, stringFlag, type Command, type Format } from "../args.js";
import { formatItem } from "../format.js";
import type { Io } from "../io.js";
import { progressBar } from "../progress.js";

/** The lease table jobs of the command line use unless `--lease-table` names another. */
export const DEFAULT_LEASE_TABLE = "dyno-ts-jobs";

/** What `FILE.parts/export.json` remembers between runs. */
interface ExportState {
  readonly job: string;
  readonly table: string;
  readonly segments: number;
  /** Items per page (Scan `Limit`); undefined: DynamoDB's 1 MB pages. */
  readonly pageSize: number | undefined;
  readonly leaseTable: string;
  readonly format: Format;
}

const partName = (segment: number) => `segment-${String(segment).padStart(7, "0")}.jsonl`;

/** `dyno-ts export TABLE --out FILE [--segments N] [--job ID] [--lease-table T]`. */
export async function exportTable(dyno: Dyno, command: Command, io: Io): Promise<void> {
  const table = command.positionals[0]!;
  const out = resolve(stringFlag(command.values, "out", true));
  const parts = `${out}.parts`;
  const stateFile = join(parts, "export.json");
  const given = {
    job: stringFlag(command.values, "job"),
    segments: intFlag(command.values, "segments", 1, 1_000_000),
    pageSize: intFlag(command.values, "page-size", 1),
    leaseTable: stringFlag(command.values, "lease-table"),
    format:
      command.values.format === undefined ? undefined : formatFlag(command.values, "dynamodb"),
  };
  await reclaimDeadJoin(parts);
  let state: ExportState | undefined;
  try {
    state = JSON.parse(await readFile(stateFile, "utf8")) as ExportState;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  if (state) {
    // Continuing: what the first run chose stands; a flag saying otherwise is a mistake.
    for (const [flag, value, stored] of [
      ["table", table, state.table],
      ["--job", given.job, state.job],
      ["--segments", given.segments, state.segments],
      ["--page-size", given.pageSize, state.pageSize],
      ["--lease-table", given.leaseTable, state.leaseTable],
      ["--format", given.format, state.format],
    ] as const) {
      if (value !== undefined && value !== stored) {
        throw new UsageError(
          `export: ${parts} belongs to an unfinished export with ${flag} ${stored}, not ${value}; ` +
            `rerun it as it was, or remove ${parts} to start over`,
        );
      }
    }
  } else {
    // A missing table fails here, before anything is created for it.
    await dyno.withSignal(io.signal).describeTable({ TableName: table });
    state = {
      job: given.job ?? `export-${table}-${randomUUID()}`,
      table,
      segments: given.segments ?? 4,
      pageSize: given.pageSize,
      leaseTable: given.leaseTable ?? DEFAULT_LEASE_TABLE,
      format: given.format ?? "dynamodb",
    };
    await mkdir(parts, { recursive: true });
    await writeFile(stateFile, JSON.stringify(state));
  }
  const { format } = state;
  const bar = progressBar(`export ${table}`, io.stderr);
  /** Per segment, what this process wrote last: the lines counted and the file's size after. */
  const ends = new Map<number, { items: number; bytes: number }>();
  let summary: JobSummary;
  try {
    summary = await runJob(dyno, {
      id: state.job,
      table,
      raw: true,
      ...(state.pageSize === undefined ? {} : { input: { Limit: state.pageSize } }),
      segments: state.segments,
      leaseTable: state.leaseTable,
      concurrency: Math.min(state.segments, 8),
      signal: io.signal,
      retryFailed: true, // running the export again is the way to retry it
      onProgress: (p) =>
        bar.update({
          items: p.items,
          itemsPerSecond: p.itemsPerSecond,
          etaMs: p.etaMs,
          done: p.segmentsDone,
          total: p.segments,
        }),
      handler: async (items, ctx) => {
        const path = join(parts, partName(ctx.segment));
        // Where this page goes: the end of what this process wrote last when the file is still so
        // (no other process wrote the segment since), else the end of the checkpointed lines
        // (cutting back what a page not checkpointed, by any process, left there).
        const known = ends.get(ctx.segment);
        ends.delete(ctx.segment);
        const offset =
          known && known.items === ctx.items && known.bytes === (await sizeOf(path))
            ? known.bytes
            : await cutToLines(path, ctx.items);
        const text = Buffer.from(items.map((item) => `${formatItem(item, format)}\n`).join(""));
        // Written at its offset, not appended: a late write of a worker whose lease lapsed lands
        // on the same lines as its successor's, never after them.
        const file = await open(path, constants.O_WRONLY | constants.O_CREAT);
        try {
          await file.write(text, 0, text.length, offset);
          await file.truncate(offset + text.length);
          await file.datasync();
        } finally {
          await file.close();
        }
        ends.set(ctx.segment, { items: ctx.items + items.length, bytes: offset + text.length });
      },
    });
  } finally {
    bar.end();
  }
  await joinOnce(parts, out, state, summary.items, io.signal);
  if (io.stderr.isTTY) io.stderr.write(`exported ${summary.items} items to ${out}\n`);
}

/** The size of `path` in bytes; -1 when it does not exist. */
async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    return -1;
  }
}

/** Cuts `path` back to its first `count` lines; resolves with its size after. */
async function cutToLines(path: string, count: number): Promise<number> {
  const size = await sizeOf(path);
  if (size < 0) {
    if (count === 0) return 0;
    throw new Error(
      `${path} is missing but its segment's checkpoint counts ${count} lines: remove the export's .parts directory to start over`,
    );
  }
  let seen = 0;
  let offset = 0;
  if (count > 0) {
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
      let at = -1;
      while ((at = chunk.indexOf(10, at + 1)) !== -1) {
        if (++seen === count) {
          offset += at + 1;
          break;
        }
      }
      if (seen === count) break;
      offset += chunk.length;
    }
    if (seen < count) {
      throw new Error(
        `${path} holds ${seen} lines but its segment's checkpoint counts ${count}: remove the export's .parts directory to start over`,
      );
    }
  }
  if (offset < size) await truncate(path, offset);
  return offset;
}

/** The parts taken by the process PID to join them are `FILE.parts.joining.PID`. */
const joiningPrefix = (parts: string) => `${basename(parts)}.joining.`;

/** The parts directories being joined, with the pid of the process joining each. */
async function joiningDirs(parts: string): Promise<{ path: string; pid: number }[]> {
  const prefix = joiningPrefix(parts);
  return (await readdir(dirname(parts)))
    .filter((name) => name.startsWith(prefix))
    .map((name) => ({
      path: join(dirname(parts), name),
      pid: Number(name.slice(prefix.length)),
    }));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes back the parts of a join whose process died mid-way (`FILE.parts.joining.PID` of a pid
 * no longer running), so that running the export again joins them.
 */
async function reclaimDeadJoin(parts: string): Promise<void> {
  for (const { path, pid } of await joiningDirs(parts)) {
    if (!alive(pid)) await rename(path, parts).catch(() => {});
  }
}

/**
 * Joins the parts into `out` in exactly one of the processes sharing the export: the one whose
 * rename of `FILE.parts` to `FILE.parts.joining.PID` succeeds. The others wait for it to end.
 * The joined lines must be the job's item count, else nothing is written over `out` (the parts
 * of a finished job are gone, or not this export's).
 */
async function joinOnce(
  parts: string,
  out: string,
  state: ExportState,
  items: number,
  signal: AbortSignal,
): Promise<void> {
  const mine = `${parts}.joining.${process.pid}`;
  try {
    await rename(parts, mine);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    // Another process took the parts: wait until its join ends, then see that FILE was written.
    for (;;) {
      const joining = await joiningDirs(parts);
      if (joining.length === 0) break;
      if (joining.every(({ pid }) => !alive(pid))) {
        throw new Error(
          `the export process ${joining.map(({ pid }) => pid).join(", ")} that was joining the parts stopped; run the export again to join them`,
        );
      }
      await sleep(100, undefined, { signal });
    }
    if ((await sizeOf(parts)) >= 0 || (await sizeOf(out)) < 0)
      throw new Error(
        `the parts of job ${state.job} were taken by another process and ${out} was not written`,
      );
    return;
  }
  await join_(mine, out, state.segments, items);
}

/**
 * Joins the part files into `out` (written aside, then renamed) and removes the parts. Each part
 * is copied through one file handle (no stream pipeline per part: those add listeners to the one
 * target stream, and an export of many segments warned `MaxListenersExceededWarning`).
 */
async function join_(parts: string, out: string, segments: number, items: number): Promise<void> {
  const aside = `${out}.${process.pid}.tmp`;
  const target = await open(aside, "w");
  let lines = 0;
  try {
    for (let segment = 0; segment < segments; segment++) {
      const path = join(parts, partName(segment));
      try {
        for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
          for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
          await target.write(chunk);
        }
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error; // an empty segment
      }
    }
    await target.sync();
  } finally {
    await target.close();
  }
  if (lines !== items) {
    await rm(aside, { force: true });
    await rename(parts, parts.slice(0, parts.lastIndexOf(".joining."))).catch(() => {});
    throw new Error(
      `the parts hold ${lines} lines but the job counted ${items} items; ${out} is left as it was ` +
        `(a job already exported has no parts left: export it again with a new --out, or without --job)`,
    );
  }
  await rename(aside, out);
  await rm(parts, { recursive: true, force: true });
}
