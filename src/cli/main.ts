/**
 * The command line's dispatch: parse, run the command, and turn the outcome into an exit status
 * — 0 on success, 1 on failure with one clear line on stderr, 2 on bad arguments with the usage.
 * @module
 */
import { USAGE, UsageError, parseCommand, type Command } from "./args.js";
import { exportTable } from "./commands/export.js";
import { importTable } from "./commands/import.js";
import { jobStatusCommand } from "./commands/job.js";
import { local } from "./commands/local.js";
import { query, scan, tables } from "./commands/read.js";
import { PipeClosed, type Io } from "./io.js";
import { sessionFor } from "./session.js";

const RUN = {
  tables,
  scan,
  query,
  export: exportTable,
  import: importTable,
  job: jobStatusCommand,
};

/** Runs the command line `argv` (without node and the script); resolves with the exit status. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  let command: Command | undefined;
  try {
    command = parseCommand(argv);
    if (command.name === "help") {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (command.name === "local") {
      await local(command, io);
      return 0;
    }
    const dyno = sessionFor(command);
    try {
      await RUN[command.name](dyno, command, io);
    } finally {
      dyno.client.destroy();
    }
    return 0;
  } catch (error) {
    if (error instanceof PipeClosed) return 0;
    if (error instanceof UsageError) {
      io.stderr.write(`dyno-ts: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    io.stderr.write(`dyno-ts: ${describe(command, error, io.signal)}\n`);
    return 1;
  }
}

/** One line saying what failed, where. */
function describe(command: Command | undefined, error: unknown, signal: AbortSignal): string {
  const where = command ? [command.name, ...command.positionals].join(" ") : "";
  if (signal.aborted) {
    const again = command?.name === "export" ? "; run the same command again to continue" : "";
    return `${where}: interrupted${again}`;
  }
  const e = error as { name?: string; message?: string } | null;
  const name = e?.name && e.name !== "Error" ? `${e.name}: ` : "";
  const message = (e?.message ?? String(error)).split("\n")[0];
  return `${where}: ${name}${message}`;
}
