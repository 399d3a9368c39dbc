/**
 * `dyno-ts export TABLE --out FILE`: a job (runJob) whose handler writes each page to a file of
 * its own under `FILE.parts/`, named by segment and the page's first item's place in the segment (written aside and renamed, so a
 * page file is whole or absent). A page handled twice (a worker died or lost its lease) writes the
 * same file again, whatever process does it and however late, and never touches another page's.
 * At the end one process joins, per segment, the pages its checkpoint counts, in order, into FILE
 * (written aside and renamed, so FILE is whole or absent): every item ends up in FILE exactly once.
 * @module
 */
import { createReadStream } from "node:fs";
import { mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { randomUUID } from "node:crypto";
import { jobStatus, runJob, type Dyno, type JobSummary } from "../../index.js";
import { UsageError, formatFlag, intFlag, stringFlag, type Command, type Format } from "../args.js";
import { formatItem } from "../format.js";
import type { Io } from "../io.js";
import { progressBar } from "../progress.js";

/** The lease table jobs of the command line use unless `--lease-table` names another. */
export const DEFAULT_LEASE_TABLE = "dyno-ts-jobs";

/** What `FILE.parts/export.json` remembers between runs. */
export interface ExportState {
  readonly job: string;
  readonly table: string;
  readonly segments: number;
  /** Items per page (Scan `Limit`); undefined: DynamoDB's 1 MB pages. */
  readonly pageSize: number | undefined;
  readonly leaseTable: string;
  readonly format: Format;
}

/**
 * The file of a segment's page whose first item is the segment's item number `from` (0 for the
 * first): named by its place in the segment's items, not by its page number, since an empty page
 * writes no file and the chain of files goes from one item count to the next.
 */
const pageName = (segment: number, from: number) =>
  `segment-${String(segment).padStart(7, "0")}-from-${String(from).padStart(12, "0")}.jsonl`;

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
        if (items.length === 0) return;
        const path = join(parts, pageName(ctx.segment, ctx.items));
        const aside = `${path}.${process.pid}.${randomUUID()}.tmp`;
        let file;
        try {
          file = await open(aside, "w");
        } catch (error) {
          // The parts were taken to be joined: the job is done, so this page is a late repeat of
          // one its checkpoint already counts (the join checks every count).
          if ((error as NodeJS.ErrnoException).code === "ENOENT" && (await sizeOf(parts)) < 0)
            return;
          throw error;
        }
        try {
          await file.write(items.map((item) => `${formatItem(item, format)}\n`).join(""));
          await file.datasync();
        } finally {
          await file.close();
        }
        if (ctx.signal.aborted) {
          await rm(aside, { force: true });
          throw ctx.signal.reason; // no longer this segment's holder: its next holder writes the page
        }
        await rename(aside, path);
      },
    });
  } finally {
    bar.end();
  }
  await joinOnce(dyno, parts, out, state, summary.items, io.signal);
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

/** The job whose parts `dir` holds (its `export.json`); undefined when it holds none. */
async function jobOfParts(dir: string): Promise<string | undefined> {
  try {
    return (JSON.parse(await readFile(join(dir, "export.json"), "utf8")) as ExportState).job;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * Joins the parts into `out` in exactly one of the processes sharing the export: the one whose
 * rename of `FILE.parts` to `FILE.parts.joining.PID` succeeds. The others wait for it to end.
 * The joined lines must be the job's item count, else nothing is written over `out` (the parts
 * of a finished job are gone, or not this export's). Parts of another job under the same name
 * (an export of the same `--out` started after this one's parts were joined away) are never
 * taken: this job's were then joined by another process.
 */
export async function joinOnce(
  dyno: Dyno,
  parts: string,
  out: string,
  state: ExportState,
  items: number,
  signal: AbortSignal,
): Promise<void> {
  const mine = `${parts}.joining.${process.pid}`;
  let taken = false;
  if ((await jobOfParts(parts)) === state.job) {
    try {
      await rename(parts, mine);
      taken = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    // Replaced by another job's parts between the check and the rename: given back at once.
    if (taken && (await jobOfParts(mine)) !== state.job) {
      await rename(mine, parts);
      taken = false;
    }
  }
  if (!taken) {
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
    // Parts of this job back under FILE.parts: that join failed (it said why, and wrote nothing).
    if ((await jobOfParts(parts)) === state.job || (await sizeOf(out)) < 0)
      throw new Error(
        `the parts of job ${state.job} were taken by another process and ${out} was not written`,
      );
    return;
  }
  const status = await jobStatus(dyno, { id: state.job, leaseTable: state.leaseTable });
  const counts = (status?.segmentStates ?? []).map((segment) => segment.items);
  await join_(mine, out, counts, items);
}

/**
 * Joins, per segment, the chain of page files from item 0 to the count its checkpoint holds
 * (`counts[segment]`) into `out` (written aside, then renamed) and removes the parts. The parts are
 * given back (renamed to `FILE.parts` again) and `out` left as it was when a page file is missing
 * or the lines are not the job's item count.
 */
async function join_(
  parts: string,
  out: string,
  counts: readonly number[],
  items: number,
): Promise<void> {
  const aside = `${out}.${process.pid}.tmp`;
  const target = await open(aside, "w");
  let lines = 0;
  let missing: string | undefined;
  try {
    for (let segment = 0; segment < counts.length && !missing; segment++) {
      let from = 0;
      while (from < counts[segment]! && !missing) {
        const path = join(parts, pageName(segment, from));
        let pageLines = 0;
        try {
          // One file handle for every page (a stream pipeline per page would add listeners to it).
          for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
            for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) pageLines++;
            await target.write(chunk);
          }
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
          missing = pageName(segment, from);
        }
        if (pageLines === 0) missing ??= pageName(segment, from);
        lines += pageLines;
        from += pageLines;
      }
    }
    await target.sync();
  } finally {
    await target.close();
  }
  if (missing || lines !== items) {
    await rm(aside, { force: true });
    await rename(parts, parts.slice(0, parts.lastIndexOf(".joining."))).catch(() => {});
    const what = missing
      ? `the page file ${missing} is missing`
      : `the parts hold ${lines} lines but the job counted ${items} items`;
    throw new Error(
      `${what}; ${out} is left as it was (a job already exported has no parts left: export it ` +
        `again with a new --out, or without --job)`,
    );
  }
  await rename(aside, out);
  await rm(parts, { recursive: true, force: true });
}
