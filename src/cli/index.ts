/**
 * The `dyno-ts` command line (`npx dyno-ts --help`). Ctrl-C (or SIGTERM) stops the running
 * command cleanly: an export releases its leases and is continued by running it again.
 * @module
 */
import { main } from "./main.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const stop = new AbortController();
let interrupts = 0;
for (const name of ["SIGINT", "SIGTERM"] as const) {
  process.on(name, () => {
    // A second Ctrl-C ends the process at once.
    if (++interrupts > 1) process.exit(130);
    stop.abort(new Error(name));
  });
}

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  signal: stop.signal,
});
// Exit once stdout has been flushed (a pipe may still hold data), not before.
process.stdout.write("", () => process.exit(code));
