/**
 * `dyno-ts export TABLE --out FILE`: a job (runJob) whose handler appends each page to a file
 * per segment under `FILE.parts/`; at the end the parts are joined into FILE (written aside and
 * renamed, so FILE is whole or absent). Stopped and run again, it continues the same job: each
 * part file is first cut back to the lines its segment's checkpoint counts, so a page handled
 * twice is written once, and every item ends up in FILE exactly once.
 * @module
 */
import { createReadStream } from "node:fs";
import { mkdir, open, readFile, rename, rm, stat, truncate, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
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
  const lines = new Map<number, number>();
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
        // Cut back what a page not checkpointed (an earlier run killed) left in the file.
        if (lines.get(ctx.segment) !== ctx.items) await cutToLines(path, ctx.items);
        lines.delete(ctx.segment);
        const file = await open(path, "a");
        try {
          await file.write(items.map((item) => `${formatItem(item, format)}\n`).join(""));
          await file.datasync();
        } finally {
          await file.close();
        }
        lines.set(ctx.segment, ctx.items + items.length);
      },
    });
  } finally {
    bar.end();
  }
  await join_(parts, out, state.segments);
  if (io.stderr.isTTY) io.stderr.write(`exported ${summary.items} items to ${out}\n`);
}

/** Cuts `path` back to its first `count` lines (creating it empty when `count` is 0). */
async function cutToLines(path: string, count: number): Promise<void> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    if (count === 0) return;
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
}

/**
 * Joins the part files into `out` (written aside, then renamed) and removes the parts. Each part
 * is copied through one file handle (no stream pipeline per part: those add listeners to the one
 * target stream, and an export of many segments warned `MaxListenersExceededWarning`).
 */
async function join_(parts: string, out: string, segments: number): Promise<void> {
  const aside = `${out}.${process.pid}.tmp`;
  const target = await open(aside, "w");
  try {
    for (let segment = 0; segment < segments; segment++) {
      const path = join(parts, partName(segment));
      try {
        for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
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
  await rename(aside, out);
  await rm(parts, { recursive: true, force: true });
}
