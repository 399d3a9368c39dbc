/**
 * `dyno-ts job status ID`: a job's state as one JSON object on stdout.
 * @module
 */
import { jobStatus, type Dyno } from "../../index.js";
import { stringFlag, type Command } from "../args.js";
import { LineWriter, type Io } from "../io.js";
import { DEFAULT_LEASE_TABLE } from "./export.js";

/** `dyno-ts job status ID [--lease-table T]`. */
export async function jobStatusCommand(dyno: Dyno, command: Command, io: Io): Promise<void> {
  const id = command.positionals[1]!;
  const leaseTable = stringFlag(command.values, "lease-table") ?? DEFAULT_LEASE_TABLE;
  const status = await jobStatus(dyno, { id, leaseTable, signal: io.signal });
  if (!status) throw new Error(`no job ${JSON.stringify(id)} in lease table ${leaseTable}`);
  await new LineWriter(io.stdout).write(
    JSON.stringify(
      status,
      (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value),
      2,
    ),
  );
}
