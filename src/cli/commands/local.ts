/**
 * `dyno-ts local`: a local DynamoDB on this machine's loopback address until Ctrl-C.
 * @module
 */
import { startLocal } from "../../local/index.js";
import { UsageError, intFlag, stringFlag, type Command } from "../args.js";
import type { Io } from "../io.js";

/** `dyno-ts local [--port N] [--engine dynamodb-local|dynalite]`: prints the endpoint, runs until stopped. */
export async function local(command: Command, io: Io): Promise<void> {
  const port = intFlag(command.values, "port", 0, 65_535);
  const engine = stringFlag(command.values, "engine") ?? "auto";
  if (engine !== "auto" && engine !== "dynamodb-local" && engine !== "dynalite") {
    throw new UsageError(
      `--engine: expected dynamodb-local or dynalite, got ${JSON.stringify(engine)}`,
    );
  }
  const server = await startLocal({ engine, ...(port === undefined ? {} : { port }) });
  io.stdout.write(`${server.endpoint}\n`);
  if (io.stderr.isTTY) {
    io.stderr.write(
      `${server.engine} at ${server.endpoint}; use --endpoint ${server.endpoint}. Ctrl-C stops it.\n`,
    );
  }
  if (!io.signal.aborted) {
    await new Promise((resolve) => io.signal.addEventListener("abort", resolve, { once: true }));
  }
  await server.stop();
}
